"""Choosing k declarations by score, and how good a ranking is at k% inspected.

Ties in a score are broken at random (from the caller's generator), never by row order, so a
coarse score such as a count of rule flags is not favoured by how a file happens to be sorted.
"""
from __future__ import annotations

import numpy as np

SHARES = {"precision_at_1": 0.01, "precision_at_5": 0.05, "precision_at_10": 0.10}
EXPLORE_BY = ("random", "uncertainty")


def count_at(n: int, share: float) -> int:
    """How many of ``n`` declarations a ``share`` selects: floor(share * n), at least 1 if share > 0."""
    return min(n, max(int(share * n), 1 if share > 0 and n > 0 else 0))


def order(scores: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Row indices from the highest score to the lowest, ties in random order."""
    scores = np.asarray(scores, float)
    return np.lexsort((rng.random(len(scores)), -scores))


def ranking_metrics(scores: np.ndarray, fraud: np.ndarray, revenue: np.ndarray,
                    rng: np.random.Generator) -> dict[str, float]:
    """AUC, precision at 1/5/10% inspected, recall and revenue recall at 5%.

    Args:
        scores: Higher = inspect first.
        fraud: 1 fraud, 0 clean (the truth of every row).
        revenue: What inspecting each row recovers (0 for clean rows).
        rng: Breaks ties in ``scores``.

    """
    from sklearn.metrics import roc_auc_score  # scikit-learn: only where metrics are computed
    fraud, revenue = np.asarray(fraud) == 1, np.asarray(revenue, float)
    ranked = order(scores, rng)
    out = {"auc": float(roc_auc_score(fraud, scores)) if 0 < fraud.sum() < len(fraud) else float("nan")}
    for name, share in SHARES.items():
        out[name] = float(fraud[ranked[:count_at(len(fraud), share)]].mean())
    top = ranked[:count_at(len(fraud), 0.05)]
    out["recall_at_5"] = float(fraud[top].sum() / max(fraud.sum(), 1))
    out["revenue_recall_at_5"] = float(revenue[top].sum() / revenue.sum()) if revenue.sum() > 0 else float("nan")
    return out


def select(scores: np.ndarray, k: int, rng: np.random.Generator, explore: float = 0.0,
           explore_by: str = "random", probability: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pick ``k`` rows: ``round(explore * k)`` to explore, the rest by highest score.

    Exploration as in the peer framework's hybrid strategies: ``random`` picks uniformly among
    all rows; ``uncertainty`` picks the rows whose fraud ``probability`` is closest to 0.5.
    Exploration picks first, then the best-scored rows among the others.

    Returns:
        The selected row indices (exploration first) and a mask of which of them explored.

    """
    if explore_by not in EXPLORE_BY:
        raise ValueError(f"explore_by must be one of {EXPLORE_BY}; got {explore_by!r}")
    n = len(scores)
    k = min(k, n)
    n_explore = int(round(explore * k))
    if explore_by == "uncertainty" and n_explore:
        if probability is None:
            raise ValueError("uncertainty exploration needs fraud probabilities")
        explored = order(-np.abs(np.asarray(probability, float) - 0.5), rng)[:n_explore]
    else:
        explored = rng.permutation(n)[:n_explore]
    taken = np.zeros(n, bool)
    taken[explored] = True
    rest = order(scores, rng)
    chosen = np.concatenate([explored, rest[~taken[rest]][:k - n_explore]]).astype(np.int64)
    return chosen, np.arange(k) < n_explore
