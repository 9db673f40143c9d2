"""Each supervision lever's first-order effect, against baseline_2024 on the same seeds (CRN).

Every pilot in the scenario library runs at two ports from 2025Q1; the tests compare the pilot
ports in 2025 with the same ports, quarters and replication seeds of the baseline, and ask that
the 95% CI of the paired difference excludes zero in the direction the lever targets.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.helpers import run, t_ci

pytestmark = pytest.mark.slow
WORLD = ["world.horizon_quarters=6", "run.replications=4", "run.workers=2"]
AFTER = ("2025Q1", "2025Q2")


@pytest.fixture(scope="module")
def baseline():
    return run(*WORLD)


def pilot_ports(result) -> list[str]:
    q = result.quarterly
    return sorted(q.loc[q.pilot, "port"].unique())


def pooled(table: pd.DataFrame, ports, value: str, weight: str | None) -> pd.Series:
    """Per replication: ``value`` over the pilot ports after the rollout (weighted mean)."""
    rows = table[table.port.isin(ports) & table.quarter.isin(AFTER)]
    if weight is None:
        return rows.groupby("replication")[value].mean()
    return rows.groupby("replication").apply(lambda g: np.average(g[value].fillna(0), weights=g[weight]))


def paired_effect(base, scenario, value: str, weight: str | None = None, table: str = "quarterly", where=None):
    """Mean paired difference scenario - baseline at the pilot ports, and its 95% CI."""
    ports = pilot_ports(scenario)
    b, s = getattr(base, table), getattr(scenario, table)
    if where is not None:
        b, s = where(b), where(s)
    return t_ci((pooled(s, ports, value, weight) - pooled(b, ports, value, weight)).to_numpy())


def level(dimension: str, name: str, metric: str):
    """Select one breakdown series as a quarterly-like table with the metric's column and the
    ``released`` count of the same level (to weight it)."""
    def pick(b):
        keys = ["replication", "port", "quarter"]
        rows = b[(b.dimension == dimension) & (b.level == name)]
        wide = rows.pivot_table(index=keys, columns="metric", values="value").reset_index()
        return wide[[*keys, metric, "released"]]
    return pick


def assert_effect(effect, sign: int, what: str) -> None:
    mean, lo, hi = effect
    ok = hi < 0 if sign < 0 else lo > 0
    direction = "<" if sign < 0 else ">"
    assert ok, f"{what}: paired difference {mean:.4g}, 95% CI [{lo:.4g}, {hi:.4g}] should be {direction} 0"


def test_risk_targeting_finds_more_at_the_same_inspection_rate(baseline):
    scenario = run(*WORLD, "scenario=inspection_targeting")
    assert_effect(paired_effect(baseline, scenario, "hit_rate", "inspections"), +1, "hit rate")
    rate = paired_effect(baseline, scenario, "inspection_rate", "declarations")
    assert abs(rate[0]) < 0.005, f"inspection rate stays about the same: {rate[0]:.4f}"


def test_better_risk_model_raises_hit_rate_at_equal_inspection_rate():
    def with_auc(auc):
        return run(*WORLD, "scenario=inspection_targeting", "policy.targeting.params.mode=risk",
                   f"policy.targeting.params.auc={auc}")
    low, high = with_auc(0.85), with_auc(0.9)
    assert_effect(paired_effect(low, high, "hit_rate", "inspections"), +1, "AUC 0.85 -> 0.90 hit rate")


def test_zero_inspection_for_aeo_tier(baseline):
    scenario = run(*WORLD, "scenario=credit_zero_inspection")
    effect = paired_effect(baseline, scenario, "inspection_rate", table="breakdown",
                           where=level("credit_tier", "aeo", "inspection_rate"))
    assert_effect(effect, -1, "inspection rate of AEO-tier trade")


def test_sandbox_speeds_up_its_formats(baseline):
    scenario = run(*WORLD, "scenario=sandbox_cbec")
    effect = paired_effect(baseline, scenario, "release_time_mean_h", table="breakdown",
                           where=level("business_model", "cbec_9810", "release_time_mean_h"))
    assert_effect(effect, -1, "release time of 9810 exports in the sandbox")


@pytest.mark.parametrize("threshold, fires", [(0.0005, True), (0.9, False)])
def test_sandbox_exit_trigger(threshold, fires):
    result = run(*WORLD, "scenario=sandbox_cbec", f"policy.sandbox.params.exit_violation_rate={threshold}",
                 "run.replications=2")
    a = result.agents
    state = a[(a.agent == "policy_sandbox") & (a.metric == "sandbox_open") & a.port.isin(["parcel_hub", "seaport"])
              & (a.quarter == "2025Q2")]
    closed = (state.value == 0).any()
    assert closed == fires, f"exit trigger at a threshold of {threshold} should {'' if fires else 'not '}fire"


@pytest.mark.parametrize("scenario, metric, weight, sign", [
    ("aeo_mutual_recognition", "partner_aeo_inspection_rate", "partner_aeo_declarations", -1),
    ("first_violation_no_penalty", "voluntary_disclosures", None, +1),
    ("self_declaration_audit", "release_time_mean_h", "released", -1),
    ("joint_inspection", "inspections_per_declaration", "declarations", -1),
    ("single_window", "release_time_mean_h", "released", -1),
    ("smart_monitoring_24h", "release_time_p90_h", None, -1),
    ("traceability", "violation_rate", "declarations", -1),
    ("classification_assist", "violation_rate", "declarations", -1),
])
def test_lever_moves_its_target_metric(baseline, scenario, metric, weight, sign):
    result = run(*WORLD, f"scenario={scenario}")
    assert_effect(paired_effect(baseline, result, metric, weight), sign, f"{scenario}: {metric}")


def test_aeo_benefits_speed_up_aeo_trade(baseline):
    """Deferred (consolidated) duty payment for AEO traders: the duty-payment step of the Time
    Release Study shrinks at the pilot ports (AEO traders are large, so it shows in the mean)."""
    benefits = ("+policy.benefits={name: credit_tier, params: {aeo: 1.0, general: 1.0, dishonest: 1.0, "
                "aeo_priority: true, aeo_deferred_payment: true}, rollout: {from: 2025Q1, ports: [seaport, airport]}}")
    scenario = run(*WORLD, benefits)

    def payment(b):
        rows = b[(b.dimension == "trs_step") & (b.level == "duty_payment") & (b.metric == "hours_per_released")]
        return rows.rename(columns={"value": "payment_h"})
    effect = paired_effect(baseline, scenario, "payment_h", table="breakdown", where=payment)
    assert_effect(effect, -1, "duty-payment hours per released declaration with AEO deferred payment")
