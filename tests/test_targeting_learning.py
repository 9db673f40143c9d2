"""Risk-targeting building blocks (sim.learning): ranking metrics, selection with exploration,
the feature encoder's use of labels, and strategies learning a known fraud mechanism."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.learning.features import FOLDS, SMOOTHING, DeclarationEncoder, key_columns
from sim.learning.holdout import COLUMNS, evaluate_strategies
from sim.learning.public_data import COLUMNS as HEADER
from sim.learning.ranking import count_at, ranking_metrics, select
from sim.learning.strategies import STRATEGIES
from tests.synthetic_declarations import make_declarations


@pytest.fixture(scope="module")
def declarations() -> pd.DataFrame:
    frame = make_declarations(weeks=10, per_week=150, seed=3).rename(columns=HEADER)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_metrics_of_a_hand_made_ranking():
    n = 200
    fraud = np.zeros(n, int)
    fraud[:10] = 1                       # the 10 best-scored rows are the frauds
    revenue = np.where(fraud == 1, np.arange(n) + 1.0, 0.0)
    scores = -np.arange(n, dtype=float)
    m = ranking_metrics(scores, fraud, revenue, np.random.default_rng(0))
    assert m["auc"] == pytest.approx(1.0), f"a perfect ranking has AUC 1: {m}"
    assert m["precision_at_1"] == 1.0 and m["precision_at_5"] == 1.0, f"top 2 and top 10 are all fraud: {m}"
    assert m["precision_at_10"] == pytest.approx(0.5), f"top 20 hold the 10 frauds: {m}"
    assert m["recall_at_5"] == 1.0 and m["revenue_recall_at_5"] == pytest.approx(1.0), f"top 10 find all: {m}"
    reversed_ = ranking_metrics(-scores, fraud, revenue, np.random.default_rng(0))
    assert reversed_["auc"] == pytest.approx(0.0) and reversed_["precision_at_5"] == 0.0, \
        f"the reversed ranking finds nothing at 5%: {reversed_}"


def test_ties_are_broken_at_random_not_by_row_order():
    fraud = np.r_[np.ones(100, int), np.zeros(900, int)]  # frauds come first in the file
    flat = np.zeros(1000)
    precision = [ranking_metrics(flat, fraud, fraud * 1.0, np.random.default_rng(s))["precision_at_5"]
                 for s in range(20)]
    assert 0.05 < np.mean(precision) < 0.15, \
        f"a constant score selects like random (base rate 0.1), not the first rows: mean {np.mean(precision):.3f}"


def test_count_at():
    assert [count_at(1000, s) for s in (0.01, 0.05, 0.1)] == [10, 50, 100], "floor(share * n)"
    assert count_at(10, 0.05) == 1 and count_at(10, 0.0) == 0 and count_at(0, 0.5) == 0, "at least one if share > 0"


def test_select_explores_the_requested_share():
    rng = np.random.default_rng(1)
    scores = np.arange(100.0)
    probability = np.linspace(0, 1, 100)
    chosen, explored = select(scores, 20, np.random.default_rng(5), explore=0.25, explore_by="uncertainty",
                              probability=probability)
    assert len(set(chosen)) == 20 and explored.sum() == 5, f"20 distinct picks, 5 exploring: {chosen}"
    picked = set(chosen[explored])
    assert {48, 49, 50, 51} < picked and len(picked & {47, 52}) == 1, \
        f"uncertainty sampling takes the probabilities closest to 0.5 (47 and 52 tie): {sorted(picked)}"
    exploit = chosen[~explored]
    assert set(exploit) == set(range(85, 100)), f"the rest are the best-scored not yet taken: {sorted(exploit)}"
    again = select(scores, 20, np.random.default_rng(5), 0.25, "random")[0]
    assert np.array_equal(again, select(scores, 20, np.random.default_rng(5), 0.25, "random")[0]), \
        "same generator state, same selection"
    assert len(select(scores, 20, rng, 0.0)[0]) == 20 and not select(scores, 20, rng, 0.0)[1].any(), \
        "no exploration: every pick by score"


def test_training_rows_never_see_their_own_label():
    frame = pd.DataFrame({"importer": [f"I{i}" for i in range(40)], "hs6": 392690, "price": 100.0, "mass": 1.0,
                          "tax_rate": 8.0})
    labels = np.r_[np.ones(20), np.zeros(20)]
    features = DeclarationEncoder().fit_transform(frame, labels, np.random.default_rng(0))
    assert np.allclose(features["rate_importer"], 0.5), \
        "each importer appears once: out of fold its fraud rate is the prior, never its own label"
    assert features["rate_hs6"].std() > 0, "a shared key's out-of-fold rate comes from the other rows"


def test_unknown_labels_count_in_frequencies_but_not_in_fraud_rates():
    frame = pd.DataFrame({"importer": ["A", "A", "A", "B"], "hs6": 392690, "price": 1.0, "mass": 1.0})
    encoder = DeclarationEncoder().fit(frame, np.array([1.0, np.nan, np.nan, 0.0]))
    new = encoder.transform(pd.DataFrame({"importer": ["A"], "hs6": [392690], "price": [1.0], "mass": [1.0]}))
    prior = 0.5  # mean of the two known labels
    assert new["rate_importer"].iloc[0] == pytest.approx((1 + 10 * prior) / (1 + 10)), \
        "importer A's fraud rate uses its one known label, shrunk to the prior (pseudo-count 10)"
    assert new["log_n_importer"].iloc[0] == pytest.approx(np.log1p(3)), "all three A declarations count as seen"


def test_out_of_fold_rates_are_those_of_the_other_folds():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"importer": rng.integers(0, 12, 300), "hs6": rng.choice([392690, 851712, 620342], 300),
                          "price": 100.0, "mass": 1.0})
    labels = np.where(rng.random(300) < 0.4, (rng.random(300) < 0.3).astype(float), np.nan)
    features = DeclarationEncoder().fit_transform(frame, labels, np.random.default_rng(9))
    known = ~np.isnan(labels)
    fold = np.random.default_rng(9).permutation(known.sum()) % FOLDS  # the split fit_transform draws
    key, y = key_columns(frame[known])["importer"].to_numpy(), labels[known]
    prior = y.mean()
    expected = np.empty(len(y))
    for i in range(len(y)):  # by hand: the same importer's labelled rows of the other folds
        other = (key == key[i]) & (fold != fold[i])
        expected[i] = (y[other].sum() + SMOOTHING * prior) / (other.sum() + SMOOTHING) if other.any() else prior
    assert np.allclose(features["rate_importer"].to_numpy(), expected, rtol=0, atol=1e-12), \
        "each labelled row's importer rate: frauds / rows of its importer in the other folds, shrunk to the prior"
    assert len(features) == known.sum(), "one row per labelled declaration"


def test_the_simulations_fast_scoring_is_the_classifiers(declarations):
    train, test = declarations.iloc[:1050], declarations.iloc[1050:]
    labels = np.where(np.arange(len(train)) % 3 == 0, np.nan, train["fraud"].to_numpy(float))
    model = STRATEGIES["gbm"]().fit(train, labels, np.random.default_rng(0))
    fast = model.probability(test)
    slow = model.model.predict_proba(model.encoder.transform(test))[:, 1]
    assert np.array_equal(fast, slow), "the booster on the feature array gives predict_proba's numbers exactly"
    assert np.array_equal(model.encoder.matrix(test), model.encoder.transform(test).to_numpy()), \
        "the array has the data frame's columns in its order"


@pytest.mark.parametrize("name", ["logistic", "gbm"])
def test_classifiers_learn_the_fraud_mechanism(declarations, name):
    train, test = declarations.iloc[:1050], declarations.iloc[1050:]
    table = evaluate_strategies(train, test, seed=0, names=("random", name)).set_index("strategy")
    base = test["fraud"].mean()
    assert table.loc[name, "auc"] > 0.8, f"{name} learns importer risk and under-valuation: {table}"
    assert table.loc[name, "precision_at_10"] > 2 * base, f"{name} at 10% beats the base rate {base:.2f}: {table}"
    assert abs(table.loc["random", "precision_at_10"] - base) < 0.15, f"random selects at the base rate: {table}"


def test_evaluation_table_is_deterministic_and_has_every_strategy(declarations):
    train, test = declarations.iloc[:1050], declarations.iloc[1050:]
    first, second = (evaluate_strategies(train, test, seed=4) for _ in range(2))
    assert list(first.columns) == list(COLUMNS) and list(first["strategy"]) == list(STRATEGIES), \
        f"one row per strategy, fixed columns: {first}"
    pd.testing.assert_frame_equal(first, second, obj="same seed, same evaluation")
    revenue = first.set_index("strategy")["revenue_recall_at_5"]
    assert revenue["gbm_revenue"] >= revenue["gbm"], f"ranking by expected revenue recovers more revenue: {revenue}"
