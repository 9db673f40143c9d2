"""Small helpers shared by the statistical tests: run configs and t-based CIs."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.compose import load_config
from sim.experiments.replications import run_replications
from sim.model import SupervisionModel
from sim.records import S
from sim.streams import replication_seeds


def run(*overrides: str):
    """Run a config composed from ``overrides`` (as `tradesim run` would) and return its tables."""
    cfg, _ = load_config(["run.progress=false", *overrides])
    return run_replications(cfg)


def t_ci(values, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the Student-t confidence interval of ``values``."""
    values = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.5 + level / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return values.mean(), values.mean() - half, values.mean() + half


def settled_declarations(*overrides: str, truth: tuple[str, ...] = (), screening: tuple[str, ...] = ()):
    """One smoke replication of the config composed from ``overrides``: every declaration as
    settled (status, channel, the TRS stamps, and the named ``truth`` and ``screening`` fields),
    and the run's tables."""
    cfg, _ = load_config(["run=smoke", "run.progress=false", *overrides])
    model = SupervisionModel(cfg, replication_seeds(cfg.run.seed, 1)[0])
    parts, record = [], model.ledger.record

    def keep(c) -> None:
        parts.append(pd.DataFrame({"status": c.status, "channel": c.decision("channel"),
                                   **{name: c.stamps[:, S[name]] for name in S},
                                   **{name: c.truth(name) for name in truth},
                                   **{name: c.screening(name) for name in screening}}))
        record(c)

    model.ledger.record = keep
    result = model.run()
    return pd.concat(parts, ignore_index=True), result
