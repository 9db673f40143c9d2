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
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from sim.figures.tables import is_baseline, scenario_order

STYLE = Path(__file__).parent.parent / "style" / "tradesim.mplstyle"
WIDTH = 6.3  # inches: A4 text width
DPI = 200
BASELINE_COLOUR = "#000000"
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
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
    """The figure as PNG (200 dpi) and PDF bytes, deterministic for identical input (no
    timestamps or software version in the files); :mod:`sim.output` writes them.

    Returns:
        Mapping suffix ("png", "pdf") -> file content.

    """
    out = {}
    with style():
        for ext, meta in (("png", {"Software": None}), ("pdf", {"CreationDate": None})):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=ext, dpi=DPI, metadata=meta)
            out[ext] = buffer.getvalue()
    return out


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


def quarter_axis(ax, quarters: Sequence[str], show: bool = True) -> None:
    """Quarter labels in time order on the x axis, thinned to at most 12 labels."""
    step = max(1, int(np.ceil(len(quarters) / 12)))
    labels = [q if i % step == 0 and show else "" for i, q in enumerate(quarters)]
    ax.set_xticks(range(len(quarters)), labels, rotation=45 if len(quarters) > 3 else 0,
                  ha="right" if len(quarters) > 3 else "center", rotation_mode="anchor")
    ax.set_xlim(-0.5, len(quarters) - 0.5)


def panel_grid(fig: Figure, n: int, ncols: int):
    """``n`` panels in ``ncols`` columns; unused slots removed."""
    nrows = int(np.ceil(n / ncols))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax in axes[n:]:
        fig.delaxes(ax)
    return axes[:n]


def tint(colour: str, amount: float = 0.55) -> tuple:
    """A lighter version of ``colour`` (for waiting steps)."""
    return tuple(c + (1 - c) * amount for c in to_rgb(colour))
