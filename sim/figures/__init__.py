"""Publication figures: pure functions from tidy result tables to matplotlib figures.

Nothing here imports or runs the model. Each function takes tables as saved in a run or
comparison folder (``quarterly``, ``breakdown``, ``comparison``, ``did``) and returns a
:class:`matplotlib.figure.Figure` drawn under the shipped style sheet (A4 text width, fonts of
8 pt or more, Okabe–Ito colours, the baseline always black). No pyplot state is touched.
:func:`save` writes byte-identical PNG (200 dpi) and PDF files for identical input.

Modules: :mod:`~sim.figures.tables` (labels, orderings, pooling), :mod:`~sim.figures.styling`
(style sheet, colours, saving), :mod:`~sim.figures.trends` (quarterly series),
:mod:`~sim.figures.comparison` (forest plot, trade-off frontier, event study),
:mod:`~sim.figures.release` (TRS decomposition, release-time distribution) and
:mod:`~sim.figures.detection` (observed vs true, displacement).
"""
from __future__ import annotations

from sim.figures.comparison import event_study, forest, frontier_points, tradeoff_frontier
from sim.figures.detection import displacement, observed_vs_true
from sim.figures.release import release_percentiles, release_time_distribution, step_hours, trs_decomposition
from sim.figures.styling import (
    BASELINE_COLOUR,
    DPI,
    GROUP_COLOURS,
    OKABE_ITO,
    STEP_COLOURS,
    STYLE,
    WIDTH,
    save,
    scenario_colours,
    style,
    styled,
)
from sim.figures.tables import (
    BASELINE,
    CHANNELS,
    DEFAULT_SERIES,
    DIRECTIONS,
    KEY_METRICS,
    LABELS,
    STEPS,
    TARGETS_H,
    WEIGHTS,
    as_bool,
    diff_label,
    first_pilot_quarter,
    is_baseline,
    key_metrics,
    label,
    mean_ci,
    pilot_ports,
    pool,
    quarter_key,
    quarters_sorted,
    scenario_order,
    with_groups,
)
from sim.figures.trends import timeseries

__all__ = [
    "BASELINE", "BASELINE_COLOUR", "CHANNELS", "DEFAULT_SERIES", "DIRECTIONS", "DPI", "GROUP_COLOURS",
    "KEY_METRICS", "LABELS", "OKABE_ITO", "STEPS", "STEP_COLOURS", "STYLE", "TARGETS_H", "WEIGHTS", "WIDTH",
    "as_bool", "diff_label", "displacement", "event_study", "first_pilot_quarter", "forest", "frontier_points",
    "is_baseline", "key_metrics", "label", "mean_ci", "observed_vs_true", "pilot_ports", "pool", "quarter_key",
    "quarters_sorted", "release_percentiles", "release_time_distribution", "save", "scenario_colours",
    "scenario_order", "step_hours", "style", "styled", "timeseries", "tradeoff_frontier", "trs_decomposition",
    "with_groups",
]
