"""The reforms' figure: per-quarter paired differences of the reform metrics, only those a
scenario moves (a 95% CI excluding 0 in some quarter), at the pilot ports."""
from __future__ import annotations

import pandas as pd
import pytest

from sim import figures as F


def comparison() -> pd.DataFrame:
    rows = []
    for q, (train, share) in zip(["2025Q1", "2025Q2", "all"], [(-900.0, 0.0), (0.0, -0.1), (-900.0, -0.05)]):
        for group in ("pilot", "control"):
            moved = group == "pilot"
            rows += [dict(scenario="officer_training", metric="officer_on_shift_h", quarter=q, port_group=group,
                          diff=train if moved else 0.0, ci_low=(train - 50) if moved else -1.0,
                          ci_high=min(train + 50, 0.0) if moved else 1.0),
                     dict(scenario="officer_training", metric="partner_smuggling_share", quarter=q,
                          port_group=group, diff=0.0, ci_low=-0.2, ci_high=0.2)]
        rows.append(dict(scenario="intl_risk_sharing", metric="partner_smuggling_share", quarter=q, port_group="all",
                         diff=share, ci_low=share - 0.02 if share else -0.1, ci_high=min(share + 0.02, 0.0)
                         if share else 0.1))
    rows.append(dict(scenario="baseline_2024", metric="officer_on_shift_h", quarter="2025Q1", port_group="all",
                     diff=5.0, ci_low=4.0, ci_high=6.0))
    return pd.DataFrame(rows)


def test_only_moved_metrics_per_quarter_at_the_pilot_ports():
    rows = F.reform_rows(comparison())
    assert set(rows["quarter"]) == {"2025Q1", "2025Q2"}, "per-quarter rows only"
    assert set(zip(rows["scenario"], rows["metric"])) == {("officer_training", "officer_on_shift_h"),
                                                          ("intl_risk_sharing", "partner_smuggling_share")}, \
        "a metric a scenario does not move and the baseline are left out"
    training = rows[rows["scenario"] == "officer_training"]
    assert set(training["port_group"]) == {"pilot"}, "pilot ports for a scenario with pilots"
    assert set(rows.loc[rows["scenario"] == "intl_risk_sharing", "port_group"]) == {"all"}, "all ports without"


def test_figure_has_a_panel_per_moved_metric_with_a_zero_line():
    fig = F.reform_effects(comparison())
    titles = ["".join(ax.get_title(loc=where) for where in ("left", "center", "right")) for ax in fig.axes]
    assert titles == ["Officer on-shift hours", "Smuggling share via intel partners"], f"panels: {titles}"
    for ax in fig.axes:
        assert any(line.get_gid() == "zero" for line in ax.lines), "each panel has a zero line"


def test_no_moved_metric_is_an_error():
    c = comparison()
    c[["ci_low", "ci_high"]] = [-1.0, 1.0]
    with pytest.raises(ValueError, match="no reform metric moves"):
        F.reform_effects(c)


def test_shares_are_clipped_at_100_points_and_wide_intervals_cut_at_the_axis():
    """As in the event study (one shared panel helper): a CI far wider than the effects ends in an
    arrow at the axis (gid ``cut``), and a share's effect stays within +-100 points."""
    c = comparison()
    wide = (c["scenario"] == "intl_risk_sharing") & (c["quarter"] == "2025Q2")
    c.loc[wide, "ci_low"] = -3.0  # a share cannot fall by 300 points: clipped to -100, then cut at the axis
    fig = F.reform_effects(c)
    share = fig.axes[1]
    bars = [e for e in share.containers if e.lines[0].get_gid() == "effect"]
    lowest = min(seg[:, 1].min() for e in bars for seg in e.lines[2][0].get_segments())
    assert lowest >= -100, f"a share's CI clipped at -100 points, got {lowest}"
    assert [ln.get_marker() for ln in share.lines if ln.get_gid() == "cut"] == ["v"], "the cut whisker's arrow"
    assert share.get_ylim()[0] == pytest.approx(-1.1 * 4 * 10), "the axis stops at 4 x the largest effect (10 points)"
    assert not [ln for ln in fig.axes[0].lines if ln.get_gid() == "cut"], "narrow CIs are not cut"
