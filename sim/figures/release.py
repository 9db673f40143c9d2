"""Where release time goes: Time Release Study decomposition and release-time distribution vs targets."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.figures.styling import (
    HOLDER_PALETTES,
    STEP_PALETTE,
    WIDTH,
    fit_height,
    legend_height,
    legend_outside,
    scenario_colours,
    styled,
    tint,
)
from sim.figures.tables import TARGETS_H, levels, scenario_label, scenario_order
from sim.records import STEPS

TRS_STEPS = {step.name: step for step in STEPS}  # label and holder of each step the model knows


def step_hours(breakdown: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Hours per released declaration by group and TRS step, pooled weighted by releases.

    Args:
        breakdown: The ``breakdown`` table.
        dimension: ``trs_step_by_channel`` or ``trs_step_by_direction``.

    Returns:
        Columns scenario, group, step, hours (plain mean where release counts are missing).

    """
    keys = [k for k in ("scenario", "replication", "port", "quarter") if k in breakdown]
    b = breakdown[(breakdown["dimension"] == dimension) & (breakdown["metric"] == "hours_per_released")]
    b = b.assign(group=b["level"].str.split("/").str[0], step=b["level"].str.split("/").str[1])
    weight_dim = dimension.removeprefix("trs_step_by_")
    w = breakdown[(breakdown["dimension"] == weight_dim) & (breakdown["metric"] == "released")]
    w = w[[*keys, "level", "value"]].rename(columns={"level": "group", "value": "w"})
    b = b.merge(w, on=[*keys, "group"], how="left") if len(w) else b.assign(w=np.nan)
    b["w"] = b["w"].fillna(1.0) if b["w"].isna().all() else b["w"].fillna(0.0)
    b = b[b["value"].notna() & (b["w"] > 0)]
    b = b.assign(wv=b["value"] * b["w"]).groupby(["scenario", "group", "step"], sort=True)[["wv", "w"]].sum()
    return (b["wv"] / b["w"]).rename("hours").reset_index()


def step_colours(steps: list[str]) -> dict[str, str]:
    """A colour per TRS step, in order of appearance, shaded by who holds the goods (trader,
    customs, other agency: :data:`sim.records.STEPS`); a step's wait (``<step>_wait``) shares it."""
    bases = list(dict.fromkeys(s.removesuffix("_wait") for s in steps))
    seen: dict[str, int] = {}
    colours = {}
    for base in bases:
        holder = TRS_STEPS[base].holder if base in TRS_STEPS else ""
        palette = HOLDER_PALETTES.get(holder, STEP_PALETTE)
        colours[base] = palette[seen.get(holder, 0) % len(palette)]
        seen[holder] = seen.get(holder, 0) + 1
    return colours


def _step_style(step: str, colours: dict[str, str]) -> tuple[tuple, str | None, str]:
    """Face colour, hatch and edge colour of a TRS step: waits are a hatched tint of their step's colour."""
    edge = colours[step.removesuffix("_wait")]
    return (tint(edge), "////", edge) if step.endswith("_wait") else (to_rgb(edge), None, edge)


def step_name(step: str) -> str:
    """A TRS step as shown: its label and holder from :data:`sim.records.STEPS`, or the name made readable."""
    if step in TRS_STEPS:
        return f"{TRS_STEPS[step].label} ({TRS_STEPS[step].holder})"
    return step.replace("_", " ").replace("nii", "NII")


@styled
def trs_decomposition(breakdown: pd.DataFrame) -> Figure:
    """Time Release Study decomposition: stacked hours per step, by channel and by direction.

    Args:
        breakdown: The ``breakdown`` table (``trs_step_by_channel``/``_by_direction`` rows).

    Returns:
        Two panels of horizontal stacked bars (one container per step), totals at bar ends.

    """
    panels = [(d, levels(breakdown, d, 0), title) for d, title in (
        ("trs_step_by_channel", "By inspection channel"),
        ("trs_step_by_direction", "By direction")) if (breakdown["dimension"] == d).any()]
    colours = step_colours([s for d, _, _ in panels for s in levels(breakdown, d, 1)])
    scenarios = scenario_order(breakdown["scenario"])
    sizes = [len(order) * len(scenarios) for _, order, _ in panels]
    fig = Figure(layout="constrained")
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False, height_ratios=sizes)[:, 0]
    longest, drawn = 0.0, {}
    for ax, (dimension, order, title) in zip(axes, panels):
        hours = step_hours(breakdown, dimension).pivot_table(
            index=["group", "scenario"], columns="step", values="hours", fill_value=0.0)
        bars = [(g, s) for g in order for s in scenarios if (g, s) in hours.index]
        table = hours.reindex(pd.MultiIndex.from_tuples(bars), fill_value=0.0)
        steps = [s for s in levels(breakdown, dimension, 1) if s in table]
        drawn.update(dict.fromkeys(steps))
        y, left = -np.arange(len(bars)), np.zeros(len(bars))
        for step in steps:
            face, hatch, edge = _step_style(step, colours)
            ax.barh(y, table[step], left=left, color=face, hatch=hatch, edgecolor=edge, linewidth=0, height=0.7,
                    label=step, gid=step)
            left = left + table[step].to_numpy()
        for yy, total in zip(y, left):
            ax.text(total, yy, f" {total:.1f} h", va="center", fontsize=8)
        longest = max(longest, left.max(initial=0.0))
        names = [g.upper() if g == "nii" else g for g, _ in bars]
        ax.set_yticks(y, [f"{n} · {scenario_label(s)}" for n, (_, s) in zip(names, bars)] if len(scenarios) > 1
                      else names)
        ax.grid(axis="y", visible=False)
        ax.set_title(title)
    axes[-1].set_xlim(0, 1.15 * longest or 1)
    axes[-1].set_xlabel("Hours per released declaration\n(all ports, quarters and replications)")
    handles = [Patch(facecolor=face, hatch=hatch, edgecolor=edge, linewidth=0)
               for face, hatch, edge in (_step_style(s, colours) for s in drawn)]
    names = [step_name(s) for s in drawn]
    legend_outside(fig, handles, names, "lower", fontsize=8)
    fig.set_size_inches(WIDTH, fit_height(1.3 + 0.26 * sum(sizes) + legend_height(names)))
    return fig


def release_percentiles(breakdown: pd.DataFrame) -> pd.DataFrame:
    """Release-time percentiles by scenario, direction and channel, averaged over cells.

    The table holds percentiles per port x quarter x replication and no counts per group, so
    they are averaged plainly (an approximation of the pooled percentile).

    Returns:
        Columns scenario, direction, channel, p10, p25, p50, p75, p90.

    """
    b = breakdown[breakdown["dimension"] == "release_time_by_group"]
    b = b.assign(direction=b["level"].str.split("/").str[0], channel=b["level"].str.split("/").str[1],
                 p=b["metric"].str.extract(r"_(p\d+)_h$")[0])
    out = b.pivot_table(index=["scenario", "direction", "channel"], columns="p", values="value",
                        aggfunc="mean")
    return out.reset_index()


@styled
def release_time_distribution(breakdown: pd.DataFrame, colours: dict | None = None) -> Figure:
    """Release-time distribution by channel, import vs export, against the 2024 targets.

    Args:
        breakdown: The ``breakdown`` table (``release_time_by_group`` rows).
        colours: Scenario colours (only used with several scenarios).

    Returns:
        Two panels; boxes p25–p75 (gid ``box``), whiskers p10–p90, median line (gid ``median``),
        dashed target lines (gid ``target``) at 12 h (import) and 8 h (export).

    """
    pct = release_percentiles(breakdown)
    scenarios = scenario_order(pct["scenario"])
    colours, n = colours or scenario_colours(scenarios), len(scenarios)
    fig = Figure(layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    width = 0.7 / n
    directions = [d for d in levels(breakdown, "release_time_by_group", 0) if d in TARGETS_H]
    order = levels(breakdown, "release_time_by_group", 1)
    for ax, direction in zip(axes, directions):
        part = pct[pct["direction"] == direction].set_index(["channel", "scenario"])
        channels = [c for c in order if c in part.index.get_level_values(0)]
        for i, channel in enumerate(channels):
            for j, scen in enumerate(scenarios):
                if (channel, scen) not in part.index:
                    continue
                r, x = part.loc[(channel, scen)], i + (j - (n - 1) / 2) * width
                colour = colours[scen] if n > 1 else "#0072B2"
                ax.vlines([x, x], [r["p10"], r["p75"]], [r["p25"], r["p90"]], color=colour, lw=1, gid="whisker")
                ax.hlines([r["p10"], r["p90"]], x - width / 5, x + width / 5, color=colour, lw=1)
                ax.bar(x, r["p75"] - r["p25"], bottom=r["p25"], width=width * 0.8, color=tint(colour, 0.6),
                       edgecolor=colour, linewidth=1, gid="box")
                ax.hlines(r["p50"], x - width * 0.4, x + width * 0.4, color=colour, lw=2.2, gid="median")
        target = TARGETS_H[direction]
        ax.axhline(target, color="#D55E00", ls="--", lw=1.1, gid="target")
        ax.text(len(channels) - 0.45, target, f"target\n{target:g} h", color="#D55E00", fontsize=8,
                va="center", linespacing=1.0)
        ax.set_xticks(range(len(channels)), [c.upper() if c == "nii" else c for c in channels])
        ax.set_xlim(-0.5, len(channels) + 0.1)
        ax.grid(axis="x", visible=False)
        ax.set_title(direction.capitalize())
        ax.set_xlabel("Channel")
    axes[0].set_ylabel("Release time (hours)")
    grey = "#555555"
    handles = [Patch(facecolor=tint(grey, 0.6), edgecolor=grey), Line2D([], [], color=grey, lw=2.2),
               Line2D([], [], color=grey, lw=1), Line2D([], [], color="#D55E00", ls="--", lw=1.1)]
    labels = ["p25–p75", "median", "p10–p90", "2024 target"]
    if n > 1:
        handles += [Patch(facecolor=tint(colours[s], 0.6), edgecolor=colours[s]) for s in scenarios]
        labels += [scenario_label(s) for s in scenarios]
    legend_outside(fig, handles, labels, "lower")
    fig.set_size_inches(WIDTH, 2.8 + legend_height(labels))
    return fig
