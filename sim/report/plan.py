"""The figure plan of a report, as data: which figures the tables allow, with title, drawing
and caption each, and why the others are left out."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from sim import figures as F
from sim.figures.targeting import burden_by_group, model_quality, scored
from sim.report import captions

TITLES = {
    "timeseries": "Headline metrics by quarter",
    "forest": "Paired differences against the baseline",
    "event_study": "Event study around the rollout",
    "trs_decomposition": "Where the release time goes (Time Release Study)",
    "release_time_distribution": "Release-time distribution against the 2024 targets",
    "observed_vs_true": "What customs observes vs what is true",
    "displacement": "Smuggling attempts by port and quarter",
    "tradeoff_frontier": "Trade-offs between scenarios",
    "model_quality": "Targeting model against the truth, next to the smugglers' adaptation",
    "burden_by_group": "Burden on compliant declarations by trader group",
}


@dataclass(frozen=True)
class PlannedFigure:
    """One figure of the report: file stem, title, and how to draw and caption it."""
    name: str
    title: str
    draw: Callable
    caption: Callable[[], str]


def per_scenario(q: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """(file suffix, title suffix, rows): the whole table, or, with several scenarios besides the
    baseline, each of them together with the baseline (pilot ports are then that scenario's)."""
    others = [s for s in F.scenario_order(q["scenario"]) if not F.is_baseline(s)]
    if len(others) < 2 or F.first_pilot_quarter(q) is None:
        return [("", "", q)]
    base = q["scenario"].map(F.is_baseline)
    return [(f"_{re.sub(r'[^A-Za-z0-9_.-]+', '_', s)}", f": {s}", q[base | (q["scenario"] == s)]) for s in others]


def _has(table: pd.DataFrame | None, column: str, value: str) -> bool:
    return table is not None and (table[column].astype(str) == value).any()


def plan(tables: dict[str, pd.DataFrame]) -> tuple[list[PlannedFigure], list[str]]:
    """The figures that apply to ``tables`` and why the others were skipped."""
    colours = F.scenario_colours(pd.concat([t["scenario"] for t in tables.values() if "scenario" in t]))
    q, b, c, d = (tables.get(k) for k in ("quarterly", "breakdown", "comparison", "did"))
    drawn, skipped = [], []

    def add(name: str, ok: bool, draw: Callable, say: Callable, why: str, suffix: tuple = ("", "")) -> None:
        if ok:
            drawn.append(PlannedFigure(name + suffix[0], TITLES[name] + suffix[1], draw, say))
        else:
            skipped.append(f"`{name}`: {why}")

    subsets = per_scenario(q) if q is not None else [("", "", None)]
    for *suffix, rows in subsets:
        add("timeseries", q is not None, partial(F.timeseries, rows, colours=colours),
            partial(captions.timeseries, rows), "no quarterly table", suffix)
    add("forest", _has(c, "quarter", "all"), partial(F.forest, c, colours=colours), partial(captions.forest, c),
        "no comparison.csv")
    add("event_study", _has(d, "term", "event"), partial(F.event_study, d, colours=colours),
        partial(captions.event, d), "no did.csv with event-study terms")
    add("trs_decomposition", _has(b, "dimension", "trs_step_by_channel"), partial(F.trs_decomposition, b),
        partial(captions.trs, b), "no TRS steps in the breakdown table")
    add("release_time_distribution", _has(b, "dimension", "release_time_by_group"),
        partial(F.release_time_distribution, b, colours=colours), partial(captions.distribution, b),
        "no release-time percentiles in the breakdown table")
    for *suffix, rows in subsets:
        add("observed_vs_true", q is not None, partial(F.observed_vs_true, rows, colours=colours),
            partial(captions.observed, rows), "no quarterly table", suffix)
    for *suffix, rows in subsets:
        add("displacement", q is not None and rows["smuggling_attempts"].sum() > 0, partial(F.displacement, rows),
            partial(captions.displacement, rows), "no smuggling attempts recorded", suffix)
    add("model_quality", q is not None and len(scored(q)) > 0,
        partial(model_quality, q, tables.get("agents"), colours=colours), partial(captions.model, q),
        "no targeting model scored declarations")
    add("burden_by_group", q is not None and _has(b, "dimension", "tenure"),
        partial(burden_by_group, b, q, colours=colours), partial(captions.burden, b, q),
        "no burden by trader group in the breakdown table")
    add("tradeoff_frontier", q is not None and q["scenario"].nunique() > 1,
        partial(F.tradeoff_frontier, q, colours=colours), partial(captions.frontier, q),
        "needs at least two scenarios")
    return drawn, list(dict.fromkeys(skipped))
