"""Disputes, complaints, the desk's service levels and trader satisfaction (sim/redress): working-day
deadlines and the desk's SLA counts on hand-made cases, the direction of each mechanism, and the
quarterly columns of a smoke run."""
from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.analysis.summary import pooled
from sim.calendar import HOURS_PER_DAY, Calendar, after_office_work, working_deadline
from sim.redress.desk import Desk, Rules, U
from sim.redress.satisfaction import Satisfaction

DAY = HOURS_PER_DAY
MON = 0.0  # 2024-01-01 is a Monday


@pytest.fixture(scope="module")
def cfg():
    from sim.compose import load_config
    return load_config(["run=smoke"])[0]


@pytest.fixture
def calendar():
    return Calendar("2024-01-01", 4, 0)


def test_working_deadline_skips_weekends(calendar):
    received = np.array([MON + 10, 4 * DAY + 16, 5 * DAY + 3, 6 * DAY + 23])  # Mon, Fri, Sat, Sun
    due = working_deadline(calendar, received, 3) / DAY
    assert list(due) == [4, 10, 10, 10], f"Mon -> end of Thu (day 4); Fri/Sat/Sun -> end of Wed (day 10); got {due}"
    assert working_deadline(calendar, np.array([MON + 10]), 7)[0] / DAY == 10, "Mon + 7 working days: end of next Wed"


def test_office_work_pauses_overnight_and_at_weekends(calendar):
    assert after_office_work(calendar, 4 * DAY + 16, 3, 9, 17) == 7 * DAY + 11, "Fri 16:00 + 3 h -> Mon 11:00"
    assert after_office_work(calendar, MON + 3, 2, 9, 17) == MON + 11, "before opening: starts at 9"
    assert after_office_work(calendar, MON + 10, 0, 9, 17) == MON + 10, "no work, no wait"


def lesson(n, *, found=False, violation=-1, inspected=False, late=False, u=0.0, bm=0, port=0, enterprise=None):
    """A batch of ``n`` released declarations, all alike, with uniforms ``u``."""
    return {"released": np.ones(n, bool), "found": np.full(n, found), "violation": np.full(n, violation),
            "business_model": np.full(n, bm), "inspected": np.full(n, inspected), "port": np.full(n, port),
            "arrival": np.zeros(n), "at": np.full(n, 500.0 if late else 1.0),
            "enterprise": np.arange(n) if enterprise is None else np.full(n, enterprise),
            "intentional": np.ones(n, bool),
            "redress_u": np.broadcast_to(np.asarray(u, float), (n, len(U))).copy()}


def test_disputes_come_from_corrections_at_the_configured_rate(cfg):
    rules = Rules(cfg)
    u = np.linspace(0, 1, 10_000, endpoint=False)[:, None].repeat(len(U), axis=1)
    misclassified = list(cfg.population.violations).index("misclassification")
    gt = list(cfg.population.business_models).index("general_trade")
    filed = rules.file(lesson(10_000, found=True, violation=misclassified, u=u, bm=gt))
    expected = cfg.population.violations["misclassification"].dispute_prob
    assert abs(filed.dispute.mean() - expected) < 1e-3, f"odds 1: disputes at dispute_prob {expected}"
    honest = lesson(10_000, found=True, violation=misclassified, u=u, bm=gt)
    honest["intentional"][:] = False
    assert rules.file(honest).dispute.sum() > filed.dispute.sum(), "honest errors' corrections are disputed more"
    clean = rules.file(lesson(10_000, found=False, violation=misclassified, u=u, bm=gt))
    assert not clean.dispute.any(), "no correction, no dispute"
    seized = rules.file(lesson(100, found=True, violation=list(cfg.population.violations).index("prohibited_goods")))
    assert not seized.corrected.any() and not seized.dispute.any(), "a seizure is a case, not a dispute"
    merchants = list(cfg.population.business_models).index("market_procurement")
    fewer = rules.file(lesson(10_000, found=True, violation=misclassified, u=u, bm=merchants))
    assert fewer.dispute.sum() < filed.dispute.sum(), "dispute odds below 1 (market_procurement): fewer disputes"


def test_a_dispute_and_a_complaint_on_one_declaration_each_have_their_own_draws(cfg):
    """A late correction can be disputed and complained about: each case is judged at its own rate
    with its own uniform."""
    r = cfg.population.redress
    misclassified = list(cfg.population.violations).index("misclassification")
    between = (r.dispute_upheld + r.complaint_upheld) / 2  # upheld at one rate, not at the other
    assert r.dispute_upheld != r.complaint_upheld, "the test needs two different rates"
    u = np.zeros(len(U))
    u[[U.index("dispute_upheld"), U.index("complaint_upheld")]] = between
    filed = Rules(cfg).file(lesson(1, found=True, violation=misclassified, late=True, inspected=True, u=u))
    assert filed.dispute[0] and filed.complaint[0], "both cases filed"
    assert filed.dispute_upheld[0] == (between < r.dispute_upheld), "the dispute at dispute_upheld"
    assert filed.complaint_upheld[0] == (between < r.complaint_upheld), \
        "the complaint at complaint_upheld, not at the dispute's rate"
    u[U.index("complaint_upheld")] = 0.0
    assert Rules(cfg).file(lesson(1, found=True, violation=misclassified, late=True, inspected=True, u=u)) \
        .complaint_upheld[0], "the complaint's own uniform decides it"


def test_complaints_follow_delays_and_inspections_of_compliant_goods(cfg):
    rules = Rules(cfg)
    u = np.linspace(0, 1, 10_000, endpoint=False)[:, None].repeat(len(U), axis=1)
    r = cfg.population.redress
    assert not rules.file(lesson(10_000, u=u)).complaint.any(), "on time, not inspected: no complaint"
    inspected = rules.file(lesson(10_000, inspected=True, u=u)).complaint.mean()
    assert abs(inspected - r.complaint_inspected) < 1e-3, "inspection of compliant goods -> complaint_inspected"
    assert not rules.file(lesson(10_000, inspected=True, violation=0, u=u)).complaint.any(), \
        "an inspection that found a violation was needed: no complaint about it"
    both = rules.file(lesson(10_000, inspected=True, late=True, u=u)).complaint.mean()
    assert abs(both - (1 - (1 - r.complaint_inspected) * (1 - r.complaint_delay))) < 1e-3, "at most one per declaration"


def run_desk(cfg, calendar, filed_at, cases, work_h):
    """File ``cases`` complaints at port 0 at ``filed_at`` with reply and fix work ``work_h``; all upheld."""
    env = simpy.Environment(initial_time=filed_at)
    outcomes = []
    desk = Desk(env, cfg, calendar, lambda e, upheld, late: outcomes.append((e, upheld, late)))
    desk.desks[0] = simpy.Resource(env, capacity=1)
    r = cfg.population.redress
    reply_u, fix_u = 1 - np.exp(-work_h[0] / r.reply_h), 1 - np.exp(-work_h[1] / r.fix_h)  # give these work times
    u = np.zeros(len(U))
    u[[U.index("dispute"), U.index("complaint_reply"), U.index("complaint_fix")]] = 1.0, reply_u, fix_u
    batch = lesson(cases, inspected=True, u=u)  # every one complains (no dispute), upheld
    desk.receive(batch)
    env.run(until=calendar.end_h)
    return {k: v[0].sum() for k, v in desk.sums.items()}, outcomes


def test_sla_counts_on_hand_made_cases(cfg, calendar):
    # five complaints filed Monday 10:00 to one officer (desk 9-17), a whole office day (8 h) of reply
    # work each: replies at 10:00 on Tue, Wed, Thu, Fri and the next Mon (3 by Thursday's deadline) ...
    sums, outcomes = run_desk(cfg, calendar, MON + 10, 5, (8.0, 8.0))
    assert sums["complaints"] == 5 and sums["replies_due"] == 5 and sums["fixes_due"] == 5, f"counts: {sums}"
    assert sums["replies_on_time"] == 3, f"replies by end of Thursday: 3 of 5; got {sums['replies_on_time']}"
    # ... fixes (8 h each) queue behind the later replies: done on the next Tue, Wed, Thu, Fri, Mon
    assert sums["fixes_on_time"] == 2, f"fixes by next Wednesday's end (7 working days): 2; got {sums['fixes_on_time']}"
    late_replies = [late for _, upheld, late in outcomes if upheld is not None]
    assert late_replies == [0, 0, 0, 1, 1], f"satisfaction hears of each late reply; got {late_replies}"


def test_sla_deadline_beyond_the_horizon_is_not_counted(cfg):
    short = Calendar("2024-01-01", 1, 0)
    sums, _ = run_desk(cfg, short, short.end_h - 2 * DAY, 2, (1.0, 1.0))
    assert sums["complaints"] == 2 and sums["replies_due"] == 0 and sums["fixes_due"] == 0, \
        f"deadlines after the horizon cannot be judged yet: {sums}"


class Pop:
    """A population of four traders of business model 0, no fronts."""
    size = np.ones(4)
    front = np.zeros(4, bool)
    business_model = np.zeros(4, np.int64)
    size_class = np.zeros(4, np.int8)
    model_names = ["general_trade"]


def test_satisfaction_moves_with_each_experience(cfg):
    sat = Satisfaction(cfg, Pop(), 1, 2, np.random.default_rng(0))
    expected = sat.expected_h[0]
    late = lesson(4, enterprise=0)
    late["at"][:] = 4 * expected
    sat.released({**lesson(4, enterprise=1)})
    sat.released(late)
    sat.released({**lesson(4, enterprise=2, inspected=True)})
    assert sat.memory[1] > 0 > sat.memory[0], "on time pleases, a release 4x the expectation displeases"
    assert sat.memory[2] < sat.memory[1], "an inspection of compliant goods displeases"
    before = sat.memory.copy()
    sat.case_outcome(3, True, 0)
    sat.case_outcome(1, False, 1)
    assert sat.memory[3] > before[3] and sat.memory[1] < before[1], "upheld pleases; rejected and late displeases"


def test_survey_counts_active_traders_by_port_and_group(cfg):
    sat = Satisfaction(cfg, Pop(), 2, 2, np.random.default_rng(0))
    sat.level[:] = [1.0, -1.0, 1.0, 1.0]
    sat.released(lesson(2, enterprise=0, port=1))
    sat.released(lesson(1, enterprise=1, port=1))
    sat.survey(1)
    assert sat.sums["surveyed_traders"][1, 1] == 2 and sat.sums["satisfied_traders"][1, 1] == 1, \
        "port 1 asks traders 0 and 1; trader 0 is satisfied"
    assert sat.sums["surveyed_traders"][0, 1] == 0, "nobody had goods released at port 0"
    assert sat.by_group["business_model"]["surveyed_traders"][1, 1, 0] == 2, "by business model too"
    sat.survey(2)
    assert sat.sums["surveyed_traders"][1, 2] == 0, "activity starts afresh each quarter"


def test_smoke_run_has_the_columns_and_pools_ratios_as_sums(compose):
    from sim.experiments.replications import run_replications
    q = run_replications(compose("run=smoke", "world.horizon_quarters=1")).quarterly
    for col in ("disputes", "dispute_return_rate", "complaints", "sla_reply_compliance", "sla_fix_compliance",
                "satisfaction_share"):
        assert col in q, f"quarterly has {col}"
    assert (q["complaints"] > 0).all() and q["surveyed_traders"].gt(0).all(), "every port-quarter has cases"
    assert q["satisfaction_share"].between(0, 1).all(), "a share"
    total = pooled(q, ["scenario"], ["dispute_return_rate", "disputes"]).iloc[0]
    assert total["dispute_return_rate"] == pytest.approx(q["disputes"].sum() / q["corrections"].sum()), \
        "pooled as sum of disputes / sum of corrections, not a mean of ratios"


def comparison_rows(variant, value, groups=("all", "pilot")):
    return [{"scenario": variant, "metric": m, "quarter": q, "port_group": g, "baseline_mean": 0.68,
             "scenario_mean": value if m == "satisfaction_share" else 10.0}
            for m in ("satisfaction_share", "release_time_mean_h") for q in ("2025Q3", "2025Q4", "all") for g in groups]


def test_goal_names_the_variants_that_reach_it_or_the_closest():
    import pandas as pd

    from sim.experiments.definitions import Goal
    from sim.report.goal import goal_section, goal_table
    comparison = pd.DataFrame(comparison_rows("a", 0.86) + comparison_rows("b", 0.80, ("all",)))
    goal = Goal("satisfaction_share", 0.85)
    table = goal_table(comparison, goal, ["release_time_mean_h"])
    assert table["variant"].tolist() == ["a", "b"] and table["reached"].tolist() == [True, False], f"{table}"
    assert table["ports"].tolist() == ["pilot", "all"], "a variant without pilots is judged at all ports"
    assert "Reached by a." in goal_section(comparison, goal, ["release_time_mean_h"]), "names who reaches it"
    assert "the closest is b" in goal_section(comparison[comparison["scenario"] == "b"], goal, []), \
        "none reaches it: names the closest"


@pytest.mark.parametrize("goal, says", [({"metric": "nope", "at_least": 0.85}, "goal.metric"),
                                        ({"metric": "satisfaction_share"}, "goal: must be a mapping"),
                                        ({"metric": "satisfaction_share", "at_least": "x"}, "goal.at_least")])
def test_bad_goal_is_one_line(goal, says):
    from sim.experiments.definitions import ExperimentError, parse_experiment
    with pytest.raises(ExperimentError, match=says):
        parse_experiment({"scenarios": ["classification_assist"], "goal": goal}, "exp")
