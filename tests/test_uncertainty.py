"""tradesim compare uncertainty=K: every effect gets a replications-only interval (the comparison's)
and one combined with parameter uncertainty, labelled, never narrower and with the same centre;
the parameter sets are drawn from the declared ranges and used by their runs. tradesim validate
writes validation.csv and says whether each reported figure lies in the simulated CI."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.analysis.uncertainty import uncertainty_table
from sim.cli import main
from sim.experiments.jobs import RUN_TABLES
from sim.output import read_tables
from tests.calibration_world import TINY_PILOT

PARAMS = ["permit_h", "reentry_h", "rationality"]


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    folder = tmp_path_factory.mktemp("uncertainty") / "exp"
    assert main(["compare", "scenarios=[single_window]", "uncertainty=3", f"params=[{','.join(PARAMS)}]",
                 "report=false", *TINY_PILOT, "run.replications=2", f"hydra.run.dir={folder}"]) == 0
    return folder


@pytest.mark.slow
def test_combined_intervals_contain_the_replication_only_ones_and_say_which_is_which(compared):
    table = pd.read_csv(compared / "uncertainty.csv")
    assert set(table["interval"]) == {"replications", "replications+parameters"}, "both intervals, labelled"
    wide = table.pivot_table(index=["scenario", "metric", "port_group"], columns="interval",
                             values=["diff", "ci_low", "ci_high", "width"])
    assert (wide[("diff", "replications")] == wide[("diff", "replications+parameters")]).all(), "same centre"
    assert (wide[("width", "replications+parameters")] >= wide[("width", "replications")]).all(), \
        "the combined interval is never narrower"
    comparison = pd.read_csv(compared / "comparison.csv")
    nominal = comparison[comparison["quarter"] == "all"].set_index(["scenario", "metric", "port_group"])
    rep = table[table["interval"] == "replications"].set_index(["scenario", "metric", "port_group"])
    for col in ("diff", "ci_low", "ci_high"):
        np.testing.assert_allclose(rep[col], nominal.loc[rep.index, col], err_msg=f"replications-only {col} is "
                                   "the comparison's (nominal parameters)")
    release = wide.loc[("single_window", "release_time_mean_h", "pilot")]
    assert release[("width", "replications+parameters")] > 1.2 * release[("width", "replications")], \
        "permit and re-entry times change single window's release-time effect: parameters widen its interval"
    assert "replications+parameters" in (compared / "summary.md").read_text(), "the summary says which is which"


@pytest.mark.slow
def test_parameter_sets_are_drawn_from_the_declared_ranges_and_used(compared):
    drawn = yaml.safe_load((compared / "experiment.json").read_text())["uncertainty"]
    assert drawn["parameter_sets"] == 3 and list(drawn["params"]) == PARAMS
    permit = drawn["params"]["permit_h"]
    assert all(4 <= v <= 24 for v in permit) and len(set(permit)) == 3, f"three values in 4-24 h: {permit}"
    for k, value in enumerate(permit):
        for label in ("baseline_2024", "single_window"):
            cfg = yaml.safe_load((compared / "runs" / f"{label}__p{k}" / "rep_0" / "config.yaml").read_text())
            assert cfg["world"]["service"]["permit_h"] == pytest.approx(value), f"{label}__p{k} ran at set {k}"


@pytest.mark.slow
def test_identical_parameter_sets_add_nothing_to_the_interval(compared):
    runs = {label: read_tables(compared / "runs" / label / "rep_0", RUN_TABLES) for label in
            ("baseline_2024", "single_window")}
    pairs = {label: {"quarterly": pd.concat([read_tables(compared / "runs" / label / f"rep_{r}", ("quarterly",))
                                             ["quarterly"] for r in (0, 1)])} for label in runs}
    same = {**pairs, **{f"{label}__p{k}": tables for k in range(2) for label, tables in pairs.items()}}
    table = uncertainty_table(same, "baseline_2024", ["single_window"], 2, ["release_time_mean_h"])
    widths = table.pivot_table(index="port_group", columns="interval", values="width")
    np.testing.assert_allclose(widths["replications+parameters"], widths["replications"],
                               err_msg="no spread across parameter sets: the combined interval is the stochastic one")


VALIDATION = """name: tiny_validation
runs:
  baseline: {scenario: baseline_2024}
  single_window: {scenario: single_window}
targets:
  duplicates:
    description: duplicate data submissions at the pilot ports
    run: single_window
    baseline: baseline
    effect: relative
    metric: duplicate_submissions
    ports: pilot
    quarters: pilot
    value: -0.75
    source: test
  duplicates_all_gone: {run: single_window, baseline: baseline, effect: relative, metric: duplicate_submissions,
                        ports: pilot, quarters: pilot, value: -1.0, tolerance: 0.01, source: test}
"""


def test_validate_writes_validation_csv_and_says_what_is_reproduced(tmp_path, capsys):
    (tmp_path / "v.yaml").write_text(VALIDATION)
    folder = tmp_path / "validation"
    assert main(["validate", f"targets={tmp_path / 'v.yaml'}", *TINY_PILOT, f"hydra.run.dir={folder}"]) == 0
    table = pd.read_csv(folder / "validation.csv").set_index("target")
    assert list(table.reset_index().columns) == ["target", "definition", "reported", "simulated", "lo", "hi", "within"]
    assert -1.0 <= table.at["duplicates", "simulated"] < -0.99, \
        "through the single window no data is entered twice at the pilot ports (but for advance declarations " \
        "lodged before the rollout)"
    assert not table.at["duplicates", "within"] and table.at["duplicates_all_gone", "within"], \
        "-75% is not reproduced (the model removes nearly all of them); -100% +- 1 point is"
    assert "relative effect" in table.at["duplicates", "definition"], "the definition is in output columns"
    assert "duplicates" in capsys.readouterr().out, "the table is printed"
