"""Resilience tables from saved ``events`` and ``event_backlog`` tables (one or several scenarios).

- :func:`resilience_table`: per scenario, event and measure (peak backlog, recovery time, ...),
  the mean over replications with its 95% t interval; where the baseline has an event of the
  same name (e.g. a typhoon with and without 24 h operation), the paired difference scenario -
  baseline on common random numbers, its CI and p-value.
- :func:`phase_table`: per scenario, event and series (hourly backlog, trailing-24 h p90 release
  time of all and of checked declarations), the mean over the hours before the event, during it
  and in the last two days of the series (after); and the p90 release time of the declarations
  (all, checked; and of the business models a surge concerns, all and checked) that arrived in
  each of those phases (events.csv); with the paired change of during and after against before.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.compare import paired_stats
from sim.analysis.intervals import mean_ci
from sim.metrics import EVENT_AFTER_H, EVENT_METRICS

MEASURES = tuple(m.name for m in EVENT_METRICS)
# the p90 release time of the declarations arriving in each phase (all, checked, and of the
# business models the event concerns: like for like): columns of events.csv
BY_ARRIVAL = {"arrival_p90_h": "p90_{}_h", "arrival_p90_checked_h": "p90_checked_{}_h",
              "arrival_p90_models_h": "p90_models_{}_h", "arrival_p90_models_checked_h": "p90_models_checked_{}_h"}
SERIES = ("backlog", "release_time_p90_h", "release_time_p90_checked_h", *BY_ARRIVAL)
RESILIENCE_COLUMNS = ["scenario", "event", "kind", "port", "metric", "mean", "ci_low", "ci_high", "n",
                      "baseline_mean", "diff", "diff_ci_low", "diff_ci_high", "p_value"]
PHASE_COLUMNS = ["scenario", "event", "metric", "phase", "mean", "ci_low", "ci_high", "n", "change",
                 "change_ci_low", "change_ci_high"]


def _long(table: pd.DataFrame, group: str, period: str, metrics) -> pd.DataFrame:
    """The layout :func:`sim.analysis.compare.paired_stats` reads: port_group, period, metric,
    replication, value."""
    out = table.melt(id_vars=[group, "replication"], value_vars=list(metrics), var_name="metric", value_name="value")
    return out.rename(columns={group: "port_group"}).assign(period=period)


def _paired(base: pd.DataFrame, other: pd.DataFrame, group: str, metrics) -> pd.DataFrame:
    """Paired differences other - base by ``group`` and metric (same replications)."""
    table = paired_stats(_long(base, group, "all", metrics), _long(other, group, "all", metrics))
    return table.rename(columns={"port_group": group}).drop(columns="period")


def resilience_table(events: pd.DataFrame, baseline: str | None = None) -> pd.DataFrame:
    """Mean and CI of each measure per scenario and event; paired difference against
    ``baseline``'s event of the same name where it has one."""
    measures = [name for name in MEASURES if name in events]  # tables saved before offered_load lack it
    rows = []
    for (scenario, event), g in events.groupby(["scenario", "event"], sort=False):
        for name in measures:
            mean, low, high = mean_ci(name, g[name])
            rows.append({"scenario": scenario, "event": event, "kind": g["kind"].iat[0], "port": g["port"].iat[0],
                         "metric": name, "mean": mean, "ci_low": low, "ci_high": high,
                         "n": int(g[name].notna().sum())})
    table = pd.DataFrame(rows, columns=RESILIENCE_COLUMNS[:9])
    base = events[events["scenario"] == baseline]
    diffs = [_paired(base, g, "event", measures).assign(scenario=s) for s, g in events.groupby("scenario", sort=False)
             if s != baseline and len(base) and set(g["event"]) & set(base["event"])]
    if diffs:
        d = pd.concat(diffs, ignore_index=True).rename(columns={"ci_low": "diff_ci_low", "ci_high": "diff_ci_high"})
        table = table.merge(d[["scenario", "event", "metric", "baseline_mean", "diff", "diff_ci_low", "diff_ci_high",
                               "p_value"]], on=["scenario", "event", "metric"], how="left")
    return table.reindex(columns=RESILIENCE_COLUMNS)


def phases(event_backlog: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Per scenario, event, replication and phase (before, during, after) the mean of each series."""
    duration = events.drop_duplicates(["scenario", "event"]).set_index(["scenario", "event"])["duration_h"]
    b = event_backlog.join(duration, on=["scenario", "event"])
    last = b.groupby(["scenario", "event", "replication"])["hour"].transform("max")
    b["phase"] = np.select([b["hour"] < 0, b["hour"] < b["duration_h"], b["hour"] > last - EVENT_AFTER_H],
                           ["before", "during", "after"], "")
    series = [name for name in SERIES if name in b]  # tables saved before the checked p90 lack it
    keys = ["scenario", "event", "replication", "phase"]
    hourly = b[b["phase"] != ""].groupby(keys, sort=False)[series].mean().reset_index()
    saved = {name: col for name, col in BY_ARRIVAL.items() if col.format("during") in events}  # older tables lack some
    if not saved:
        return hourly
    arrived = pd.concat([events[keys[:3]].assign(phase=phase, **{name: events[col.format(phase)]
                                                                 for name, col in saved.items()})
                         for phase in ("before", "during", "after")], ignore_index=True)
    return hourly.merge(arrived, on=keys, how="left")


def phase_table(event_backlog: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Mean and CI of each series per phase, and the paired change of during and after against before."""
    per_rep = phases(event_backlog, events)
    series = [name for name in SERIES if name in per_rep]
    rows = []
    for (scenario, event), g in per_rep.groupby(["scenario", "event"], sort=False):
        before = g[g["phase"] == "before"].assign(key=event)
        for phase in ("before", "during", "after"):
            rows_phase = g[g["phase"] == phase].assign(key=event)
            change = _paired(before, rows_phase, "key", series).set_index("metric") if phase != "before" else None
            for name in series:
                mean, low, high = mean_ci(name, rows_phase[name])
                c = change.loc[name] if change is not None and name in change.index else None
                rows.append({"scenario": scenario, "event": event, "metric": name, "phase": phase, "mean": mean,
                             "ci_low": low, "ci_high": high, "n": int(rows_phase[name].notna().sum()),
                             "change": np.nan if c is None else c["diff"],
                             "change_ci_low": np.nan if c is None else c["ci_low"],
                             "change_ci_high": np.nan if c is None else c["ci_high"]})
    return pd.DataFrame(rows, columns=PHASE_COLUMNS)


def overload_lines(events: pd.DataFrame) -> list[str]:
    """One line per scenario and event whose measured offered load (``offered_load`` of
    events.csv: the busiest queue at its ports during the disruption), averaged over
    replications, reaches 1."""
    lines = []
    for (scenario, event), g in events.groupby(["scenario", "event"], sort=False):
        load = g["offered_load"].mean()
        if load >= 1:
            r = g.iloc[0]
            lines.append(f"{scenario}: {g['busiest'].mode().iat[0]}: offered load {load:.2f} >= 1 during {r.kind} "
                         f"{event} ({r.start}, {r.duration_h:g} h; measured, mean of {len(g)} replication(s)): "
                         f"the queue grew while it lasted")
    return lines
