"""Sweeps: `tradesim run -m ...` runs every job's replications as one job store on run.executor,
writes one run folder per job and concatenates them at the sweep root; the same command resumes;
mistakes in any job stop the sweep before it starts."""
from __future__ import annotations

import pandas as pd
import pytest

from sim.cli import main


@pytest.mark.slow
def test_a_sweep_writes_every_job_and_a_tidy_table(tmp_path, capsys):
    sweep = tmp_path / "sweep"
    command = ["run", "-m", "run.seed=1,2", "run.workers=2", "run=smoke", f"hydra.sweep.dir={sweep}"]
    assert main(command) == 0, "the sweep runs"
    assert "2 job(s) collected" in capsys.readouterr().out, "the sweep says what it collected"
    for job in ("0", "1"):
        assert (sweep / job / "quarterly.parquet").is_file() and (sweep / job / "manifest.json").is_file(), \
            f"job {job} is a normal run folder"
    quarterly = pd.read_csv(sweep / "quarterly.csv")
    assert list(quarterly.columns[:3]) == ["job", "run.seed", "run"], "the override columns come first"
    assert "run.workers" not in quarterly.columns, "how the jobs ran is no column: it changes no number"
    assert sorted(quarterly["run.seed"].unique()) == [1, 2], "one seed per job"
    assert quarterly.groupby("run.seed")["seed"].nunique().eq(1).all(), "each job's rows carry its seed"
    sweep_table = pd.read_csv(sweep / "sweep.csv")
    assert {"job", "run.seed", "metric", "mean", "ci_low", "ci_high"} <= set(sweep_table.columns), \
        "headline metrics per job"
    first = quarterly[quarterly["run.seed"] == 1].drop(columns=["job", "run.seed", "run"])
    # values, not dtypes: a column whole in job 0 but with gaps in job 1 reads back as float from the sweep's csv
    pd.testing.assert_frame_equal(first.reset_index(drop=True), pd.read_csv(sweep / "0" / "quarterly.csv"),
                                  check_dtype=False, obj="job 0 rows as written")
    assert main(["collect", str(sweep)]) == 0, "tradesim collect redoes the concatenation"
    written = (sweep / "0" / "manifest.json").read_bytes()
    assert main(command) == 0 and (sweep / "0" / "manifest.json").read_bytes() == written, \
        "the same command on a finished sweep recomputes nothing"


def test_a_sweep_resumes_on_another_executor_and_worker_count(tmp_path, capsys):
    """sweep.json, the jobs' manifests and the tables leave out how the jobs run (run.executor,
    run.workers, ...), so a sweep started here with one process is finished on submitit's local
    executor with two: only the missing job runs, and the tables are the same bytes."""
    import json
    import shutil
    import time
    sweep = tmp_path / "sweep"
    command = ["run", "-m", "run.seed=1,2", "run=smoke", "world.horizon_quarters=1", f"hydra.sweep.dir={sweep}"]
    started = time.perf_counter()
    assert main([*command, "run.workers=1"]) == 0, "the sweep runs"
    elapsed = time.perf_counter() - started
    walls = [json.loads((sweep / job / "manifest.json").read_text())["wall_time_s"] for job in ("0", "1")]
    assert 0 < sum(walls) < elapsed, f"each job's wall time is its own ({walls}), not the sweep's ({elapsed:.1f} s)"
    assert json.loads((sweep / "sweep.json").read_text())["jobs"] == [["run.seed=1", "run=smoke",
        "world.horizon_quarters=1"], ["run.seed=2", "run=smoke", "world.horizon_quarters=1"]], "no run.workers"
    before = {name: (sweep / name).read_bytes() for name in ("quarterly.csv", "sweep.csv", "0/manifest.json")}
    shutil.rmtree(sweep / "1")  # as if the sweep had been stopped before its second job
    capsys.readouterr()
    assert main([*command, "run.executor=slurm", "run.slurm_cluster=local", "run.workers=2"]) == 0, \
        "the same sweep resumes on another executor with another worker count"
    out = capsys.readouterr().out
    assert "job 1 (" in out and "job 0 (" not in out, f"only the missing job ran: {out}"
    assert (sweep / ".submitit").is_dir(), "job 1 ran as a submitit job"
    for name, content in before.items():
        assert (sweep / name).read_bytes() == content, f"{name}: the same bytes after the resume"
    assert "run.workers" not in pd.read_csv(sweep / "quarterly.csv").columns, "how the jobs ran is no column"


@pytest.mark.parametrize("overrides, says", [
    (["run.seed=1,oops"], "run.seed"),
    (["run.sed=1,2"], "run.sed: unknown key"),
    (["run.seed=1,2", "hydra/launcher=joblib"], "hydra/launcher: tradesim runs its jobs on run.executor"),
    (["run.seed=1,2", "run.executor=dask"], "run.executor: must be one of local, ray, slurm"),
    (["run.seed=1,2", "run.executor=local,ray"], "run.executor: one value for the whole sweep"),
    (["run.workers=1,2"], "run.workers: one value for the whole sweep"),
])
def test_a_mistake_in_any_job_is_one_line_and_nothing_runs(tmp_path, capsys, overrides, says):
    sweep = tmp_path / "sweep"
    assert main(["run", "-m", "run=smoke", *overrides, f"hydra.sweep.dir={sweep}"]) == 2, "exit code 2"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tradesim: error:") and says in err[0], f"one clear line: {err}"
    assert not sweep.exists(), "nothing was written"
