"""Burden fairness on hand-made cases: the disparity metric (sim/burden.py) and the cap targeting
applies to its selections (sim/policies/fairness.py)."""
from __future__ import annotations

import numpy as np
import pytest

from sim.burden import disparity
from sim.policies.fairness import MIN_COMPLIANT, BurdenCap
from sim.records import MIN_GROUP_DECLARATIONS


def test_disparity_is_highest_over_lowest_burden_among_groups_large_enough():
    compliant = np.array([[1000.0, 2000.0, 1000.0, 100.0]])   # the last group is too small to compare
    inspected = np.array([[60.0, 60.0, 30.0, 50.0]])          # burdens 0.06, 0.03, 0.03, (0.5)
    assert disparity(compliant, inspected)[0] == pytest.approx(2.0), "0.06 / 0.03; the small group is left out"
    assert disparity(np.array([[1000.0, 1000.0]]), np.array([[40.0, 0.0]]))[0] == np.inf, \
        "a group never inspected while another is: infinite"
    assert np.isnan(disparity(np.array([[1000.0, 10.0]]), np.array([[40.0, 1.0]]))[0]), \
        "fewer than two groups to compare: undefined"
    assert np.isnan(disparity(np.array([[1000.0, 1000.0]]), np.zeros((1, 2)))[0]), "nobody inspected: undefined"
    assert MIN_GROUP_DECLARATIONS == 500, "the documented threshold"


def test_burden_record_counts_compliant_declarations_by_group():
    from sim.burden import BurdenRecord
    from sim.records import BURDEN_GROUPS, SIZE_CLASSES

    class Parts:  # three settled declarations of one port-quarter
        fields = dict(size_class=np.array([0, 2, 2]), business_model=np.array([0, 1, 1]), region=np.array([0, 0, 1]),
                      foreign_invested=np.array([False, True, True]), past_declarations=np.array([5, 50, 500]))

        def declared(self, name):
            return self.fields[name]

    levels = {g: ["a", "b"] for g in BURDEN_GROUPS} | {"size_class": list(SIZE_CLASSES)}
    record = BurdenRecord(1, 3, levels)
    record.add(Parts(), np.zeros(3, int), np.ones(3, int), np.array([True, True, False]),
               np.array([False, True, True]))
    assert record.compliant["size_class"][0, 1].tolist() == [1, 0, 1], "compliant declarations by size class"
    assert record.inspected["size_class"][0, 1].tolist() == [0, 0, 1], "the violation's inspection is no burden"
    assert record.compliant["tenure"][0, 1].tolist() == [1, 1], "established (50 past) and new (5 past) trader"


def run_days(cap: BurdenCap, days: int, rng, score_shift: float) -> np.ndarray:
    """Select 10 of 400 a day at port 0; group 1 (a quarter of the rows) scores higher."""
    burden = np.zeros((2, 2))
    for _ in range(days):
        group = (rng.random(400) < 0.25).astype(int)
        score = rng.random(400) + score_shift * group
        chosen = np.argsort(-score)[:10]
        weight = np.ones(400)
        picked = cap.adjust(0, chosen, np.zeros(10, bool), score, weight, group) if cap else chosen
        assert len(picked) == 10, "the cap keeps the number of selections"
        burden[0] += np.bincount(group, minlength=2)
        burden[1] += np.bincount(group[picked], minlength=2)
    return burden[1] / burden[0]


def test_the_cap_brings_the_burden_ratio_to_its_maximum():
    rng = np.random.default_rng(1)
    free = run_days(None, 30, rng, score_shift=0.5)
    assert free[1] > 3 * free[0], f"without a cap the high-scoring group carries the burden: {free}"
    cap = BurdenCap(1.2, n_ports=1, n_groups=2)
    cap.start_quarter(1)
    capped = run_days(cap, 30, np.random.default_rng(1), score_shift=0.5)
    assert max(capped) / min(capped) <= 1.2 + 0.05, f"the cap holds over the quarter: {capped}"
    assert cap.screened[0].sum() == pytest.approx(30 * 400), "every screened declaration counted"


def test_the_cap_counts_inspections_it_did_not_choose_and_keeps_exploration():
    cap = BurdenCap(1.2, n_ports=1, n_groups=2)
    cap.start_quarter(1)
    ids, group = np.arange(400), np.r_[np.zeros(200, int), np.ones(200, int)]
    cap.remember(ids, np.zeros(400, int), group, np.ones(400))
    cap.reported(ids[:20])  # the watch list inspected 20 declarations of group 0
    score = np.r_[np.ones(200), np.zeros(200)]  # the model prefers group 0
    picked = cap.adjust(0, np.arange(10), np.arange(10) < 2, score, np.ones(400), group)
    assert {0, 1} <= set(picked), "exploration picks stay"
    assert np.sum(group[picked] == 1) >= 8, f"selections go to the group the watch list spared: {picked}"
    assert MIN_COMPLIANT <= 200, "both groups are large enough to compare"



def run_two_ports(cap: BurdenCap, pooled: bool, days: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Two ports select 10 of 400 a day; port 0 trades mostly group 0 and its watch list inspects 12
    more of its declarations a day, port 1 trades mostly group 1: inspected and screened, port x group."""
    rng = np.random.default_rng(4)
    screened, inspected, first = np.zeros((2, 2)), np.zeros((2, 2)), 0
    for _ in range(days):
        for port, share_1 in ((0, 0.1), (1, 0.9)):
            group = (rng.random(400) < share_1).astype(int)
            score, ids, row = rng.random(400), first + np.arange(400), 0 if pooled else port
            first += 400
            cap.remember(ids, np.full(400, row), group, np.ones(400))
            watched = rng.choice(400, 12, replace=False) if port == 0 else np.zeros(0, int)
            cap.reported(ids[watched])
            picked = cap.adjust(row, np.argsort(-score)[:10], np.zeros(10, bool), score, np.ones(400), group)
            assert len(picked) == 10, "the cap keeps the number of selections"
            screened[port] += np.bincount(group, minlength=2)
            inspected[port] += np.bincount(group[np.r_[picked, watched]], minlength=2)
    return inspected, screened


def test_a_cap_over_the_covered_ports_holds_where_one_per_port_does_not():
    per_port = BurdenCap(1.2, n_ports=2, n_groups=2)
    per_port.start_quarter(1)
    inspected, screened = run_two_ports(per_port, pooled=False)
    each = inspected / screened
    assert all(r.max() / r.min() <= 1.2 + 0.05 for r in each), f"each port holds its own cap: {each}"
    over_both = inspected.sum(axis=0) / screened.sum(axis=0)
    assert over_both[0] / over_both[1] > 1.4, \
        f"group 0 trades mostly at the busier port, so over both ports it bears more: {over_both}"
    pooled = BurdenCap(1.2, n_ports=1, n_groups=2)
    pooled.start_quarter(1)
    inspected, screened = run_two_ports(pooled, pooled=True)
    over_both = inspected.sum(axis=0) / screened.sum(axis=0)
    assert over_both.max() / over_both.min() <= 1.2 + 0.05, f"a cap over both ports holds over both: {over_both}"
    assert pooled.screened.shape == (1, 2) and pooled.screened.sum() == pytest.approx(2 * 30 * 400), \
        "one row counts both ports' declarations"
