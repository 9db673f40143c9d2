"""Faults: Ctrl-C and kill -9 during a run with workers, a full disk, a read-only folder, two runs
into one folder, and an interrupted final write. Finished replications are kept and resumed,
nothing is left half-written, no worker outlives its parent."""
from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim import claims, output
from sim.cli import main
from tests.badinput import refused

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)")
REPLICATIONS = 6  # two workers: when the first finishes, two rounds are left to interrupt, even on a busy machine
RUN = ["run", "run=smoke", "world.horizon_quarters=1", f"run.replications={REPLICATIONS}", "run.progress=false"]


def tradesim(*args: str, **popen) -> subprocess.Popen:
    """``tradesim *args`` in a new session (its own process group, as a terminal would make it), with
    Ctrl-C's default action (a pytest-xdist worker ignores SIGINT, and children inherit that)."""
    return subprocess.Popen([sys.executable, "-c", "from sim.cli import entry; entry()", *args],
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **popen)


def session(sid: int) -> list[int]:
    """The live processes of session ``sid`` (zombies are dead)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.isdigit() and fields[3] == str(sid) and fields[0] != "Z":
            found.append(int(entry))
    return found


def parts(folder: Path) -> list[str]:
    return sorted(p.parent.name for p in folder.glob("runs/*/rep_*/manifest.json"))


def wait_for(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout_s} s waiting for {what}"
        time.sleep(0.05)


def gone(sid: int, timeout_s: float) -> list[int]:
    """Wait up to ``timeout_s`` for session ``sid`` to have no process; return those left."""
    deadline = time.monotonic() + timeout_s
    while session(sid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return session(sid)


def resume_computes_only_the_missing(capsys, folder: Path, kept: list[str]) -> None:
    before = {rep: pd.read_parquet(folder / "runs" / "baseline_2024" / rep / "quarterly.parquet") for rep in kept}
    assert main([*RUN, "run.workers=1", f"hydra.run.dir={folder}"]) == 0, "the same command finishes the run"
    manifest = output.verify(folder)
    assert manifest["replications_computed_now"] == REPLICATIONS - len(kept), \
        f"only the missing ones are computed: {manifest}"
    quarterly = pd.read_parquet(folder / "quarterly.parquet")
    assert sorted(quarterly.replication.unique()) == list(range(REPLICATIONS)), "every replication is in the tables"
    for rep, table in before.items():
        mine = quarterly[quarterly.replication == int(rep.split("_")[1])].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, table, obj=f"{rep}: kept part vs final table")
    assert not (folder / "runs").exists() and not list(folder.parent.glob(".*partial*")), "no parts nor staging left"


def test_ctrl_c_stops_the_workers_keeps_finished_replications_and_resume_computes_the_rest(tmp_path, capsys):
    folder = tmp_path / "run"
    process = tradesim(*RUN, "run.workers=2", f"hydra.run.dir={folder}")
    wait_for(lambda: parts(folder) or process.poll() is not None, 120, "a first finished replication")
    interrupted = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    _, err = process.communicate(timeout=30)
    took = time.monotonic() - interrupted
    kept = parts(folder)
    assert process.returncode == 130 and took < 5, f"exits within 5 s of Ctrl-C: {process.returncode}, {took:.1f} s"
    assert err.count("\n") == 1 and "Traceback" not in err, f"one line, no traceback from any worker: {err!r}"
    assert 1 <= len(kept) < REPLICATIONS and f"kept the {len(kept)} finished of {REPLICATIONS}" in err, \
        f"says what was kept: {err!r}"
    assert all(rep in err for rep in kept), f"names the kept replications: {err!r}"
    assert gone(process.pid, 10) == [], "no worker is left"
    resume_computes_only_the_missing(capsys, folder, kept)


def test_kill_9_of_the_parent_leaves_no_worker_and_the_run_resumes(tmp_path, capsys):
    folder = tmp_path / "run"
    process = tradesim(*RUN, "run.workers=2", f"hydra.run.dir={folder}")
    wait_for(lambda: len(session(process.pid)) >= 3 or process.poll() is not None, 60, "two workers")
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    left = gone(process.pid, 10)
    assert left == [], f"no process of the killed run is left after 10 s: {left}"
    resume_computes_only_the_missing(capsys, folder, parts(folder))


def test_two_runs_into_one_folder_one_fails_at_once(tmp_path):
    folder = tmp_path / "run"
    first = tradesim("run", "run=smoke", f"hydra.run.dir={folder}")
    wait_for(lambda: (folder / claims.LOCK).exists() or first.poll() is not None, 60, "the first run's claim")
    started = time.monotonic()
    second = tradesim("run", "run=smoke", f"hydra.run.dir={folder}")
    _, err = second.communicate(timeout=60)
    assert second.returncode == 2 and "is in use by another tradesim run" in err, f"refused: {err!r}"
    assert time.monotonic() - started < 10, "at once, not after a simulation"
    assert first.wait(timeout=120) == 0, "the first run finishes"
    assert output.verify(folder)["replications"] == 1, "and its folder is whole"


def test_default_folder_names_are_unique_even_within_a_second(tmp_path):
    name = tmp_path / "results" / "experiments" / "x" / "2025-01-01_00-00-00"
    taken = [claims.claim(name, unique=True) for _ in range(3)]
    assert [c.folder.name for c in taken] == [name.name, f"{name.name}-2", f"{name.name}-3"], "no shared folder"
    for c in reversed(taken):
        c.release()
    assert not (tmp_path / "results").exists(), "released claims that wrote nothing leave nothing"


@pytest.fixture
def tmpfs(tmp_path):
    """A mount point for a small tmpfs (when this process may mount one)."""
    point = tmp_path / "disk"
    point.mkdir()

    def mount(options: str) -> Path:
        if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                                               capture_output=True).returncode:
            pytest.skip("cannot mount a tmpfs here (the simulated ENOSPC test covers the full disk)")
        return point
    yield mount
    subprocess.run(["umount", str(point)], capture_output=True)


@pytest.mark.parametrize("size, says", [("256k", "need at least"), ("600k", "need about")])
def test_a_full_disk_is_reported_before_the_run(capsys, tmp_path, tmpfs, size, says):
    """Nearly full: refused before the config is composed; a little space: refused once the
    config gives the estimated output (a smoke run needs about 0.9 MB)."""
    disk = tmpfs(f"size={size}")
    refused(capsys, disk, ["run", "run=smoke", f"hydra.run.dir={disk / 'out'}"], "hydra.run.dir",
            ("not enough free space", says))


def test_a_read_only_file_system_is_reported_before_the_run(capsys, tmp_path, tmpfs):
    disk = tmpfs("size=1m,ro")
    refused(capsys, disk, ["run", "run=smoke", f"hydra.run.dir={disk / 'out'}"], "hydra.run.dir",
            ("Read-only file system",))


def test_no_space_while_writing_the_tables_keeps_the_parts(tmp_path, capsys, monkeypatch):
    """A disk that fills up during the final write (simulated ENOSPC): one line, exit 1, the
    finished replications kept as parts, nothing half-written; the same command then finishes."""
    folder = tmp_path / "run"
    real = pd.DataFrame.to_parquet

    def full(self, path, *args, **kwargs):
        if f".{folder.name}{output.PARTIAL}" in str(path):  # the final tables' staging folder, not a part
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    assert main(["run", "run=smoke", "run.replications=2", f"hydra.run.dir={folder}"]) == 1, "exit 1"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left on device" in err[0] and "kept" in err[0], f"one line: {err}"
    assert parts(folder) == ["rep_0", "rep_1"] and not (folder / output.MANIFEST).exists(), "parts kept, no tables"
    assert not list(tmp_path.glob(".*partial*")), "no staging folder left"
    monkeypatch.setattr(pd.DataFrame, "to_parquet", real)
    assert main(["run", "run=smoke", "run.replications=2", f"hydra.run.dir={folder}"]) == 0, "then it finishes"
    assert output.verify(folder)["replications_computed_now"] == 0, "from the kept parts"


def test_an_interrupted_final_write_leaves_the_previous_state_whole(tmp_path, monkeypatch):
    """publish() swaps in a complete staging folder in one step: interrupted before the swap, the
    folder is exactly what it was; after it, exactly the new state (never a mix)."""
    folder = tmp_path / "exp"
    folder.mkdir()
    (folder / "runs").mkdir()
    (folder / "runs" / "part.txt").write_text("a finished part\n")
    table = pd.DataFrame({"replication": [0, 1, 2]})
    output.publish(folder, {"comparison": table}, {"summary.md": "3 replications\n"}, {"replications": 3},
                   keep=("runs",))
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}

    def killed(a, b):
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "_exchange", killed)
    with pytest.raises(KeyboardInterrupt):
        output.publish(folder, {"comparison": table.head(2)}, {"summary.md": "4 replications\n"}, {"replications": 4},
                       keep=("runs",))
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before, "the old state, whole"
    assert output.verify(folder)["replications"] == 3 and (folder / "runs" / "part.txt").exists(), "parts kept"
    assert not list(tmp_path.glob(".*partial*")), "the staging folder is removed"
    monkeypatch.undo()
    output.publish(folder, {"comparison": table.head(2)}, {"summary.md": "2\n"}, {"replications": 2}, keep=("runs",))
    assert output.verify(folder)["replications"] == 2 and len(output.read_tables(folder, ("comparison",))
                                                               ["comparison"]) == 2, "the new state, whole"
    assert json.loads((folder / output.MANIFEST).read_text())["files"]["comparison.csv"]["rows"] == 2
