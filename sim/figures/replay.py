"""The weekly replay of a targeting strategy on real declarations: precision and revenue over time.

A pure function of the ``replay`` table written by ``tradesim targeting replay`` (one row per
arm and week with counts); nothing here runs a model.
"""
from __future__ import annotations

import io

import pandas as pd
from matplotlib.figure import Figure

from sim.figures.styling import BASELINE_COLOUR, DPI, OKABE_ITO, WIDTH, style, styled

WINDOW = 4  # weeks pooled in each plotted point (counts summed, then divided)
PANELS = (("found", "selected", "Precision (share of selected that were fraud)"),
          ("revenue_found", "revenue", "Revenue recall (share of the week's fraud revenue selected)"))


@styled
def replay_series(replay: pd.DataFrame) -> Figure:
    """Weekly precision and revenue recall of each arm, pooled over a trailing 4-week window.

    Args:
        replay: Rows of (``arm``, ``explore``, ``week``, ``week_start``) with the counts ``found``,
            ``selected``, ``revenue_found``, ``revenue``.

    Returns:
        Two panels sharing the week axis; arms without exploration in black; the last calendar
        quarter of the file shaded (gid ``last_quarter``).

    """
    fig = Figure(figsize=(WIDTH, 4.4), layout="constrained")
    axes = fig.subplots(2, 1, sharex=True)
    arms = list(dict.fromkeys(replay.sort_values(["explore", "arm"], kind="stable")["arm"]))
    others = iter(OKABE_ITO)
    colours = {arm: BASELINE_COLOUR if (replay.loc[replay["arm"] == arm, "explore"] == 0).all() else next(others)
               for arm in arms}
    starts = pd.to_datetime(replay["week_start"])
    last = starts.dt.to_period("Q") == starts.dt.to_period("Q").max()
    for ax, (numerator, denominator, title) in zip(axes, PANELS):
        for arm in arms:
            part = replay[replay["arm"] == arm].sort_values("week")
            pooled = (part[numerator].rolling(WINDOW, min_periods=1).sum()
                      / part[denominator].rolling(WINDOW, min_periods=1).sum())
            ax.plot(pd.to_datetime(part["week_start"]), pooled, color=colours[arm], label=arm, gid="series")
        if last.any():
            ax.axvspan(starts[last].min(), starts[last].max(), color="0.9", lw=0, gid="last_quarter",
                       label="_last quarter")
        ax.set_title(title)
        ax.set_ylim(0, 1.02)
    axes[1].set_xlabel(f"week (each point pools the last {WINDOW} weeks); shaded: last quarter")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper center", ncols=min(len(arms), 3))
    return fig


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG at the shared resolution, without a timestamp (identical input, identical bytes)."""
    buffer = io.BytesIO()
    with style():
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()
