"""Loss-free experiments: serial and parallel experiments give the same tables; a killed one
resumes to those tables without recomputing finished runs; a failing replication is reported
while the others finish."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import sim.experiments.jobs
from sim.cli import main

SMALL = ["compare", "experiment=smoke_pilot", "run.replications=2", "run.progress=false", "report=false",
         "placebo=false"]  # four runs: the baseline on other seeds is not needed here
TABLES = ("comparison", "did", "observed_vs_true", "quarterly")


@pytest.fixture(scope="module")
def parallel(tmp_path_factory):
    """The experiment run uninterrupted on two worker processes."""
    folder = tmp_path_factory.mktemp("parallel") / "exp"
    assert main([*SMALL, "run.workers=2", f"hydra.run.dir={folder}"]) == 0, "runs on 2 processes"
    return folder


def assert_same_tables(folder, reference, what: str) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(pd.read_csv(folder / f"{name}.csv"), pd.read_csv(reference / f"{name}.csv"),
                                      obj=f"{name}: {what}")


def finished_runs(folder) -> dict[str, int]:
    """Finished run folder -> modification time of its manifest (ns)."""
    return {str(p.parent.relative_to(folder)): p.stat().st_mtime_ns
            for p in folder.glob("runs/*/rep_*/manifest.json")}


def kill_after_first_run(folder, timeout_s: float = 60.0) -> None:
    """Start the comparison in another process and kill -9 it once a run is finished."""
    command = [sys.executable, "-c", "from sim.cli import entry; entry()", *SMALL, f"hydra.run.dir={folder}"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.time() + timeout_s
    while not finished_runs(folder) and process.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_serial_and_parallel_experiments_give_identical_tables(parallel, tmp_path):
    assert main([*SMALL, "run.workers=1", f"hydra.run.dir={tmp_path / 'serial'}"]) == 0, "runs on 1 process"
    assert_same_tables(tmp_path / "serial", parallel, "1 vs 2 workers")


def test_a_killed_experiment_resumes_to_the_tables_of_an_uninterrupted_one(parallel, tmp_path, capsys):
    killed = tmp_path / "killed"
    kill_after_first_run(killed)
    before = finished_runs(killed)
    assert 1 <= len(before) < 4, f"killed midway: {len(before)} of 4 runs finished"
    assert not (killed / "comparison.csv").exists(), "no comparison from an unfinished experiment"
    for run in before:
        assert len(pd.read_parquet(killed / run / "quarterly.parquet")) > 0, f"{run} is whole"
    assert main([*SMALL, f"hydra.run.dir={killed}"]) == 0, "the same command resumes the experiment"
    assert f"{4 - len(before)} run(s) computed now, {len(before)} already done" in capsys.readouterr().out, \
        "only the missing runs are computed"
    after = finished_runs(killed)
    assert {run: after[run] for run in before} == before, "finished runs are not recomputed nor rewritten"
    assert not list(killed.rglob(".*partial*")), "what the kill left half-written is cleaned up"
    assert_same_tables(killed, parallel, "killed and resumed vs uninterrupted")


def test_a_failing_replication_is_reported_and_the_others_finish(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "exp"
    short = [*SMALL, "world.horizon_quarters=3", f"hydra.run.dir={folder}"]
    real = sim.experiments.jobs.run_replication

    def fail_once(cfg, replication, on_day=None):
        if cfg.scenario == "inspection_targeting" and replication == 1:
            raise RuntimeError("disk full")
        return real(cfg, replication, on_day)

    monkeypatch.setattr(sim.experiments.jobs, "run_replication", fail_once)
    assert main(short) == 1, "a failed run makes the exit code non-zero"
    err = capsys.readouterr().err
    assert "run inspection_targeting rep_1 failed: RuntimeError: disk full" in err, err
    assert len(finished_runs(folder)) == 3, "the other runs finished and are saved"
    assert not (folder / "comparison.csv").exists(), "no comparison while a run is missing"
    monkeypatch.setattr(sim.experiments.jobs, "run_replication", real)
    assert main(short) == 0, "rerunning computes the missing run"
    assert "1 run(s) computed now, 3 already done" in capsys.readouterr().out, "only the failed one reruns"
    assert main([*short, "run.seed=7"]) == 2, "other settings on a finished folder are refused"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "other settings" in err[0], f"one clear line, got {err}"
