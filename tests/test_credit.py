"""Credit score dynamics (unit tests) and partner agencies' records (discovery and data lag)."""
from __future__ import annotations

import numpy as np
import pytest

from sim.agents.agency import PartnerAgency
from sim.agents.enterprise import AEO, DISHONEST, GENERAL, Population
from sim.behaviour.credit import CreditBureau
from sim.config import Agency
from tests.helpers import run

DAY = 24.0


@pytest.fixture
def world(compose):
    cfg = compose("population.enterprises=200", "population.smugglers.networks=0")
    population = Population(cfg, np.random.default_rng(1))
    population.score[:] = 60.0
    return population, CreditBureau(cfg.population.credit, population), cfg.population.credit


def test_tiers_follow_score_thresholds(world):
    pop, _, credit = world
    pop.score[:3] = [credit.aeo_threshold, credit.aeo_threshold - 0.01, credit.dishonest_threshold - 0.01]
    assert list(pop.tier([0, 1, 2])) == [AEO, GENERAL, DISHONEST], "tiers from thresholds"


def test_clean_history_raises_violations_lower_and_scores_stay_in_range(world):
    pop, bureau, credit = world
    rows = np.array([0, 0, 0, 1, 2])
    found = np.array([False, False, False, True, True])
    intentional = np.array([False, False, False, True, False])
    bureau.record_clearance(rows, found, intentional)
    assert pop.score[0] == pytest.approx(60 + 3 * credit.clean_gain), "each clean declaration adds"
    assert pop.score[1] == pytest.approx(60 - credit.violation_penalty), "an intentional violation costs more"
    assert pop.score[2] == pytest.approx(60 - credit.error_penalty), "than an error"
    bureau.adjust(np.array([3, 4]), np.array([1000.0, -1000.0]))
    assert (pop.score[3], pop.score[4]) == (100.0, 0.0), "scores are clipped to [0, 100]"


def test_an_agency_reports_only_what_it_sees_with_its_data_lag():
    import mesa
    agency = PartnerAgency(mesa.Model(rng=1), "tax",
                           Agency(detect_prob=1.0, lag_days=30, single_window_lag_days=1, sees=["undervaluation"]),
                           ["misclassification", "undervaluation", "prohibited_goods"])
    violation = np.array([1, 0, 1, -1], dtype=np.int8)
    missed = np.array([True, True, False, True])
    found, lag = agency.discover(violation, missed, np.zeros(4), np.array([False, False, False, True]))
    assert list(found) == [True, False, False, False], "only missed violations of the types its records reveal"
    assert list(lag) == [30 * DAY, 30 * DAY, 30 * DAY, 1 * DAY], "the single window's lag where it applies"


def test_agency_records_reach_customs_after_their_lag():
    """Records customs has received by the end of the first quarter: with a 60-day lag only those
    found in its first month have arrived, with a 1-day lag those of the whole quarter."""
    def shared_in_first_quarter(lag_days: int) -> float:
        agencies = [f"population.agencies.{a}.lag_days={lag_days}" for a in ("tax", "market_regulation", "fx")]
        a = run("run=smoke", "world.start=2024-01-01", "world.warmup_days=0", *agencies).agents
        return a[(a.metric == "records_shared") & (a.quarter == "2024Q1")].value.sum()

    soon, late = shared_in_first_quarter(1), shared_in_first_quarter(60)
    assert soon > 20, f"agencies report missed violations ({soon} records in a quarter)"
    assert late < 0.5 * soon, f"a 60-day lag holds most records back ({late} vs {soon} with a 1-day lag)"
