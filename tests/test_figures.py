"""Figures and the report: what is drawn, from small constructed tables (no simulation runs)."""
from __future__ import annotations

import subprocess
import sys

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest

from sim import figures as F
from sim.report.build import build_report

PORTS = ("seaport", "airport", "landport")
QUARTERS = ("2024Q3", "2024Q4", "2025Q1", "2025Q2")
SCENARIOS = ("baseline_2024", "pilot_inspection")
PILOT = "pilot_inspection"
REPS = 3
# the TRS steps, channels and directions of the constructed breakdown: figures take whatever it holds
STEPS = ("lodging", "screening", "document_review_wait", "document_review", "nii_wait", "nii", "physical_wait",
         "physical", "agency_check", "duty_payment")
CHANNELS = ("green", "document", "nii", "physical")
DIRECTIONS = ("import", "export")
STEP_HOURS = {"green": {"lodging": 6.0, "duty_payment": 0.5},
              "document": {"lodging": 6.0, "document_review_wait": 2.0, "document_review": 1.0},
              "nii": {"lodging": 6.0, "nii_wait": 4.0, "nii": 1.0},
              "physical": {"lodging": 6.0, "physical_wait": 8.0, "physical": 3.0}}


def make_quarterly(scenarios=SCENARIOS, pilots: bool = True) -> pd.DataFrame:
    """One row per scenario x replication x port x quarter; the pilot covers seaport from 2025Q1."""
    rng, rows = np.random.default_rng(7), []
    for s in scenarios:
        for r in range(REPS):
            for p in PORTS:
                for i, q in enumerate(QUARTERS):
                    pilot = pilots and s == PILOT and p == "seaport" and i >= 2
                    decl = {"seaport": 4000, "airport": 1000, "landport": 2000}[p] + int(rng.integers(0, 50))
                    inspections = int(decl * (0.08 if pilot else 0.04))
                    violations = int(decl * 0.03)
                    detected = int(violations * (0.1 if pilot else 0.05)) + 1
                    rows.append(dict(
                        scenario=s, replication=r, seed=100 + r, port=p, quarter=q, pilot=pilot,
                        declarations=decl, released=decl - 5, seized=2 + i % 2, in_process_start=50, in_process=50,
                        release_time_mean_h=(11.0 if pilot else 9.0) + rng.normal(0, 0.2),
                        release_time_p50_h=4.0, release_time_p90_h=25.0, release_time_import_mean_h=11.0,
                        release_time_export_mean_h=8.0, inspection_rate=inspections / decl,
                        physical_inspection_rate=0.6 * inspections / decl, nii_share=0.4,
                        hit_rate=detected / inspections, violation_rate=violations / decl,
                        detection_rate=detected / violations, revenue_due=1e7, revenue_collected=9e6,
                        revenue_leakage=1e6 + rng.normal(0, 1e4), compliant_inspected=inspections - detected,
                        officer_utilization=0.4, smuggling_attempts=30 + 10 * (p == "airport") + 5 * i,
                        smuggling_seized=1, inspections=inspections, violations=violations, detected=detected,
                        released_import=(decl - 5) // 2, released_export=(decl - 5) - (decl - 5) // 2,
                        **model_columns(pilot, decl, i)))
    frame = pd.DataFrame(rows)
    return frame.sample(frac=1, random_state=3).reset_index(drop=True)  # row order must not matter


def model_columns(scored: bool, decl: int, i: int) -> dict:
    """A targeting model's metrics: AUC 0.6, 0.7 in the pilot's two quarters; nothing elsewhere."""
    if not scored:
        return dict(model_scored=0, model_selected=0, model_scored_violations=0, model_scored_evaded=0.0,
                    **{m: np.nan for m in ("model_auc", "model_auc_smuggling", "model_precision", "model_recall",
                                           "model_revenue_recall")})
    return dict(model_scored=decl, model_selected=decl // 25, model_scored_violations=decl // 33,
                model_scored_evaded=1e6, model_auc=0.6 + 0.1 * (i - 2), model_auc_smuggling=0.55,
                model_precision=0.1, model_recall=0.12, model_revenue_recall=0.2)


# compliant inspection rate by level: the pilot inspects large traders at twice the others' rate
BURDEN = {"size_class": {"small": 0.04, "medium": 0.04, "large": 0.08}, "ownership": {"domestic": 0.04,
          "foreign_invested": 0.04}, "business_model": {"general_trade": 0.04}, "origin_region": {"eu": 0.04},
          "tenure": {"established": 0.04, "new": 0.01}}


def make_breakdown(scenarios=SCENARIOS, step_names=STEPS) -> pd.DataFrame:
    """TRS steps by channel and direction, releases by channel/direction, percentiles by group."""
    return pd.DataFrame([row for s in scenarios for r in range(REPS) for p in PORTS for q in QUARTERS
                         for row in breakdown_rows(dict(scenario=s, replication=r, seed=100 + r, port=p, quarter=q),
                                                   step_names)])


def burden_rows(key: dict) -> list[dict]:
    """Compliant declarations and those inspected by trader group (:data:`BURDEN`)."""
    rows = []
    for dim, rates in BURDEN.items():
        for level, rate in rates.items():
            n = 100 if level == "new" else 1000  # new traders too few to compare
            rate = rate if key["scenario"] == PILOT or level == "new" else 0.04
            rows += [{**key, "dimension": dim, "level": level, "metric": "compliant_declarations", "value": n},
                     {**key, "dimension": dim, "level": level, "metric": "compliant_inspected", "value": rate * n}]
    return rows


def breakdown_rows(key: dict, step_names) -> list[dict]:
    """The breakdown rows of one scenario, replication, port and quarter."""
    rows = []
    released = {"green": 900, "document": 60, "nii": 20, "physical": 20, "import": 400, "export": 600}
    for channel, steps in STEP_HOURS.items():
        for step in step_names:
            rows.append({**key, "dimension": "trs_step_by_channel", "level": f"{channel}/{step}",
                         "metric": "hours_per_released", "value": steps.get(step, 0.0)})
    for direction, lodging in (("import", 8.0), ("export", 5.0)):
        for step in step_names:
            value = lodging if step == "lodging" else 1.0 if step == "duty_payment" else 0.0
            rows.append({**key, "dimension": "trs_step_by_direction", "level": f"{direction}/{step}",
                         "metric": "hours_per_released", "value": value})
    for level, n in released.items():
        dim = "direction" if level in DIRECTIONS else "channel"
        rows.append({**key, "dimension": dim, "level": level, "metric": "released", "value": n})
    rows += burden_rows(key)
    for d in DIRECTIONS:
        for c_i, c in enumerate(CHANNELS):
            for pct, v in zip((10, 25, 50, 75, 90), (0, 1, 3, 6, 10)):
                rows.append({**key, "dimension": "release_time_by_group", "level": f"{d}/{c}",
                             "metric": f"release_time_p{pct}_h", "value": v + 5.0 * c_i})
    return rows


def make_comparison(scenarios=(PILOT, "credit_tier")) -> pd.DataFrame:
    """comparison.csv: three metrics, quarter "all" and one quarter, three port groups."""
    rows = []
    for s, sign in zip(scenarios, (1.0, -1.0)):
        for metric, base, diff in (("release_time_mean_h", 9.0, 1.5), ("detection_rate", 0.05, 0.02),
                                   ("revenue_leakage", 1e7, -2e6)):
            for quarter in ("all", "2025Q1"):
                for group in ("pilot", "control", "all"):
                    d = sign * diff * (1.0 if group == "pilot" else 0.1)
                    rows.append(dict(scenario=s, metric=metric, quarter=quarter, port_group=group,
                                     baseline_mean=base, scenario_mean=base + d, diff=d, ci_low=d - abs(diff) / 4,
                                     ci_high=d + abs(diff) / 4, rel_change=d / base, n_pairs=REPS))
    return pd.DataFrame(rows)


def make_did() -> pd.DataFrame:
    """did.csv: event-study terms -3..2 (reference -1 = 0) and the DiD estimate, two metrics."""
    rows = []
    for metric, effect in (("release_time_mean_h", 2.0), ("inspection_rate", 0.04)):
        for k in range(-3, 3):
            est = 0.0 if k == -1 else effect if k >= 0 else 0.05 * effect
            rows.append(dict(scenario=PILOT, metric=metric, term="event", rel_quarter=k, estimate=est,
                             ci_low=est - effect / 5, ci_high=est + effect / 5, n=REPS))
        rows.append(dict(scenario=PILOT, metric=metric, term="did", rel_quarter=np.nan, estimate=effect,
                         ci_low=0.8 * effect, ci_high=1.2 * effect, n=REPS))
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def quarterly():
    return make_quarterly()


@pytest.fixture(scope="module")
def breakdown():
    return make_breakdown()


def by_gid(artists, gid):
    """Artists (or errorbar containers, by their data line) with the given gid."""
    return [a for a in artists if (a.lines[0] if hasattr(a, "lines") else a).get_gid() == gid]


def tick_texts(ax, axis="x"):
    return [t.get_text() for t in getattr(ax, f"get_{axis}ticklabels")() if t.get_text()]


def test_scenario_colours_are_stable_and_baseline_black():
    a = F.scenario_colours(["pilot_b", "baseline_2024", "pilot_a"])
    b = F.scenario_colours(["pilot_a", "pilot_b", "pilot_a", "baseline_2024"])
    assert a == b, "the same names get the same colours whatever their order"
    assert a["baseline_2024"] == F.BASELINE_COLOUR == F.scenario_colours(["baseline_2024", "x"])["baseline_2024"], \
        "baseline is always the same colour"
    assert len(set(a.values())) == 3, "distinct colours per scenario"
    labels = ["2025Q1", "2024Q4", "2024Q10x", "2024Q2"]
    assert F.quarters_sorted(labels) == ["2024Q2", "2024Q4", "2025Q1", "2024Q10x"], "time order, unknown labels last"


def test_timeseries_pilot_vs_control_with_rollout(quarterly):
    fig = F.timeseries(quarterly, metrics=["release_time_mean_h", "inspection_rate", "detection_rate"])
    axes = fig.axes
    assert len(axes) == 3, f"one panel per metric, got {len(axes)}"
    assert axes[0].get_ylabel() == "hours" and axes[1].get_ylabel() == "share", "y axes carry units"
    for ax in axes:
        assert len(by_gid(ax.lines, "series")) == 4, "2 scenarios x (pilot, control) lines per panel"
        assert len(by_gid(ax.collections, "ci")) == 2, "95% CI bands at pilot ports (controls dotted, no band)"
        rollout = by_gid(ax.lines, "rollout")
        assert len(rollout) == 1 and rollout[0].get_xdata()[0] == pytest.approx(1.5), \
            "dashed rollout line between 2024Q4 (x=1) and 2025Q1 (x=2)"
    assert tick_texts(axes[2]) == list(QUARTERS), "bottom panel labels quarters in time order"
    pilot = [ln for ln in axes[1].lines if ln.get_label() == f"{F.scenario_label(PILOT)} · pilot ports"][0]
    q = quarterly[(quarterly["scenario"] == PILOT) & (quarterly["port"] == "seaport")
                  & (quarterly["quarter"] == "2025Q2")]
    expected = ((q["inspection_rate"] * q["declarations"]).sum() / q["declarations"].sum())
    assert pilot.get_ydata()[3] == pytest.approx(expected, rel=0.02), "rates pooled weighted by declarations"


def test_timeseries_without_pilots_has_no_rollout_line():
    fig = F.timeseries(make_quarterly(scenarios=["baseline_2024"], pilots=False), metrics=["hit_rate"])
    ax = fig.axes[0]
    assert not by_gid(ax.lines, "rollout"), "no rollout marker without pilots"
    assert [ln.get_label() for ln in by_gid(ax.lines, "series")] == ["all ports"], "one line for all ports"
    assert len(by_gid(ax.collections, "ci")) == 1, "with its 95% CI band"


def test_forest_rows_markers_and_zero_line():
    comparison = make_comparison()
    fig = F.forest(comparison)
    metrics = ["release_time_mean_h", "detection_rate", "revenue_leakage"]
    assert len(fig.axes) == len(metrics), "one row (panel) per metric"
    for ax, metric in zip(fig.axes, metrics):
        marks = by_gid(ax.containers, "estimate")
        assert len(marks) == 2, f"one marker per scenario for {metric}"
        assert [ln.get_xdata()[0] for ln in by_gid(ax.lines, "zero")] == [0], "zero line at 0"
        xs = sorted(float(c.lines[0].get_xdata()[0]) for c in marks)
        row = comparison[(comparison["metric"] == metric) & (comparison["quarter"] == "all")
                         & (comparison["port_group"] == "pilot")]
        assert xs == pytest.approx(sorted(row["diff"] * F.diff_label(metric)[2])), "default port group is pilot"
        assert any("%" in t.get_text() for t in ax.texts), "relative change printed"
    assert "million CNY" in fig.axes[2].get_ylabel(), "money in million CNY"
    assert "hours" in fig.axes[0].get_ylabel(), "release time in hours"
    assert "percentage points" in fig.axes[1].get_ylabel(), "differences of shares in percentage points"


def test_trs_decomposition_stacks_steps(breakdown):
    fig = F.trs_decomposition(breakdown[breakdown["scenario"] == "baseline_2024"])
    by_channel, by_direction = fig.axes[:2]
    assert len(by_channel.containers) == len(STEPS), "one stacked segment set per TRS step"
    assert all(len(c) == 4 for c in by_channel.containers), "one bar per channel"
    assert all(len(c) == 2 for c in by_direction.containers), "one bar per direction"
    ends = {}
    for container in by_channel.containers:
        for patch, channel in zip(container, CHANNELS):
            ends[channel] = max(ends.get(channel, 0), patch.get_x() + patch.get_width())
    expected = {c: sum(s.values()) for c, s in STEP_HOURS.items()}
    assert ends == pytest.approx(expected), "bar lengths are the summed hours per channel"
    assert tick_texts(by_channel, "y") == ["green", "document", "NII", "physical"], "channels labelled"
    assert "Hours" in by_direction.get_xlabel(), "x axis in hours"


def test_release_time_distribution_targets(breakdown):
    fig = F.release_time_distribution(breakdown[breakdown["scenario"] == "baseline_2024"])
    imp, exp = fig.axes[:2]
    for ax, target in ((imp, 12.0), (exp, 8.0)):
        lines = by_gid(ax.lines, "target")
        assert len(lines) == 1 and lines[0].get_ydata()[0] == target, f"target line at {target} h"
        assert any(f"{target:g} h" in t.get_text() for t in ax.texts), "target labelled"
        boxes = by_gid(ax.patches, "box")
        assert len(boxes) == 4, "one box per channel"
        assert sorted(b.get_y() for b in boxes) == pytest.approx([1, 6, 11, 16]), "boxes start at p25"
        assert sorted(b.get_height() for b in boxes) == pytest.approx([5] * 4), "boxes span p25-p75"
    assert imp.get_ylabel() == "Release time (hours)", "y axis in hours"
    assert [ax.get_title(loc="left") for ax in (imp, exp)] == ["Import", "Export"], "import and export panels"


def test_observed_vs_true(quarterly):
    fig = F.observed_vs_true(quarterly[quarterly["scenario"] == PILOT])
    rates, counts = fig.axes[:2]
    assert [ln.get_label() for ln in by_gid(rates.lines, "series")] == ["observed: hit rate", "true: detection rate"], \
        "hit rate against detection rate"
    assert [ln.get_label() for ln in by_gid(counts.lines, "series")] == ["observed: seizures", "true: violations"], \
        "seizures against true violations"
    assert counts.get_yscale() == "log", "counts of very different size on a log axis"
    assert rates.get_ylabel() == "share" and "per quarter" in counts.get_ylabel(), "units on both panels"
    true = by_gid(counts.lines, "series")[1].get_ydata()
    q = quarterly[(quarterly["scenario"] == PILOT) & (quarterly["quarter"] == "2024Q3")]
    assert true[0] == pytest.approx(q["violations"].sum() / REPS), "violations summed over ports, mean over reps"
    assert tick_texts(rates) == list(QUARTERS), "quarters in time order"


def test_displacement_heatmap_marks_pilots(quarterly):
    fig = F.displacement(quarterly)
    heat = [ax for ax in fig.axes if ax.images]
    assert len(heat) == 2, "one heatmap per scenario"
    image = heat[1].images[0].get_array()
    assert image.shape == (len(PORTS), len(QUARTERS)), "ports x quarters"
    assert image[PORTS.index("airport"), 0] == pytest.approx(40), "mean attempts in the cell"
    bold = {t.get_text(): t.get_fontweight() for t in heat[1].get_yticklabels()}
    assert bold["seaport"] == "bold" and bold["airport"] == "normal", "pilot ports in bold"
    assert len(by_gid(heat[1].patches, "pilot_cell")) == 2, "seaport 2025Q1 and 2025Q2 outlined"
    assert not by_gid(heat[0].patches, "pilot_cell"), "no pilot cells in the baseline"
    colourbar = [ax for ax in fig.axes if not ax.images][0]
    assert "Smuggling attempts" in colourbar.get_ylabel(), "colour bar labelled"



def test_displacement_caption_without_a_quarter_before_the_pilot(quarterly):
    from sim.report.captions import displacement
    assert "from 32.50 to 42.50 from 2025Q1 on" in displacement(quarterly), "seaport 30 + 5 x quarter index"
    later = quarterly[quarterly["quarter"].isin(["2025Q1", "2025Q2"])]  # the pilot from the first quarter
    assert "no quarter before the pilot (2025Q1)" in displacement(later), \
        "no before period: said so, no KeyError (a run starting with the pilot, e.g. experiment=typhoon_24h)"

def test_tradeoff_frontier(quarterly):
    fig = F.tradeoff_frontier(quarterly)
    burden, speed = fig.axes[:2]
    for ax in (burden, speed):
        assert len(by_gid(ax.containers, "scenario")) == 2, "one point per scenario"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Baseline 2024", "Pilot inspection"], \
        "points named in the legend, as people read them"
    assert "per 1,000 declarations" in burden.get_xlabel() and "share" in burden.get_ylabel(), "units"
    assert "hours" in speed.get_xlabel() and "million CNY" in speed.get_ylabel(), "units"
    q = quarterly[quarterly["scenario"] == "baseline_2024"]
    x = by_gid(burden.containers, "scenario")[0].lines[0].get_xdata()[0]
    assert x == pytest.approx(1000 * q["compliant_inspected"].sum() / q["declarations"].sum(), rel=1e-3), \
        "burden = compliant inspected per 1,000 declarations"


def test_event_study():
    fig = F.event_study(make_did())
    assert len(fig.axes) == 2, "one panel per metric"
    ax = fig.axes[0]
    points = by_gid(ax.containers, "event")
    assert len(points) == 1 and list(points[0].lines[0].get_xdata()) == [-3, -2, -1, 0, 1, 2], \
        "one coefficient per relative quarter"
    assert points[0].lines[0].get_ydata()[2] == 0, "reference period -1 is 0"
    assert [ln.get_xdata()[0] for ln in by_gid(ax.lines, "rollout")] == [-0.5], "rollout between -1 and 0"
    assert [ln.get_ydata()[0] for ln in by_gid(ax.lines, "zero")] == [0], "zero line"
    assert ax.get_title(loc="right").strip() == "DiD +2 [1.6, 2.4]", "DiD estimate printed"
    assert "percentage points" in fig.axes[1].get_ylabel(), "effects on shares in percentage points"
    assert "hours" in ax.get_ylabel(), "effect in the metric's unit"


def test_colours_consistent_across_figures(quarterly):
    colours = F.scenario_colours(SCENARIOS)
    fig = F.tradeoff_frontier(quarterly, colours=colours)
    drawn = {c.get_label(): mcolors.to_hex(c.lines[0].get_color()) for c in fig.axes[0].containers}
    assert drawn == {F.scenario_label(s): colours[s].lower() for s in SCENARIOS}, "scenario colours as assigned"


NAMES = ["timeseries", "forest", "event_study", "trs_decomposition", "release_time_distribution",
         "observed_vs_true", "displacement", "tradeoff_frontier", "model_quality", "burden_by_group",
         "reform_effects"]


def test_build_report_run_folder_then_comparison_folder(tmp_path):
    folder = tmp_path / "cmp"
    folder.mkdir()
    make_quarterly().to_csv(folder / "quarterly.csv", index=False)
    make_breakdown().to_parquet(folder / "breakdown.parquet", index=False)
    text = build_report(folder).read_text()
    assert not (folder / "figures" / "forest.png").exists(), "no forest plot without comparison.csv"
    assert not (folder / "figures" / "event_study.png").exists(), "no event study without did.csv"
    assert "`forest`: no comparison.csv" in text, "skipped figures are listed with the reason"
    assert "pilot ports went from" in text, "caption computed from the data"
    first = {p.name: p.read_bytes() for p in (folder / "figures").iterdir()}
    assert len(first) == 2 * 8, "eight figures apply to a run folder, as PNG and PDF"

    make_comparison(scenarios=[PILOT]).to_csv(folder / "comparison.csv", index=False)
    make_did().to_csv(folder / "did.csv", index=False)
    text = build_report(folder).read_text()
    for name in NAMES:
        assert (folder / "figures" / f"{name}.png").stat().st_size > 10_000, f"{name}.png written"
        assert (folder / "figures" / f"{name}.pdf").is_file(), f"{name}.pdf written"
        assert f"](figures/{name}.png)" in text, f"report.md embeds {name}"
    assert "| baseline_2024 |" in text and "| pilot_inspection |" in text, "headline table per scenario"
    assert "## Effects: scenario − baseline" in text and "## Difference-in-differences" in text, "key tables"
    skipped = text.split("## Figures not drawn", 1)[1]
    assert "effect_heatmap" in skipped and "sweep_grid" in skipped and "forest" not in skipped, \
        "only what needs more scenarios or a grid is skipped when every table is present"
    assert (folder / "report.html").read_text().count("<img ") == len(NAMES), "html embeds every figure"
    assert not list(folder.rglob(".*tmp")), "no temporary files left"
    second = {p.name: p.read_bytes() for p in (folder / "figures").iterdir()}
    assert {n: second[n] for n in first} == first, "same tables, byte-identical PNG and PDF files"


def test_several_scenarios_get_one_figure_each_with_the_baseline():
    from sim.report.plan import pages, series_split
    q = make_quarterly(scenarios=[*SCENARIOS, "credit_tier"])
    subsets = pages(q, series_split(q))
    assert [name for name, _ in subsets] == ["credit_tier", "pilot_inspection"], "one page per scenario"
    assert all(set(rows["scenario"]) == {"baseline_2024", s} for s, rows in subsets), "each with the baseline"
    one = make_quarterly()
    assert [s for s, _ in pages(one, series_split(one))] == [""], "one scenario besides the baseline: one figure"


def test_figures_never_import_the_model():
    code = ("import sys, sim.figures, sim.report.build; "
            "bad = [m for m in ('sim.model', 'sim.experiments', 'sim.clearance', 'matplotlib.pyplot') "
            "if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"figure code imported {out.stdout.strip()}"


def test_trs_figure_draws_whatever_steps_the_breakdown_holds():
    steps = ("trader_documents", "agency_permit", "transfer", "document_review_wait", "document_review", "pick_up")
    breakdown = make_breakdown(scenarios=["baseline_2024"], step_names=steps)
    fig = F.trs_decomposition(breakdown)
    drawn = [c.get_label() for c in fig.axes[0].containers]
    assert drawn == list(steps), f"every step of the table, in its order, none from a fixed list: {drawn}"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "trader documents" in legend and "pick up" in legend, f"new steps get readable names: {legend}"
    colours = F.step_colours(list(steps))
    assert colours["document_review"] != colours["trader_documents"], "each step its own colour"


def test_burden_by_group_pools_the_pilot_ports_in_pilot_quarters(quarterly, breakdown):
    from sim.figures.targeting import burden, burden_by_group
    table = burden(breakdown, quarterly).set_index(["scenario", "dimension", "level"])
    assert table.loc[(PILOT, "size_class", "large"), "mean"] == pytest.approx(0.08), "large traders' burden"
    assert table.loc[(PILOT, "size_class", "small"), "disparity"] == pytest.approx(2.0), "0.08 / 0.04"
    assert table.loc[(PILOT, "tenure", "new"), "disparity"] != table.loc[(PILOT, "tenure", "new"), "disparity"], \
        "a grouping with one level of enough declarations has no disparity (new traders: 100 < 500)"
    assert table.loc[("baseline_2024", "size_class", "large"), "disparity"] == pytest.approx(1.0), "baseline: even"
    fig = burden_by_group(breakdown, quarterly)
    texts = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "disparity"]
    assert len(fig.axes) == 5 and texts == ["1.00", "2.00"], f"one panel per grouping, disparities listed: {texts}"


def test_model_quality_draws_the_scored_port_quarters(quarterly):
    from sim.figures.targeting import model_quality
    from sim.report.captions import model as model_caption
    fig = model_quality(quarterly)
    auc = [ln for ln in by_gid(fig.axes[0].lines, "series") if ln.get_label().endswith("all violations")]
    assert len(auc) == 1 and np.allclose(auc[0].get_ydata(), [0.6, 0.7]), "AUC of the scored quarters only"
    assert "0.60 → 0.70" in model_caption(quarterly), "caption from the data"
