"""Effect tables an evaluator can defend: the paired DiD recovers a known effect whatever the
world's own trends, multiplicity adjustment, crn_gain ratios with a floor, replication planning."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis import compare, multiplicity, planning
from sim.analysis.did import did_scenario
from sim.analysis.paired_did import paired_did

QUARTERS = ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
PORTS = {"sea": True, "air": False}


def world(replications: int, seed: int, trend: float, effect: float = 0.0) -> pd.DataFrame:
    """A quarterly table whose pilot port drifts away from the control port by ``trend`` per
    quarter (parallel trends fail) and gets ``effect`` from 2025Q1 on; CRN: the same ``seed``
    gives the same noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(replications):
        shock = rng.normal(0, 0.3, len(QUARTERS))
        for p, (port, pilot) in enumerate(PORTS.items()):
            for q, quarter in enumerate(QUARTERS):
                on = pilot and quarter >= "2025Q1"
                value = 10 + p + shock[q] + trend * q * pilot + effect * on + rng.normal(0, 0.05)
                rows.append({"scenario": "x", "replication": r, "port": port, "quarter": quarter, "pilot": on,
                             "release_time_mean_h": value, "released": 1000, "declarations": 1000})
    return pd.DataFrame(rows)


def test_paired_did_recovers_a_known_effect_where_the_regression_is_biased():
    base = world(5, seed=1, trend=0.4).assign(pilot=False)
    scen = world(5, seed=1, trend=0.4, effect=-2.0)
    rows = paired_did(base, scen, ["release_time_mean_h"], "x").set_index("term")
    primary = rows.loc["paired_did"]
    assert primary["estimate"] == pytest.approx(-2.0, abs=1e-9) and primary["ci_low"] == pytest.approx(-2.0), \
        f"the world's own trend cancels against the baseline: exactly the injected -2 h: {primary.to_dict()}"
    regression = did_scenario(scen, ["release_time_mean_h"], "x").set_index("term").loc["did"]
    assert regression["estimate"] == pytest.approx(-2.0 + 0.4 * 2, abs=0.05), \
        f"the regression on the scenario alone adds the pre/post trend gap (+0.8 h): {regression['estimate']}"
    trend = rows.loc["pretrend"]
    assert trend["flag"] == "pre-trend" and trend["estimate"] == pytest.approx(0.4, abs=0.1), \
        "the pre-rollout slope of the gap (0.4 h per quarter, noise sd about 0.05) is flagged"
    assert rows.loc["paired_effect", "estimate"] == pytest.approx(-2.0), "the paired truth at the pilot port"


def test_placebo_of_the_baseline_on_other_seeds_is_centred_on_zero():
    base, other = world(8, seed=1, trend=0.4).assign(pilot=False), world(8, seed=2, trend=0.4)
    rows = paired_did(base, other.assign(pilot=other["port"].eq("sea") & other["quarter"].ge("2025Q1")),
                      ["release_time_mean_h"], "x", other_seeds=other).set_index("term")
    placebo = rows.loc["placebo_seeds"]
    assert placebo["ci_low"] <= 0 <= placebo["ci_high"], f"no lever, no effect: {placebo.to_dict()}"
    assert placebo["n"] == 8, "one difference per replication pair"


def test_benjamini_hochberg_and_the_declared_primary_metric():
    table = pd.DataFrame({"metric": ["a", "b", "c", "d"], "p_value": [0.01, 0.04, 0.03, 0.5]})
    out = multiplicity.adjust(table, pd.Series(True, index=table.index), table["metric"] == "b")
    assert list(out["role"]) == ["exploratory", "primary", "exploratory", "exploratory"], "b is primary"
    assert out.loc[1, "p_adjusted"] == 0.04, "the primary metric keeps its raw p-value"
    expected = stats.false_discovery_control([0.01, 0.03, 0.5], method="bh")
    assert out.loc[[0, 2, 3], "p_adjusted"].to_numpy() == pytest.approx(expected), "BH over the others (scipy)"
    assert list(out.loc[[0, 2, 3], "p_adjusted"]) == pytest.approx([0.03, 0.045, 0.5]), "by hand: p * m / rank"


def test_crn_ratio_only_when_both_widths_are_positive_and_at_most_the_cap():
    ratio, floored = compare.crn_ratio([0.0, 1e-20, 0.5, 0.2], [1.0, 1.0, 1.0, 0.0])
    assert np.isnan(ratio[0]) and np.isnan(ratio[3]), "no ratio when a width is 0"
    assert ratio[1] == compare.RATIO_CAP and floored[1], "a paired width ~0 is floored: ratio 1e4, not 1e20"
    assert ratio[2] == 2.0 and not floored[2], "otherwise unpaired / paired"


def test_replications_needed_use_the_t_quantile():
    sd, half = 1.0, 0.5
    n = planning.needed(sd, half)
    assert stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n) <= half < stats.t.ppf(0.975, n - 2) * sd / np.sqrt(n - 1), \
        f"n={n} is the smallest that reaches ±{half}"
    assert n > int(np.ceil((1.96 * sd / half) ** 2)), "more than the normal approximation says at small n"


def test_high_load_roles_are_named():
    rows = pd.DataFrame({"dimension": "officer_role", "metric": "officer_utilization", "port": ["a", "a", "b"],
                         "level": ["document", "nii", "document"], "value": [0.95, 0.2, 0.5]})
    loads = planning.high_load(rows)
    assert list(zip(loads["port"], loads["role"])) == [("a", "document")], "only the role near capacity"
    plan = pd.DataFrame([{"scenario": "s", "metric": "m", "port_group": "all", "replications": 5, "sd": 1.0,
                          "half_width": 1.2, "target": 0.5, "needed": 18, "skewness": 1.5}])
    text = " ".join(planning.advice(plan, loads))
    assert "needs 18 replications" in text and "skewed" in text and "a document officers are 95% busy" in text, text


def test_a_significant_but_tiny_effect_is_negligible_not_a_finding():
    table = pd.DataFrame({"estimate": [-0.0012, -0.5, -0.5], "p_adjusted": [0.01, 0.01, 0.2]})
    found = multiplicity.findings(table, pd.Series([10.0, 10.0, 10.0]))
    assert list(found) == ["negligible", "effect", ""], \
        "4 seconds on a 10-hour release time is real but negligible; half an hour is a finding; p 0.2 is neither"
