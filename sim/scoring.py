"""How well targeting's risk scores rank the truth, per port and quarter (known only in simulation).

For every declaration a targeting policy scored (``Screening.risk_score``) the ledger hands
:class:`ScoreRecord` its port-quarter (arrival, as the other cohort metrics), score, truth and
the scoring model's age. Per port-quarter:

- ``model_auc``: ROC AUC of the scores against the true violations, over all scored declarations
  (customs sees labels only of what it checked; the simulation knows them all);
- ``model_auc_smuggling``: the same for smuggling attempts against compliant declarations;
- ``model_drift``: the AUC of declarations scored by a model at least ``FRESH_DAYS`` old minus
  that of declarations scored in a model's first ``FRESH_DAYS`` (the change since the last retrain;
  NaN without a trained model, e.g. rules or the abstract risk mode).

Precision, recall and revenue recall at the inspection rate are ratios of ledger sums
(:mod:`sim.metrics`). AUC uses average ranks for ties (Mann-Whitney).
"""
from __future__ import annotations

import numpy as np

FRESH_DAYS = 7.0  # a model's first week counts as fresh (convention; with monthly retraining 7-15)


def auc(score: np.ndarray, positive: np.ndarray) -> float:
    """ROC AUC of ``score`` for ``positive`` (NaN unless both classes occur)."""
    n1 = int(positive.sum())
    n0 = len(positive) - n1
    if n1 == 0 or n0 == 0:
        return np.nan
    from scipy.stats import rankdata  # only runs that score declarations pay for scipy.stats
    return float((rankdata(score)[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


class ScoreRecord:
    """Scored declarations per port x quarter, and the ranking metrics computed from them."""

    def __init__(self, n_ports: int, n_quarters: int):
        self.shape = (n_ports, n_quarters)
        self.parts: list[tuple[np.ndarray, ...]] = []

    def add(self, port: np.ndarray, quarter: np.ndarray, score: np.ndarray, violation: np.ndarray,
            smuggler: np.ndarray, age_d: np.ndarray) -> None:
        """Keep the scored declarations (finite score) among those given."""
        scored = np.isfinite(score)
        if scored.any():
            cell = port[scored] * self.shape[1] + quarter[scored]
            self.parts.append((cell, score[scored], violation[scored] >= 0, smuggler[scored] >= 0, age_d[scored]))

    def metrics(self) -> dict[str, np.ndarray]:
        """``model_auc``, ``model_auc_smuggling``, ``model_drift``: arrays port x quarter (NaN: none)."""
        out = {name: np.full(self.shape[0] * self.shape[1], np.nan)
               for name in ("model_auc", "model_auc_smuggling", "model_drift")}
        if self.parts:
            cell, score, violation, smuggling, age = (np.concatenate(x) for x in zip(*self.parts))
            order = np.argsort(cell, kind="stable")
            bounds = np.flatnonzero(np.diff(cell[order])) + 1
            for rows in np.split(order, bounds):
                k = cell[rows[0]]
                out["model_auc"][k] = auc(score[rows], violation[rows])
                plain = rows[smuggling[rows] | ~violation[rows]]
                out["model_auc_smuggling"][k] = auc(score[plain], smuggling[plain])
                fresh, stale = rows[age[rows] < FRESH_DAYS], rows[age[rows] >= FRESH_DAYS]
                out["model_drift"][k] = auc(score[stale], violation[stale]) - auc(score[fresh], violation[fresh])
        return {name: values.reshape(self.shape) for name, values in out.items()}
