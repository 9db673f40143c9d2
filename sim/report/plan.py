"""The figure plan of a report, as data: which figures the tables allow, with title, drawing
and caption each, and why the others are left out.

Figures of the whole folder come first (effects at a glance, the forest plot, the grid of a
sweep, trade-offs); a figure that draws one series per scenario gets one page per scenario
(with the baseline) when the folder holds more than :data:`sim.figures.TOGETHER` scenarios
(the quarterly series as soon as two scenarios have their own pilots). To add a figure: a title
in :data:`TITLES` and one ``add(...)`` line in :func:`plan` (``pages(...)`` for one per scenario).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from sim import figures as F
from sim.figures.targeting import burden_by_group, model_quality, scored
from sim.report import captions
from sim.report.resilience import caption as event_caption

TITLES = {
    "effect_heatmap": "Effects of every scenario at a glance",
    "forest": "Paired differences against the baseline",
    "sweep_grid": "Effects over the experiment's grid",
    "tradeoff_frontier": "Trade-offs between scenarios",
    "timeseries": "Headline metrics by quarter",
    "event_study": "Event study around the rollout",
    "trs_decomposition": "Where the release time goes (Time Release Study)",
    "release_time_distribution": "Release-time distribution against the 2024 targets",
    "observed_vs_true": "What customs observes vs what is true",
    "displacement": "Smuggling attempts by port and quarter",
    "model_quality": "Targeting model against the truth, next to the smugglers' adaptation",
    "burden_by_group": "Burden on compliant declarations by trader group",
    "event_backlog": "Backlog around disruption events",
    "trader_experience": "What traders experience: satisfaction, disputes, service levels",
    "reform_effects": "Reforms' headline metrics by quarter",
}


@dataclass(frozen=True)
class PlannedFigure:
    """One figure of the report: file stem, title, how to draw and caption it, and the scenario
    of a per-scenario page ("" for a figure of the whole folder)."""
    name: str
    title: str
    draw: Callable
    caption: Callable[[], str]
    scenario: str = ""


def pages(table: pd.DataFrame, split: bool) -> list[tuple[str, pd.DataFrame]]:
    """``[("", table)]``, or when ``split`` one ``(scenario, rows)`` per scenario besides the
    baseline, its rows with the baseline's (each scenario then shows its own pilot ports)."""
    others = [s for s in F.scenario_order(table["scenario"]) if not F.is_baseline(s)]
    if not split or len(others) < 2:
        return [("", table)]
    base = table["scenario"].map(F.is_baseline)
    return [(s, table[base | (table["scenario"] == s)]) for s in others]


def crowded(table: pd.DataFrame | None) -> bool:
    """More scenarios than one figure shows together."""
    return table is not None and table["scenario"].nunique() > F.TOGETHER


def series_split(quarterly: pd.DataFrame) -> bool:
    """Quarterly series get a page per scenario when several have pilots (each its own pilot
    ports) or when there are too many to draw together."""
    return crowded(quarterly) or F.first_pilot_quarter(quarterly) is not None


def _suffix(scenario: str) -> tuple[str, str]:
    """File-name and title suffixes of a per-scenario page."""
    if not scenario:
        return "", ""
    return f"_{re.sub(r'[^A-Za-z0-9_.-]+', '_', scenario)}", f": {F.scenario_label(scenario)}"


def _has(table: pd.DataFrame | None, column: str, value: str) -> bool:
    return table is not None and (table[column].astype(str) == value).any()


def _several_effects(c: pd.DataFrame | None) -> bool:
    return _has(c, "quarter", "all") and c.loc[~c["scenario"].map(F.is_baseline), "scenario"].nunique() >= 2


def plan(tables: dict[str, pd.DataFrame]) -> tuple[list[PlannedFigure], list[str]]:
    """The figures that apply to ``tables`` and why the others were skipped."""
    colours = F.scenario_colours(pd.concat([t["scenario"] for t in tables.values() if "scenario" in t]))
    q, b, c, d = (tables.get(k) for k in ("quarterly", "breakdown", "comparison", "did"))
    e, eb = tables.get("events"), tables.get("event_backlog")
    drawn, skipped = [], []

    def add(name: str, ok: bool, draw: Callable, say: Callable, why: str, scenario: str = "") -> None:
        if ok:
            file, title = _suffix(scenario)
            drawn.append(PlannedFigure(name + file, TITLES[name] + title, draw, say, scenario))
        else:
            skipped.append(f"`{name}`: {why}")

    add("effect_heatmap", _several_effects(c), partial(F.effect_heatmap, c), partial(captions.heatmap, c),
        "needs comparison.csv with at least two scenarios")
    add("forest", _has(c, "quarter", "all"), partial(F.forest, c, colours=colours), partial(captions.forest, c),
        "no comparison.csv")
    for scen, rows in pages(c, crowded(c)) if c is not None else [("", None)]:
        add("reform_effects", rows is not None and len(F.reform_rows(rows)) > 0,
            partial(F.reform_effects, rows, colours=colours), partial(captions.reforms, rows),
            "no scenario moves a reform metric (docs/reforms.md) in comparison.csv", scen)
    add("sweep_grid", c is not None and F.has_grid(c), partial(F.sweep_grid, c), partial(captions.grid, c),
        "no grid experiment (variants labelled scenario__key=value)")
    add("tradeoff_frontier", q is not None and q["scenario"].nunique() > 1,
        partial(F.tradeoff_frontier, q, colours=colours), partial(captions.frontier, q),
        "needs at least two scenarios")
    for scen, rows in pages(q, series_split(q)) if q is not None else [("", None)]:
        add("timeseries", q is not None, partial(F.timeseries, rows, colours=colours),
            partial(captions.timeseries, rows), "no quarterly table", scen)
    for scen, rows in pages(d, crowded(d)) if _has(d, "term", "event") else [("", None)]:
        add("event_study", rows is not None, partial(F.event_study, rows, colours=colours),
            partial(captions.event, rows), "no did.csv with event-study terms", scen)
    for scen, rows in pages(b, crowded(b)) if b is not None else [("", None)]:
        add("trs_decomposition", _has(rows, "dimension", "trs_step_by_channel"), partial(F.trs_decomposition, rows),
            partial(captions.trs, rows), "no TRS steps in the breakdown table", scen)
        add("release_time_distribution", _has(rows, "dimension", "release_time_by_group"),
            partial(F.release_time_distribution, rows, colours=colours), partial(captions.distribution, rows),
            "no release-time percentiles in the breakdown table", scen)
    for scen, rows in pages(q, series_split(q)) if q is not None else [("", None)]:
        add("observed_vs_true", q is not None, partial(F.observed_vs_true, rows, colours=colours),
            partial(captions.observed, rows), "no quarterly table", scen)
        add("displacement", q is not None and rows["smuggling_attempts"].sum() > 0, partial(F.displacement, rows),
            partial(captions.displacement, rows), "no smuggling attempts recorded", scen)
        add("trader_experience", q is not None and set(F.EXPERIENCE_SERIES) <= set(q),
            partial(F.timeseries, rows, F.EXPERIENCE_SERIES, colours=colours), partial(captions.experience, rows),
            "no satisfaction and dispute columns (results from before them)", scen)
    add("model_quality", q is not None and len(scored(q)) > 0,
        partial(model_quality, q, tables.get("agents"), colours=colours), partial(captions.model, q),
        "no targeting model scored declarations")
    add("burden_by_group", q is not None and _has(b, "dimension", "tenure"),
        partial(burden_by_group, b, q, colours=colours), partial(captions.burden, b, q),
        "no burden by trader group in the breakdown table")
    if e is not None:  # runs without disruption events have no event tables: nothing to draw or skip
        add("event_backlog", eb is not None, partial(F.event_backlog, eb, e, colours=colours),
            partial(event_caption, e), "no event_backlog table")
    return drawn, list(dict.fromkeys(skipped))
