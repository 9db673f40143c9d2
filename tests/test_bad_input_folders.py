"""Bad folders: output folders ``run`` cannot use, damaged result folders that ``report`` and
``collect`` refuse, and bad ``bench`` and sweep requests: one line each, nothing written.

Ids starting ``why-`` are the examples listed under "Why" in issue 11.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from sim import claims, output
from sim.cli import main
from tests.badinput import refused


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A finished smoke run folder (copied, never changed, by the tests)."""
    folder = tmp_path_factory.mktemp("finished") / "run"
    assert main(["run", "run=smoke", f"hydra.run.dir={folder}"]) == 0, "the smoke run works"
    return folder


def cut_csv(folder: Path) -> None:
    text = (folder / "quarterly.csv").read_text()
    (folder / "quarterly.csv").write_text(text[: len(text) * 2 // 3])  # mid-row


def truncate_parquet(folder: Path) -> None:
    data = (folder / "breakdown.parquet").read_bytes()
    (folder / "breakdown.parquet").write_bytes(data[: len(data) // 2])


def edit_json(folder: Path, text: str) -> None:
    (folder / output.MANIFEST).write_text(text)


DAMAGES = {
    "why-report-csv-cut-mid-row": (cut_csv, "quarterly.csv", "checksum"),
    "parquet-truncated": (truncate_parquet, "breakdown.parquet", "checksum"),
    "parquet-missing": (lambda f: (f / "agents.parquet").unlink(), "agents.parquet", "missing"),
    "manifest-not-json": (lambda f: edit_json(f, "{not json"), output.MANIFEST, "cannot be read"),
    "manifest-a-list": (lambda f: edit_json(f, "[1, 2]\n"), output.MANIFEST, "not a tradesim manifest"),
    "manifest-files-not-mapping": (lambda f: edit_json(f, '{"files": [1]}'), output.MANIFEST,
                                   "not a tradesim manifest"),
    "summary-edited": (lambda f: (f / "summary.md").write_text("edited\n"), "summary.md", "checksum"),
    "config-deleted": (lambda f: (f / "config.yaml").unlink(), "config.yaml", "missing"),
    "no-manifest": (lambda f: (f / output.MANIFEST).unlink(), "", "not a finished tradesim result folder"),
}


@pytest.mark.parametrize("name", DAMAGES)
def test_report_refuses_a_damaged_folder(capsys, tmp_path, finished, name):
    damage, key, says = DAMAGES[name]
    folder = tmp_path / "copy"
    shutil.copytree(finished, folder)
    damage(folder)
    refused(capsys, tmp_path, ["report", folder], f"{folder}/{key}".rstrip("/"), (says,))


def test_report_refuses_a_damaged_part_of_an_experiment(capsys, tmp_path, finished):
    part = tmp_path / "exp" / "runs" / "baseline_2024" / "rep_0"
    shutil.copytree(finished, part)
    (tmp_path / "exp" / "experiment.json").write_text('{"name": "x"}\n')
    cut_csv(part)
    refused(capsys, tmp_path, ["report", tmp_path / "exp"], f"{part}/quarterly.csv", ("checksum",))


def sweep_of(finished: Path, root: Path) -> Path:
    """A sweep folder with one finished job (the smoke run as job 0)."""
    shutil.copytree(finished, root / "0")
    manifest = json.loads((root / "0" / output.MANIFEST).read_text())
    (root / "0" / output.MANIFEST).write_text(json.dumps({**manifest, "job": 0, "overrides": ["run.seed=1"]}))
    return root


def test_collect_works_on_a_sound_sweep_and_refuses_a_damaged_job(capsys, tmp_path, finished):
    sweep = sweep_of(finished, tmp_path / "sweep")
    assert main(["collect", str(sweep)]) == 0, "a sound sweep folder is collected"
    assert output.verify(sweep)["kind"] == "sweep", "the collected tables have a manifest with checksums"
    (sweep / "0" / "quarterly.parquet").write_bytes(b"PAR1 damaged")
    refused(capsys, tmp_path, ["collect", sweep], f"{sweep}/0/quarterly.parquet", ("checksum",))


@pytest.mark.parametrize("args, key, says", [
    pytest.param([], "usage: tradesim report DIR", (), id="report-no-folder"),
    pytest.param(["a", "b"], "usage: tradesim report DIR", (), id="report-two-folders"),
    pytest.param(["{tmp}/missing"], "usage: tradesim report DIR", (), id="report-missing-folder"),
    pytest.param(["{tmp}/file"], "usage: tradesim report DIR", (), id="report-a-file"),
    pytest.param(["{tmp}/empty"], "{tmp}/empty", ("not a finished tradesim result folder",), id="report-empty-folder"),
])
def test_bad_report_request(capsys, tmp_path, args, key, says):
    (tmp_path / "file").write_text("x\n")
    (tmp_path / "empty").mkdir()
    refused(capsys, tmp_path, ["report", *(a.format(tmp=tmp_path) for a in args)], key.format(tmp=tmp_path), says)


@pytest.mark.parametrize("args, key, says", [
    pytest.param([], "usage: tradesim collect DIR", (), id="collect-no-folder"),
    pytest.param(["{tmp}/file"], "usage: tradesim collect DIR", (), id="collect-a-file"),
    pytest.param(["{tmp}/empty"], "{tmp}/empty", ("no finished sweep job",), id="collect-empty-folder"),
    pytest.param(["{tmp}/broken"], "{tmp}/broken/0/manifest.json", ("cannot be read",), id="collect-broken-job"),
    pytest.param(["{tmp}/busy"], "{tmp}/busy", ("in use",), id="collect-folder-in-use"),
])
def test_bad_collect_request(capsys, tmp_path, args, key, says):
    (tmp_path / "file").write_text("x\n")
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken" / "0").mkdir(parents=True)
    (tmp_path / "broken" / "0" / output.MANIFEST).write_text("{cut")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / claims.LOCK).write_text(f"{os.getppid()}\n")  # a live process that is not this one
    refused(capsys, tmp_path, ["collect", *(a.format(tmp=tmp_path) for a in args)], key.format(tmp=tmp_path), says)


def folders(tmp: Path, finished: Path) -> None:
    """The output folders the run cases point at."""
    (tmp / "file").write_text("not a folder\n")
    (tmp / "real").mkdir()
    (tmp / "link").symlink_to(tmp / "real")
    shutil.copytree(finished, tmp / "done")
    (tmp / "busy").mkdir()
    (tmp / "busy" / claims.LOCK).write_text(f"{os.getppid()}\n")
    other = tmp / "other" / "runs" / "baseline_2024" / "rep_0"
    other.mkdir(parents=True)
    (other / output.MANIFEST).write_text('{"config_fingerprint": "another"}\n')


@pytest.mark.parametrize("folder, key, says", [
    pytest.param("{tmp}/file", "hydra.run.dir", ("is a file",), id="why-output-is-a-file"),
    pytest.param("{tmp}/file/out", "hydra.run.dir", ("Not a directory",), id="why-output-under-a-file"),
    pytest.param("{tmp}/" + "x" * 300, "hydra.run.dir", ("File name too long",), id="why-output-name-too-long"),
    pytest.param("{tmp}/link", "hydra.run.dir", ("symbolic link",), id="why-output-symlink"),
    pytest.param("/proc/tradesim", "hydra.run.dir", ("cannot write",), id="why-output-in-proc"),
    pytest.param("{tmp}/done", "hydra.run.dir", ("already exists",), id="output-holds-results"),
    pytest.param("{tmp}/busy", "hydra.run.dir", ("in use",), id="why-second-run-into-folder"),
    pytest.param("{tmp}/other", "other settings", (), id="resume-with-other-settings"),
    pytest.param("", "hydra.run.dir", ("already exists",), id="output-empty-path"),
])
def test_output_folder_that_cannot_be_used(capsys, tmp_path, finished, folder, key, says):
    folders(tmp_path, finished)
    refused(capsys, tmp_path, ["run", "run=smoke", f"hydra.run.dir={folder.format(tmp=tmp_path)}"], key, says)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders (tests/test_faults.py mounts one)")
def test_read_only_output_folder(capsys, tmp_path):
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o555)
    try:
        refused(capsys, tmp_path, ["run", "run=smoke", f"hydra.run.dir={tmp_path / 'ro' / 'out'}"], "hydra.run.dir",
                ("Permission denied",))
    finally:
        (tmp_path / "ro").chmod(0o755)


@pytest.mark.parametrize("args, key, says", [
    pytest.param(["bench", "world.foo=1"], "world.foo", ("horizon_quarters",), id="bench-unknown-key"),
    pytest.param(["bench", "run.workers=0"], "run.workers", ("[1, 1024]",), id="bench-zero-workers"),
    pytest.param(["bench", "world.horizon_quarters=0"], "world.horizon_quarters", ("[1, 40]",), id="bench-horizon"),
    pytest.param(["bench", "repeats=0"], "repeats", ("[1, 20]",), id="bench-zero-repeats"),
    pytest.param(["bench", "memory_scale=many"], "memory_scale", ("[0, 100]",), id="bench-memory-scale-word"),
    pytest.param(["bench", "world.scale=0"], "world.scale", ("[1, 100]",), id="bench-zero-scale"),
    pytest.param(["run", "-m", "run.seed=1,2", "run=smoke", "hydra.sweep.dir={tmp}/done"], "hydra.sweep.dir",
                 ("already exists",), id="sweep-into-results"),
    pytest.param(["run", "-m", "run.seed=1,2", "run=smoke", "hydra.sweep.dir=/proc/x"], "hydra.sweep.dir",
                 ("cannot write",), id="sweep-into-proc"),
    pytest.param(["run", "-m", "run.seed=1,x", "run=smoke", "hydra.sweep.dir={tmp}/s"], "run.seed", (),
                 id="sweep-bad-value"),
])
def test_bad_bench_and_sweep_requests(capsys, tmp_path, finished, args, key, says):
    shutil.copytree(finished, tmp_path / "done")
    refused(capsys, tmp_path, [a.format(tmp=tmp_path) for a in args], key, says)
