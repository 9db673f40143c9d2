"""Many effects at once: the scenario x metric heatmap of a comparison, and the grid of a sweep.

Both read ``comparison.csv`` only: the paired difference of each scenario (or grid variant)
against the baseline over all quarters, at its pilot ports (all ports without a rollout), its
95% CI and the analysis' ``finding`` mark (:mod:`sim.analysis.multiplicity`: "effect" when
significant after the Benjamini-Hochberg adjustment and at least 1% of the baseline level,
"negligible" when significant but smaller).
"""
from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from sim.figures.styling import WIDTH, distinct_colours, fit_height, legend_outside, panel_grid, styled
from sim.figures.tables import diff_label, headline_effects, is_baseline, key_metrics, label, scenario_label

CMAP = "PuOr_r"  # diverging, neither end reads as "good": orange up, purple down
MARKS = {"effect": dict(ec="black", lw=1.6, ls="-"), "negligible": dict(ec="0.35", lw=1.0, ls=":")}
MARK_TEXT = {"effect": "finding: significant after BH adjustment and ≥ 1% of the baseline",
             "negligible": "negligible: significant, < 1% of the baseline"}


def _cell_text(value: float, star: bool) -> str:
    if not np.isfinite(value):
        return "n/a"
    text = f"{value:+.0%}" if abs(value) >= 0.095 else f"{value:+.1%}" if abs(value) >= 0.0005 else "0.0%"
    return text + ("*" if star else "")


def _mark(ax, x: float, y: float, finding: str) -> None:
    if finding in MARKS:
        ax.add_patch(Rectangle((x - 0.46, y - 0.42), 0.92, 0.84, fill=False, gid=finding, **MARKS[finding]))


def _legend(fig: Figure, shown: set[str]) -> None:
    handles = [Patch(facecolor="white", **MARKS[m]) for m in MARKS if m in shown]
    labels = [MARK_TEXT[m] for m in MARKS if m in shown] + ["*: 95% CI excludes 0 (unadjusted)"]
    legend_outside(fig, [*handles, Patch(visible=False)], labels, "lower")


@styled
def effect_heatmap(comparison: pd.DataFrame, metrics: Sequence[str] | None = None) -> Figure:
    """Scenario x metric heatmap of relative changes against the baseline, with significance marks.

    Args:
        comparison: ``comparison.csv``.
        metrics: Columns (default :func:`key_metrics`).

    Returns:
        One cell per scenario and metric (gid ``cell`` on the image): colour and text the relative
        change (``*`` where the 95% CI excludes 0); a solid frame (gid ``effect``) marks a finding,
        a dotted one (gid ``negligible``) a significant but negligible change.

    """
    c = headline_effects(comparison)
    c = c[~c["scenario"].map(is_baseline)] if (~c["scenario"].map(is_baseline)).any() else c
    metrics = list(metrics or key_metrics(c["metric"]))
    scenarios = list(dict.fromkeys(c["scenario"]))
    rel = c.pivot_table(index="scenario", columns="metric", values="rel_change", aggfunc="first")
    rel = rel.reindex(index=scenarios, columns=metrics)
    cells = c.set_index(["scenario", "metric"])
    finite = np.abs(rel.to_numpy(float))[np.isfinite(rel.to_numpy(float))]
    cap = float(np.clip(np.percentile(finite, 95), 0.01, 1.0)) if finite.size else 1.0
    norm = Normalize(-cap, cap)
    row = min(0.27, 8.5 / max(len(scenarios), 1))
    fig = Figure(figsize=(WIDTH, fit_height(2.9 + row * len(scenarios))), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(rel.to_numpy(float), cmap=colormaps[CMAP], norm=norm, aspect="auto", gid="cell")
    shown = set()
    for i, scen in enumerate(scenarios):
        for j, metric in enumerate(metrics):
            if (scen, metric) not in cells.index:
                continue
            r = cells.loc[(scen, metric)]
            r = r.iloc[0] if isinstance(r, pd.DataFrame) else r
            value = float(r["rel_change"])
            star = bool(r["ci_low"] > 0 or r["ci_high"] < 0)
            dark = np.isfinite(value) and abs(norm(value) - 0.5) > 0.33
            ax.text(j, i, _cell_text(value, star), ha="center", va="center", fontsize=7 if row < 0.2 else 8,
                    color="white" if dark else "black", fontweight="bold" if r["finding"] == "effect" else "normal")
            _mark(ax, j, i, r["finding"])
            shown.add(r["finding"])
    ax.set_xticks(range(len(metrics)), [textwrap.fill(label(m)[0], 11, break_long_words=False) for m in metrics],
                  fontsize=7)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(scenarios)), [scenario_label(s) for s in scenarios],
                  fontsize=7 if row < 0.2 else 8)
    ax.tick_params(length=0)
    ax.grid(False)
    ax.spines[:].set_visible(False)
    fig.colorbar(image, ax=ax, location="bottom", shrink=0.6, aspect=40, pad=0.02,
                 format=lambda v, _: f"{v:+.0%}", label="relative change against the baseline")
    _legend(fig, shown)
    return fig


def grid_points(comparison: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The headline effects of grid variants (labels ``scenario__key=value__...``), one column per
    grid key (numbers where they parse), and the keys in order."""
    c = headline_effects(comparison)
    c = c[c["scenario"].astype(str).str.contains("__", regex=False)]
    parts = c["scenario"].astype(str).str.split("__")
    settings = parts.map(lambda p: dict(s.split("=", 1) for s in p[1:]))
    keys = list(dict.fromkeys(k for s in settings for k in s))
    out = c.assign(family=parts.str[0])
    for key in keys:
        values = settings.map(lambda s, key=key: s.get(key))
        out[key] = pd.to_numeric(values, errors="coerce").where(lambda v: v.notna(), values)
    return out.reset_index(drop=True), keys


def has_grid(comparison: pd.DataFrame) -> bool:
    """Whether ``comparison`` holds grid variants (an experiment with a ``grid``)."""
    return comparison["scenario"].astype(str).str.contains("__", regex=False).any()


def _grid_lines(ax, points: pd.DataFrame, key: str, scale: float, colours: dict) -> None:
    """One key: the effect against the key's values, a line per scenario family, 95% CI bars."""
    for family, rows in points.groupby("family", sort=True):
        rows = rows.sort_values(key)
        est = rows["diff"].to_numpy(float) * scale
        err = np.clip([est - rows["ci_low"] * scale, rows["ci_high"] * scale - est], 0, None)
        ax.errorbar(rows[key].astype(str) if rows[key].dtype == object else rows[key], est, yerr=err,
                    marker="o", color=colours[family], label=scenario_label(family), gid="grid")
    ax.axhline(0, color="0.3", lw=0.8, gid="zero")
    ax.set_xlabel(key.replace("_", " "))


def _grid_cells(fig: Figure, ax, points: pd.DataFrame, keys: list[str], scale: float, unit: str) -> None:
    """Several keys: rows are the combinations of all keys but the last, columns its values."""
    *row_keys, col_key = keys
    points = points.assign(row=points[["family", *row_keys]].astype(str).agg(
        lambda r: ", ".join([scenario_label(r.iloc[0]), *(f"{k} = {v}" for k, v in zip(row_keys, r.iloc[1:]))]),
        axis=1))
    rows, cols = list(dict.fromkeys(points["row"])), sorted(points[col_key].unique(), key=str)
    grid = points.pivot_table(index="row", columns=col_key, values="diff", aggfunc="first").reindex(
        index=rows, columns=cols) * scale
    top = float(np.nanmax(np.abs(grid.to_numpy(float)))) if np.isfinite(grid.to_numpy(float)).any() else 1.0
    norm = Normalize(-(top or 1.0), top or 1.0)
    image = ax.imshow(grid.to_numpy(float), cmap=colormaps[CMAP], norm=norm, aspect="auto", gid="cell")
    cells = points.set_index(["row", col_key])
    for i, r_name in enumerate(rows):
        for j, col in enumerate(cols):
            if (r_name, col) not in cells.index:
                continue
            r = cells.loc[(r_name, col)]
            value = float(r["diff"]) * scale
            star = "*" if (r["ci_low"] > 0 or r["ci_high"] < 0) else ""
            ax.text(j, i, f"{value:+.3g}{star}", ha="center", va="center", fontsize=7,
                    color="white" if abs(norm(value) - 0.5) > 0.33 else "black")
            _mark(ax, j, i, r["finding"])
    ax.set_xticks(range(len(cols)), [str(c) for c in cols])
    ax.set_yticks(range(len(rows)), [textwrap.fill(r, 24) for r in rows], fontsize=7)
    ax.set_xlabel(col_key.replace("_", " "))
    ax.grid(False)
    ax.spines[:].set_visible(False)
    fig.colorbar(image, ax=ax, location="right", label=unit)


@styled
def sweep_grid(comparison: pd.DataFrame, metrics: Sequence[str] | None = None) -> Figure:
    """The effects of a grid experiment over its grid: lines for one key, heatmaps for several.

    Args:
        comparison: ``comparison.csv`` of an experiment with a ``grid`` (variant labels
            ``scenario__key=value__...``).
        metrics: One panel each (default the first 4 :func:`key_metrics`).

    Returns:
        One panel per metric: the paired difference against the baseline (its unit; shares in
        percentage points) over the grid's values, significance marked as in :func:`effect_heatmap`.

    """
    points, keys = grid_points(comparison)
    metrics = list(metrics or key_metrics(points["metric"], limit=4)[:4])
    families = sorted(points["family"].unique())
    colours = dict(zip(families, distinct_colours(len(families))))
    ncols = 1 if len(metrics) == 1 else 2
    rows_per_panel = points[keys[:-1]].drop_duplicates().shape[0] * len(families) if len(keys) > 1 else 0
    panel = 2.3 if len(keys) == 1 else 1.0 + 0.3 * rows_per_panel
    fig = Figure(figsize=(WIDTH, fit_height(0.8 + panel * np.ceil(len(metrics) / ncols))), layout="constrained")
    shown = set()
    for ax, metric in zip(panel_grid(fig, len(metrics), ncols), metrics):
        title, unit, scale = diff_label(metric)
        rows = points[points["metric"] == metric]
        shown |= set(rows["finding"])
        if len(keys) == 1:
            _grid_lines(ax, rows, keys[0], scale, colours)
            ax.set_ylabel(f"effect ({unit})")
        else:
            _grid_cells(fig, ax, rows, keys, scale, f"effect ({unit})")
        ax.set_title(title)
    if len(keys) == 1:
        handles, labels = fig.axes[0].get_legend_handles_labels()
        legend_outside(fig, handles, labels, "upper")
    else:
        _legend(fig, shown)
    return fig
