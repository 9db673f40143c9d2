"""Credit score dynamics and partner agencies' lagged records (unit tests)."""
from __future__ import annotations

import mesa
import numpy as np
import pytest
import simpy

from sim.agents.agency import PartnerAgency
from sim.agents.enterprise import AEO, DISHONEST, GENERAL, Population
from sim.behaviour.credit import CreditBureau
from sim.config import Agency

DAY = 24.0


@pytest.fixture
def world(compose):
    cfg = compose("population.enterprises=50", "population.smugglers.networks=0").population
    model = mesa.Model(rng=1)
    model.env = simpy.Environment()
    population = Population(cfg, np.array([1.0, 1.0]), np.random.default_rng(1))
    population.score[:] = 60.0
    return model, population, CreditBureau(model.env, cfg.credit, population), cfg.credit


def test_tiers_follow_score_thresholds(world):
    _, pop, _, credit = world
    pop.score[:3] = [credit.aeo_threshold, credit.aeo_threshold - 0.01, credit.dishonest_threshold - 0.01]
    assert list(pop.tier([0, 1, 2])) == [AEO, GENERAL, DISHONEST], "tiers from thresholds"


def test_clean_history_raises_violations_lower_and_scores_stay_in_range(world):
    _, pop, bureau, credit = world
    rows = np.array([0, 0, 0, 1, 2])
    found = np.array([False, False, False, True, True])
    intentional = np.array([False, False, False, True, False])
    bureau.record_clearance(rows, found, intentional)
    assert pop.score[0] == pytest.approx(60 + 3 * credit.clean_gain), "each clean declaration adds"
    assert pop.score[1] == pytest.approx(60 - credit.violation_penalty), "an intentional violation costs more"
    assert pop.score[2] == pytest.approx(60 - credit.error_penalty), "than an error"
    bureau.adjust(np.array([3, 4]), np.array([1000.0, -1000.0]))
    assert (pop.score[3], pop.score[4]) == (100.0, 0.0), "scores are clipped to [0, 100]"


@pytest.mark.parametrize("lag_days", [0, 30])
def test_agency_records_reach_the_tier_after_the_lag(world, lag_days):
    model, pop, bureau, credit = world
    pop.score[7] = credit.dishonest_threshold + 5  # one agency record takes it to the dishonest tier
    agency = PartnerAgency(model, "tax", Agency(detect_prob=1.0, lag_days=lag_days, sees=["undervaluation"]),
                           ["misclassification", "undervaluation", "prohibited_goods"])
    enterprise = np.array([7, 8])
    violation = np.array([1, 0], dtype=np.int8)  # 7: undervaluation (seen), 8: misclassification (not)
    agency.observe(enterprise, violation, np.array([True, True]), np.zeros(2), bureau, credit.agency_penalty)
    model.env.run(until=max(lag_days - 1, 0) * DAY + 1e-9)
    if lag_days:
        assert pop.tier(7) == GENERAL, f"before {lag_days} days the record has not arrived"
        model.env.run(until=(lag_days + 1) * DAY)
    assert pop.tier(7) == DISHONEST, f"after {lag_days} days the record lowers the tier"
    assert pop.score[8] == 60.0, "an agency only reports violation types its records reveal"
    assert agency.records == 1, "one record shared"
