"""Publication figures: pure functions from tidy result tables to matplotlib figures.

Nothing here imports or runs the model. Each function takes tables as saved in a run or
comparison folder (``quarterly``, ``breakdown``, ``comparison``, ``did``) and returns a
:class:`matplotlib.figure.Figure` drawn under the shipped style sheet (A4 text width, fonts of
8 pt or more, Okabe–Ito colours, the baseline always black). No pyplot state is touched.
:func:`figure_bytes` renders byte-identical PNG (200 dpi) and PDF for identical input;
:mod:`sim.output` writes them.

Modules: :mod:`~sim.figures.tables` (labels, orderings, port groups), :mod:`~sim.figures.styling`
(style sheet, colours, saving), :mod:`~sim.figures.trends` (quarterly series),
:mod:`~sim.figures.comparison` (forest plot, trade-off frontier, event study),
:mod:`~sim.figures.release` (TRS decomposition, release-time distribution),
:mod:`~sim.figures.detection` (observed vs true, displacement), :mod:`~sim.figures.effects`
(the scenario x metric heatmap of effects, the grid of a sweep), :mod:`~sim.figures.reforms` (the
reforms' headline metrics by quarter),
:mod:`~sim.figures.events` (the backlog around disruption events) and :mod:`~sim.figures.watch`
(a port's week, hour by hour).

Figures scale: at most :data:`TOGETHER` scenarios share a figure that draws one series per
scenario (the report gives more one page each), a figure never repeats a colour, legends sit
outside the axes in as many columns as fit, and no figure is taller than :data:`MAX_HEIGHT`.
"""
from __future__ import annotations

from sim.figures.comparison import event_study, forest, frontier_points, tradeoff_frontier
from sim.figures.detection import displacement, observed_vs_true
from sim.figures.effects import effect_heatmap, grid_points, has_grid, sweep_grid
from sim.figures.events import event_backlog
from sim.figures.reforms import REFORM_METRICS, reform_effects, reform_rows
from sim.figures.release import (
    release_percentiles,
    release_time_distribution,
    step_colours,
    step_hours,
    step_name,
    trs_decomposition,
)
from sim.figures.styling import (
    BASELINE_COLOUR,
    DPI,
    GROUP_COLOURS,
    HOLDER_PALETTES,
    MAX_HEIGHT,
    OKABE_ITO,
    STEP_PALETTE,
    STYLE,
    TOGETHER,
    WIDTH,
    distinct_colours,
    figure_bytes,
    scenario_colours,
    style,
    styled,
)
from sim.figures.tables import (
    BASELINE,
    DEFAULT_SERIES,
    EXPERIENCE_SERIES,
    KEY_METRICS,
    TARGETS_H,
    as_bool,
    diff_label,
    first_pilot_quarter,
    headline_effects,
    is_baseline,
    key_metrics,
    label,
    levels,
    quarter_key,
    quarters_sorted,
    scenario_label,
    scenario_order,
    with_groups,
)
from sim.figures.trends import timeseries
from sim.figures.watch import port_week

__all__ = [
    "BASELINE", "BASELINE_COLOUR", "DEFAULT_SERIES", "DPI", "EXPERIENCE_SERIES", "GROUP_COLOURS", "HOLDER_PALETTES",
    "KEY_METRICS", "REFORM_METRICS", "reform_effects", "reform_rows",
    "MAX_HEIGHT", "OKABE_ITO", "STEP_PALETTE", "STYLE", "TARGETS_H", "TOGETHER", "WIDTH", "as_bool", "diff_label",
    "displacement", "distinct_colours", "effect_heatmap", "event_backlog", "event_study", "figure_bytes",
    "first_pilot_quarter", "forest", "frontier_points", "grid_points", "has_grid", "headline_effects",
    "is_baseline", "key_metrics", "label", "levels", "observed_vs_true", "port_week", "quarter_key", "quarters_sorted",
    "release_percentiles", "release_time_distribution", "scenario_colours", "scenario_label", "scenario_order",
    "step_colours", "step_hours", "step_name", "style", "styled", "sweep_grid", "timeseries", "tradeoff_frontier",
    "trs_decomposition", "with_groups",
]
