"""Experiment definitions (``experiments/<name>.yaml``): which scenarios to compare with the
baseline, how often, on which metrics, with which overrides and grid; parsed and checked here.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import yaml

from sim.config import ConfigError


class ExperimentError(ConfigError):
    """A user mistake about an experiment or its folder: one line."""


BASELINE = "baseline_2024"
HEADLINE_METRICS = ("release_time_mean_h", "inspection_rate", "hit_rate", "detection_rate",
                    "revenue_leakage", "compliant_inspected")


@dataclass(frozen=True)
class Precision:
    """``run.replications=auto``: add replications until the 95% CI half-width of ``metric``'s
    paired difference (all quarters, ``port_group``) is at most ``half_width`` in every scenario."""
    metric: str = "detection_rate"
    half_width: float = 0.002
    port_group: str = "all"
    start: int = 5
    max_replications: int = 40

    def __post_init__(self):
        from sim.analysis.compare import METRICS
        kinds = {"float": ((int, float), "a number"), "int": (int, "an integer"), "str": (str, "a name")}
        for f in dataclasses.fields(self):
            value, (kind, says) = getattr(self, f.name), kinds[f.type]
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ExperimentError(f"auto.{f.name}: must be {says}; got {value!r}")
        if self.metric not in METRICS:
            raise ExperimentError(f"auto.metric: unknown metric {self.metric!r}; metrics: {', '.join(METRICS)}")
        if self.port_group not in ("all", "pilot", "control"):
            raise ExperimentError(f"auto.port_group: must be all, pilot or control; got {self.port_group!r}")
        if not 2 <= self.start <= self.max_replications:
            raise ExperimentError(f"auto.start must be at least 2 and at most auto.max_replications "
                                  f"({self.max_replications}); got {self.start}")
        if not self.half_width > 0:
            raise ExperimentError(f"auto.half_width must be > 0; got {self.half_width}")

    def next_replications(self, n: int, widest: float) -> int:
        """How many replications to have next (``n`` when precise enough or at the cap): the
        half-width shrinks like 1 / sqrt(n)."""
        if not widest > self.half_width or n >= self.max_replications:
            return n
        needed = n * (widest / self.half_width) ** 2 if np.isfinite(widest) else n + 1
        return min(self.max_replications, max(n + 1, int(np.ceil(needed))))


@dataclass(frozen=True)
class Experiment:
    """Which scenarios to compare with the baseline, how often, on which metrics."""
    name: str
    scenarios: tuple[str, ...]
    question: str = ""
    baseline: str = BASELINE
    replications: Optional[int] = None  # None: run.replications (or auto)
    metrics: tuple[str, ...] = HEADLINE_METRICS
    overrides: tuple[str, ...] = ()     # Hydra overrides for every run (before the command's)
    grid: tuple[tuple[str, tuple], ...] = ()  # override key -> values: one variant per combination
    auto: Optional[Precision] = None     # set: replications are added until precise enough


def _listed(data: dict, key: str, where: str, default: tuple = ()) -> tuple:
    value = data.get(key, default)
    if isinstance(value, (str, int, float)):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise ExperimentError(f"{where}: {key} must be a list; got {value!r}")
    return tuple(value)


def parse_experiment(data: dict, where: str) -> Experiment:
    """An :class:`Experiment` from its YAML mapping; unknown keys and bad values are errors."""
    from sim.analysis.compare import METRICS
    fields = {f.name for f in dataclasses.fields(Experiment)}
    unknown = sorted(set(data) - fields)
    if unknown:
        raise ExperimentError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(fields))}")
    metrics = _listed(data, "metrics", where, HEADLINE_METRICS)
    bad = [m for m in metrics if m not in METRICS]
    if bad:
        raise ExperimentError(f"{where}: unknown metric {bad[0]!r}; metrics: {', '.join(METRICS)}")
    reps = data.get("replications")
    if reps is not None and reps != "auto" and not (isinstance(reps, int) and reps >= 1):
        raise ExperimentError(f"{where}: replications must be a positive integer or auto; got {reps!r}")
    try:
        auto = Precision(**(data.get("auto") or {})) if reps == "auto" or data.get("auto") else None
    except TypeError as exc:
        raise ExperimentError(f"{where}: auto: {exc}") from None
    grid = data.get("grid") or {}
    return Experiment(name=str(data.get("name") or where), question=str(data.get("question", "")).strip(),
                      scenarios=_listed(data, "scenarios", where), baseline=data.get("baseline", BASELINE),
                      replications=None if reps == "auto" else reps, metrics=metrics,
                      overrides=tuple(str(o) for o in _listed(data, "overrides", where)),
                      grid=tuple((str(k), _listed(grid, k, f"{where}: grid")) for k in grid), auto=auto)


def available_experiments(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yaml"))


def load_experiment(folder: Path, name: str) -> Experiment:
    """The experiment ``experiments/<name>.yaml``."""
    path = folder / f"{name}.yaml"
    if not path.is_file():
        raise ExperimentError(f"no experiment named {name!r}; available: "
                              f"{', '.join(available_experiments(folder)) or 'none'}")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ExperimentError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise ExperimentError(f"{path}: must be a mapping of name, question, scenarios, ...")
    return parse_experiment(data, f"experiment {name}")


def check_scenarios(exp: Experiment, scenarios_dir: Path) -> None:
    """Every scenario the experiment names must exist in ``scenarios/``."""
    if not exp.scenarios:
        raise ExperimentError(f"experiment {exp.name}: lists no scenarios to compare")
    for name in (exp.baseline, *exp.scenarios):
        if not (scenarios_dir / f"{name}.yaml").is_file():
            known = ", ".join(sorted(p.stem for p in scenarios_dir.glob("*.yaml")))
            raise ExperimentError(f"experiment {exp.name}: scenario {name!r} does not exist "
                                  f"(no scenarios/{name}.yaml); available: {known}")


def variants(exp: Experiment) -> dict[str, list[str]]:
    """Label -> Hydra overrides of each run family: the baseline, then every scenario (times
    every combination of the grid, labelled ``scenario__key=value__...``)."""
    combos: list[list[tuple[str, object]]] = [[]]
    for key, values in exp.grid:
        combos = [combo + [(key, value)] for combo in combos for value in values]
    out = {exp.baseline: [f"scenario={exp.baseline}", *exp.overrides]}
    for scenario in exp.scenarios:
        for combo in combos:
            label = "__".join([scenario] + [f"{key.rsplit('.', 1)[-1]}={value}" for key, value in combo])
            out[label] = [f"scenario={scenario}", *exp.overrides, *(f"{k}={v}" for k, v in combo)]
    return out
