"""`tradesim compare`: pooling, paired (CRN) differences, the output contract, user mistakes."""
from __future__ import annotations

import json
import shlex

import pandas as pd
import pytest

from sim.analysis import compare
from sim.cli import main
from sim.compose import ROOT
from sim.experiments.definitions import Precision, available_experiments, check_scenarios, load_experiment

# inspection_targeting vs the baseline in a small world: 2024Q3, 2024Q4 before the rollout, 2025Q1, 2025Q2 after
PILOT = ["experiment=smoke_pilot", "run.progress=false", "report=false", "plan=true"]
FOLDER_TABLES = ("comparison", "did", "observed_vs_true", "crn_gain", "quarterly", "breakdown", "agents")
OLD_COLUMNS = ["scenario", "metric", "quarter", "port_group", "baseline_mean", "scenario_mean", "diff", "ci_low",
               "ci_high", "rel_change", "n_pairs"]  # comparison.csv before p-values were added


def read(folder, name):
    return pd.read_csv(folder / f"{name}.csv", keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def pilot_experiment(tmp_path_factory):
    """inspection_targeting against the baseline, 3 replications paired by seed."""
    folder = tmp_path_factory.mktemp("compare") / "exp"
    code = main(["compare", *PILOT, f"hydra.run.dir={folder}"])
    assert code == 0, "the comparison runs"
    return folder


def quarterly_rows(ports, values):
    """A two-quarter, one-replication quarterly table with the count columns pooling needs."""
    rows = []
    for port, (declarations, inspections, hits, leakage) in zip(ports, values):
        for quarter in ("2025Q1", "2025Q2"):
            rows.append({"scenario": "x", "replication": 0, "port": port, "quarter": quarter,
                         "pilot": port == "a", "declarations": declarations, "inspections": inspections,
                         "hit_rate": hits / inspections, "revenue_leakage": leakage})
    frame = pd.DataFrame(rows)
    for column in (*compare.METRICS, *compare.RATES.values()):
        if column not in frame:
            frame[column] = 1.0
    return frame


def test_rates_are_pooled_by_their_denominators_and_counts_summed():
    table = quarterly_rows(["a", "b"], [(1000, 100, 10, 5.0), (1000, 10, 9, 7.0)])
    pooled = compare.pooled(table, ["replication"]).iloc[0]
    assert pooled["hit_rate"] == pytest.approx(2 * 19 / (2 * 110)), "hits / inspections, not a mean of rates"
    assert pooled["revenue_leakage"] == pytest.approx(24.0), "amounts are summed over ports and quarters"


def test_a_known_paired_difference_is_recovered_by_port_group():
    base = pd.concat([quarterly_rows(["a", "b"], [(1000, 100, 10, 5.0)] * 2).assign(replication=r)
                      for r in range(4)], ignore_index=True)
    scen = base.copy()
    scen.loc[scen["port"] == "a", "revenue_leakage"] += 3.0
    table = compare.comparison_table(base, {"x": scen}).set_index(["metric", "quarter", "port_group"])
    pilot = table.loc[("revenue_leakage", "all", "pilot")]
    assert pilot["diff"] == pytest.approx(6.0) and pilot["ci_low"] == pytest.approx(6.0), \
        "a constant +3 per quarter at the pilot port is +6 over two quarters, with no spread"
    assert table.loc[("revenue_leakage", "2025Q1", "control"), "diff"] == 0, "controls are untouched"
    assert table.loc[("revenue_leakage", "all", "all"), "rel_change"] == pytest.approx(6 / 20), \
        "rel_change is diff / baseline_mean"


def test_comparison_table_has_the_contracted_columns_and_groups(pilot_experiment):
    table = read(pilot_experiment, "comparison")
    assert list(table.columns)[:len(OLD_COLUMNS)] == OLD_COLUMNS, f"the contracted columns first: {list(table.columns)}"
    assert {"p_value", "p_adjusted", "role"} <= set(table.columns), "raw and adjusted p-values added"
    assert set(table["port_group"]) == {"all", "pilot", "control"}, "pilot and control port groups"
    assert {"all", "2024Q3", "2025Q2"} <= set(table["quarter"]), "pooled and per-quarter rows"
    required = {"release_time_mean_h", "release_time_p90_h", "inspection_rate", "physical_inspection_rate",
                "hit_rate", "violation_rate", "detection_rate", "revenue_leakage", "compliant_inspected",
                "smuggling_attempts", "smuggling_seized", "officer_utilization", "seized"}
    assert required <= set(table["metric"]), f"missing metrics: {required - set(table['metric'])}"
    assert (table.loc[table["metric"].isin(required), "n_pairs"] == 3).all() and (table["n_pairs"] <= 3).all(), \
        "every cell of the contracted metrics is paired over the 3 replications (a ratio such as a burden " \
        "disparity is left out of a replication where it is undefined)"
    before = table[(table["quarter"] == "2024Q3") & (table["metric"] == "hit_rate")]
    assert (before["diff"] == 0).all(), "before the rollout the scenario draws the baseline's numbers"
    for name in FOLDER_TABLES:
        assert (pilot_experiment / f"{name}.parquet").is_file(), f"{name} is written"
    assert len(list((pilot_experiment / "runs").glob("*/rep_*/manifest.json"))) == 9, \
        "one folder per run: scenario and baseline, and the baseline on other seeds (the placebo)"
    manifest = json.loads((pilot_experiment / "manifest.json").read_text())
    assert manifest["command"] == shlex.join(["tradesim", "compare", *PILOT, f"hydra.run.dir={pilot_experiment}"]), \
        "the experiment's manifest records the exact command line"


def test_paired_ci_is_narrower_than_unpaired_on_the_same_runs(pilot_experiment):
    quarterly = read(pilot_experiment, "quarterly")
    base = quarterly[quarterly["scenario"] == "baseline_2024"]
    scen = {"t": quarterly[quarterly["scenario"] == "inspection_targeting"]}
    # (revenue leakage is mostly smuggling, whose volume and routes respond to the pilot: its
    # paired differences are real effects more than shared noise, so it is not asserted here)
    widths = compare.crn_gain(base, scen, ["inspection_rate", "compliant_inspected"]).set_index("metric")
    for metric, row in widths.iterrows():
        assert row["paired_width"] < row["unpaired_width"], \
            f"{metric}: CRN pairing should narrow the CI ({row['paired_width']} vs {row['unpaired_width']})"


def test_observed_vs_true_puts_the_two_pictures_side_by_side(pilot_experiment):
    table = read(pilot_experiment, "observed_vs_true")
    pilot = table[(table["port_group"] == "pilot") & (table["observed"] == "hit_rate")].iloc[0]
    assert pilot["true"] == "detection_rate" and pilot["quarters"] == "2025Q1-2025Q2", \
        "hit rate next to detection rate, from the rollout quarter on"
    assert pilot["observed_diff"] == pytest.approx(pilot["observed_scenario"] - pilot["observed_baseline"]), \
        "the difference is scenario minus baseline"
    assert {"seized", "smuggling_seized"} <= set(table["observed"]), "seizures next to true violations"



@pytest.mark.parametrize("args, says", [
    (["experiment=no_such_experiment"], "no experiment named 'no_such_experiment'; available: "),
    (["scenarios=[inspection_targeting,no_such_scenario]"], "scenario 'no_such_scenario' does not exist"),
    (["experiment=smoke_pilot", "scenarios=[inspection_targeting]"], "not both"),
    (["scenarios=[inspection_targeting]", "auto.metric=hit_rate"], "need run.replications=auto"),
    (["experiment=smoke_pilot", "run.replications=0"], "run.replications: must be in [1, 10000]"),
    (["experiment=smoke_pilot", "plan=maybe"], "plan: must be true or false; got 'maybe'"),
])
def test_a_mistake_is_one_line_exit_2_and_nothing_is_written(tmp_path, capsys, args, says):
    folder = tmp_path / "exp"
    assert main(["compare", *args, f"hydra.run.dir={folder}"]) == 2, "exit code 2"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tradesim: error:") and says in err[0], f"one clear line: {err}"
    assert not folder.exists(), "nothing was written"


def test_auto_replications_grow_with_the_square_of_the_ci_width():
    precision = Precision(metric="hit_rate", half_width=0.01, start=2, max_replications=40)
    assert precision.next_replications(4, 0.02) == 16, "twice the target width needs four times the runs"
    assert precision.next_replications(4, 0.005) == 4, "precise enough: no more runs"
    assert precision.next_replications(4, float("inf")) == 5, "no CI yet: one more run"
    assert precision.next_replications(30, 0.05) == 40, "never beyond max_replications"


def test_every_experiment_definition_is_valid():
    names = available_experiments(ROOT / "experiments")
    assert len(names) >= 3, f"at least three experiments are defined: {names}"
    for name in names:
        check_scenarios(load_experiment(ROOT / "experiments", name), ROOT / "scenarios")
        header = (ROOT / "experiments" / f"{name}.yaml").read_text().splitlines()[:8]
        assert any(line.startswith("# Question:") for line in header) and \
            any(f"experiment={name}" in line for line in header), f"{name}: header gives question and command"


def test_the_declared_primary_metric_is_tested_unadjusted_and_the_rest_with_bh(pilot_experiment):
    did = read(pilot_experiment, "did")
    primary = did[did["role"] == "primary"]
    assert set(primary["metric"]) == {"detection_rate"} and set(primary["term"]) == {"paired_did"}, \
        "smoke_pilot declares detection_rate: its paired DiD is the primary test"
    assert (primary["p_adjusted"] == primary["p_value"]).all(), "the primary test is not adjusted"
    rest = did[did["role"] == "exploratory"]
    tested = rest["p_value"].notna()
    assert (rest.loc[tested, "p_adjusted"] >= rest.loc[tested, "p_value"] - 1e-12).all() \
        and rest.loc[~tested, "p_adjusted"].isna().all() and (rest["term"] == "paired_did").all(), \
        "the other metrics' paired DiDs are BH-adjusted (never below their raw p-value; none without one)"
    terms = set(did["term"])
    assert {"paired_did", "paired_effect", "did", "event", "placebo_did", "placebo_seeds", "pretrend"} <= terms, terms
    comparison = read(pilot_experiment, "comparison")
    assert set(comparison.loc[comparison["role"] == "primary", "port_group"]) == {"pilot"}, \
        "in comparison.csv the primary metric is tested at the pilot ports"


def test_plan_true_gives_the_replications_a_target_needs(pilot_experiment):
    plan = read(pilot_experiment, "plan")
    row = plan.iloc[0]
    assert row["metric"] == "detection_rate" and row["replications"] == 3, "planned on the primary metric, 3 so far"
    assert row["needed"] >= 2 and row["target"] == 0.002, f"the auto.half_width default is the target: {row.to_dict()}"
    summary = (pilot_experiment / "summary.md").read_text()
    assert "## Replication plan (plan=true)" in summary and f"needs {int(row['needed'])} replications" in summary, \
        "summary.md says how many replications the target needs"


def test_a_primary_metric_must_be_a_metric():
    from sim.experiments.definitions import ExperimentError, parse_experiment
    with pytest.raises(ExperimentError, match="primary_metric: unknown metric 'speed'"):
        parse_experiment({"scenarios": ["inspection_targeting"], "primary_metric": "speed"}, "experiment x")
