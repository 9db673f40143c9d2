"""The Python API as docs/python-api.md shows it: the example runs exactly as written and
``sim.run`` / ``sim.compare`` / ``sim.load`` return DataFrames that agree with each other."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.config import ConfigError

DOC = Path(__file__).resolve().parents[1] / "docs" / "python-api.md"


def test_the_documented_example_runs_and_returns_dataframes(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    assert len(blocks) == 1, "docs/python-api.md has one example to run"
    monkeypatch.chdir(tmp_path)  # the example writes its own scenario file next to it
    names: dict = {}
    exec(compile(blocks[0], str(DOC), "exec"), names)  # noqa: S102 - our own documentation
    tables, effects, mine = names["tables"], names["effects"], names["mine"]
    assert all(isinstance(t, pd.DataFrame) for t in [*tables.values(), *effects.values()]), "DataFrames only"
    assert set(tables) == {"quarterly", "breakdown", "agents", "policies"}, f"sim.run tables: {sorted(tables)}"
    assert {"comparison", "did", "quarterly"} <= set(effects), f"sim.compare tables: {sorted(effects)}"
    assert sorted(tables["quarterly"]["quarter"].unique()) == ["2024Q4", "2025Q1"], "run=smoke: two quarters"
    pilot = names["pilot"]
    assert set(pilot["scenario"]) == {"inspection_targeting"}, "effects of the one scenario against the baseline"
    assert pilot["diff"].to_numpy() == pytest.approx((pilot["scenario_mean"] - pilot["baseline_mean"]).to_numpy(),
                                                     nan_ok=True), "a paired difference: scenario - baseline"
    assert pilot["ci_low"].isna().all(), "one replication (run=smoke) gives no CI, never a made-up one"
    same = effects["quarterly"][effects["quarterly"]["scenario"] == "inspection_targeting"].reset_index(drop=True)
    pd.testing.assert_frame_equal(same[tables["quarterly"].columns], tables["quarterly"], obj="quarterly: "
                                  "sim.run and sim.compare give the same numbers for the same scenario and seed")
    assert list(mine["quarterly"]["scenario"].unique()) == ["my_targeting"], "a user's file runs under its name"
    assert not (tmp_path / "results").exists(), "sim.run and sim.compare write nothing"


def test_mistakes_raise_the_cli_message_and_load_reads_saved_folders(tmp_path):
    with pytest.raises(ConfigError, match="scenario"):
        sim.run("no_such_scenario", overrides=["run=smoke"])
    with pytest.raises(FileNotFoundError, match="no such folder"):
        sim.load(tmp_path / "missing")
    pd.DataFrame({"scenario": ["baseline_2024"], "port": ["seaport"], "quarter": ["2024Q4"], "replication": [0],
                  "declarations": [10]}).to_csv(tmp_path / "quarterly.csv", index=False)
    assert sim.load(tmp_path)["quarterly"]["declarations"].tolist() == [10], "a saved folder's tables"


def test_slurm_is_refused_in_memory_and_nothing_is_written(tmp_path, monkeypatch):
    """The API keeps results in memory; SLURM jobs need a folder their nodes share: a clear
    ConfigError before anything runs, not a silent local run."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="run.executor: slurm .*tradesim run"):
        sim.run("baseline_2024", overrides=["run=smoke", "run.executor=slurm", "run.slurm_cluster=local"])
    assert not list(tmp_path.iterdir()), "nothing was written"
