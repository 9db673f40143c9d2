"""run.executor: the same compare gives byte-identical tables on the local process pool, on a Ray
started here with 2 CPUs and on SLURM through submitit's local executor; a folder started on one
executor resumes on another; a failing job is one line and the others finish; mistakes in the
executor settings are one line, exit code 2, before any work."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.compose import load_config
from sim.experiments.executors import RemoteError, completed

# smoke_pilot on two quarters (one before the pilot, one under it), one replication, no placebo: the
# baseline and the pilot, two jobs (the whole smoke_pilot gives the same on every executor: docs/experiments.md)
COMPARE = ["compare", "experiment=smoke_pilot", "world.horizon_quarters=2", "world.start=2024-10-01",
           "run.replications=1", "placebo=false", "report=false"]
TABLES = ("comparison", "did", "observed_vs_true", "crn_gain", "quarterly", "breakdown", "agents")


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("local") / "exp"
    assert main([*COMPARE, f"hydra.run.dir={folder}"]) == 0, "the local compare runs"
    return folder


@pytest.fixture(scope="module")
def ray_here():
    """Ray is started once per process; stop it when this module is done. Its session folder
    (sockets, logs) goes to a temporary folder of its own, removed afterwards, not /tmp/ray; not
    under pytest's, whose path (with xdist's worker folders) makes Ray's socket paths longer
    than the 107 bytes a Unix socket allows."""
    ray = pytest.importorskip("ray")
    with tempfile.TemporaryDirectory(prefix="ray") as folder, pytest.MonkeyPatch.context() as patch:
        patch.setenv("RAY_TMPDIR", folder)
        yield
        ray.shutdown()


def same_tables(a: Path, b: Path) -> None:
    for name in TABLES:
        for suffix in (".csv", ".parquet"):
            assert (a / f"{name}{suffix}").read_bytes() == (b / f"{name}{suffix}").read_bytes(), \
                f"{name}{suffix} differs between {a} and {b}"


def test_slurm_gives_the_local_tables(local, tmp_path, capsys):
    folder = tmp_path / "slurm"
    assert main([*COMPARE, "run.executor=slurm", "run.slurm_cluster=local", "run.workers=2",
                 f"hydra.run.dir={folder}"]) == 0, "slurm (submitit's local executor) runs"
    assert "(2 run(s) computed now, 0 already done)" in capsys.readouterr().out, "both jobs ran as submitit jobs"
    same_tables(local, folder)
    assert list((folder / "runs").rglob("manifest.json")), "every job wrote its own folder"


def test_a_local_folder_is_finished_on_slurm(local, tmp_path, capsys):
    """A compare started on the local pool and stopped with one run missing is finished on SLURM
    (submitit's local executor): only the missing run is computed, and every table is the same bytes."""
    import shutil
    folder = tmp_path / "resumed"
    shutil.copytree(local, folder)
    missing = sorted(folder.glob("runs/*/rep_0"))[0]
    shutil.rmtree(missing)
    assert main([*COMPARE, "run.executor=slurm", "run.slurm_cluster=local", f"hydra.run.dir={folder}"]) == 0, \
        "the local folder resumes on slurm"
    assert "(1 run(s) computed now, 1 already done)" in capsys.readouterr().out, "only the missing run ran"
    assert (missing / "manifest.json").is_file(), f"{missing.parent.name} rep_0 was computed again"
    same_tables(local, folder)


def test_a_folder_resumes_on_any_executor():
    """Finished jobs are recognised by their settings' fingerprint, which leaves out how they ran,
    so a folder started on one executor is finished on another (only the missing jobs run)."""
    from sim.experiments.jobs import fingerprint
    local = load_config(["run=smoke"])[0]
    for how in (["run.executor=ray", "run.ray_address=auto"], ["run.executor=slurm", "run.slurm_cluster=local",
                                                              "run.slurm_partition=p", "run.slurm_mem_gb=2"]):
        assert fingerprint(load_config(["run=smoke", *how])[0]) == fingerprint(local), f"{how} resumes a local folder"
    assert fingerprint(load_config(["run=smoke", "run.seed=7"])[0]) != fingerprint(local), "other seeds do not"


def test_jobs_sent_elsewhere_need_no_memory_here():
    """The memory check counts the replications this machine holds at once: run.workers for the local
    pool, a Ray started here or submitit's local executor; none for a Ray cluster or SLURM nodes."""
    import dataclasses

    from sim.sizing import estimate
    cfg = load_config(["run=smoke", "run.replications=8", "run.workers=4"])[0]
    for how, workers in ((dict(executor="local"), 4), (dict(executor="ray"), 4),
                         (dict(executor="slurm", slurm_cluster="local"), 4),
                         (dict(executor="ray", ray_address="auto"), 1), (dict(executor="slurm"), 1)):
        sent = dataclasses.replace(cfg, run=dataclasses.replace(cfg.run, **how))
        assert estimate(sent).workers == workers, f"{how}: {workers} replication(s) held here at once"


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("tradesim: error: "), f"one line: {err}"
    return err[0]


def test_an_unknown_executor_is_one_line_naming_the_allowed(tmp_path, capsys):
    folder = tmp_path / "x"
    assert main([*COMPARE, "run.executor=dask", f"hydra.run.dir={folder}"]) == 2, "exit code 2"
    line = one_error_line(capsys)
    assert "run.executor" in line and "local, ray, slurm" in line and "'dask'" in line, line
    assert not folder.exists(), "nothing was written"


@pytest.mark.parametrize("executor, package", [("ray", "ray"), ("slurm", "submitit")])
def test_a_missing_extra_says_which_to_install(executor, package, monkeypatch, tmp_path, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == package
                        else real(name, *a))
    folder = tmp_path / "x"
    assert main(["run", "run=smoke", f"run.executor={executor}", f"hydra.run.dir={folder}"]) == 2, "exit code 2"
    line = one_error_line(capsys)
    assert f"run.executor: {executor} needs the {package} package" in line and f"tradesim[{executor}]" in line, line
    assert not folder.exists(), "nothing was written"


def test_slurm_without_sbatch_says_how_to_run_it_here(monkeypatch, tmp_path, capsys):
    import shutil
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["run", "run=smoke", "run.executor=slurm", f"hydra.run.dir={tmp_path / 'x'}"]) == 2, "exit code 2"
    line = one_error_line(capsys)
    assert "run.slurm_cluster" in line and "sbatch" in line and "run.slurm_cluster=local" in line, line


# Ray last: started once for the module (its daemons cost CPU while they idle), stopped at its end
def test_the_python_api_runs_its_replications_on_ray(ray_here):
    """sim.run hands its replications to run.executor as the commands do: Ray (started by the call)
    computes them, and the tables are those of one process here."""
    import ray

    import sim
    ray.shutdown()  # whatever ran before: this call must start Ray itself
    smoke = ["run=smoke", "world.horizon_quarters=1", "run.replications=2"]
    on_ray = sim.run("baseline_2024", overrides=[*smoke, "run.executor=ray", "run.workers=2"])
    assert ray.is_initialized(), "run.executor=ray sent the replications to a Ray started for them"
    here = sim.run("baseline_2024", overrides=[*smoke, "run.workers=1"])
    for name in ("quarterly", "breakdown", "agents"):
        pd.testing.assert_frame_equal(on_ray[name], here[name], obj=f"{name}: Ray and this process")
    assert sorted(on_ray["quarterly"]["replication"].unique()) == [0, 1], "both replications, in order"


def test_ray_gives_the_local_tables(local, ray_here, tmp_path, capsys):
    folder = tmp_path / "ray"
    assert main([*COMPARE, "run.executor=ray", "run.workers=2", f"hydra.run.dir={folder}"]) == 0, "ray runs"
    assert "(2 run(s) computed now, 0 already done)" in capsys.readouterr().out, "both jobs ran on Ray"
    same_tables(local, folder)


@pytest.mark.parametrize("executor", ["slurm", "ray"])
def test_a_failing_job_is_one_line_and_the_others_finish(executor, request, tmp_path):
    if executor == "ray":
        request.getfixturevalue("ray_here")
    cfg = load_config(["run=smoke", f"run.executor={executor}", "run.slurm_cluster=local", "run.workers=2"])[0]
    finished = {item: (result, exc) for item, result, exc in completed(json.loads, ["oops", "4"], cfg.run, tmp_path)}
    assert finished["4"] == (4, None), f"the good job finished on {executor} and its result came back"
    failure = finished["oops"][1]
    assert isinstance(failure, (ValueError, RemoteError)) and "Expecting value" in str(failure), \
        f"the failing job's own error comes back: {failure!r}"
    assert len(str(failure).splitlines()) == 1, f"one line: {failure}"
