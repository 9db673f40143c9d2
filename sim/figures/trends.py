"""Headline metrics over time: quarterly series, pilot vs control ports, with 95% CIs."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.analysis.intervals import summarise
from sim.analysis.summary import pooled
from sim.figures.styling import (
    BASELINE_COLOUR,
    GROUP_COLOURS,
    WIDTH,
    fit_height,
    legend_outside,
    panel_grid,
    quarter_axis,
    scenario_colours,
    styled,
)
from sim.figures.tables import (
    DEFAULT_SERIES,
    first_pilot_quarter,
    label,
    quarters_sorted,
    scenario_label,
    scenario_order,
    with_groups,
)


def _series_style(scenario: str, group: str, multi: bool, colours: dict) -> dict:
    """Line style: one scenario -> colour by group; several -> colour by scenario, dash by group."""
    dashed = group == "control ports"
    colour = colours.get(scenario, BASELINE_COLOUR) if multi else GROUP_COLOURS[group]
    name = f"{scenario_label(scenario)} · {group}" if multi else group
    return dict(color=colour, ls=":" if dashed and multi else "-", marker="s" if dashed else "o",
                label=name)


@styled
def timeseries(quarterly: pd.DataFrame, metrics: Sequence[str] = DEFAULT_SERIES,
               colours: dict | None = None) -> Figure:
    """Quarterly headline metrics, pilot vs control ports, mean and 95% CI across replications.

    Args:
        quarterly: The ``quarterly`` table (one or several scenarios).
        metrics: Columns, one panel each.
        colours: Scenario colours (default :func:`scenario_colours`).

    Returns:
        Small multiples; a dashed vertical line (gid ``rollout``) before the first pilot quarter. With
        several scenarios, control ports are dotted and drawn without their band.

    """
    q = with_groups(quarterly)
    quarters, first = quarters_sorted(q["quarter"]), first_pilot_quarter(q)
    scenarios = scenario_order(q["scenario"])
    colours, multi = colours or scenario_colours(scenarios), len(scenarios) > 1
    by = ["scenario", "group", "quarter"]
    summary = summarise(pooled(q, [*by, "replication"], metrics), by, metrics)
    ncols = 1 if len(metrics) == 1 else 2
    fig = Figure(figsize=(WIDTH, fit_height(0.8 + 2.1 * np.ceil(len(metrics) / ncols))), layout="constrained")
    pos = {qq: i for i, qq in enumerate(quarters)}
    axes = panel_grid(fig, len(metrics), ncols)
    for i, (ax, metric) in enumerate(zip(axes, metrics)):
        title, unit, scale = label(metric)
        for (scen, group), part in summary[summary["metric"] == metric].groupby(["scenario", "group"]):
            part = part.assign(x=part["quarter"].map(pos)).sort_values("x")
            style_ = _series_style(scen, group, multi, colours)
            ax.plot(part["x"], part["mean"] * scale, gid="series", **style_)
            if not (multi and group == "control ports"):  # stacked bands of several scenarios turn to mud
                low, high = part["ci_low"], part["ci_high"]
                if unit == "share":  # a rate's band stays within [0, 1] (normal CIs of small rates cross 0)
                    low, high = low.clip(0, 1), high.clip(0, 1)
                ax.fill_between(part["x"], low * scale, high * scale, alpha=0.18,
                                color=style_["color"], linewidth=0, gid="ci")
        if first is not None:
            ax.axvline(pos[first] - 0.5, color="0.3", ls="--", lw=1, gid="rollout", label="_rollout")
        ax.set_title(title)
        ax.set_ylabel(unit)
        quarter_axis(ax, quarters, show=i + ncols >= len(metrics))
    handles, labels = axes[0].get_legend_handles_labels()
    if first is not None:
        handles.append(Line2D([], [], color="0.3", ls="--", lw=1))
        labels.append(f"first pilot quarter ({first})")
    legend_outside(fig, handles, labels, "upper")
    return fig
