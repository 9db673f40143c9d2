"""Figures that scale (visual regression): every figure kind of the report's plan, drawn from small
constructed tables with 1, 4 and 13 scenarios besides the baseline and for a grid experiment,
fits a report page (at most 2,400 px tall at 200 dpi), keeps every legend and label inside the
figure, repeats no colour, and makes matplotlib warn about nothing."""
from __future__ import annotations

import warnings
from types import SimpleNamespace

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import ErrorbarContainer

from sim import figures as F
from sim.report.plan import TITLES, plan
from tests.test_figures import PILOT, by_gid, make_breakdown, make_quarterly

LEVERS = ("aeo_mutual_recognition", "classification_assist", "credit_zero_inspection", "first_violation_no_penalty",
          "inspection_targeting", "joint_inspection", "reform_2025", "sandbox_cbec", "self_declaration_audit",
          "single_window", "smart_monitoring_24h", "traceability", "cbec_9610_zone")
METRICS = (("release_time_mean_h", 9.0, 0.4), ("inspection_rate", 0.04, 0.004), ("hit_rate", 0.01, 0.01),
           ("detection_rate", 0.05, 0.02), ("compliant_inspected", 900.0, -40.0), ("revenue_leakage", 3e7, -3e6),
           ("smuggling_attempts", 700.0, -60.0))
LIMIT_PX = 2400


def comparison_of(scenarios) -> pd.DataFrame:
    """comparison.csv: quarter "all" at pilot, control and all ports, findings of every kind."""
    rows = []
    for k, s in enumerate(scenarios):
        for metric, base, effect in METRICS:
            for group in ("pilot", "control", "all"):
                d = effect * ((k % 5) - 2) / 2 * (1.0 if group == "pilot" else 0.2)
                half = abs(effect) / (3 if k % 3 else 0.5)
                finding = "" if abs(d) < half else "effect" if abs(d) >= 0.01 * base else "negligible"
                rows.append(dict(scenario=s, metric=metric, quarter="all", port_group=group, baseline_mean=base,
                                 scenario_mean=base + d, diff=d, ci_low=d - half, ci_high=d + half, rel_change=d / base,
                                 n_pairs=3, p_value=0.01, role="exploratory", p_adjusted=0.02, finding=finding))
    return pd.DataFrame(rows)


def did_of(scenarios) -> pd.DataFrame:
    """did.csv: an event study -3..2 per scenario and metric, some CIs far too wide (2 clusters)."""
    rows = []
    for k, s in enumerate(scenarios):
        for metric, base, effect in METRICS[:4]:
            for q in range(-3, 3):
                est = 0.0 if q == -1 else effect * (q >= 0)
                wide = 1e4 * abs(effect) if k % 2 else abs(effect) / 4
                rows.append(dict(scenario=s, metric=metric, term="event", rel_quarter=q, estimate=est,
                                 ci_low=est - wide, ci_high=est + wide if q else np.inf, n=3))
            for term in ("did", "paired_did"):
                rows.append(dict(scenario=s, metric=metric, term=term, rel_quarter=np.nan, estimate=effect,
                                 ci_low=0.5 * effect, ci_high=1.5 * effect, n=3))
    return pd.DataFrame(rows)


def tables_of(n: int) -> dict[str, pd.DataFrame]:
    levers = LEVERS[:n]
    quarterly = pd.concat([make_quarterly(scenarios=["baseline_2024"], pilots=False),
                           *(make_quarterly(scenarios=[PILOT]).assign(scenario=s) for s in levers)],
                          ignore_index=True)
    return {"quarterly": quarterly, "breakdown": make_breakdown(scenarios=["baseline_2024", *levers]),
            "comparison": comparison_of(levers), "did": did_of(levers)}


def grid_tables(keys: int = 2) -> dict[str, pd.DataFrame]:
    """An experiment's grid over two scenarios, labelled as sim.experiments labels variants:
    inspection rate x AUC (3 x 3), or the inspection rate alone."""
    grid = [f"__inspection_rate={r}" + (f"__auc={a}" if keys == 2 else "")
            for r in (0.02, 0.03, 0.05) for a in ((0.6, 0.75, 0.9) if keys == 2 else (None,))]
    return {"comparison": comparison_of([f"{s}{g}" for s in ("inspection_targeting", "sandbox_cbec") for g in grid])}


def kind(name: str) -> str:
    return max((k for k in TITLES if name.startswith(k)), key=len)


def drawn_once_per_kind(tables: dict[str, pd.DataFrame]):
    """The plan, and the first page of every figure kind (the others differ only in their rows)."""
    figures, _ = plan(tables)
    first = {}
    for figure in figures:
        first.setdefault(kind(figure.name), figure)
    return figures, first


def check(figure) -> list[str]:
    """Draw ``figure``; every problem found, as text."""
    problems = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = figure.draw()
        canvas = FigureCanvasAgg(fig)
        canvas.draw()  # lays the figure out as savefig does (sizes in inches do not depend on dpi)
    problems += [f"warning: {w.message}" for w in caught]
    width, height = fig.get_size_inches() * F.DPI
    if height > LIMIT_PX:
        problems.append(f"{height:.0f} px tall at {F.DPI} dpi")
    renderer = canvas.get_renderer()
    box = fig.get_tightbbox(renderer)  # inches: every drawn artist (legends, labels, titles, texts)
    w, h = fig.get_size_inches()
    if box.x0 < -0.01 or box.y0 < -0.01 or box.x1 > w + 0.01 or box.y1 > h + 0.01:
        problems.append(f"drawn outside the figure: {box.bounds} in a {w:.2f} x {h:.2f} in figure")
    for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        lb = legend.get_window_extent(renderer)
        if lb.x0 < -1 or lb.y0 < -1 or lb.x1 > width + 1 or lb.y1 > height + 1:
            problems.append(f"legend clipped: {lb.bounds} in {width:.0f} x {height:.0f} px")
    named = [(c.get_label(), mcolors.to_hex(c.lines[0].get_color())) for ax in fig.axes for c in ax.containers
             if isinstance(c, ErrorbarContainer) and c.get_label()[:1] != "_"]
    named += [(line.get_label(), mcolors.to_hex(line.get_color())) for ax in fig.axes for line in ax.lines
              if line.get_gid() == "series" and line.get_label()[:1] != "_"]
    if len({name for name, _ in named}) != len(set(named)):
        problems.append("one series drawn in two colours")
    return problems


@pytest.mark.parametrize("n", [1, pytest.param(4, marks=pytest.mark.slow), 13])
def test_every_figure_kind_fits_a_page_for_1_4_and_13_scenarios(n):
    figures, first = drawn_once_per_kind(tables_of(n))
    expected = {"forest", "tradeoff_frontier", "timeseries", "event_study", "trs_decomposition",
                "release_time_distribution", "observed_vs_true", "displacement"}
    expected |= {"effect_heatmap"} if n > 1 else set()
    assert expected <= set(first), f"{n} scenarios: kinds drawn {sorted(first)}"
    problems = {name: check(figure) for name, figure in first.items()}
    assert not any(problems.values()), f"{n} scenarios: {({k: v for k, v in problems.items() if v})}"
    if n == 13:
        pages = [f for f in figures if kind(f.name) == "event_study"]
        assert len(pages) == 13 and all(f.scenario for f in pages), "one event-study page per scenario"
        assert sum(kind(f.name) == "effect_heatmap" for f in figures) == 1, "one heatmap of all scenarios"


def test_grid_figures_fit_and_mark_findings():
    figures, first = drawn_once_per_kind(grid_tables())
    assert set(first) >= {"sweep_grid", "effect_heatmap", "forest"}, f"grid figures: {sorted(first)}"
    problems = {name: check(figure) for name, figure in first.items()}
    assert not any(problems.values()), f"grid: {({k: v for k, v in problems.items() if v})}"
    fig = first["sweep_grid"].draw()
    heat = [ax for ax in fig.axes if ax.images]
    assert heat and heat[0].images[0].get_array().shape == (3 * 2, 3), \
        "rows: each scenario's inspection rates, columns: the AUCs"
    one = F.sweep_grid(grid_tables(keys=1)["comparison"])
    assert not any(ax.images for ax in one.axes), "a one-key grid: lines, not a heatmap"
    assert len(by_gid(one.axes[0].containers, "grid")) == 2, "one line per scenario over the key's values"
    assert not check(SimpleNamespace(draw=lambda: one)), "the one-key grid fits as well"


def test_colours_never_repeat_and_names_read_as_words():
    colours = F.distinct_colours(40)
    assert len(set(colours)) == 40, "40 series, 40 colours"
    names = F.scenario_colours(["baseline_2024", *LEVERS])
    assert len(set(names.values())) == len(names), "every scenario its own colour"
    assert F.scenario_label("aeo_mutual_recognition") == "AEO mutual recognition", "acronyms"
    assert F.scenario_label("smart_monitoring_24h") == "Smart monitoring 24 h", "units"
    assert F.scenario_label("inspection_targeting__auc=0.7") == "Inspection targeting (auc = 0.7)", "grid variants"
    assert F.scenario_label("job 0: run.seed=1") == "job 0: run.seed=1", "sweep jobs as they are"


def test_the_heatmap_marks_findings_from_the_analysis_table():
    comparison = comparison_of(LEVERS[:6])
    fig = F.effect_heatmap(comparison)
    ax = [a for a in fig.axes if a.images][0]
    grid = ax.images[0].get_array()
    assert grid.shape == (6, len(METRICS)), "scenario x metric"
    pilot = comparison[comparison["port_group"] == "pilot"]
    frames = {p.get_gid() for p in ax.patches}
    assert len([p for p in ax.patches if p.get_gid() == "effect"]) == (pilot["finding"] == "effect").sum(), \
        "one solid frame per finding of the pilot-port effects"
    assert len([p for p in ax.patches if p.get_gid() == "negligible"]) == (pilot["finding"] == "negligible").sum(), \
        f"one dotted frame per negligible effect ({frames})"
    r = pilot[(pilot["scenario"] == LEVERS[0]) & (pilot["metric"] == "hit_rate")].iloc[0]
    assert grid[0, 2] == pytest.approx(r["rel_change"]), "cells hold the relative change"
