"""Global sensitivity of a scenario's effect (or a baseline metric) to the declared parameters, with SALib.

The design is drawn in the unit cube (each parameter's prior quantile) and mapped to values by
each parameter's prior, so Morris elementary effects are per full declared range and every
parameter's influence is on one scale. Each design point runs the baseline and the scenario with
the same seeds (common random numbers): the point's outcome is the paired effect of the scenario,
pooled over its pilot ports and quarters (or a baseline metric), averaged over replications.

- ``morris``: screening; ``mu_star`` (mean absolute elementary effect: the influence), ``sigma``
  (their spread: interactions or non-linearity); n trajectories of k + 1 points.
- ``sobol``: variance decomposition; ``S1`` (first order) and ``ST`` (total) with bootstrap 95%
  CIs (``_conf``); n base samples, n (k + 2) points (Saltelli's scheme, no second order).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from sim.analysis.targets import measure
from sim.calibration.parameters import Parameter
from sim.calibration.points import point_jobs
from sim.config import Config

METHODS = ("morris", "sobol")
COLUMNS = {"morris": ["parameter", "mu_star", "sigma", "mu", "mu_star_conf"],
           "sobol": ["parameter", "S1", "S1_conf", "ST", "ST_conf"]}


def problem(params: list[Parameter]) -> dict:
    """SALib's problem: every parameter in the unit interval (its prior quantile)."""
    return {"num_vars": len(params), "names": [p.name for p in params], "bounds": [[0.0, 1.0]] * len(params)}


def design(params: list[Parameter], method: str, n: int, seed: int, levels: int = 4) -> np.ndarray:
    """The design in the unit cube, one row per point."""
    if method == "morris":
        from SALib.sample import morris
        return morris.sample(problem(params), N=n, num_levels=levels, seed=seed)
    from SALib.sample import sobol
    return sobol.sample(problem(params), N=n, calc_second_order=False, seed=seed)


def to_values(params: list[Parameter], unit: np.ndarray) -> np.ndarray:
    """Design rows in the parameters' own units."""
    return np.column_stack([p.from_unit(unit[:, i]) for i, p in enumerate(params)])


def indices(params: list[Parameter], method: str, unit: np.ndarray, y: np.ndarray, seed: int,
            levels: int = 4) -> pd.DataFrame:
    """sensitivity.csv: one row per parameter, most influential first, with its unit, mechanism and source."""
    if method == "morris":
        from SALib.analyze import morris
        res = morris.analyze(problem(params), unit, np.asarray(y, float), num_levels=levels, seed=seed)
        table = pd.DataFrame({"parameter": res["names"], "mu_star": res["mu_star"], "sigma": res["sigma"],
                              "mu": res["mu"], "mu_star_conf": res["mu_star_conf"]})
    else:
        from SALib.analyze import sobol
        res = sobol.analyze(problem(params), np.asarray(y, float), calc_second_order=False, seed=seed)
        table = pd.DataFrame({"parameter": [p.name for p in params], "S1": res["S1"], "S1_conf": res["S1_conf"],
                              "ST": res["ST"], "ST_conf": res["ST_conf"]})
    info = pd.DataFrame({"parameter": [p.name for p in params], "mechanism": [p.mechanism for p in params],
                         "unit": [p.unit for p in params], "path": [p.path for p in params]})
    table = table.merge(info, on="parameter")
    key = "mu_star" if method == "morris" else "ST"
    return table.sort_values(key, ascending=False, kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Outcome:
    """What each design point yields: ``metric`` pooled over ``ports`` x ``quarters`` of the scenario
    run, as the paired ``effect`` against the baseline (or the baseline's level without a scenario)."""
    metric: str
    baseline: str
    scenario: Optional[str]
    ports: object = "all"
    quarters: object = "all"
    effect: str = "difference"

    def of(self, tables: dict) -> float:
        run = self.scenario or self.baseline
        values = measure(tables, run, self.metric, self.ports, self.quarters, None,
                         self.baseline if self.scenario else None, self.effect)
        return float(values.mean())


def point_folder(root: Path, i: int) -> Path:
    return root / "samples" / f"{i:05d}"


def design_jobs(bases: dict[str, Config], params: list[Parameter], values: np.ndarray, root: Path) -> list[list]:
    """The jobs of every design point (each in its own folder of the job store)."""
    return [point_jobs(bases, params, row, point_folder(root, i)) for i, row in enumerate(values)]


def outcomes(points: list[list], outcome: Outcome) -> np.ndarray:
    """Each point's outcome from its finished runs."""
    from sim.experiments.jobs import load_runs
    return np.array([outcome.of(load_runs(jobs)) for jobs in points])
