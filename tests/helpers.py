"""Small helpers shared by the statistical tests: run configs and t-based CIs."""
from __future__ import annotations

import numpy as np
from scipy import stats

from sim.compose import load_config
from sim.experiments.replications import run_replications


def run(*overrides: str):
    """Run a config composed from ``overrides`` (as `tradesim run` would) and return its tables."""
    cfg, _ = load_config(["run.progress=false", *overrides])
    return run_replications(cfg)


def t_ci(values, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the Student-t confidence interval of ``values``."""
    values = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.5 + level / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return values.mean(), values.mean() - half, values.mean() + half
