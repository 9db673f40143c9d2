"""The look shared by every figure: style sheet, colours, deterministic saving, common axes.

Figures are drawn under the shipped style sheet (A4 text width, fonts of 8 pt or more,
Okabe–Ito colours, the baseline always black); no pyplot state is touched.
"""
from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import matplotlib.style
import numpy as np
from matplotlib.colors import hsv_to_rgb, to_hex, to_rgb
from matplotlib.figure import Figure
from PIL import Image

from sim.figures.tables import is_baseline, scenario_label, scenario_order

STYLE = Path(__file__).parent.parent / "style" / "tradesim.mplstyle"
WIDTH = 6.3  # inches: A4 text width
DPI = 200
MAX_HEIGHT = 11.9  # inches: 2,380 px at 200 dpi, under the 2,400 px a report page allows
TOGETHER = 4  # at most this many scenarios share a figure; the report gives more one page each
BASELINE_COLOUR = "#000000"
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
# more series than Okabe-Ito has colours: Paul Tol's "muted" and "dark" schemes (colour-blind-safe
# within each scheme), then evenly spaced hues: a figure never shows one colour twice
SERIES_PALETTE = (*OKABE_ITO, "#332288", "#117733", "#882255", "#999933", "#AA4499", "#44AA99", "#DDCC77",
                  "#CC6677", "#88CCEE", "#661100", "#6699CC", "#888888")
GROUP_COLOURS = {"pilot ports": "#D55E00", "control ports": "#0072B2", "all ports": "#000000"}
# TRS steps, coloured in their order of appearance in the breakdown: Paul Tol's "muted"
# colour-blind-safe scheme, then Okabe-Ito
# who holds the goods during a TRS step: traders in warm tones, customs in blues and greens,
# other agencies in purples (colour-blind-safe: Paul Tol's schemes)
HOLDER_PALETTES = {"trader": ("#DDCC77", "#CC6677", "#999933", "#EE8866"),
                   "customs": ("#332288", "#88CCEE", "#44AA99", "#117733", "#0072B2", "#56B4E9", "#009E73"),
                   "agency": ("#AA4499", "#882255", "#CC79A7")}
STEP_PALETTE = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
                "#AA4499", *OKABE_ITO)


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


def figure_bytes(fig: Figure) -> dict[str, bytes]:
    """The figure as PNG (200 dpi, 256-colour palette: a third of the size, so a report with
    dozens of figures stays small enough to mail) and PDF bytes, deterministic for identical input
    (no timestamps or software version in the files); :mod:`sim.output` writes them.

    Returns:
        Mapping suffix ("png", "pdf") -> file content.

    """
    out = {}
    with style():
        for ext, meta in (("png", {"Software": None}), ("pdf", {"CreationDate": None})):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=ext, dpi=DPI, metadata=meta)
            out[ext] = buffer.getvalue()
    image = Image.open(io.BytesIO(out["png"])).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(buffer, format="PNG")
    out["png"] = buffer.getvalue()
    return out


def distinct_colours(n: int) -> list[str]:
    """``n`` colours, all different: :data:`SERIES_PALETTE`, then evenly spaced hues."""
    extra = max(0, n - len(SERIES_PALETTE))
    hues = [to_hex(hsv_to_rgb((i / extra, 0.75, 0.7))) for i in range(extra)]
    return [*SERIES_PALETTE, *hues][:n]


def scenario_colours(names: Iterable) -> dict[str, str]:
    """Stable colours: baselines black, the others all different (Okabe–Ito first) in sorted order.

    Args:
        names: Scenario names (any order, repeats allowed).

    Returns:
        Mapping name -> hex colour; the same set of names always gets the same colours, and no
        two scenarios share one.

    """
    order = scenario_order(names)
    others = [n for n in order if not is_baseline(n)]
    colours = {n: BASELINE_COLOUR for n in order if is_baseline(n)}
    colours.update(zip(others, distinct_colours(len(others))))
    return colours


def fit_height(inches: float) -> float:
    """A figure height within a report page (:data:`MAX_HEIGHT`)."""
    return float(min(inches, MAX_HEIGHT))


def legend_columns(labels: Sequence[str], width: float = WIDTH, fontsize: float = 8) -> int:
    """How many legend columns of ``labels`` fit across ``width`` inches (font ``fontsize`` pt):
    a legend wider than its figure would be cut at both sides."""
    longest = max((len(str(t)) for t in labels), default=1)
    per_column = longest * 0.62 * fontsize / 72 + 4.5 * fontsize / 72  # text + handle, pad, spacing
    return max(1, min(len(labels), int((width - 0.2) // per_column)))


def legend_height(labels: Sequence[str], fontsize: float = 8) -> float:
    """Inches a figure legend of ``labels`` takes below or above the axes (rows x line height)."""
    return float(np.ceil(len(labels) / legend_columns(labels, fontsize=fontsize)) * 1.9 * fontsize / 72 + 0.1)


def legend_outside(fig: Figure, handles: list, labels: list[str], where: str = "lower", **kwargs):
    """A figure legend outside the axes (``where``: lower or upper), in as many columns as fit."""
    return fig.legend(handles, labels, loc=f"outside {where} center", ncols=legend_columns(labels), **kwargs)


def quarter_axis(ax, quarters: Sequence[str], show: bool = True) -> None:
    """Quarter labels in time order on the x axis, thinned to at most 12 labels."""
    step = max(1, int(np.ceil(len(quarters) / 12)))
    labels = [q if i % step == 0 and show else "" for i, q in enumerate(quarters)]
    ax.set_xticks(range(len(quarters)), labels, rotation=45 if len(quarters) > 3 else 0,
                  ha="right" if len(quarters) > 3 else "center", rotation_mode="anchor")
    ax.set_xlim(-0.5, len(quarters) - 0.5)


def panel_grid(fig: Figure, n: int, ncols: int, **kwargs):
    """``n`` panels in ``ncols`` columns; unused slots removed (``kwargs`` to ``Figure.subplots``)."""
    nrows = int(np.ceil(n / ncols))
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs).ravel()
    for ax in axes[n:]:
        fig.delaxes(ax)
    return axes[:n]


def tint(colour: str, amount: float = 0.55) -> tuple:
    """A lighter version of ``colour`` (for waiting steps)."""
    return tuple(c + (1 - c) * amount for c in to_rgb(colour))


def cut_wide_intervals(ax, points: Sequence[tuple[float, float, float, float, str]], factor: float = 4.0) -> bool:
    """Keep the y axis on the estimates when some 95% CIs are far wider (few replications, few
    clusters): ``points`` are (x, estimate, ci_low, ci_high, colour); when a CI reaches beyond
    ``factor`` times the largest estimate, the axis stops there, each cut whisker ends in an arrow
    (gid ``cut``) and the panel says so. Returns whether anything was cut."""
    top = factor * max((abs(e) for _, e, _, _, _ in points if np.isfinite(e)), default=0.0)
    cut = [(x, lo < -top or not np.isfinite(lo), hi > top or not np.isfinite(hi), colour)
           for x, _, lo, hi, colour in points]
    if not top > 0 or not any(low or high for _, low, high, _ in cut):
        return False
    ax.set_ylim(-1.1 * top, 1.1 * top)
    for x, low, high, colour in cut:
        for flag, y, marker in ((low, -1.05 * top, "v"), (high, 1.05 * top, "^")):
            if flag:
                ax.plot([x], [y], marker=marker, ls="", ms=4, color=colour, gid="cut", clip_on=False)
    ax.text(0.01, 0.99, "arrows: 95% CI cut at the axis", transform=ax.transAxes, fontsize=7, va="top",
            color="0.35")
    return True


def effect_series(ax, series: dict, colours: dict, unit: str, scale: float, gid: str, **style) -> None:
    """Effects with 95% CI error bars (gid ``gid``), one series per scenario: ``series`` maps each
    scenario to its (x, estimate, ci_low, ci_high) arrays, unscaled. The series are set side by
    side around each x, effects on shares (``unit`` percentage points) are clipped to +-100 points,
    CIs far wider than the estimates are cut at the axis (:func:`cut_wide_intervals`), and a zero
    line (gid ``zero``) is drawn."""
    n, points = len(series), []
    bound = 1.0 if unit == "percentage points" else np.inf
    for j, (scen, (x, *values)) in enumerate(series.items()):
        est, low, high = (np.asarray(v, float).clip(-bound, bound) * scale for v in values)
        x = np.asarray(x, float) + (j - (n - 1) / 2) * min(0.12, 0.5 / n)
        ax.errorbar(x, est, yerr=np.clip([est - low, high - est], 0, None), color=colours.get(scen),
                    label=scenario_label(scen), gid=gid, **style)
        points += [(*p, colours.get(scen)) for p in zip(x, est, low, high) if np.isfinite(p[1])]
    cut_wide_intervals(ax, points)
    ax.axhline(0, color="0.3", lw=0.8, gid="zero")
