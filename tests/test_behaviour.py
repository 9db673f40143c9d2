"""Agents that adapt: the inspection game, deterrence, displacement and credit gaming.

Each scenario-level check compares a policy run with the baseline on the same replication
seeds (common random numbers) and asks that the 95% CI of the paired difference excludes 0.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.helpers import run, t_ci

MODELS = ["general_trade", "processing_trade", "cbec_9610", "cbec_9710", "cbec_9810", "market_procurement"]
RATIONAL = [
    "world.horizon_quarters=1", "run.replications=3", "world.service.document_h=0.01",
    "population.smugglers.networks=0", "population.audit_rate=0",
    "population.behaviour.rationality=1000", "population.behaviour.calibrate_honesty=false",
    "population.behaviour.learning_rate=0", "population.behaviour.peer_weight=0",
    "population.behaviour.detection_given_check=1",
    "policy.inspection.params.nii_rate=0", "policy.inspection.params.physical_rate=0",
    *[f"policy.watch_list.params.{r}_rate=0" for r in ("document", "nii", "physical")],
    *[f"population.business_models.{m}.error_prob=0" for m in MODELS],
]


@pytest.mark.parametrize("fine, p", [(1.0, 0.3), (1.0, 0.7), (3.0, 0.15), (3.0, 0.35)])
def test_rational_traders_play_the_inspection_game(fine, p):
    """Violate (almost) always when p < g/(g+f) and (almost) never when p > g/(g+f)."""
    threshold = 1 / (1 + fine)  # g / (g + f) with f = fine x g
    q = run(*RATIONAL, f"population.behaviour.penalty_multiple={fine}",
            f"population.behaviour.prior_risk={p}", f"policy.inspection.params.document_rate={p}").quarterly
    per_rep = q.groupby("replication").apply(lambda g: g.violations.sum() / g.declarations.sum())
    mean, lo, hi = t_ci(per_rep)
    checked = q.inspection_rate.mean()  # NII + physical only: must be 0 here
    assert checked == 0, "only document checks in this world"
    if p < threshold:
        assert lo > 0.95, f"p={p} < g/(g+f)={threshold:.2f}: traders should violate, rate CI [{lo:.3f}, {hi:.3f}]"
    else:
        assert hi < 0.01, f"p={p} > g/(g+f)={threshold:.2f}: traders should comply, rate CI [{lo:.3f}, {hi:.3f}]"


TIGHTEN = ("+policy.tighten={name: inspection, params: {document_rate: 0.1, nii_rate: 0.05, "
           "physical_rate: 0.15}, rollout: {from: 2024Q2, ports: [seaport]}}")
# twelve networks, so that where they go is less lumpy than with six
WORLD = ["world.horizon_quarters=6", "run.replications=6", "run.workers=2", "population.smugglers.networks=12"]
LATER = ["2024Q4", "2025Q1", "2025Q2"]  # two to four quarters after the tightening: displacement takes quarters


@pytest.fixture(scope="module")
def tightened():
    return run(*WORLD).quarterly, run(*WORLD, TIGHTEN).quarterly


def _paired(base: pd.DataFrame, pilot: pd.DataFrame, value) -> np.ndarray:
    """Per-replication difference pilot - base of ``value(table)`` (a Series by replication)."""
    return (value(pilot) - value(base)).to_numpy()


@pytest.mark.slow
def test_tighter_inspection_deters_violations_at_that_port(tightened):
    base, pilot = tightened

    def violations(q):
        at = q[(q.port == "seaport") & q.quarter.isin(LATER)]
        return at.groupby("replication").apply(lambda g: g.violations.sum() / g.declarations.sum())
    mean, lo, hi = t_ci(_paired(base, pilot, violations))
    assert hi < 0, f"true violation rate at the tightened port should fall: diff {mean:.4f} CI [{lo:.4f}, {hi:.4f}]"


@pytest.mark.slow
def test_smugglers_move_away_from_the_port_that_tightens(tightened):
    base, pilot = tightened

    def share(q, port="seaport"):
        later = q[q.quarter.isin(LATER)]
        return later.groupby("replication").apply(
            lambda g: g.loc[g.port == port, "smuggling_attempts"].sum() / g.smuggling_attempts.sum())
    mean, lo, hi = t_ci(_paired(base, pilot, share))
    assert hi < 0, f"share of attempts at the tightened port should fall: {mean:.3f} CI [{lo:.3f}, {hi:.3f}]"
    others = _paired(base, pilot, lambda q: 1 - share(q))
    assert t_ci(others)[1] > 0, "and rise at the other ports"


@pytest.mark.slow
def test_fronts_exploit_zero_inspection_for_high_credit():
    """With "high credit, zero inspection", fronts reach the AEO tier and smuggling moves there."""
    world = ["world.horizon_quarters=8", "run.replications=4", "run.workers=2"]
    zero = "+policy.credit_tier={params: {aeo: 0.0, general: 1.0, dishonest: 1.0}}"
    tables = [run(*world), run(*world, zero)]

    def aeo_share(result):
        b = result.breakdown
        later = b[(b.dimension == "credit_tier") & (b.metric == "smuggling_attempts") & (b.quarter >= "2025Q1")]
        by_tier = later.pivot_table(index="replication", columns="level", values="value", aggfunc="sum")
        return by_tier["aeo"] / by_tier.sum(axis=1)
    mean, lo, hi = t_ci((aeo_share(tables[1]) - aeo_share(tables[0])).to_numpy())
    assert lo > 0, f"share of smuggling through the AEO tier should rise: {mean:.3f} CI [{lo:.3f}, {hi:.3f}]"
    agents = tables[1].agents
    fronts = agents[(agents.agent == "front_company") & (agents.metric == "tier_aeo") & (agents.quarter == "2025Q4")]
    assert fronts.value.mean() >= 1, "front companies reach the top tier"


def test_default_run_fills_the_agent_metrics():
    """Violations, detection and smuggling are all filled and plausible in the baseline."""
    q = run("world.horizon_quarters=4", "run.replications=2").quarterly
    violation = q.violations.sum() / q.declarations.sum()
    detection = q.detected.sum() / q.violations.sum()
    assert 0.01 < violation < 0.06, f"baseline violation rate {violation:.3f} (assumed 2-5%)"
    assert 0.02 < detection < 0.2, f"random selection finds a small share of violations: {detection:.3f}"
    assert q.smuggling_attempts.sum() > 0, "smugglers make attempts"
    assert 0 < q.smuggling_seized.sum() < q.smuggling_attempts.sum(), "some attempts are seized, not all"
