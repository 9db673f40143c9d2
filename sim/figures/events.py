"""The backlog around disruption events: hourly series from the saved ``event_backlog`` table."""
from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.intervals import summarise
from sim.figures.styling import WIDTH, scenario_colours, styled
from sim.figures.tables import scenario_order

SERIES = (("backlog", "Declarations in process"), ("release_time_p90_h", "p90 release time, past 24 h"))


def _scenario(table: pd.DataFrame) -> pd.DataFrame:
    """A run folder's tables have no scenario column: one unnamed scenario."""
    return table if "scenario" in table else table.assign(scenario="run")


@styled
def event_backlog(event_backlog: pd.DataFrame, events: pd.DataFrame, colours: dict | None = None) -> Figure:
    """Per event (rows): the hourly backlog at its ports and the trailing-24 h p90 release time,
    mean over replications with a 95% CI band, per scenario; the pre-event level dashed, the
    disruption shaded (the longest, when scenarios differ).

    Args:
        event_backlog: The ``event_backlog`` table (hour from the event's start).
        events: The ``events`` table (for each event's disruption length and where it happened).
        colours: Scenario colours (default :func:`scenario_colours`).

    Returns:
        One row of two panels per event; series have gid ``series``, bands ``ci``, the pre-event
        level ``pre_event`` and the disruption ``disruption``.

    """
    b, e = _scenario(event_backlog), _scenario(events)
    scenarios, names = scenario_order(b["scenario"]), list(dict.fromkeys(e["event"]))
    colours = {**scenario_colours(scenarios), **(colours or {})}
    summary = summarise(b, ["scenario", "event", "hour"], [name for name, _ in SERIES])
    pre = b.groupby(["scenario", "event", "hour"])["pre_event"].mean()
    fig = Figure(figsize=(WIDTH, 0.5 + 2.2 * len(names)), layout="constrained")
    axes = fig.subplots(len(names), len(SERIES), squeeze=False)
    for row, event in zip(axes, names):
        first = e[e["event"] == event].iloc[0]
        for ax, (name, title) in zip(row, SERIES):
            longest = float(e.loc[e["event"] == event, "duration_h"].max())
            ax.axvspan(0, max(longest, 0.25), color="0.85", linewidth=0, gid="disruption")
            for scen in scenarios:
                part = summary[(summary["scenario"] == scen) & (summary["event"] == event)
                               & (summary["metric"] == name)].sort_values("hour")
                if not len(part):
                    continue
                colour = colours[scen]
                ax.plot(part["hour"], part["mean"], color=colour, lw=1.2, gid="series",
                        label=scen if len(scenarios) > 1 else "mean")
                ax.fill_between(part["hour"], part["ci_low"], part["ci_high"], color=colour, alpha=0.18,
                                linewidth=0, gid="ci")
                if name == "backlog" and (scen, event) in pre.index:
                    level = pre.loc[(scen, event)]
                    ax.plot(level.index, level.to_numpy(float), color=colour, ls="--", lw=0.9, gid="pre_event",
                            label="pre-event level" if scen == scenarios[0] else None)
            ax.set_title(f"{event} ({first['port']})" if name == "backlog" else title)
            ax.set_ylabel(title if name == "backlog" else "hours")
            ax.set_xlabel("hours from the start of the event")
            ax.set_xlim(float(b["hour"].min()), float(b["hour"].max()) + 1)
            ax.set_ylim(bottom=0)
        row[0].legend(loc="upper right")
    return fig
