"""Invariants of every run: no declaration is lost, rates are rates, the TRS steps add up."""
from __future__ import annotations

import numpy as np
import pytest

from sim.experiments.replications import run_replications
from sim.metrics import QUARTERLY_COLUMNS

RATES = ["inspection_rate", "physical_inspection_rate", "nii_share", "hit_rate", "violation_rate",
         "detection_rate", "officer_utilization"]


@pytest.fixture(scope="module")
def result():
    from sim.compose import load_config
    cfg, _ = load_config(["run.replications=2", "world.horizon_quarters=3", "run.progress=false"])
    return run_replications(cfg)


def test_every_required_column_and_one_row_per_key(result):
    q = result.quarterly
    assert list(q.columns) == list(QUARTERLY_COLUMNS), "quarterly columns follow DESIGN's contract"
    keys = ["scenario", "replication", "port", "quarter"]
    assert not q.duplicated(keys).any(), "one row per scenario x replication x port x quarter"
    assert len(q) == 2 * 4 * 3, "2 replications x 4 ports x 3 quarters"
    assert sorted(q.quarter.unique()) == ["2024Q1", "2024Q2", "2024Q3"], "quarters are labelled"


def test_conservation_holds_exactly_per_port(result):
    q = result.quarterly.sort_values(["replication", "port", "quarter"])
    flow = q.in_process_start + q.declarations - q.released - q.seized
    assert (flow == q.in_process).all(), "in_process = in_process_start + declarations - released - seized"
    prev = q.groupby(["replication", "port"]).in_process.shift()
    chained = prev.notna()
    assert (q.in_process_start[chained] == prev[chained]).all(), \
        "in_process_start[q] == in_process[q-1] for every port"
    assert (q.in_process >= 0).all(), "nothing is released twice"


def test_rates_are_within_unit_interval(result):
    q = result.quarterly
    for col in RATES:
        values = q[col].dropna()
        assert len(values) > 0, f"{col} is filled"
        assert ((values >= 0) & (values <= 1)).all(), f"{col} within [0, 1]"
    assert (q.revenue_collected <= q.revenue_due + 1e-6).all(), "collect no more than is due"
    assert np.allclose(q.revenue_leakage, q.revenue_due - q.revenue_collected), "leakage = due - collected"


def test_role_utilisation_is_at_most_one(result):
    b = result.breakdown
    util = b[(b.dimension == "officer_role") & (b.metric == "officer_utilization")].value.dropna()
    assert len(util) == 2 * 4 * 3 * 3, "every port x quarter x role has a utilisation"
    assert ((util >= 0) & (util <= 1)).all(), "utilisation within [0, 1] for every role"


def test_trs_steps_add_up_to_release_time(result):
    b = result.breakdown
    steps = b[(b.dimension == "trs_step") & (b.metric == "hours_per_released")]
    total = steps.groupby(["replication", "port", "quarter"]).value.sum()
    q = result.quarterly.set_index(["replication", "port", "quarter"]).release_time_mean_h
    assert np.allclose(total.sort_index(), q.sort_index(), rtol=1e-9), \
        "TRS step hours per released declaration sum to the mean release time"


def test_splits_add_up_to_totals(result):
    b, q = result.breakdown, result.quarterly
    for dimension in ("direction", "business_model", "channel"):
        part = b[(b.dimension == dimension) & (b.metric == "declarations")]
        total = part.groupby(["replication", "port", "quarter"]).value.sum().sort_index()
        expected = q.set_index(["replication", "port", "quarter"]).declarations.sort_index()
        assert (total.to_numpy() == expected.to_numpy()).all(), f"{dimension} split sums to declarations"


def test_baseline_is_near_the_2024_calibration_targets(result):
    """Seed report 2024: export release ~8 h, import ~12 h, NII ~40% of inspections."""
    from sim.analysis.summary import summary_table
    s = summary_table(result.quarterly).set_index("metric")["mean"]
    assert 7.0 < s["release_time_export_mean_h"] < 9.0, f"export release {s['release_time_export_mean_h']:.2f} h"
    assert 10.5 < s["release_time_import_mean_h"] < 13.5, f"import release {s['release_time_import_mean_h']:.2f} h"
    assert 0.35 < s["nii_share"] < 0.45, f"NII share {s['nii_share']:.3f}"
