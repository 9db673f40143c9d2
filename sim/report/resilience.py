"""Markdown of the disruption events (``resilience``, ``event_phases``), for summary.md and the
report, and the caption of the backlog-around-events figure."""
from __future__ import annotations

import pandas as pd

from sim.metrics import metric
from sim.report.render import ci, md_table, num

DEFINITIONS = ("Against the pre-event level: the backlog at the same time of day averaged over the 7 days "
               "before the event (docs/events.md). Recovery: from the end of the disruption to the first whole "
               "hour whose mean backlog is within 10% of that level; extra release hours: declaration-hours in "
               "process above it from the start to the recovery; delayed beyond 24 h: such declarations above "
               "the pre-event share; revenue deferred: duty held in the backlog at the end above the level.")


def _value(mean: float, low: float, high: float, name: str) -> str:
    scale = metric(name).scale
    return f"{num(mean * scale)} ({ci(low, high, scale)})"


P90_SERIES = {"release_time_p90_h": "all, released in the past 24 h",
              "release_time_p90_checked_h": "checked, released in the past 24 h",
              "arrival_p90_h": "all, arrived in the phase", "arrival_p90_checked_h": "checked, arrived in the phase",
              "arrival_p90_models_h": "the event's business models, arrived in the phase",
              "arrival_p90_models_checked_h": "the event's business models, checked, arrived in the phase"}


def resilience_section(resilience: pd.DataFrame | None, phases: pd.DataFrame | None = None) -> list[str]:
    """Each event's measures with 95% CIs, the paired difference against the baseline's event of
    the same name where there is one, and the p90 release time before, during and after."""
    if resilience is None or not len(resilience):
        return []
    rows = [[f"{r.scenario} · {r.event}", f"{r.kind} at {r.port}", f"{metric(r.metric).label} "
             f"({'million CNY' if metric(r.metric).scale != 1 else metric(r.metric).unit})",
             _value(r.mean, r.ci_low, r.ci_high, r.metric),
             "" if r.diff != r.diff else _value(r.diff, r.diff_ci_low, r.diff_ci_high, r.metric), str(r.n)]
            for r in resilience.itertuples()]
    lines = ["## Disruptions: backlog and recovery", "", DEFINITIONS + " Mean over replications (95% t interval); "
             "difference: scenario − baseline, paired by seed, for an event the baseline has too.", "",
             *md_table(["scenario · event", "what", "measure", "mean (95% CI)", "vs baseline (95% CI)", "n"], rows)]
    if phases is not None and len(phases):
        # rows without values left out: p90_models_* of an event of all business models
        p = phases[phases["metric"].isin(P90_SERIES) & (phases["n"] > 0)]
        rows = [[f"{r.scenario} · {r.event}", P90_SERIES[r.metric], r.phase,
                 _value(r.mean, r.ci_low, r.ci_high, r.metric),
                 "" if r.change != r.change else f"{num(r.change)} ({ci(r.change_ci_low, r.change_ci_high)})"]
                for r in p.itertuples()]
        lines += ["", "90th percentile release time (hours) before the event, during it and after it (the last two "
                  "days of its series), of all declarations and of those that went through a check (document "
                  "review or inspection): of the releases in the past 24 h, averaged over the phase's hours "
                  "(before: the 48 h before the start), and of the declarations that arrived in the phase "
                  "(before: the 7 days before the start); for a surge of some business models, also of the "
                  "declarations of those models (like for like: the surge changes the mix):", "",
                  *md_table(["scenario · event", "declarations", "phase", "p90 (95% CI)", "change vs before (95% CI)"],
                            rows)]
    return [*lines, ""]


def report_section(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The disruptions section of a report: from ``resilience`` and ``event_phases`` when the
    folder holds them (a comparison), else computed from ``events`` and ``event_backlog`` (a run)."""
    from sim.analysis.resilience import phase_table, resilience_table
    if "resilience" in tables:
        return resilience_section(tables["resilience"], tables.get("event_phases"))
    if "events" not in tables or "event_backlog" not in tables:
        return []
    name = tables["quarterly"]["scenario"].iat[0] if "quarterly" in tables else "run"
    events, backlog = (t if "scenario" in t else t.assign(scenario=name)
                       for t in (tables["events"], tables["event_backlog"]))
    return resilience_section(resilience_table(events), phase_table(backlog, events))


def caption(events: pd.DataFrame) -> str:
    """Caption of the backlog-around-events figure."""
    first = events.drop_duplicates("event")
    what = "; ".join(f"{r.event}: {r.kind} at {r.port} from {r.start} for {num(float(r.duration_h))} h"
                     for r in first.itertuples())
    return ("Declarations in process at the event's ports, hourly mean over replications (band: 95% CI), against "
            "the pre-event level (dashed: the same hour of the 7 days before); shaded: the disruption; right: "
            f"the 90th percentile release time of the releases in the past 24 h. {what}.")
