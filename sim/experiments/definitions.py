"""Experiment definitions (``experiments/<name>.yaml``): which scenarios to compare with the
baseline, how often, on which metrics, with which overrides and grid; parsed and checked here.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

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
class Goal:
    """A level to reach: which variants bring ``metric`` to at least ``at_least`` in the last
    quarter at ``port_group`` ports (``all`` for a variant without pilots), or come closest."""
    metric: str
    at_least: float
    port_group: str = "pilot"

    def __post_init__(self):
        from sim.analysis.compare import METRICS
        if self.metric not in METRICS:
            raise ExperimentError(f"goal.metric: unknown metric {self.metric!r}; metrics: {', '.join(METRICS)}")
        if not isinstance(self.at_least, (int, float)) or isinstance(self.at_least, bool):
            raise ExperimentError(f"goal.at_least: must be a number; got {self.at_least!r}")
        if self.port_group not in ("all", "pilot", "control"):
            raise ExperimentError(f"goal.port_group: must be all, pilot or control; got {self.port_group!r}")


@dataclass(frozen=True)
class Experiment:
    """Which scenarios to compare with the baseline, how often, on which metrics."""
    name: str
    scenarios: tuple[str, ...]
    question: str = ""
    baseline: str = BASELINE
    replications: Optional[int] = None  # None: run.replications (or auto)
    metrics: tuple[str, ...] = HEADLINE_METRICS
    primary_metric: Optional[str] = None  # declared before the results: tested unadjusted, the rest BH
    overrides: tuple[str, ...] = ()     # Hydra overrides for every run (before the command's)
    grid: tuple[tuple[str, tuple], ...] = ()  # override key -> values: one variant per combination
    auto: Optional[Precision] = None     # set: replications are added until precise enough
    files: tuple[tuple[str, str], ...] = ()  # label -> path of a scenario given as a file
    goal: Optional[Goal] = None          # set: the summary says which variants reach it


def _listed(data: dict, key: str, where: str, default: tuple = ()) -> tuple:
    value = data.get(key, default)
    if isinstance(value, (str, int, float)):
        value = [value]
    if not isinstance(value, (list, tuple)) or not value:
        raise ExperimentError(f"{where}: {key}: must be a non-empty list; got {value!r}")
    return tuple(value)


def is_path(ref: str) -> bool:
    """A scenario or experiment given as a file rather than a name."""
    return "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml"))


def scenario_ref(where: str, ref: object, base: Path) -> tuple[str, Optional[str]]:
    """(label, file) of a scenario named in an experiment: a library name, or a path (relative
    to ``base``) to a scenario file, labelled by its scenario: key or its file name."""
    from sim.compose import CONFIG_DIR
    from sim.userfiles import check_scenario_file
    from sim.validation import check_name
    if not isinstance(ref, str):
        raise ExperimentError(f"{where}: a scenario is a name or a path to a .yaml file; got {ref!r}")
    if not is_path(ref):
        return check_name(where, ref), None
    path = (base / ref).expanduser()
    if not path.is_file():
        raise ExperimentError(f"{where}: no scenario file at {path}")
    label = check_scenario_file(path, CONFIG_DIR).get("scenario", path.stem)
    return check_name(where, label), str(path.resolve())


def _grid(where: str, grid: object) -> tuple[tuple[str, tuple], ...]:
    """The grid's keys (simulator settings) and values (plain values: they name folders)."""
    from sim.userfiles import check_overrides
    from sim.validation import check_name
    if not isinstance(grid, dict):
        raise ExperimentError(f"{where}: grid: must be a mapping of setting -> list of values; got {grid!r}")
    out = []
    for key, values in grid.items():
        values = _listed(grid, key, f"{where}: grid")
        for value in values:
            if not isinstance(value, (str, int, float, bool)):
                raise ExperimentError(f"{where}: grid: {key}: values must be numbers, names or booleans; got {value!r}")
            check_overrides(f"{where}: grid", [f"{key}={value}"])
            check_name(f"{where}: grid: {key}", f"{str(key).rsplit('.', 1)[-1]}={value}")
        out.append((str(key), values))
    return tuple(out)


def _replications(where: str, reps: object) -> Optional[int]:
    integer = isinstance(reps, int) and not isinstance(reps, bool)
    if not (reps is None or reps == "auto" or (integer and 1 <= reps <= 10_000)):
        raise ExperimentError(f"{where}: replications: must be an integer in [1, 10000] or auto; got {reps!r}")
    return None if reps == "auto" else reps


def parse_experiment(data: dict, where: str, base: Path = Path(".")) -> Experiment:
    """An :class:`Experiment` from its YAML mapping (data only: see sim/userfiles.py); unknown
    keys and bad values are errors. Scenario files are found relative to ``base``."""
    from sim.analysis.compare import METRICS
    from sim.userfiles import check_data, check_overrides
    from sim.validation import check_name
    check_data(where, data)
    fields = {f.name for f in dataclasses.fields(Experiment)} - {"files"}
    unknown = sorted(map(str, set(data) - fields))
    if unknown:
        raise ExperimentError(f"{where}: {unknown[0]}: unknown key; allowed: {', '.join(sorted(fields))}")
    metrics = _listed(data, "metrics", where, HEADLINE_METRICS)
    bad = [m for m in metrics if m not in METRICS]
    if bad:
        raise ExperimentError(f"{where}: metrics: unknown metric {bad[0]!r}; metrics: {', '.join(METRICS)}")
    primary = data.get("primary_metric")
    if primary is not None and primary not in METRICS:
        raise ExperimentError(f"{where}: primary_metric: unknown metric {primary!r}; metrics: {', '.join(METRICS)}")
    reps = _replications(where, data.get("replications"))
    try:
        auto = Precision(**(data.get("auto") or {})) if data.get("replications") == "auto" or data.get("auto") else None
    except TypeError as exc:
        raise ExperimentError(f"{where}: auto: {exc}") from None
    goal = data.get("goal")
    if goal is not None and not (isinstance(goal, dict) and {"metric", "at_least"} <= set(goal) <= {
            "metric", "at_least", "port_group"}):
        raise ExperimentError(f"{where}: goal: must be a mapping with metric, at_least (and port_group); got {goal!r}")
    refs = [scenario_ref(f"{where}: scenarios", ref, base) for ref in _listed(data, "scenarios", where)]
    baseline = scenario_ref(f"{where}: baseline", data.get("baseline", BASELINE), base)
    labels = [label for label, _ in (baseline, *refs)]
    if len(set(labels)) < len(labels):
        raise ExperimentError(f"{where}: scenarios: each scenario (and the baseline) once; got {', '.join(labels)}")
    overrides = tuple(str(o) for o in data.get("overrides") or ())
    check_overrides(f"{where}: overrides", list(overrides))
    return Experiment(name=check_name(f"{where}: name", data.get("name") or "+".join(labels[1:])),
                      question=str(data.get("question", "")).strip(), scenarios=tuple(labels[1:]),
                      baseline=labels[0], replications=reps, metrics=metrics, primary_metric=primary,
                      overrides=overrides,
                      grid=_grid(where, data.get("grid") or {}), auto=auto, goal=Goal(**goal) if goal else None,
                      files=tuple((label, file) for label, file in (baseline, *refs) if file))


def available_experiments(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yaml"))


def load_experiment(folder: Path, ref: str) -> Experiment:
    """The experiment ``experiments/<ref>.yaml``, or the experiment file at the path ``ref``."""
    from sim.userfiles import read_yaml
    path = Path(ref).expanduser() if is_path(ref) else folder / f"{ref}.yaml"
    if not path.is_file():
        raise ExperimentError(f"experiment: no experiment named {ref!r}; available: "
                              f"{', '.join(available_experiments(folder)) or 'none'} (or a path to a .yaml file)")
    return parse_experiment(read_yaml(path, "experiment file"), str(path), path.parent)


def check_scenarios(exp: Experiment, scenarios_dir: Path) -> None:
    """Every scenario the experiment names must exist in ``scenarios/`` (or be a file)."""
    files = dict(exp.files)
    for name in (exp.baseline, *exp.scenarios):
        if name not in files and not (scenarios_dir / f"{name}.yaml").is_file():
            known = ", ".join(sorted(p.stem for p in scenarios_dir.glob("*.yaml")))
            raise ExperimentError(f"experiment {exp.name}: scenario {name!r} does not exist "
                                  f"(no scenarios/{name}.yaml); available: {known}")


def variants(exp: Experiment) -> dict[str, list[str]]:
    """Label -> Hydra overrides of each run family: the baseline, then every scenario (times
    every combination of the grid, labelled ``scenario__key=value__...``)."""
    from sim.validation import check_name
    files = dict(exp.files)
    combos: list[list[tuple[str, object]]] = [[]]
    for key, values in exp.grid:
        combos = [combo + [(key, value)] for combo in combos for value in values]
    out = {exp.baseline: [f"scenario={files.get(exp.baseline, exp.baseline)}", *exp.overrides]}
    for scenario in exp.scenarios:
        for combo in combos:
            label = "__".join([scenario] + [f"{key.rsplit('.', 1)[-1]}={value}" for key, value in combo])
            out[check_name("run label", label)] = [f"scenario={files.get(scenario, scenario)}", *exp.overrides,
                                                   *(f"{k}={v}" for k, v in combo)]
    return out
