"""Fit each strategy on one set of declarations, measure its ranking on another (held out).

The training file is taken as fully inspected (every label known); nothing of the test file but
its declarations reaches a strategy, and its labels are used only to score the ranking.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.learning.public_data import revenue
from sim.learning.ranking import SHARES, ranking_metrics
from sim.learning.strategies import STRATEGIES
from sim.streams import Streams

COLUMNS = ("strategy", "auc", *SHARES, "recall_at_5", "revenue_recall_at_5")


def evaluate_strategies(train: pd.DataFrame, test: pd.DataFrame, seed: int,
                        names: tuple[str, ...] = tuple(STRATEGIES)) -> pd.DataFrame:
    """One row per strategy: its AUC, precision at 1/5/10%, recall and revenue recall at 5%.

    Args:
        train: Declarations with their ``fraud`` labels (frame of :func:`read_declarations`).
        test: Declarations to rank; their labels only score the ranking.
        seed: Each strategy draws from its own stream of this seed (named by the strategy).
        names: Strategies to evaluate, in the order of the rows.

    """
    streams = Streams(np.random.SeedSequence(seed))
    features = test.drop(columns=["fraud", "critical"])
    rows = []
    for name in names:
        fit_rng, tie_rng = streams.get(f"fit:{name}"), streams.get(f"ties:{name}")
        strategy = STRATEGIES[name]().fit(train, train["fraud"].to_numpy(float), fit_rng)
        scores = strategy.score(features)
        rows.append({"strategy": name, **ranking_metrics(scores, test["fraud"], revenue(test), tie_rng)})
    return pd.DataFrame(rows, columns=list(COLUMNS))
