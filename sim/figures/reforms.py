"""The reforms' headline metrics by quarter: paired differences against the baseline.

Local declaration, officer training and international intelligence sharing each move a metric
of their own, and some only after a while (training: capacity lost in the quarter of the
courses, detection gained later). One panel per metric, one series per scenario whose
difference has a 95% CI excluding 0 in at least one quarter, at the pilot ports (all ports for
a scenario without pilots).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.figures.styling import (
    WIDTH,
    effect_series,
    fit_height,
    legend_outside,
    panel_grid,
    quarter_axis,
    scenario_colours,
    styled,
)
from sim.figures.tables import diff_label, is_baseline, quarters_sorted, scenario_order

# each reform's headline metrics (docs/reforms.md)
REFORM_METRICS = ("disputes", "release_time_document_mean_h", "released_per_officer_h", "officer_on_shift_h",
                  "detection_rate", "partner_detection_rate", "partner_smuggling_share")


def reform_rows(comparison: pd.DataFrame, metrics: Sequence[str] = REFORM_METRICS) -> pd.DataFrame:
    """Per-quarter rows of ``metrics`` for the scenarios that move them (a CI excluding 0 in a
    quarter), at each scenario's pilot ports, or all ports without pilots."""
    c = comparison[(comparison["quarter"].astype(str) != "all") & comparison["metric"].isin(metrics)
                   & ~comparison["scenario"].map(is_baseline)]
    has_pilot = c.groupby("scenario")["port_group"].transform(lambda g: (g == "pilot").any())
    c = c[c["port_group"] == np.where(has_pilot, "pilot", "all")]
    moved = ((c["ci_low"] > 0) | (c["ci_high"] < 0)).groupby([c["scenario"], c["metric"]]).transform("any")
    return c[moved]


@styled
def reform_effects(comparison: pd.DataFrame, metrics: Sequence[str] = REFORM_METRICS,
                   colours: dict | None = None) -> Figure:
    """Paired difference scenario − baseline by quarter with 95% CI, one panel per reform metric
    that some scenario moves (:func:`reform_rows`); a zero line (gid ``zero``) in each."""
    rows = reform_rows(comparison, metrics)
    shown = [m for m in metrics if (rows["metric"] == m).any()]
    if not shown:
        raise ValueError("no reform metric moves in comparison.csv (a 95% CI excluding 0 in some quarter)")
    scenarios = scenario_order(rows["scenario"])
    colours = colours or scenario_colours(scenarios)
    quarters = quarters_sorted(rows["quarter"])
    ncols = 1 if len(shown) == 1 else 2
    fig = Figure(figsize=(WIDTH, fit_height(0.9 + 2.0 * np.ceil(len(shown) / ncols))), layout="constrained")
    for i, (ax, metric) in enumerate(zip(panel_grid(fig, len(shown), ncols), shown)):
        title, unit, scale = diff_label(metric)
        part = rows[rows["metric"] == metric]
        series = {}
        for scen in scenario_order(part["scenario"]):
            r = part[part["scenario"] == scen].set_index("quarter").reindex(quarters)
            series[scen] = [np.arange(len(quarters)), *(r[k].to_numpy(float) for k in ("diff", "ci_low", "ci_high"))]
        effect_series(ax, series, colours, unit, scale, "effect", fmt="o-", ms=3, lw=1)
        ax.set_title(title, fontsize=9)
        ax.set_ylabel(unit, fontsize=8)
        quarter_axis(ax, quarters, show=i + ncols >= len(shown))
    handles, labels = [], []
    for ax in fig.axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    legend_outside(fig, handles, labels, "upper")
    fig.supxlabel("Paired difference scenario − baseline with 95% CI, pilot ports (all without a pilot)", fontsize=8)
    return fig
