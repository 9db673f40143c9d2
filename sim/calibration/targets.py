"""Targets as data: observed figures (``calibration/targets_2024.yaml``) and reported pilot
outcomes kept for validation (``calibration/validation_2024.yaml``), in one format.

A target file names the runs its targets need (``runs``: a scenario and overrides each) and
the targets: a metric of the output tables pooled over ports and quarters of one run — a level,
or, with ``baseline``, a paired effect against another run — its value, tolerance, weight and
source. :meth:`Target.definition` writes the exact definition in output columns.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pandas as pd

from sim.analysis.targets import EFFECTS, METRICS, PLACES, SPLIT_METRICS, SPLITS, measure, summary
from sim.config import ConfigError

FIT_COLUMNS = ["target", "definition", "observed", "simulated", "lo", "hi", "tolerance", "within"]
VALIDATION_COLUMNS = ["target", "definition", "reported", "simulated", "lo", "hi", "within"]
FILE_KEYS = ("name", "params", "validation", "runs", "targets")
RUN_KEYS = ("scenario", "overrides")
TARGET_KEYS = ("description", "run", "metric", "split", "ports", "quarters", "baseline", "effect", "value",
               "tolerance", "weight", "source")


@dataclass(frozen=True)
class TargetRun:
    """A run the targets read: a scenario and its overrides (before the command line's)."""
    name: str
    scenario: str
    overrides: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """One figure to reproduce, defined in output columns."""
    name: str
    run: str
    metric: str
    value: float
    source: str
    description: str = ""
    split: Optional[tuple[str, str]] = None
    ports: Any = "all"
    quarters: Any = "all"
    baseline: Optional[str] = None
    effect: Optional[str] = None
    tolerance: float = 0.0
    weight: float = 1.0

    def definition(self, runs: dict[str, TargetRun]) -> str:
        """The exact definition in output columns, one line."""
        table = f"breakdown {self.split[0]}={self.split[1]} {self.metric}" if self.split else \
            f"quarterly.{self.metric}"
        place = lambda v: v if isinstance(v, str) else "+".join(map(str, v))  # noqa: E731
        where = f"pooled over ports {place(self.ports)}, quarters {place(self.quarters)}"
        run = runs[self.run]
        what = f"run {run.name} (scenario={run.scenario}{''.join(' ' + o for o in run.overrides)})"
        if self.baseline is None:
            return f"{table} {where} of {what}; mean over replications"
        base = runs[self.baseline]
        return (f"{self.effect} effect ({EFFECTS[self.effect]}, paired by replication) of {table} {where} of "
                f"{what} against run {base.name} (scenario={base.scenario}); mean over replications")

    def measure(self, tables: dict) -> dict[str, float]:
        """Simulated value (mean over replications), its 95% CI and n, from the runs' tables."""
        return summary(measure(tables, self.run, self.metric, self.ports, self.quarters, self.split,
                               self.baseline, self.effect), None if self.baseline else self.metric)


@dataclass(frozen=True)
class TargetSet:
    """A target file: its runs, targets, default calibrated parameters and validation file."""
    name: str
    path: Path
    runs: dict[str, TargetRun]
    targets: dict[str, Target]
    params: Optional[tuple[str, ...]] = None
    validation: Optional[Path] = None
    text: str = field(default="", repr=False)

    def loss(self, measured: dict[str, dict]) -> float:
        """Weighted sum of squared distances to the targets, each in units of its tolerance."""
        return float(sum(t.weight * ((measured[name]["simulated"] - t.value) / t.tolerance) ** 2
                         for name, t in self.targets.items()))

    def fit_table(self, measured: dict[str, dict]) -> pd.DataFrame:
        """fit.csv: target, definition, observed, simulated, lo, hi, tolerance, within (|simulated -
        observed| <= tolerance)."""
        rows = [{"target": name, "definition": t.definition(self.runs), "observed": t.value,
                 "simulated": measured[name]["simulated"], "lo": measured[name]["lo"], "hi": measured[name]["hi"],
                 "tolerance": t.tolerance, "within": bool(abs(measured[name]["simulated"] - t.value) <= t.tolerance)}
                for name, t in self.targets.items()]
        return pd.DataFrame(rows, columns=FIT_COLUMNS)

    def validation_table(self, measured: dict[str, dict]) -> pd.DataFrame:
        """validation.csv: target, definition, reported, simulated, lo, hi, within (the reported
        figure inside the simulated 95% CI, widened by the target's tolerance if it states one)."""
        rows = []
        for name, t in self.targets.items():
            m = measured[name]
            low, high = (m["lo"], m["hi"]) if m["lo"] == m["lo"] else (m["simulated"], m["simulated"])
            rows.append({"target": name, "definition": f"{t.description} = {t.definition(self.runs)}"
                         if t.description else t.definition(self.runs), "reported": t.value,
                         "simulated": m["simulated"], "lo": m["lo"], "hi": m["hi"],
                         "within": bool(low - t.tolerance <= t.value <= high + t.tolerance)})
        return pd.DataFrame(rows, columns=VALIDATION_COLUMNS)


def _place(where: str, value: Any) -> Any:
    if isinstance(value, str) and value in PLACES:
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: must be one of {', '.join(PLACES)} or a non-empty list of names; got {value!r}")


def _number(where: str, value: Any, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or \
            (positive and value < 0):
        raise ConfigError(f"{where}: must be a {'number >= 0' if positive else 'finite number'}; got {value!r}")
    return float(value)


def _split(where: str, split: Any, metric: str) -> Optional[tuple[str, str]]:
    if split is None:
        return None
    if not isinstance(split, dict) or len(split) != 1 or next(iter(split)) not in SPLITS:
        raise ConfigError(f"{where}.split: must be one mapping DIMENSION: LEVEL with DIMENSION one of "
                          f"{', '.join(SPLITS)}; got {split!r}")
    if metric not in SPLIT_METRICS:
        raise ConfigError(f"{where}.metric: a split has the metrics {', '.join(SPLIT_METRICS)}; got {metric!r}")
    dimension, level = next(iter(split.items()))
    return str(dimension), str(level)


def parse_target(where: str, name: str, data: Any, runs: dict[str, TargetRun], need_tolerance: bool) -> Target:
    """A :class:`Target` from its entry; one line per mistake."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: must be a mapping with keys {', '.join(TARGET_KEYS)}; got {data!r}")
    unknown = sorted(map(str, set(data) - set(TARGET_KEYS)))
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}: unknown key; allowed: {', '.join(TARGET_KEYS)}")
    for key in ("run", "metric", "value", "source", *(("tolerance",) if need_tolerance else ())):
        if key not in data:
            raise ConfigError(f"{where}.{key}: missing; a target needs run, metric, value, source"
                              f"{' and tolerance' if need_tolerance else ''}")
    for key in ("run", "baseline"):
        if key in data and data[key] not in runs:
            raise ConfigError(f"{where}.{key}: no run named {data[key]!r}; runs: {', '.join(runs)}")
    metric = data["metric"]
    if metric not in METRICS:
        raise ConfigError(f"{where}.metric: unknown metric {metric!r}; metrics: {', '.join(METRICS)}")
    effect = data.get("effect", "difference" if "baseline" in data else None)
    if effect is not None and ("baseline" not in data or effect not in EFFECTS):
        raise ConfigError(f"{where}.effect: needs baseline: RUN and is one of {', '.join(EFFECTS)}; got {effect!r}")
    tolerance = _number(f"{where}.tolerance", data.get("tolerance", 0.0), positive=True)
    if need_tolerance and tolerance <= 0:
        raise ConfigError(f"{where}.tolerance: must be > 0 (the loss counts distance in tolerances); got {tolerance}")
    return Target(name=name, run=data["run"], metric=metric, value=_number(f"{where}.value", data["value"]),
                  source=str(data["source"]), description=str(data.get("description", "")).strip(),
                  split=_split(where, data.get("split"), metric),
                  ports=_place(f"{where}.ports", data.get("ports", "all")),
                  quarters=_place(f"{where}.quarters", data.get("quarters", "all")), baseline=data.get("baseline"),
                  effect=effect, tolerance=tolerance, weight=_number(f"{where}.weight", data.get("weight", 1.0), True))


def _runs(where: str, runs: Any) -> dict[str, TargetRun]:
    from sim.userfiles import check_overrides
    from sim.validation import check_name
    if not isinstance(runs, dict) or not runs:
        raise ConfigError(f"{where}: runs: must be a non-empty mapping name -> {{scenario, overrides}}; got {runs!r}")
    out = {}
    for name, run in runs.items():
        at = f"{where}: runs.{name}"
        check_name(at, name)
        if not isinstance(run, dict) or "scenario" not in run or set(run) - set(RUN_KEYS):
            raise ConfigError(f"{at}: must be a mapping with scenario (and overrides); got {run!r}")
        overrides = run.get("overrides") or []
        if not isinstance(overrides, list):
            raise ConfigError(f"{at}.overrides: must be a list of overrides; got {overrides!r}")
        check_overrides(f"{at}.overrides", [str(o) for o in overrides])
        out[str(name)] = TargetRun(str(name), check_name(f"{at}.scenario", run["scenario"]),
                                   tuple(str(o) for o in overrides))
    return out


def load_targets(path: Path, need_tolerance: bool = True) -> TargetSet:
    """The target file at ``path``, checked (``need_tolerance``: for calibration)."""
    from sim.userfiles import check_data, read_yaml
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"targets: no target file at {path}")
    data = read_yaml(path, "target file")
    check_data(str(path), data)
    unknown = sorted(map(str, set(data) - set(FILE_KEYS)))
    if unknown:
        raise ConfigError(f"{path}: {unknown[0]}: unknown key; allowed: {', '.join(FILE_KEYS)}")
    runs = _runs(str(path), data.get("runs"))
    if not isinstance(data.get("targets"), dict) or not data["targets"]:
        raise ConfigError(f"{path}: targets: must be a non-empty mapping name -> target")
    targets = {str(name): parse_target(f"{path}: targets.{name}", str(name), entry, runs, need_tolerance)
               for name, entry in data["targets"].items()}
    params = data.get("params")
    if params is not None and (not isinstance(params, list) or not all(isinstance(p, str) for p in params)):
        raise ConfigError(f"{path}: params: must be a list of parameter names; got {params!r}")
    validation = data.get("validation")
    if validation is not None and not (path.parent / str(validation)).is_file():
        raise ConfigError(f"{path}: validation: no file {validation!r} next to it")
    return TargetSet(name=str(data.get("name") or path.stem), path=path, runs=runs, targets=targets,
                     params=tuple(params) if params is not None else None,
                     validation=path.parent / str(validation) if validation else None, text=path.read_text())
