"""The weekly replay learns only from what it selected (selection bias), and is deterministic."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.learning import replay as replay_module
from sim.learning.public_data import read_declarations
from sim.learning.ranking import count_at
from sim.learning.replay import ReplayPlan, replay, summary, week_numbers, weekly_selections, with_rates
from sim.learning.strategies import GBMStrategy
from tests.synthetic_declarations import make_declarations

PLAN = ReplayPlan(strategy="gbm", k=0.1, explore=0.2, explore_by="random", initial_weeks=3)


@pytest.fixture(scope="module")
def declarations(tmp_path_factory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("replay") / "declarations.csv"
    make_declarations(weeks=8, per_week=120, seed=11).to_csv(path, index=False)
    return read_declarations(path)


def picks(frame: pd.DataFrame, plan: ReplayPlan = PLAN, seed: int = 0) -> dict[int, np.ndarray]:
    return {s.week: s.picked for s in weekly_selections(frame, plan, seed)}


def test_no_label_of_an_unselected_declaration_reaches_training(declarations):
    before = picks(declarations)
    week = week_numbers(declarations["date"])
    seen = np.zeros(len(declarations), bool)
    seen[np.concatenate(list(before.values()))] = True
    hidden = ~seen & (week >= PLAN.initial_weeks)
    flipped = declarations.assign(fraud=np.where(hidden, 1 - declarations["fraud"], declarations["fraud"]))
    after = picks(flipped)
    assert hidden.sum() > 400, f"most declarations are never selected: {hidden.sum()}"
    assert before.keys() == after.keys() and all(np.array_equal(before[w], after[w]) for w in before), \
        "flipping the truth of declarations never selected must not change any selection: their labels leaked"
    # the check can fail: flipping the labels the replay did learn changes what it selects
    learned = declarations.assign(fraud=np.where(seen, 1 - declarations["fraud"], declarations["fraud"]))
    changed = picks(learned)
    assert any(not np.array_equal(before[w], changed[w]) for w in before), \
        "flipping learned labels must change the selections (the model uses them)"


def test_strategy_is_fitted_on_learned_labels_only(declarations, monkeypatch):
    calls = []

    class Spy(GBMStrategy):
        def fit(self, frame, labels, rng):
            calls.append((frame.index.to_numpy(), np.asarray(labels, float), list(frame.columns)))
            return super().fit(frame, labels, rng)

    monkeypatch.setitem(replay_module.STRATEGIES, "gbm", Spy)
    weeks = list(weekly_selections(declarations, PLAN, seed=0))
    week = week_numbers(declarations["date"])
    known = set(np.flatnonzero(week < PLAN.initial_weeks))
    for (rows, labels, columns), selection in zip(calls, weeks):
        assert "fraud" not in columns and "critical" not in columns, f"a strategy never sees the truth: {columns}"
        labelled = set(rows[~np.isnan(labels)])
        assert labelled == known, \
            f"week {selection.week}: labels known = initial window + earlier selections; extra {len(labelled - known)}"
        assert np.array_equal(labels[~np.isnan(labels)], declarations["fraud"].to_numpy()[sorted(labelled)]), \
            "known labels are the truth of those declarations"
        assert selection.labelled == len(labelled), "the weekly row reports how many labels the fit had"
        known |= set(selection.picked)


def test_weekly_counts_follow_the_plan(declarations):
    series = with_rates(replay(declarations, PLAN, seed=0))
    assert list(series["week"]) == list(range(PLAN.initial_weeks, 8)), f"one row per selection week: {series}"
    expected = [count_at(n, PLAN.k) for n in series["declarations"]]
    assert list(series["selected"]) == expected, "k% of each week's declarations are selected"
    assert list(series["explored"]) == [round(PLAN.explore * k) for k in expected], "explore share of them"
    assert series["precision"].between(0, 1).all() and (series["found"] <= series["frauds"]).all(), \
        "found frauds are among the week's frauds"
    base = series["frauds"].sum() / series["declarations"].sum()
    pooled = summary(series.assign(arm="a"), ["arm"]).iloc[0]
    assert pooled["precision"] == pytest.approx(series["found"].sum() / series["selected"].sum()), \
        "the summary pools counts over weeks (not a mean of weekly ratios)"
    assert pooled["precision"] > 1.5 * base, \
        f"learning from selected labels still beats random selection (base rate {base:.2f}): {pooled}"


def test_same_seed_same_replay_other_seed_other_exploration(declarations):
    first, second = replay(declarations, PLAN, seed=5), replay(declarations, PLAN, seed=5)
    pd.testing.assert_frame_equal(first, second, obj="same seed, same weekly series")
    other = picks(declarations, seed=6)
    assert any(not np.array_equal(picks(declarations, seed=5)[w], other[w]) for w in other), \
        "another seed explores other declarations"


def test_inspection_schedule_falls_linearly_to_k():
    plan = ReplayPlan(k=0.05, k_start=0.2, decay_weeks=3)
    assert np.allclose(plan.rates(5), [0.2, 0.15, 0.1, 0.05, 0.05]), f"linear decay then k: {plan.rates(5)}"
    assert np.allclose(ReplayPlan(k=0.05).rates(3), 0.05), "without a schedule, k every week"


@pytest.mark.parametrize("change, key", [
    (dict(strategy="xgb"), "strategy"), (dict(k=0.0), "k"), (dict(k=1.5), "k"), (dict(k_start=2.0), "k_start"),
    (dict(explore=-0.1), "explore"), (dict(explore_by="bandit"), "explore_by"),
    (dict(strategy="rules", explore=0.1, explore_by="uncertainty"), "explore_by"),
    (dict(initial_weeks=0), "initial_weeks"), (dict(decay_weeks=0), "decay_weeks")])
def test_invalid_plans_name_the_setting(change, key):
    problems = ReplayPlan(**change).problems()
    assert [p[0] for p in problems] == [key], f"{change}: expected one problem with {key!r}, got {problems}"
    assert ReplayPlan().problems() == [], "the default plan is valid"
