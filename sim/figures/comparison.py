"""Scenarios against the baseline: forest plot of paired differences, trade-off frontier, event study."""
from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from sim.analysis.intervals import summarise
from sim.analysis.summary import per_quarter, pooled
from sim.figures.styling import (
    TOGETHER,
    WIDTH,
    effect_series,
    fit_height,
    legend_columns,
    legend_outside,
    panel_grid,
    scenario_colours,
    styled,
)
from sim.figures.tables import diff_label, is_baseline, key_metrics, label, scenario_label, scenario_order


def _estimate(ax, r: pd.Series, y: float, scale: float, colour: str, bounded: bool) -> None:
    """One paired difference with its 95% CI at height ``y``; a difference of shares is bounded
    by +-1 (100 percentage points), so a wider CI from few replications is cut there."""
    low, high = (np.clip([r["ci_low"], r["ci_high"]], -1, 1) if bounded else (r["ci_low"], r["ci_high"]))
    err = np.clip([[r["diff"] - low], [high - r["diff"]]], 0, None) * scale
    ax.errorbar([r["diff"] * scale], [y], xerr=err, fmt="o", color=colour, gid="estimate",
                label=scenario_label(r.name))


def _forest_rows(comparison: pd.DataFrame, port_group: str | None) -> tuple[pd.DataFrame, str]:
    """The rows of quarter "all" at ``port_group`` (default pilot ports if any), baselines left
    out when there are other scenarios; and the port group."""
    c = comparison[comparison["quarter"].astype(str) == "all"]
    port_group = port_group or ("pilot" if (c["port_group"] == "pilot").any() else "all")
    c = c[c["port_group"] == port_group]
    if c.empty:
        raise ValueError(f"no rows with quarter == 'all' and port_group == {port_group!r}")
    return (c[~c["scenario"].map(is_baseline)] if (~c["scenario"].map(is_baseline)).any() else c), port_group


@styled
def forest(comparison: pd.DataFrame, port_group: str | None = None, metrics: Sequence[str] | None = None,
           colours: dict | None = None, relative: bool = True) -> Figure:
    """Paired difference scenario − baseline with 95% CI: one panel per metric, one marker per scenario.

    Args:
        comparison: ``comparison.csv`` (rows with quarter == "all" are used).
        port_group: "pilot", "control" or "all"; default "pilot" if present, else "all".
        metrics: Metrics in panel order (default: :func:`key_metrics`).
        colours: Scenario colours.
        relative: Print the relative change next to each row (up to :data:`TOGETHER` scenarios).

    Returns:
        One panel per metric, each in its own unit, with a zero line (gid ``zero``): stacked, with a
        legend, for up to :data:`TOGETHER` scenarios; beyond, small multiples in three columns (two
        when long names need the width) with the scenarios named on the y axis of the first.

    """
    c, port_group = _forest_rows(comparison, port_group)
    metrics = list(metrics or key_metrics(c["metric"]))
    scenarios = scenario_order(c["scenario"])
    colours = colours or scenario_colours(scenarios)
    many = len(scenarios) > TOGETHER
    names = [scenario_label(s) for s in scenarios]
    # small multiples: three columns, two when long names (grid variants) leave too little width
    ncols = min(3 if max(map(len, names)) <= 30 else 2, len(metrics)) if many else 1
    panel = 0.55 + 0.17 * len(scenarios) if many else 0.25 + 0.2 * len(scenarios)
    fig = Figure(figsize=(WIDTH, fit_height(1.0 + panel * np.ceil(len(metrics) / ncols))), layout="constrained")
    axes = panel_grid(fig, len(metrics), ncols)
    for i, (ax, metric) in enumerate(zip(axes, metrics)):
        title, unit, scale = diff_label(metric)
        rows = c[c["metric"] == metric].set_index("scenario")
        for j, scen in enumerate(scenarios):
            if scen not in rows.index:
                continue
            r = rows.loc[scen]
            _estimate(ax, r, -j, scale, colours.get(scen), unit == "percentage points")
            if relative and not many and np.isfinite(r["rel_change"]):
                ax.text(1.01, -j, f"{r['rel_change']:+.1%}", transform=ax.get_yaxis_transform(),
                        va="center", fontsize=8, color=colours.get(scen))
        ax.axvline(0, color="0.3", lw=0.8, gid="zero")
        ax.xaxis.set_major_locator(MaxNLocator(4 if many else 6))
        ax.set_ylim(-len(scenarios) + 0.4, 0.6)
        ax.set_yticks(-np.arange(len(scenarios)), names if many and i % ncols == 0 else [""] * len(scenarios))
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        if many:
            ax.set_title(textwrap.fill(title, 48 // ncols), fontsize=8)
            ax.set_xlabel(unit, fontsize=8)
        else:
            ax.set_ylabel(f"{title}\n({unit})", rotation=0, ha="right", va="center")
    fig.supxlabel(f"Paired difference scenario − baseline with 95% CI, {port_group} ports, all quarters\n"
                  "(counts and amounts: totals)" + ("; relative change at right" if relative and not many else ""),
                  fontsize=8)
    if not many:  # more are named on the y axis
        handles = [Line2D([], [], color=colours.get(s), marker="o", ls="") for s in scenarios]
        legend_outside(fig, handles, names, "upper")
    return fig


def frontier_points(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Per scenario, all ports and quarters pooled: the four trade-off measures, mean and 95% CI.

    Returns:
        Long table (scenario, metric, mean, ci_low, ci_high, n) for ``compliant_burden`` (per
        1,000 declarations), ``detection_rate``, ``release_time_mean_h`` and ``revenue_leakage``
        (CNY per quarter).

    """
    metrics = ["compliant_inspected", "declarations", "detection_rate", "release_time_mean_h", "revenue_leakage"]
    per_rep = per_quarter(pooled(quarterly, ["scenario", "replication"], metrics), quarterly, ["scenario"])
    per_rep["compliant_burden"] = 1000 * per_rep["compliant_inspected"] / per_rep["declarations"]
    return summarise(per_rep, ["scenario"], ["compliant_burden", "detection_rate", "release_time_mean_h",
                                           "revenue_leakage"])


@styled
def tradeoff_frontier(quarterly: pd.DataFrame, colours: dict | None = None) -> Figure:
    """Scenarios on two trade-offs: burden on compliant traders vs detection, speed vs leakage.

    Args:
        quarterly: The ``quarterly`` table with several scenarios.
        colours: Scenario colours.

    Returns:
        Two panels, one point per scenario (gid ``scenario``, own colour and marker) with 95% CI
        whiskers, named in a legend below; beyond :data:`TOGETHER` scenarios each point also
        carries its number in the legend (names would collide where scenarios coincide).

    """
    points = frontier_points(quarterly).set_index(["scenario", "metric"])
    scenarios = scenario_order(quarterly["scenario"])
    colours = colours or scenario_colours(scenarios)
    numbered = len(scenarios) > TOGETHER
    names = [f"{k + 1} {scenario_label(s)}" if numbered else scenario_label(s) for k, s in enumerate(scenarios)]
    fig = Figure(figsize=(WIDTH, fit_height(3.3 + 0.19 * np.ceil(len(scenarios) / legend_columns(names)))),
                 layout="constrained")
    panels = (("compliant_burden", "detection_rate", "Burden vs detection"),
              ("release_time_mean_h", "revenue_leakage", "Speed vs revenue"))
    for ax, (xm, ym, title) in zip(fig.subplots(1, 2), panels):
        (xt, xu, xs), (yt, yu, ys) = label(xm), label(ym)
        for k, scen in enumerate(scenarios):
            (x, *xci), (y, *yci) = (points.loc[(scen, m), ["mean", "ci_low", "ci_high"]].to_numpy(float) * s
                                    for m, s in ((xm, xs), (ym, ys)))
            err = lambda v, ci: np.clip([[v - ci[0]], [ci[1] - v]], 0, None)  # noqa: E731
            ax.errorbar([x], [y], xerr=err(x, xci), yerr=err(y, yci), fmt="osD^vPX*"[k % 8], color=colours[scen],
                        elinewidth=1, markersize=5, label=names[k], gid="scenario")
            if numbered:
                ax.annotate(str(k + 1), (x, y), xytext=(3, 3), textcoords="offset points", fontsize=7,
                            color=colours[scen], gid="number")
        ax.set_xlabel(f"{xt}\n({xu})")
        ax.set_ylabel(f"{yt} ({yu}{' per quarter' if ym == 'revenue_leakage' else ''})")
        ax.set_title(title)
        ax.margins(0.15)
    legend_outside(fig, *fig.axes[0].get_legend_handles_labels(), "lower")
    return fig


# did.csv terms printed in each event-study panel: the primary paired DiD and the regression's
NOTED = {"paired_did": "paired DiD", "did": "DiD"}


@styled
def event_study(did: pd.DataFrame, metrics: Sequence[str] | None = None, colours: dict | None = None) -> Figure:
    """Event-study coefficients by quarter relative to the rollout, with 95% CIs.

    Args:
        did: ``did.csv`` (term "event" rows; "paired_did" and "did" rows are printed in each panel).
        metrics: Metrics, one panel each (default: :func:`key_metrics`, at most 6).
        colours: Scenario colours, one colour per scenario.

    Returns:
        Panels with a zero line (gid ``zero``) and a dashed rollout line at -0.5 (gid ``rollout``);
        effects on shares in percentage points, their CIs cut at +-100 points. The report draws
        at most :data:`TOGETHER` scenarios in one.

    """
    events = did[did["term"] == "event"].astype({"rel_quarter": float})
    metrics = list(metrics or key_metrics(events["metric"], limit=6))[:6]
    scenarios = scenario_order(events["scenario"])
    colours, n = colours or scenario_colours(scenarios), len(scenarios)
    ncols = 1 if len(metrics) == 1 else 2
    fig = Figure(figsize=(WIDTH, fit_height(0.8 + 2.3 * np.ceil(len(metrics) / ncols))), layout="constrained")
    for i, (ax, metric) in enumerate(zip(panel_grid(fig, len(metrics), ncols), metrics)):
        title, unit, scale = diff_label(metric)
        notes, series = [], {}
        for scen in scenarios:
            part = events[(events["metric"] == metric) & (events["scenario"] == scen)].sort_values("rel_quarter")
            series[scen] = [part[k].to_numpy(float) for k in ("rel_quarter", "estimate", "ci_low", "ci_high")]
            d = did[did["term"].isin(NOTED) & (did["metric"] == metric) & (did["scenario"] == scen)]
            for r in d.itertuples() if n == 1 else ():  # more: see the DiD table of the report
                notes.append(f"{NOTED[r.term]} {r.estimate * scale:+.3g} "
                             f"[{r.ci_low * scale:.3g}, {r.ci_high * scale:.3g}]")
        effect_series(ax, series, colours, unit, scale, "event", fmt="o")
        ax.axvline(-0.5, color="0.3", ls="--", lw=1, gid="rollout")
        ax.set_title(title + "\n" * len(notes))  # notes on the lines below the title, right-aligned
        ax.set_title("\n" + "\n".join(notes) if notes else "", loc="right", fontsize=8, fontweight="normal")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(f"effect ({unit})")
        ax.set_xlabel("Quarters relative to rollout" if i + ncols >= len(metrics) else "")
    legend_outside(fig, *fig.axes[0].get_legend_handles_labels(), "upper")
    return fig
