"""`tradesim run` end to end: the output folder contract, and results are never overwritten."""
from __future__ import annotations

import json
import shlex

import pandas as pd
import yaml

import sim
from sim.cli import main

FILES = {"config.yaml", "manifest.json", "quarterly.csv", "quarterly.parquet", "breakdown.csv",
         "breakdown.parquet", "summary.md"}


def test_run_writes_the_output_folder(tmp_path, capsys):
    out = tmp_path / "run"
    pilot = "+policy.pilot={name: inspection, params: {document_rate: 0.08}, rollout: {from: 2025Q1, ports: [seaport]}}"
    args = ["run=smoke", "run.replications=2", pilot, f"hydra.run.dir={out}"]
    assert main(["run", *args]) == 0
    assert FILES <= {p.name for p in out.iterdir()}, "every file of the output contract exists"
    assert not list(tmp_path.glob(".*partial*")), "no temporary folder is left behind"
    printed = capsys.readouterr().out
    assert "release_time_mean_h" in printed and str(out) in printed, "summary and folder are printed"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["policies_in_order"][0]["policy"] == "inspection", "active policies recorded"
    assert len(manifest["seeds"]["replications"]) == 2, "one seed entry per replication"
    assert {"python", "mesa", "simpy"} <= set(manifest["versions"]), "package versions recorded"
    assert manifest["overrides"] == args and manifest["tradesim_version"] == sim.__version__, "overrides, version"
    assert shlex.split(manifest["command"]) == ["tradesim", "run", *args], "the exact command line, shell-quoted"
    assert manifest["scenario"] == "baseline_2024+pilot", "a pilot added on the command line is in the name"
    assert "changed on the command line: +policy.pilot=" in (out / "summary.md").read_text(), \
        "the summary does not describe the plain baseline"
    config = yaml.safe_load((out / "config.yaml").read_text())
    assert config["run"]["replications"] == 2 and "ports" in config["world"], "resolved config saved"
    csv, parquet = pd.read_csv(out / "quarterly.csv"), pd.read_parquet(out / "quarterly.parquet")
    assert len(csv) == len(parquet) == 2 * 4 * 2, "csv and parquet hold the same rows"


def test_existing_results_are_never_overwritten(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "run=smoke", f"hydra.run.dir={out}"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    capsys.readouterr()
    assert main(["run", "run=smoke", "run.seed=99", f"hydra.run.dir={out}"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "already exists" in err[0], f"one clear line, got {err}"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before, "old results untouched"


def test_list_names_the_scenarios_and_policies(capsys):
    assert main(["list"]) == 0
    text = capsys.readouterr().out
    assert "baseline_2024" in text and "inspection" in text and "national" in text, text


def test_a_scenario_file_is_run_by_path(tmp_path, capsys):
    scenario = tmp_path / "my_pilot.yaml"
    scenario.write_text("# @package _global_\ndescription: a user's own pilot\npolicy:\n  inspection:\n"
                        "    params: {document_rate: 0.5}\n")
    out = tmp_path / "run"
    assert main(["run", f"scenario={scenario}", "run=smoke", f"hydra.run.dir={out}"]) == 0, "a scenario by path runs"
    quarterly = pd.read_parquet(out / "quarterly.parquet")
    assert set(quarterly["scenario"]) == {"my_pilot"}, "named after the file when it sets no scenario: key"
    config = yaml.safe_load((out / "config.yaml").read_text())
    assert config["policy"]["inspection"]["params"]["document_rate"] == 0.5, "the file's values are used"
