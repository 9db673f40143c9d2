"""The events figure (sim/figures/events.py), from small constructed tables (no simulation runs)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim import figures as F

HOURS = np.arange(-48, 120)
DURATION = {"outage_single_window_dr": 0.25, "outage_single_window": 8.0}  # the shorter first


def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two scenarios x three replications of one event: the backlog rises by 100 + 10 x
    replication during the disruption and decays after it; p90 doubles for a day."""
    rows, events = [], []
    for scen, duration in DURATION.items():
        for rep in range(3):
            bump = np.where((HOURS >= 0) & (HOURS < duration + 24), 100.0 + 10 * rep, 0.0)
            rows.append(pd.DataFrame({"scenario": scen, "replication": rep, "event": "single_window_outage",
                                      "hour": HOURS, "backlog": 500.0 + bump, "pre_event": 500.0,
                                      "release_time_p90_h": 20.0 + bump / 5}))
            events.append({"scenario": scen, "replication": rep, "event": "single_window_outage",
                           "kind": "system_outage", "port": "all", "start": "2025-03-04T09:00",
                           "duration_h": duration, "peak_backlog": 600.0 + 10 * rep, "delayed_24h": 50.0,
                           "extra_release_h": 2000.0, "recovery_h": duration + 4, "revenue_deferred": 1e6})
    return pd.concat(rows, ignore_index=True), pd.DataFrame(events)


def by_gid(artists, gid):
    return [a for a in artists if a.get_gid() == gid]


def test_one_row_per_event_with_the_mean_its_band_and_the_longest_disruption():
    backlog, events = tables()
    fig = F.event_backlog(backlog, events)
    assert len(fig.axes) == 2, "one event: one row of two panels (backlog, p90 release time)"
    left, right = fig.axes
    assert left.get_title(loc="left") == "single_window_outage (all)", "the event and its ports head the row"
    for ax in fig.axes:
        assert len(by_gid(ax.lines, "series")) == 2, "one mean line per scenario"
        assert len(by_gid(ax.collections, "ci")) == 2, "one 95% CI band per scenario"
        span = by_gid(ax.patches, "disruption")
        assert len(span) == 1, "the disruption is shaded once"
        x0, x1 = span[0].get_x(), span[0].get_x() + span[0].get_width()
        assert (x0, x1) == pytest.approx((0.0, 8.0)), "shaded from the start over the longest disruption (8 h)"
    mean = by_gid(left.lines, "series")[1]  # outage_single_window
    at = list(mean.get_xdata()).index(2)
    assert mean.get_ydata()[at] == pytest.approx(610.0), "mean backlog over replications: 500 + (100+110+120)/3"
    assert len(by_gid(left.lines, "pre_event")) == 2 and not by_gid(right.lines, "pre_event"), \
        "the pre-event level is drawn on the backlog panels only"
    assert mean.get_xdata()[0] == -48 and left.get_xlim()[0] == -48, "the series starts 48 h before the event"


def test_a_run_folder_without_scenarios_draws_one_series():
    backlog, events = tables()
    one = backlog["scenario"] == "outage_single_window"
    fig = F.event_backlog(backlog[one].drop(columns="scenario"),
                          events[events["scenario"] == "outage_single_window"].drop(columns="scenario"))
    assert [ln.get_label() for ln in by_gid(fig.axes[0].lines, "series")] == ["mean"], "one unnamed scenario"


def test_the_report_draws_the_events_figure_only_when_there_are_events(tmp_path):
    from sim.report.build import build_report
    backlog, events = tables()
    backlog.to_csv(tmp_path / "event_backlog.csv", index=False)
    events.to_csv(tmp_path / "events.csv", index=False)
    text = build_report(tmp_path).read_text()
    assert (tmp_path / "figures" / "event_backlog.png").is_file(), "the events figure is drawn"
    assert "](figures/event_backlog.png)" in text, "and embedded in report.md"
    (tmp_path / "events.csv").unlink()
    assert "event_backlog" not in build_report(tmp_path).read_text(), "no events table: not planned, not listed"
