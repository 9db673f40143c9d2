"""What inspection finds: observed vs true violations, and where smuggling goes (displacement)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from sim.analysis.compare import pilot_ports
from sim.analysis.intervals import summarise
from sim.analysis.summary import pooled
from sim.figures.styling import (
    WIDTH,
    fit_height,
    legend_height,
    legend_outside,
    quarter_axis,
    scenario_colours,
    styled,
)
from sim.figures.tables import as_bool, label, quarters_sorted, scenario_label, scenario_order


@styled
def observed_vs_true(quarterly: pd.DataFrame, colours: dict | None = None) -> Figure:
    """What customs observes (hit rate, seizures) next to the truth (detection rate, violations).

    Args:
        quarterly: The ``quarterly`` table; all ports pooled.
        colours: Scenario colours (only used with several scenarios).

    Returns:
        Two panels by quarter, observed dashed with squares, true solid with circles, 95% CI bands.

    """
    scenarios = scenario_order(quarterly["scenario"])
    colours, multi = colours or scenario_colours(scenarios), len(scenarios) > 1
    quarters = quarters_sorted(quarterly["quarter"])
    panels = ((("hit_rate", "observed: hit rate"), ("detection_rate", "true: detection rate"),
               "Rates", "share"),
              (("seized", "observed: seizures"), ("violations", "true: violations"),
               "Counts, all ports", "declarations per quarter\n(log scale)"))
    metrics = [m for panel in panels for m, _ in panel[:2]]
    summary = summarise(pooled(quarterly, ["scenario", "quarter", "replication"], metrics),
                        ["scenario", "quarter"], metrics)
    summary["x"] = summary["quarter"].map({q: i for i, q in enumerate(quarters)})
    kinds = (("observed (hit rate; seizures)", "--", "s", "#D55E00"), ("true (detection rate; violations)", "-", "o",
             "#0072B2"))
    names = [scenario_label(s) for s in scenarios] + [k[0] for k in kinds] if multi else [k[0] for k in kinds]
    fig = Figure(figsize=(WIDTH, 3.2 + legend_height(names)), layout="constrained")
    for ax, (observed, true, title, unit) in zip(fig.subplots(1, 2), panels):
        log, means = unit.endswith("(log scale)"), summary.loc[summary["metric"].isin([observed[0], true[0]]), "mean"]
        floor = 0.5 * means[means > 0].min() if (means > 0).any() else 1e-3
        for scen in scenarios:
            for (metric, name), (_, ls, marker, own) in zip((observed, true), kinds):
                part = summary[(summary["scenario"] == scen) & (summary["metric"] == metric)].sort_values("x")
                colour = colours[scen] if multi else own
                ax.plot(part["x"], part["mean"], ls=ls, marker=marker, color=colour, gid="series",
                        label=f"{scenario_label(scen)} · {name}" if multi else name)
                low, high = part["ci_low"].clip(lower=floor) if log else part["ci_low"].clip(0), part["ci_high"]
                high = high if log else high.clip(upper=1)  # shares: the band stays within [0, 1]
                ax.fill_between(part["x"], low, high, color=colour, alpha=0.18, linewidth=0, gid="ci")
        if log:
            ax.set_yscale("log")
        ax.set_title(title)
        ax.set_ylabel(unit)
        quarter_axis(ax, quarters)
    # named once below both panels: the scenarios' colours, then what each line style shows
    grey = "0.3" if multi else None
    handles = [Line2D([], [], color=colours[s], lw=2) for s in scenarios] if multi else []
    handles += [Line2D([], [], ls=ls, marker=marker, color=grey or own) for _, ls, marker, own in kinds]
    legend_outside(fig, handles, names, "lower")
    return fig


@styled
def displacement(quarterly: pd.DataFrame, metric: str = "smuggling_attempts") -> Figure:
    """Heatmap of smuggling attempts by port x quarter (mean over replications), pilots marked.

    Args:
        quarterly: The ``quarterly`` table; one panel per scenario, one colour scale.
        metric: Count column to map.

    Returns:
        Pilot ports have bold tick labels and their pilot quarters outlined (gid ``pilot_cell``).

    """
    q = quarterly.assign(pilot=as_bool(quarterly["pilot"]), port=quarterly["port"].astype(str),
                         quarter=quarterly["quarter"].astype(str))
    quarters, ports = quarters_sorted(q["quarter"]), list(dict.fromkeys(q["port"]))
    scenarios = scenario_order(q["scenario"])
    pilots = {p for _, rows in q.groupby("scenario") for p in pilot_ports(rows)}
    means = q.groupby(["scenario", "port", "quarter"])[metric].mean()
    flags = q.groupby(["scenario", "port", "quarter"])["pilot"].any()
    norm = Normalize(0, max(float(means.max()), 1e-9))
    fig = Figure(figsize=(WIDTH, fit_height(0.9 + (0.35 + 0.3 * len(ports)) * len(scenarios))), layout="constrained")
    axes = fig.subplots(len(scenarios), 1, squeeze=False)[:, 0]
    for ax, scen in zip(axes, scenarios):
        grid = means[scen].unstack("quarter").reindex(index=ports, columns=quarters)
        image = ax.imshow(grid.to_numpy(float), aspect="auto", cmap=colormaps["viridis"], norm=norm)
        for (i, port), (j, quarter) in ((a, b) for a in enumerate(ports) for b in enumerate(quarters)):
            value = grid.loc[port, quarter]
            if np.isfinite(value) and len(ports) * len(quarters) <= 160:
                ax.text(j, i, f"{value:.0f}", ha="center", va="center", fontsize=8,
                        color="black" if norm(value) > 0.55 else "white")
            if flags.get((scen, port, quarter), False):
                for colour, ls, gid in (("white", "-", None), ("black", "--", "pilot_cell")):
                    ax.add_patch(Rectangle((j - 0.45, i - 0.45), 0.9, 0.9, fill=False, ec=colour, lw=1.5, ls=ls,
                                           gid=gid))
        ax.set_yticks(range(len(ports)), ports)
        for tick in ax.get_yticklabels():
            tick.set_fontweight("bold" if tick.get_text() in pilots else "normal")
        quarter_axis(ax, quarters, show=ax is axes[-1])
        ax.grid(False)
        ax.spines[:].set_visible(False)
        if len(scenarios) > 1:
            ax.set_title(scenario_label(scen))
    title, unit, _ = label(metric)
    fig.colorbar(image, ax=list(axes), label=f"{title}\n({unit} per quarter)")
    if pilots:
        fig.suptitle("Bold: pilot ports; dashed outline: pilot quarters", fontsize=8, x=0.01, ha="left")
    return fig
