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
    assert list(quarterly.columns[:4]) == ["job", "run.seed", "run.workers", "run"], "the override columns come first"
    assert sorted(quarterly["run.seed"].unique()) == [1, 2], "one seed per job"
    assert quarterly.groupby("run.seed")["seed"].nunique().eq(1).all(), "each job's rows carry its seed"
    sweep_table = pd.read_csv(sweep / "sweep.csv")
    assert {"job", "run.seed", "metric", "mean", "ci_low", "ci_high"} <= set(sweep_table.columns), \
        "headline metrics per job"
    first = quarterly[quarterly["run.seed"] == 1].drop(columns=["job", "run.seed", "run.workers", "run"])
    pd.testing.assert_frame_equal(first.reset_index(drop=True),
                                  pd.read_csv(sweep / "0" / "quarterly.csv"), obj="job 0 rows as written")
    assert main(["collect", str(sweep)]) == 0, "tradesim collect redoes the concatenation"
    written = (sweep / "0" / "manifest.json").read_bytes()
    assert main(command) == 0 and (sweep / "0" / "manifest.json").read_bytes() == written, \
        "the same command on a finished sweep recomputes nothing"


@pytest.mark.parametrize("overrides, says", [
    (["run.seed=1,oops"], "run.seed"),
    (["run.sed=1,2"], "run.sed: unknown key"),
    (["run.seed=1,2", "hydra/launcher=joblib"], "hydra/launcher: tradesim runs a sweep's jobs on run.executor"),
    (["run.seed=1,2", "run.executor=dask"], "run.executor: must be one of local, ray, slurm"),
])
def test_a_mistake_in_any_job_is_one_line_and_nothing_runs(tmp_path, capsys, overrides, says):
    sweep = tmp_path / "sweep"
    assert main(["run", "-m", "run=smoke", *overrides, f"hydra.sweep.dir={sweep}"]) == 2, "exit code 2"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tradesim: error:") and says in err[0], f"one clear line: {err}"
    assert not sweep.exists(), "nothing was written"
