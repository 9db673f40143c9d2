"""Risk targeting measured against the truth: the model over time next to the smugglers'
adaptation, and who bears the inspections (burden on compliant declarations by trader group)."""
from __future__ import annotations

from itertools import cycle

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.analysis.compare import as_bool
from sim.analysis.intervals import summarise
from sim.analysis.summary import pooled
from sim.figures.styling import WIDTH, legend_height, legend_outside, panel_grid, quarter_axis, scenario_colours, styled
from sim.figures.tables import quarters_sorted, scenario_order
from sim.records import BURDEN_GROUPS, MIN_GROUP_DECLARATIONS

MODEL_PANELS = (("Ranking (AUC)", ("model_auc", "model_auc_smuggling"), ("all violations", "smuggling attempts")),
                ("At the inspection rate", ("model_precision", "model_recall", "model_revenue_recall"),
                 ("precision", "recall", "revenue recall")))
DASHES = ("-", "--", ":", "-.")


def scored(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Port-quarters where a targeting model scored declarations."""
    return quarterly[quarterly["model_scored"].fillna(0) > 0] if "model_scored" in quarterly else quarterly.iloc[:0]


def _series(ax, summary: pd.DataFrame, metrics, names, quarters, colours) -> None:
    """Lines by scenario (colour) and metric (dash), 95% CI bands; a legend of the dashes."""
    pos = {q: i for i, q in enumerate(quarters)}
    for scen in scenario_order(summary["scenario"]):
        for metric, name, dash in zip(metrics, names, cycle(DASHES)):
            part = summary[(summary["scenario"] == scen) & (summary["metric"] == metric)]
            part = part.assign(x=part["quarter"].map(pos)).sort_values("x")
            ax.plot(part["x"], part["mean"], ls=dash, marker="o", color=colours[scen], gid="series",
                    label=f"{scen} · {name}")
            ax.fill_between(part["x"], part["ci_low"], part["ci_high"], color=colours[scen], alpha=0.15,
                            linewidth=0, gid="ci")
    if len(names) > 1:
        ax.legend([Line2D([], [], color="0.3", ls=dash) for _, dash in zip(names, cycle(DASHES))], names,
                  loc="best", fontsize=7)


@styled
def model_quality(quarterly: pd.DataFrame, agents: pd.DataFrame | None = None, colours: dict | None = None) -> Figure:
    """The targeting model by quarter (AUC, precision, recall, revenue recall against the truth,
    port-quarters it scored, pooled per replication) next to the smugglers' adaptation (attempts
    at the ports it covers, and the share of attempts by concealment method, from ``agents``).

    Args:
        quarterly: The ``quarterly`` table; only scenarios with scored declarations are drawn.
        agents: The ``agents`` table (optional): smugglers' ``method_share_*`` per quarter.
        colours: Scenario colours.

    Returns:
        Four panels; lines are means over replications, bands 95% CIs.

    """
    q = scored(quarterly)
    scenarios = scenario_order(q["scenario"])
    colours = colours or scenario_colours(scenarios)
    covered = quarterly[quarterly["scenario"].isin(scenarios) & quarterly["port"].isin(set(q["port"]))]
    quarters = quarters_sorted(covered["quarter"])
    metrics = [m for _, ms, _ in MODEL_PANELS for m in ms]
    summary = summarise(pooled(q, ["scenario", "quarter", "replication"], metrics), ["scenario", "quarter"], metrics)
    fig = Figure(figsize=(WIDTH, 8.4 + legend_height(scenarios)), layout="constrained")
    axes = panel_grid(fig, 6, 2)
    for ax, (title, ms, names) in zip(axes, MODEL_PANELS):
        _series(ax, summary, ms, names, quarters, colours)
        ax.set_title(title)
        quarter_axis(ax, quarters)
    axes[0].axhline(0.5, color="0.5", lw=0.8, ls=":", gid="chance")
    axes[0].set_ylabel("AUC")
    axes[1].set_ylabel("share")
    attempts = covered.groupby(["scenario", "quarter", "replication"], as_index=False)["smuggling_attempts"].sum()
    _series(axes[2], summarise(attempts, ["scenario", "quarter"], ["smuggling_attempts"]), ["smuggling_attempts"],
            ["attempts"], quarters, colours)
    axes[2].set_title("Smuggling attempts at the covered ports")
    axes[2].set_ylabel("per quarter")
    quarter_axis(axes[2], quarters)
    rows = None if agents is None else agents[agents["scenario"].isin(scenarios)]
    methods = [] if rows is None else list(dict.fromkeys(
        m for m in rows["metric"].astype(str) if m.startswith("method_share_")))  # smugglers', port "all"
    _agent_panel(axes[3], rows, "Smugglers' concealment methods", methods,
                 [m.removeprefix("method_share_").replace("_", " ") for m in methods], "share of attempts", "mean",
                 colours)
    covered = None if rows is None else rows[rows["port"].isin(set(q["port"]))]
    for ax, panel in zip(axes[4:], DISGUISES):
        _agent_panel(ax, covered, *panel, colours)
    legend_outside(fig, [Line2D([], [], color=colours[s], lw=2) for s in scenarios], scenarios)
    return fig


# how violators hide at the ports a model covers (agents table, sim/behaviour/disguise.py): the chance a
# misclassification declares the lowest-tariff code and an undervaluation cuts the quantity too (mean over
# the ports), and traders declaring under a new registration (sum)
DISGUISES = (("Violators' disguises (covered ports)", ("false_code_share_1", "quantity_cut_share"),
              ("lowest-tariff false code", "quantity cut too"), "share of choices", "mean"),
             ("Caught violators re-registered", ("reregistered",), ("at the covered ports",),
              "traders (cumulative)", "sum"))


def _agent_panel(ax, rows: pd.DataFrame | None, title: str, metrics, names, unit: str, how: str,
                 colours: dict) -> None:
    """Agents-table ``metrics`` (drawn as ``names``) by quarter, means over replications with 95% CI
    bands; each replication's rows of a metric (its ports) combined by ``how`` (mean, sum). ``rows``:
    the agents table's rows to draw from (None: no agents table)."""
    ax.set_title(title)
    part = None if rows is None else rows[rows["metric"].isin(metrics)]
    if part is None or part.empty:
        ax.text(0.5, 0.5, "no agents table", ha="center", va="center", transform=ax.transAxes)
        return
    part = part.assign(quarter=part["quarter"].astype(str), metric=part["metric"].astype(str))
    per_run = part.groupby(["scenario", "quarter", "replication", "metric"], as_index=False)["value"].agg(how)
    per_run = per_run.rename(columns={"metric": "what", "value": "share"})
    summary = summarise(per_run, ["scenario", "what", "quarter"], ["share"])
    summary = summary.assign(metric=summary["what"])
    quarters = quarters_sorted(part["quarter"])
    _series(ax, summary, list(metrics), list(names), quarters, colours)
    ax.set_ylabel(unit)
    quarter_axis(ax, quarters)


def burden(breakdown: pd.DataFrame, quarterly: pd.DataFrame) -> pd.DataFrame:
    """Burden on compliant declarations by trader group: inspected share of compliant declarations
    at the port-quarters a pilot covers (in any scenario; all without pilots), pooled per replication.

    Returns:
        ``scenario, dimension, level, mean, ci_low, ci_high, n``, ``declarations`` (compliant, mean
        per replication) and the ``disparity`` of each dimension: highest over lowest mean among
        levels of at least ``MIN_GROUP_DECLARATIONS`` compliant declarations (NaN with fewer than two).

    """
    cells = quarterly[["scenario", "replication", "port", "quarter"]].assign(quarter=quarterly["quarter"].astype(str))
    pilot = as_bool(quarterly["pilot"])
    if pilot.any():  # the same port-quarters in every scenario: those a pilot covers in any
        covered = set(zip(cells.loc[pilot, "port"], cells.loc[pilot, "quarter"]))
        cells = cells[[cell in covered for cell in zip(cells["port"], cells["quarter"])]]
    b = breakdown[breakdown["dimension"].isin(BURDEN_GROUPS)
                  & breakdown["metric"].isin(["compliant_declarations", "compliant_inspected"])]
    b = b.assign(quarter=b["quarter"].astype(str)).merge(cells, on=["scenario", "replication", "port", "quarter"])
    sums = b.pivot_table(index=["scenario", "replication", "dimension", "level"], columns="metric", values="value",
                         aggfunc="sum").reset_index()
    sums = sums[sums["compliant_declarations"] > 0]
    sums["compliant_inspection_rate"] = sums["compliant_inspected"] / sums["compliant_declarations"]
    out = summarise(sums, ["scenario", "dimension", "level"], ["compliant_inspection_rate"]).drop(columns="metric")
    size = sums.groupby(["scenario", "dimension", "level"])["compliant_declarations"].mean().rename("declarations")
    out = out.merge(size.reset_index(), on=["scenario", "dimension", "level"])
    rates = out[out["declarations"] >= MIN_GROUP_DECLARATIONS].groupby(["scenario", "dimension"])["mean"]
    spread = rates.agg(lambda r: np.nan if len(r) < 2 else r.max() / r.min() if r.min() > 0 else np.inf)
    return out.merge(spread.rename("disparity").reset_index(), on=["scenario", "dimension"], how="left")


@styled
def burden_by_group(breakdown: pd.DataFrame, quarterly: pd.DataFrame, colours: dict | None = None) -> Figure:
    """Inspected share of compliant declarations by trader group, one panel per grouping (size
    class, business model, origin region, ownership, tenure), bars per scenario with 95% CIs; each
    panel lists the scenarios' disparities (highest over lowest group; gid ``disparity``)."""
    table = burden(breakdown, quarterly)
    scenarios = scenario_order(table["scenario"])
    colours = colours or scenario_colours(scenarios)
    fig = Figure(figsize=(WIDTH, 7.5 + legend_height(scenarios)), layout="constrained")
    axes = panel_grid(fig, len(BURDEN_GROUPS), 2)
    width = 0.8 / max(len(scenarios), 1)
    for ax, dimension in zip(axes, BURDEN_GROUPS):
        part = table[table["dimension"] == dimension]
        levels = list(dict.fromkeys(part["level"]))
        for i, scen in enumerate(scenarios):
            rows = part[part["scenario"] == scen].set_index("level").reindex(levels)
            x = np.arange(len(levels)) + (i - (len(scenarios) - 1) / 2) * width
            err = np.vstack([rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]]).clip(min=0)
            ax.bar(x, rows["mean"], width, color=colours[scen], gid="bar", label=scen, yerr=np.nan_to_num(err),
                   error_kw={"lw": 0.8})
            ratio = rows["disparity"].dropna()
            ax.text(0.99, 0.97 - 0.075 * i, f"{ratio.iat[0]:.2f}" if len(ratio) else "n/a", color=colours[scen],
                    transform=ax.transAxes, ha="right", va="top", fontsize=7, gid="disparity")
        ax.set_ylim(0, ax.get_ylim()[1] * (1.15 + 0.1 * len(scenarios)))
        ax.set_xticks(range(len(levels)), [str(lv).replace("_", " ") for lv in levels], rotation=30, ha="right",
                      rotation_mode="anchor")
        ax.set_title(dimension.replace("_", " "))  # the caption says the numbers at right are disparities
        ax.set_ylabel("inspected share of compliant")
    legend_outside(fig, *axes[0].get_legend_handles_labels())
    return fig

