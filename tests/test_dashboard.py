"""``tradesim dashboard`` without a browser: the chart data is the saved comparison's rows, the
levers are the policies' declared parameters, a bad lever is refused with the CLI's own line,
a trial can be cancelled, and the command checks its arguments before it starts a server
(tests/test_dashboard_browser.py drives the page itself)."""
from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from badinput import assert_one_line_error, call

from sim import figures as F
from sim.config import ConfigError
from sim.dashboard import explore, levers
from sim.policies.targeting import Targeting


def synthetic_comparison(tmp_path) -> explore.Folder:
    """A comparison table shaped like comparison.csv: two scenarios, two metrics, three port groups."""
    rng = np.random.default_rng(3)
    rows = [dict(scenario=s, metric=m, port_group=g, quarter=q, baseline_mean=rng.random(), scenario_mean=rng.random(),
                 diff=rng.normal(), ci_low=-1.0, ci_high=1.0, rel_change=0.1, n_pairs=3, p_value=0.5)
            for s in ("inspection_targeting", "sandbox_cbec") for m in ("detection_rate", "hit_rate")
            for g in ("all", "pilot", "control") for q in ("2025Q1", "2024Q4", "all")]
    return explore.Folder(tmp_path, {"comparison": pd.DataFrame(rows)})


def test_the_effect_chart_shows_the_comparison_rows_of_the_choice(tmp_path):
    folder = synthetic_comparison(tmp_path)
    rows = explore.effect_rows(folder, "sandbox_cbec", "hit_rate", "pilot")
    c = folder.tables["comparison"]
    want = c[(c["scenario"] == "sandbox_cbec") & (c["metric"] == "hit_rate") & (c["port_group"] == "pilot")]
    assert list(rows["quarter"]) == ["2024Q4", "2025Q1", "all"], "quarters in time order, the pooled row last"
    pd.testing.assert_frame_equal(rows.set_index("quarter"), want.set_index("quarter")[rows.columns.drop("quarter")]
                                  .loc[rows["quarter"]], obj="the chart's rows are comparison.csv's")
    assert folder.scenarios == ["inspection_targeting", "sandbox_cbec"], "the scenarios of comparison.csv"
    figure = explore.effect_figure(folder, "sandbox_cbec", "hit_rate", "pilot")
    drawn = [line for ax in figure.axes for line in ax.get_lines() if line.get_gid() == "estimate"]
    scale = F.diff_label("hit_rate")[2]  # percentage points
    assert drawn and np.isclose(drawn[0].get_xdata()[0], want.loc[want["quarter"] == "all", "diff"].iloc[0] * scale), \
        "the forest plot draws the pooled difference of the chosen row"


def test_levers_are_the_policy_params_with_their_ranges():
    found = {lever.name: lever for lever in levers.levers("inspection_targeting")}
    declared = {f.name: f for f in dataclasses.fields(Targeting.Params) if f.type in ("float", float, "int", int)}
    assert set(found) == set(declared), f"every numeric Targeting parameter is a lever; got {sorted(found)}"
    auc = found["auc"]
    assert (auc.lo, auc.hi, auc.value) == (0.5, 1, 0.85), f"range from Params, value from the scenario file: {auc}"
    assert auc.path == "policy.targeting.params.auc" and auc.doc, "the lever names its config path and says what it is"


def test_a_bad_lever_gets_the_cli_line_and_a_good_one_passes(capsys, tmp_path):
    bad = levers.experiment("inspection_targeting", {"policy.targeting.params.auc": 1.5}, ["run=smoke"], 1)
    with pytest.raises(ConfigError) as caught:
        levers.check_trial(bad)
    rc, out, err = call(capsys, "run", "scenario=inspection_targeting", "policy.targeting.params.auc=1.5",
                        f"hydra.run.dir={tmp_path / 'cli'}")
    assert_one_line_error(rc, out, err, "tradesim run ... auc=1.5", "policy.targeting.params.auc", ["[0.5, 1]"])
    assert levers.message(caught.value) == err.strip(), "the dashboard shows the line the CLI prints"
    assert not (tmp_path / "cli").exists(), "the CLI wrote nothing"
    levers.check_trial(levers.experiment("inspection_targeting", {"policy.targeting.params.auc": 0.9},
                                         ["run=smoke"], 1))  # no error: this one would run


def test_a_trial_can_be_cancelled(tmp_path):
    from sim.dashboard.trial import Trial
    data = levers.experiment("inspection_targeting", {}, [], 3)  # the default world: minutes, cancelled at once
    trial = Trial(data, tmp_path / "trial")
    assert trial.wait(3) is None, "the default world runs for minutes"
    trial.cancel()
    assert trial.returncode not in (None, 0), f"a cancelled trial stops and does not report success: {trial.output()}"
    assert not (tmp_path / "trial" / "comparison.csv").exists(), "a cancelled trial writes no comparison"
    assert trial.total == 6, "baseline and scenario, 3 replications each"


@pytest.mark.parametrize("args, key", [(["nowhere"], "nowhere"), (["port=http"], "port"), (["colour=red"], "colour")])
def test_the_command_checks_its_arguments_first(capsys, tmp_path, args, key):
    rc, out, err = call(capsys, "dashboard", *[a.replace("nowhere", str(tmp_path / "nowhere")) for a in args])
    assert_one_line_error(rc, out, err, f"tradesim dashboard {' '.join(args)}", key)


def test_the_page_loads_without_matplotlib():
    """Importing the page leaves matplotlib unloaded (after Solara's start-up patch: sim/dashboard/app.py)."""
    code = "import sys, sim.dashboard.app; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", f"importing the page must not import matplotlib: {done.stdout}{done.stderr}"
