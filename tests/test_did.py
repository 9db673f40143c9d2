"""The evaluator's difference-in-differences: a known effect is recovered; a simulated pilot
shows nothing before its rollout and an effect after it."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis import did
from sim.analysis.paired_did import paired_did
from sim.compose import ROOT, load_config
from sim.experiments.definitions import load_experiment
from sim.experiments.replications import run_replications

QUARTERS = ["2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q3"]
PORTS = {"sea": True, "parcel": True, "air": False, "land": False}  # port -> in the pilot
EFFECT = 0.05


def constructed_table(effect: float, replications: int = 8) -> pd.DataFrame:
    """Port and quarter levels, a shock per replication x quarter, noise, and ``effect`` at the
    pilot ports from 2025Q1 on."""
    rng = np.random.default_rng(7)
    rows = []
    for r in range(replications):
        shocks = rng.normal(0, 0.02, len(QUARTERS))
        for p, (port, pilot) in enumerate(PORTS.items()):
            for q, quarter in enumerate(QUARTERS):
                on = pilot and quarter >= "2025Q1"
                value = 0.1 + 0.03 * p + 0.01 * q + shocks[q] + effect * on + rng.normal(0, 0.005)
                rows.append({"scenario": "x", "replication": r, "port": port, "quarter": quarter,
                             "pilot": on, "inspection_rate": value})
    return pd.DataFrame(rows)


def rows_of(table: pd.DataFrame, term: str) -> pd.DataFrame:
    return table[table["term"] == term].set_index("rel_quarter", drop=False)


def test_did_recovers_a_known_effect_within_its_ci():
    table = did.did_scenario(constructed_table(EFFECT), ["inspection_rate"], "x")
    assert list(table.columns) == did.DID_COLUMNS, f"exact did.csv columns, got {list(table.columns)}"
    estimate = rows_of(table, "did").iloc[0]
    assert estimate["ci_low"] <= EFFECT <= estimate["ci_high"], f"the CI covers the true {EFFECT}: {estimate}"
    assert estimate["ci_low"] > 0, "and excludes no effect"
    assert estimate["n"] == 8 * len(PORTS) * len(QUARTERS), "fitted on every port x quarter x replication row"
    events = rows_of(table, "event")
    assert list(events["rel_quarter"]) == [-2, -1, 0, 1, 2], "one coefficient per quarter relative to 2025Q1"
    assert (events.loc[-1, ["estimate", "ci_low", "ci_high"]] == 0).all(), "the reference quarter is fixed at 0"
    assert events.loc[-2, "ci_low"] <= 0 <= events.loc[-2, "ci_high"], "no effect before the rollout"
    for k in (0, 1, 2):
        assert events.loc[k, "ci_low"] <= EFFECT <= events.loc[k, "ci_high"], f"quarter {k}: the effect is covered"


def test_no_effect_gives_a_ci_around_zero():
    estimate = rows_of(did.did_scenario(constructed_table(0.0), ["inspection_rate"], "x"), "did").iloc[0]
    assert estimate["ci_low"] <= 0 <= estimate["ci_high"], f"no injected effect, none found: {estimate}"


def test_a_pilot_without_controls_or_a_pre_period_is_not_fitted():
    everywhere = constructed_table(EFFECT).assign(pilot=lambda t: t["quarter"] >= "2025Q1")
    from_the_start = constructed_table(EFFECT).assign(pilot=lambda t: t["port"].map(PORTS))
    table, skipped = did.did_table({"everywhere": everywhere, "from_the_start": from_the_start}, ["inspection_rate"])
    assert table.empty and set(skipped) == {"everywhere", "from_the_start"}, f"both are unidentified: {skipped}"
    assert "control" in skipped["everywhere"] and "before" in skipped["from_the_start"], skipped


def test_simulated_pilot_has_no_effect_before_its_rollout_and_one_after():
    """The targeting pilot at a higher inspection rate, seen as an evaluator sees it, against the
    paired truth (scenario - baseline at the pilot ports, same seeds)."""
    exp = load_experiment(ROOT / "experiments", "smoke_pilot")
    # 5 replications: with 3 clusters the wild cluster bootstrap has only 216 draws and little power
    common = [*exp.overrides, "run.replications=5", "run.progress=false"]
    designed = "policy.targeting.params.inspection_rate=0.0715"  # the baseline's 0.0285 + 4.3 points
    cfg, _ = load_config(["scenario=inspection_targeting", *common, designed])
    quarterly = run_replications(cfg).quarterly
    baseline = run_replications(load_config(["scenario=baseline_2024", *common])[0]).quarterly
    table = did.did_scenario(quarterly, ["inspection_rate"], "inspection_targeting")
    events = rows_of(table, "event")
    assert events.loc[-2, "ci_low"] <= 0 <= events.loc[-2, "ci_high"], f"no effect before 2025Q1:\n{events}"
    for k in (0, 1):
        assert events.loc[k, "ci_low"] > 0, f"quarter {k} after the rollout: inspections up:\n{events}"
    truth = paired_did(baseline, quarterly, ["inspection_rate"], "t").set_index("term").loc["paired_effect"]
    assert 0.03 < truth["estimate"] < 0.06, f"the pilot raises inspections at its ports by about 4 points: {truth}"
    estimate = rows_of(table, "did").iloc[0]
    assert estimate["ci_low"] <= truth["estimate"] <= estimate["ci_high"], \
        f"the evaluator's DiD covers the paired truth {truth['estimate']:.4f}: {estimate.to_dict()}"


def test_quarter_labels_become_consecutive_integers():
    index = did.quarter_index(pd.Series(["2024Q4", "2025Q1"]))
    assert index.diff().iloc[1] == 1, "2024Q4 -> 2025Q1 is one quarter"
    with pytest.raises(ValueError):
        did.quarter_index(pd.Series(["2025-Q1"]))
