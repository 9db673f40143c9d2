"""Publication figures: pure functions from tidy result tables to matplotlib figures.

Nothing here imports or runs the model. Each function takes tables as saved in a run or
comparison folder (``quarterly``, ``breakdown``, ``comparison``, ``did``) and returns a
:class:`matplotlib.figure.Figure` drawn under the shipped style sheet (A4 text width, fonts of
8 pt or more, Okabe–Ito colours, the baseline always black). No pyplot state is touched.
:func:`save` writes byte-identical PNG (200 dpi) and PDF files for identical input.
"""
from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from scipy import stats

STYLE = Path(__file__).with_name("style") / "tradesim.mplstyle"
WIDTH = 6.3  # inches: A4 text width
DPI = 200
BASELINE = "baseline_2024"
BASELINE_COLOUR = "#000000"
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
GROUP_COLOURS = {"pilot ports": "#D55E00", "control ports": "#0072B2", "all ports": "#000000"}
TARGETS_H = {"import": 12.0, "export": 8.0}  # 2024 release-time targets
CHANNELS = ("green", "document", "nii", "physical")
DIRECTIONS = ("import", "export")
STEPS = ("lodging", "screening", "document_review_wait", "document_review", "nii_wait", "nii",
         "physical_wait", "physical", "duty_payment")
STEP_COLOURS = {"lodging": "#BBBBBB", "screening": "#56B4E9", "document_review": "#0072B2",
                "nii": "#E69F00", "physical": "#D55E00", "duty_payment": "#009E73"}
# metric -> (title, unit, scale applied before plotting)
LABELS = {
    "release_time_mean_h": ("Mean release time", "hours", 1.0),
    "release_time_p50_h": ("Median release time", "hours", 1.0),
    "release_time_p90_h": ("90th percentile release time", "hours", 1.0),
    "release_time_import_mean_h": ("Mean release time, import", "hours", 1.0),
    "release_time_export_mean_h": ("Mean release time, export", "hours", 1.0),
    "revenue_leakage": ("Revenue leakage", "million CNY", 1e-6),
    "revenue_due": ("Revenue due", "million CNY", 1e-6),
    "revenue_collected": ("Revenue collected", "million CNY", 1e-6),
    "officer_utilization": ("Officer utilisation", "share", 1.0),
    "compliant_burden": ("Compliant traders inspected", "per 1,000 declarations", 1.0),
}
# rate -> the count it is a rate of (pooling = weighted mean = ratio of sums); "mean": plain mean;
# every other column is a count or an amount and is summed.
WEIGHTS = {
    "release_time_mean_h": "released", "release_time_p50_h": "released", "release_time_p90_h": "released",
    "release_time_import_mean_h": "released_import", "release_time_export_mean_h": "released_export",
    "inspection_rate": "declarations", "physical_inspection_rate": "declarations",
    "nii_share": "inspections", "hit_rate": "inspections", "violation_rate": "declarations",
    "detection_rate": "violations", "officer_utilization": "mean",
}
DEFAULT_SERIES = ("release_time_mean_h", "inspection_rate", "hit_rate", "detection_rate")


def style():
    """The tradesim style on top of matplotlib's defaults (independent of any matplotlibrc)."""
    return matplotlib.style.context(["default", str(STYLE)])


def styled(func: Callable[..., Figure]) -> Callable[..., Figure]:
    """Decorator: build the figure under :func:`style`."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs) -> Figure:
        with style():
            return func(*args, **kwargs)
    return wrapper


def save(fig: Figure, stem: Path) -> list[Path]:
    """Write ``stem.png`` (200 dpi) and ``stem.pdf`` deterministically, via temporary names.

    Args:
        fig: The figure.
        stem: Path without suffix.

    Returns:
        The two paths written.
    """
    stem, written = Path(stem), []
    with style():
        for ext, meta in (("png", {"Software": None}), ("pdf", {"CreationDate": None})):
            final = stem.with_name(f"{stem.name}.{ext}")
            tmp = final.with_name(f".{final.name}.tmp")
            fig.savefig(tmp, format=ext, dpi=DPI, metadata=meta)
            os.replace(tmp, final)
            written.append(final)
    return written


def label(metric: str) -> tuple[str, str, float]:
    """Title, unit and plotting scale of a metric (rates are shares, ``_h`` hours)."""
    if metric in LABELS:
        return LABELS[metric]
    unit = "hours" if metric.endswith("_h") else "share" if metric.endswith(("_rate", "_share")) \
        else "count"
    return metric.replace("_", " ").capitalize(), unit, 1.0


def quarter_key(quarter: str) -> tuple:
    """Sort key putting labels like ``2025Q3`` in time order (others after, alphabetically)."""
    match = re.fullmatch(r"(\d{4})Q([1-4])", str(quarter))
    return (0, int(match[1]), int(match[2]), "") if match else (1, 0, 0, str(quarter))


def quarters_sorted(labels: Iterable) -> list[str]:
    """Unique quarter labels in time order."""
    return sorted({str(q) for q in labels}, key=quarter_key)


def is_baseline(name: str) -> bool:
    """Whether a scenario is the baseline (``baseline_2024`` or any ``baseline*``)."""
    return str(name) == BASELINE or str(name).startswith("baseline")


def scenario_order(names: Iterable) -> list[str]:
    """Unique scenario names, baselines first, then alphabetically."""
    return sorted({str(n) for n in names}, key=lambda n: (not is_baseline(n), n))


def scenario_colours(names: Iterable) -> dict[str, str]:
    """Stable colour-blind-safe colours: baselines black, others Okabe–Ito in sorted order.

    Args:
        names: Scenario names (any order, repeats allowed).

    Returns:
        Mapping name -> hex colour; the same set of names always gets the same colours.
    """
    order = scenario_order(names)
    others = [n for n in order if not is_baseline(n)]
    colours = {n: BASELINE_COLOUR for n in order if is_baseline(n)}
    colours.update({n: OKABE_ITO[i % len(OKABE_ITO)] for i, n in enumerate(others)})
    return colours


def as_bool(values: pd.Series) -> pd.Series:
    """A pilot-like column as booleans, also when read back as text."""
    if values.dtype == bool:
        return values
    if pd.api.types.is_numeric_dtype(values):
        return values.fillna(0).astype(float) != 0
    return values.astype(str).str.strip().str.lower().isin(["true", "1", "yes"])


def pilot_ports(quarterly: pd.DataFrame) -> list[str]:
    """Ports that are pilot in at least one quarter of any scenario."""
    return sorted(quarterly.loc[as_bool(quarterly["pilot"]), "port"].astype(str).unique())


def first_pilot_quarter(quarterly: pd.DataFrame) -> str | None:
    """The earliest quarter in which any port is pilot, or None without pilots."""
    pilots = quarterly.loc[as_bool(quarterly["pilot"]), "quarter"]
    return quarters_sorted(pilots)[0] if len(pilots) else None


def with_groups(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Add ``group``: "pilot ports" (ever pilot) / "control ports", or "all ports" without pilots."""
    ports = pilot_ports(quarterly)
    if not ports:
        return quarterly.assign(group="all ports")
    return quarterly.assign(group=np.where(quarterly["port"].astype(str).isin(ports),
                                           "pilot ports", "control ports"))


def pool(table: pd.DataFrame, by: Sequence[str], metrics: Sequence[str]) -> pd.DataFrame:
    """Pool rows over everything but ``by``: rates weighted by their counts, the rest summed.

    Args:
        table: A ``quarterly``-like table.
        by: Columns kept.
        metrics: Columns pooled (see :data:`WEIGHTS`).

    Returns:
        One row per ``by`` combination, sorted.
    """
    parts = {}
    for m in metrics:
        values, how = table[m].astype(float), WEIGHTS.get(m)
        if how is None:
            parts[m] = values
            continue
        w = pd.Series(1.0, index=table.index) if how == "mean" else table[how].astype(float)
        ok = values.notna() & (w > 0)
        parts[m], parts[f"{m}__w"] = (values * w).where(ok, 0.0), w.where(ok, 0.0)
    frame = pd.concat([table[list(by)].astype(str), pd.DataFrame(parts)], axis=1)
    out = frame.groupby(list(by), sort=True).sum()
    for m in metrics:
        if f"{m}__w" in out:
            out[m] = out[m] / out.pop(f"{m}__w").replace(0.0, np.nan)
    return out[list(metrics)].reset_index()


def mean_ci(frame: pd.DataFrame, by: Sequence[str], metrics: Sequence[str],
            level: float = 0.95) -> pd.DataFrame:
    """Mean and Student-t confidence interval of ``metrics`` across the rows of each ``by`` group.

    Returns:
        Long table: ``by``, metric, mean, ci_low, ci_high, n (interval NaN when n < 2).
    """
    long = frame.melt(id_vars=list(by), value_vars=list(metrics), var_name="metric").dropna()
    out = long.groupby([*by, "metric"], sort=True)["value"].agg(["mean", "std", "count"]).reset_index()
    n = out["count"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stats.t.ppf(0.5 + level / 2, np.where(n > 1, n - 1, np.nan))
        half = t * out["std"].to_numpy(float) / np.sqrt(n)
    return out.assign(ci_low=out["mean"] - half, ci_high=out["mean"] + half, n=out["count"]) \
        .drop(columns=["std", "count"])


def _quarter_axis(ax, quarters: Sequence[str], show: bool = True) -> None:
    """Quarter labels in time order on the x axis, thinned to at most 12 labels."""
    step = max(1, int(np.ceil(len(quarters) / 12)))
    labels = [q if i % step == 0 and show else "" for i, q in enumerate(quarters)]
    ax.set_xticks(range(len(quarters)), labels, rotation=45 if len(quarters) > 3 else 0,
                  ha="right" if len(quarters) > 3 else "center", rotation_mode="anchor")
    ax.set_xlim(-0.5, len(quarters) - 0.5)


def _series_style(scenario: str, group: str, multi: bool, colours: dict) -> dict:
    """Line style: one scenario -> colour by group; several -> colour by scenario, dash by group."""
    dashed = group == "control ports"
    colour = colours.get(scenario, BASELINE_COLOUR) if multi else GROUP_COLOURS[group]
    name = f"{scenario} · {group}" if multi else group
    return dict(color=colour, ls=":" if dashed and multi else "-", marker="s" if dashed else "o",
                label=name)


def _subplots(fig: Figure, n: int, ncols: int):
    """``n`` panels in ``ncols`` columns; unused slots removed."""
    nrows = int(np.ceil(n / ncols))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[n:]:
        fig.delaxes(ax)
    return axes[:n]


@styled
def timeseries(quarterly: pd.DataFrame, metrics: Sequence[str] = DEFAULT_SERIES,
               colours: dict | None = None) -> Figure:
    """Quarterly headline metrics, pilot vs control ports, mean and 95% CI across replications.

    Args:
        quarterly: The ``quarterly`` table (one or several scenarios).
        metrics: Columns, one panel each.
        colours: Scenario colours (default :func:`scenario_colours`).

    Returns:
        Small multiples; a dashed vertical line (gid ``rollout``) before the first pilot quarter.
    """
    q = with_groups(quarterly)
    quarters, first = quarters_sorted(q["quarter"]), first_pilot_quarter(q)
    scenarios = scenario_order(q["scenario"])
    colours, multi = colours or scenario_colours(scenarios), len(scenarios) > 1
    by = ["scenario", "group", "quarter"]
    summary = mean_ci(pool(q, [*by, "replication"], metrics), by, metrics)
    ncols = 1 if len(metrics) == 1 else 2
    fig = Figure(figsize=(WIDTH, 0.6 + 2.1 * np.ceil(len(metrics) / ncols)), layout="constrained")
    pos = {qq: i for i, qq in enumerate(quarters)}
    axes = _subplots(fig, len(metrics), ncols)
    for i, (ax, metric) in enumerate(zip(axes, metrics)):
        title, unit, scale = label(metric)
        for (scen, group), part in summary[summary["metric"] == metric].groupby(["scenario", "group"]):
            part = part.assign(x=part["quarter"].map(pos)).sort_values("x")
            style_ = _series_style(scen, group, multi, colours)
            ax.plot(part["x"], part["mean"] * scale, gid="series", **style_)
            ax.fill_between(part["x"], part["ci_low"] * scale, part["ci_high"] * scale, alpha=0.18,
                            color=style_["color"], linewidth=0, gid="ci")
        if first is not None:
            ax.axvline(pos[first] - 0.5, color="0.3", ls="--", lw=1, gid="rollout", label="_rollout")
        ax.set_title(title)
        ax.set_ylabel(unit)
        _quarter_axis(ax, quarters, show=i + ncols >= len(metrics))
    handles, labels = axes[0].get_legend_handles_labels()
    if first is not None:
        handles.append(Line2D([], [], color="0.3", ls="--", lw=1))
        labels.append(f"first pilot quarter ({first})")
    fig.legend(handles, labels, loc="outside upper center", ncols=min(len(labels), 3))
    return fig


@styled
def forest(comparison: pd.DataFrame, port_group: str | None = None, metrics: Sequence[str] | None = None,
           colours: dict | None = None, relative: bool = True) -> Figure:
    """Paired difference scenario − baseline with 95% CI: one row per metric, one marker per scenario.

    Args:
        comparison: ``comparison.csv`` (rows with quarter == "all" are used).
        port_group: "pilot", "control" or "all"; default "pilot" if present, else "all".
        metrics: Metrics in row order (default: order of appearance).
        colours: Scenario colours.
        relative: Print the relative change next to each row.

    Returns:
        One panel per metric, each in its own unit, with a zero line (gid ``zero``).
    """
    c = comparison[comparison["quarter"].astype(str) == "all"]
    port_group = port_group or ("pilot" if (c["port_group"] == "pilot").any() else "all")
    c = c[c["port_group"] == port_group]
    if c.empty:
        raise ValueError(f"no rows with quarter == 'all' and port_group == {port_group!r}")
    if (~c["scenario"].map(is_baseline)).any():
        c = c[~c["scenario"].map(is_baseline)]
    metrics = list(metrics or dict.fromkeys(c["metric"]))
    scenarios = scenario_order(c["scenario"])
    colours = colours or scenario_colours(scenarios)
    fig = Figure(figsize=(WIDTH, 0.9 + (0.25 + 0.2 * len(scenarios)) * len(metrics)), layout="constrained")
    axes = fig.subplots(len(metrics), 1, squeeze=False)[:, 0]
    for ax, metric in zip(axes, metrics):
        title, unit, scale = label(metric)
        rows = c[c["metric"] == metric].set_index("scenario")
        for j, scen in enumerate(scenarios):
            if scen not in rows.index:
                continue
            r = rows.loc[scen]
            err = np.clip([[r["diff"] - r["ci_low"]], [r["ci_high"] - r["diff"]]], 0, None) * scale
            ax.errorbar([r["diff"] * scale], [-j], xerr=err, fmt="o", color=colours.get(scen), label=scen,
                        gid="estimate")
            if relative and np.isfinite(r["rel_change"]):
                ax.text(1.01, -j, f"{r['rel_change']:+.1%}", transform=ax.get_yaxis_transform(),
                        va="center", fontsize=8, color=colours.get(scen))
        ax.axvline(0, color="0.3", lw=0.8, gid="zero")
        ax.set_ylim(-len(scenarios) + 0.4, 0.6)
        ax.set_yticks([])
        ax.grid(axis="y", visible=False)
        ax.set_ylabel(f"{title}\n({unit})", rotation=0, ha="right", va="center")
    fig.supxlabel(f"Paired difference scenario − baseline, {port_group} ports, 95% CI"
                  + ("; relative change at right" if relative else ""), fontsize=8)
    handles = [Line2D([], [], color=colours.get(s), marker="o", ls="") for s in scenarios]
    fig.legend(handles, scenarios, loc="outside upper center", ncols=min(len(scenarios), 4))
    return fig


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


def _tint(colour: str, amount: float = 0.55) -> tuple:
    """A lighter version of ``colour`` (for waiting steps)."""
    return tuple(c + (1 - c) * amount for c in to_rgb(colour))


def _step_colour(step: str) -> tuple[tuple, str | None]:
    """Face colour and hatch of a TRS step: waits are a hatched tint of their service colour."""
    if step.endswith("_wait"):
        return _tint(STEP_COLOURS[step.removesuffix("_wait")]), "////"
    return to_rgb(STEP_COLOURS.get(step, "#777777")), None


@styled
def trs_decomposition(breakdown: pd.DataFrame) -> Figure:
    """Time Release Study decomposition: stacked hours per step, by channel and by direction.

    Args:
        breakdown: The ``breakdown`` table (``trs_step_by_channel``/``_by_direction`` rows).

    Returns:
        Two panels of horizontal stacked bars (one container per step), totals at bar ends.
    """
    panels = [(d, order, title) for d, order, title in (
        ("trs_step_by_channel", CHANNELS, "By inspection channel"),
        ("trs_step_by_direction", DIRECTIONS, "By direction")) if (breakdown["dimension"] == d).any()]
    scenarios = scenario_order(breakdown["scenario"])
    sizes = [len(order) * len(scenarios) for _, order, _ in panels]
    fig = Figure(figsize=(WIDTH, 1.3 + 0.28 * sum(sizes)), layout="constrained")
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False, height_ratios=sizes)[:, 0]
    for ax, (dimension, order, title) in zip(axes, panels):
        hours = step_hours(breakdown, dimension).pivot_table(
            index=["group", "scenario"], columns="step", values="hours", fill_value=0.0)
        bars = [(g, s) for g in order for s in scenarios if (g, s) in hours.index]
        bars += [(g, s) for g, s in hours.index if g not in order]
        table = hours.reindex(pd.MultiIndex.from_tuples(bars), fill_value=0.0)
        steps = [s for s in STEPS if s in table] + [s for s in table if s not in STEPS]
        y, left = -np.arange(len(bars)), np.zeros(len(bars))
        for step in steps:
            face, hatch = _step_colour(step)
            ax.barh(y, table[step], left=left, color=face, hatch=hatch, edgecolor=STEP_COLOURS.get(
                step.removesuffix("_wait"), "#777777"), linewidth=0, height=0.7, label=step, gid=step)
            left = left + table[step].to_numpy()
        for yy, total in zip(y, left):
            ax.text(total, yy, f" {total:.1f} h", va="center", fontsize=8)
        names = [g.upper() if g == "nii" else g for g, _ in bars]
        ax.set_yticks(y, [f"{n} · {s}" for n, (_, s) in zip(names, bars)] if len(scenarios) > 1 else names)
        ax.grid(axis="y", visible=False)
        ax.set_title(title)
        ax.margins(x=0.12)
    axes[-1].set_xlabel("Hours per released declaration (pooled over ports, quarters, replications)")
    handles = [Patch(facecolor=_step_colour(s)[0], hatch=_step_colour(s)[1], linewidth=0,
                     edgecolor=STEP_COLOURS.get(s.removesuffix("_wait"), "#777777")) for s in STEPS]
    fig.legend(handles, [s.replace("_", " ").replace("nii", "NII") for s in STEPS], loc="outside lower center",
               ncols=5)
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
    fig = Figure(figsize=(WIDTH, 3.2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    width = 0.7 / n
    for ax, direction in zip(axes, DIRECTIONS):
        part = pct[pct["direction"] == direction].set_index(["channel", "scenario"])
        channels = [c for c in CHANNELS if c in part.index.get_level_values(0)]
        for i, channel in enumerate(channels):
            for j, scen in enumerate(scenarios):
                if (channel, scen) not in part.index:
                    continue
                r, x = part.loc[(channel, scen)], i + (j - (n - 1) / 2) * width
                colour = colours[scen] if n > 1 else "#0072B2"
                ax.vlines([x, x], [r["p10"], r["p75"]], [r["p25"], r["p90"]], color=colour, lw=1, gid="whisker")
                ax.hlines([r["p10"], r["p90"]], x - width / 5, x + width / 5, color=colour, lw=1)
                ax.bar(x, r["p75"] - r["p25"], bottom=r["p25"], width=width * 0.8, color=_tint(colour, 0.6),
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
    handles = [Patch(facecolor=_tint(grey, 0.6), edgecolor=grey), Line2D([], [], color=grey, lw=2.2),
               Line2D([], [], color=grey, lw=1), Line2D([], [], color="#D55E00", ls="--", lw=1.1)]
    labels = ["p25–p75", "median", "p10–p90", "2024 target"]
    if n > 1:
        handles += [Patch(facecolor=_tint(colours[s], 0.6), edgecolor=colours[s]) for s in scenarios]
        labels += scenarios
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4))
    return fig


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
               "Counts, all ports", "declarations per quarter (log scale)"))
    metrics = [m for panel in panels for m, _ in panel[:2]]
    summary = mean_ci(pool(quarterly, ["scenario", "quarter", "replication"], metrics),
                      ["scenario", "quarter"], metrics)
    summary["x"] = summary["quarter"].map({q: i for i, q in enumerate(quarters)})
    fig = Figure(figsize=(WIDTH, 3.2), layout="constrained")
    for ax, (observed, true, title, unit) in zip(fig.subplots(1, 2), panels):
        log, means = unit.endswith("(log scale)"), summary.loc[summary["metric"].isin([observed[0], true[0]]), "mean"]
        floor = 0.5 * means[means > 0].min() if (means > 0).any() else 1e-3
        for scen in scenarios:
            for (metric, name), ls, marker, own in ((observed, "--", "s", "#D55E00"), (true, "-", "o", "#0072B2")):
                part = summary[(summary["scenario"] == scen) & (summary["metric"] == metric)].sort_values("x")
                colour = colours[scen] if multi else own
                ax.plot(part["x"], part["mean"], ls=ls, marker=marker, color=colour, gid="series",
                        label=f"{scen} · {name}" if multi else name)
                low = part["ci_low"].clip(lower=floor) if log else part["ci_low"]
                ax.fill_between(part["x"], low, part["ci_high"], color=colour, alpha=0.18, linewidth=0, gid="ci")
        if log:
            ax.set_yscale("log")
        ax.set_title(title)
        ax.set_ylabel(unit)
        _quarter_axis(ax, quarters)
        ax.legend(loc="best")
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
    scenarios, pilots = scenario_order(q["scenario"]), set(pilot_ports(q))
    means = q.groupby(["scenario", "port", "quarter"])[metric].mean()
    flags = q.groupby(["scenario", "port", "quarter"])["pilot"].any()
    norm = Normalize(0, max(float(means.max()), 1e-9))
    fig = Figure(figsize=(WIDTH, 0.9 + (0.35 + 0.3 * len(ports)) * len(scenarios)), layout="constrained")
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
                ax.add_patch(Rectangle((j - 0.46, i - 0.46), 0.92, 0.92, fill=False, ec="white", lw=1.6,
                                       ls="--", gid="pilot_cell"))
        ax.set_yticks(range(len(ports)), ports)
        for tick in ax.get_yticklabels():
            tick.set_fontweight("bold" if tick.get_text() in pilots else "normal")
        _quarter_axis(ax, quarters, show=ax is axes[-1])
        ax.grid(False)
        ax.spines[:].set_visible(False)
        if len(scenarios) > 1:
            ax.set_title(scen)
    title, unit, _ = label(metric)
    fig.colorbar(image, ax=list(axes), label=f"{title}\n({unit} per quarter)")
    if pilots:
        fig.suptitle("Bold: pilot ports; dashed outline: pilot quarters", fontsize=8, x=0.01, ha="left")
    return fig


def frontier_points(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Per scenario, all ports and quarters pooled: the four trade-off measures, mean and 95% CI.

    Returns:
        Long table (scenario, metric, mean, ci_low, ci_high, n) for ``compliant_burden`` (per
        1,000 declarations), ``detection_rate``, ``release_time_mean_h`` and ``revenue_leakage``
        (CNY per quarter).
    """
    metrics = ["compliant_inspected", "declarations", "detection_rate", "release_time_mean_h", "revenue_leakage"]
    per_rep = pool(quarterly, ["scenario", "replication"], metrics)
    n_quarters = quarterly.groupby("scenario")["quarter"].nunique()
    per_rep["compliant_burden"] = 1000 * per_rep["compliant_inspected"] / per_rep["declarations"]
    per_rep["revenue_leakage"] /= per_rep["scenario"].map(n_quarters)
    return mean_ci(per_rep, ["scenario"], ["compliant_burden", "detection_rate", "release_time_mean_h",
                                           "revenue_leakage"])


@styled
def tradeoff_frontier(quarterly: pd.DataFrame, colours: dict | None = None) -> Figure:
    """Scenarios on two trade-offs: burden on compliant traders vs detection, speed vs leakage.

    Args:
        quarterly: The ``quarterly`` table with several scenarios.
        colours: Scenario colours.

    Returns:
        Two panels, one point per scenario (gid ``scenario``) with 95% CI whiskers, labelled.
    """
    points = frontier_points(quarterly).set_index(["scenario", "metric"])
    scenarios = scenario_order(quarterly["scenario"])
    colours = colours or scenario_colours(scenarios)
    fig = Figure(figsize=(WIDTH, 3.1), layout="constrained")
    for ax, (xm, ym, title) in zip(fig.subplots(1, 2), (("compliant_burden", "detection_rate", "Burden vs detection"),
                                                        ("release_time_mean_h", "revenue_leakage", "Speed vs revenue"))):
        (xt, xu, xs), (yt, yu, ys) = label(xm), label(ym)
        for scen in scenarios:
            (x, *xci), (y, *yci) = (points.loc[(scen, m), ["mean", "ci_low", "ci_high"]].to_numpy(float) * s
                                    for m, s in ((xm, xs), (ym, ys)))
            err = lambda v, ci: np.clip([[v - ci[0]], [ci[1] - v]], 0, None)  # noqa: E731
            ax.errorbar([x], [y], xerr=err(x, xci), yerr=err(y, yci), fmt="o", color=colours[scen], elinewidth=1,
                        gid="scenario")
            ax.annotate(scen, (x, y), xytext=(4, 4), textcoords="offset points", fontsize=8, color=colours[scen])
        ax.set_xlabel(f"{xt} ({xu})")
        ax.set_ylabel(f"{yt} ({yu}{' per quarter' if ym == 'revenue_leakage' else ''})")
        ax.set_title(title)
        ax.margins(0.2)
    return fig


@styled
def event_study(did: pd.DataFrame, metrics: Sequence[str] | None = None, colours: dict | None = None) -> Figure:
    """Event-study coefficients by quarter relative to the rollout, with 95% CIs.

    Args:
        did: ``did.csv`` (term "event" rows; "did" rows are printed in each panel).
        metrics: Metrics, one panel each (default: order of appearance).
        colours: Scenario colours, one colour per scenario.

    Returns:
        Panels with a zero line (gid ``zero``) and a dashed rollout line at -0.5 (gid ``rollout``).
    """
    events = did[did["term"] == "event"].astype({"rel_quarter": float})
    metrics = list(metrics or dict.fromkeys(events["metric"]))
    scenarios = scenario_order(events["scenario"])
    colours, n = colours or scenario_colours(scenarios), len(scenarios)
    ncols = 1 if len(metrics) == 1 else 2
    fig = Figure(figsize=(WIDTH, 0.6 + 2.3 * np.ceil(len(metrics) / ncols)), layout="constrained")
    for ax, metric in zip(_subplots(fig, len(metrics), ncols), metrics):
        title, unit, scale = label(metric)
        notes = []
        for j, scen in enumerate(scenarios):
            part = events[(events["metric"] == metric) & (events["scenario"] == scen)].sort_values("rel_quarter")
            est, x = part["estimate"].to_numpy(float) * scale, part["rel_quarter"].to_numpy() + (j - (n - 1) / 2) * 0.12
            err = np.clip([est - part["ci_low"] * scale, part["ci_high"] * scale - est], 0, None)
            ax.errorbar(x, est, yerr=err, fmt="o", color=colours[scen], label=scen, gid="event")
            d = did[(did["term"] == "did") & (did["metric"] == metric) & (did["scenario"] == scen)]
            for r in d.itertuples():
                notes.append(f"DiD{'' if n == 1 else ' ' + scen}: {r.estimate * scale:+.3g} "
                             f"[{r.ci_low * scale:.3g}, {r.ci_high * scale:.3g}]")
        ax.axhline(0, color="0.3", lw=0.8, gid="zero")
        ax.axvline(-0.5, color="0.3", ls="--", lw=1, gid="rollout")
        if notes:
            ax.text(0.02, 0.97, "\n".join(notes), transform=ax.transAxes, va="top", fontsize=8)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title(title)
        ax.set_ylabel(f"effect ({unit})")
        ax.set_xlabel("Quarters relative to rollout")
    handles, labels = fig.axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=min(n, 4))
    return fig
