"""What a replication leaves in memory and imports beyond its tables: busy hours summed as they are
logged, release times dropped once their quarter closes, the model freed after its run, and none
of the libraries a replication does not use (mesa's spaces and batch runner, scipy.stats,
scikit-learn) imported by a worker."""
from __future__ import annotations

import gc
import json
import subprocess
import sys
import weakref

import numpy as np
import pytest

from sim.agents import workload
from sim.agents.schedule import Schedule
from sim.agents.workload import BusyLog, overlap
from sim.compose import load_config
from sim.config import PortConfig, Staff
from sim.experiments import memory
from sim.model import CLOSE_AFTER_H, SupervisionModel
from sim.streams import replication_seeds

EDGES = np.array([0.0, 2184.0, 4368.0, 6576.0])  # three quarters of 91, 91 and 92 days


def schedule(opens: float, closes: float) -> Schedule:
    port = PortConfig(kind="sea", declarations_per_day=1.0, import_share=0.5, business_mix={}, open_hour=opens,
                      close_hour=closes, officers=Staff(1, 1, 1), scanners=1, bays=1)
    return Schedule({"p": port}, [])


def direct(s: np.ndarray, e: np.ndarray, sched: Schedule) -> tuple[np.ndarray, np.ndarray]:
    """Busy and overtime hours per quarter from every interval at once (the sums before BusyLog)."""
    start, end = EDGES[:-1], EDGES[1:]
    overtime = np.zeros(len(start))
    for q in range(len(start)):
        opens, closes = sched.shift(0, q + 1)
        close = (s // 24) * 24 + closes
        overtime[q] = overlap(np.maximum(s, close), e, start[q:q + 1], end[q:q + 1])[0]
    return overlap(s, e, start, end), overtime


def test_busy_hours_summed_in_batches_equal_the_sums_over_every_interval(monkeypatch):
    monkeypatch.setattr(workload, "BATCH", 50)
    sched = schedule(8, 20)
    log = BusyLog(sched, 0, EDGES)
    rng = np.random.default_rng(3)
    s = np.sort(rng.uniform(-100, EDGES[-1] + 50, 2000))
    e = s + rng.exponential(6.0, len(s))
    for q, edge in enumerate([-np.inf, *EDGES[:-1]]):  # the model records a quarter's shift as it starts
        if q == 2:
            sched.set_hours(0, 6, 22)  # e.g. longer hours from the second reported quarter
        sched.record_quarter(q)
        for a, b in zip(s[(s >= edge) & (s < (EDGES[q] if q < len(EDGES) - 1 else np.inf))],
                        e[(s >= edge) & (s < (EDGES[q] if q < len(EDGES) - 1 else np.inf))]):
            log.log(float(a), float(b))
        assert len(log.starts) < 2 * 50 + 60, "intervals are summed in batches, not kept"
    sched.record_quarter(3)
    busy, overtime = log.totals()
    want_busy, want_overtime = direct(s, e, sched)
    assert np.allclose(busy, want_busy, rtol=1e-12), f"busy hours {busy} vs {want_busy}"
    assert np.allclose(overtime, want_overtime, rtol=1e-12), f"overtime {overtime} vs {want_overtime}"
    assert overtime[1] > 0 and busy.sum() > 0, "the data exercise overtime and busy time"


@pytest.fixture(scope="module")
def smoke():
    cfg, _ = load_config(["run=smoke", "run.progress=false"])
    return cfg


def test_a_quarter_closes_during_the_run_and_its_release_times_are_dropped(smoke):
    model = SupervisionModel(smoke, replication_seeds(smoke.run.seed, 1)[0])
    times = model.ledger.release_times
    model.clearance.run(until=model.calendar.edges[1] + CLOSE_AFTER_H + 1.0)
    assert times.closed == 2, f"the warm-up and the first quarter are closed by now (closed: {times.closed})"
    assert not {0, 1} & set(times.hours), "their release times are dropped once their percentiles are computed"
    assert np.isfinite(times.out[False].reshape(len(model.ports), -1, 2)[:, 1]).all(), \
        "every port has first-quarter percentiles"


def test_a_finished_model_is_freed():
    cfg, _ = load_config(["run=smoke", "run.progress=false", "world.horizon_quarters=1"])
    model = SupervisionModel(cfg, replication_seeds(cfg.run.seed, 1)[0])
    ref = weakref.ref(model)
    model.run()
    del model
    gc.collect()
    assert ref() is None, "nothing (mesa's Agent._ids included) keeps a finished model alive"


WORKER = """
import json, sys
from pathlib import Path
from sim.compose import load_config
from sim.experiments.jobs import Job, run_job
cfg, _ = load_config(["run=smoke", "run.progress=false", "world.horizon_quarters=1"])
run_job(Job("baseline", cfg, 0, Path(sys.argv[1])))
print(json.dumps(sorted(sys.modules)))
"""
UNUSED = ("mesa.space", "mesa.experimental", "mesa.batchrunner", "networkx", "scipy.stats", "sklearn", "lightgbm",
          "matplotlib", "jinja2")


def test_a_worker_imports_only_what_a_replication_needs(tmp_path):
    done = subprocess.run([sys.executable, "-c", WORKER, str(tmp_path / "rep_0")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    assert (tmp_path / "rep_0" / "quarterly.csv").is_file(), "the job ran and wrote its tables"
    assert "mesa.model" in loaded, "the model is a mesa Model"
    assert not loaded & set(UNUSED), f"a replication of the baseline imported {sorted(loaded & set(UNUSED))}"


def test_the_rest_of_mesa_is_there_on_first_use():
    code = ("import sys, sim.model, sim.agents.mesa_core as core, mesa; before = 'mesa.space' in sys.modules; "
            "print(before, mesa.space.MultiGrid.__name__, mesa.__version__, mesa.Model is core.mesa.Model)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    before, grid, version, same = done.stdout.split()
    assert before == "False", "the model imports mesa's core only"
    assert (grid, same) == ("MultiGrid", "True"), "mesa's other names load on first use, with the same Model"
    assert version.count(".") == 2, f"mesa's package attributes are there too ({version})"


def test_a_queued_day_keeps_only_its_queued_rows(smoke):
    """A day's green rows are settled at screening; its queued rows wait in a smaller copy of
    the day, so the green rows' record is freed once the ledger has counted them."""
    from sim.clearance import Day
    from sim.records import GREEN, take_rows
    model = SupervisionModel(smoke, replication_seeds(smoke.run.seed, 1)[0])
    model.clearance.run(-model.calendar.warmup_h + 48.0)
    days = model.clearance.open_days
    assert days and all(isinstance(d, Day) for d in days), "days with queued rows are open two days in"
    assert all((d.decisions.channel != GREEN).all() for d in days), "an open day holds no green row"
    day = days[0]
    rows = np.array([2, 0])
    part = day.take(rows)
    assert part.truth.port.tolist() == day.truth.port[rows].tolist(), "rows in the order asked"
    assert part.screening.declared.id.tolist() == day.screening.declared.id[rows].tolist(), "nested records too"
    assert part.decisions.service.shape == (2, day.decisions.service.shape[1]), "per-row matrices by row"
    assert not part.truth.port.flags.writeable, "the copy of the truth is frozen as the truth is"
    with pytest.raises(ValueError, match=rf"Screening.tier: {len(day.truth)} entries, not one per declaration \(3\)"):
        take_rows(day.screening, rows, 3)


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


@pytest.mark.skipif(not sys.platform.startswith("linux") or memory._libc_trim() is None,
                    reason="needs glibc's malloc_trim and /proc (Linux)")
def test_free_heap_pages_go_back_to_the_system_after_a_replication():
    """128 MB freed on the C heap under a block that pins its top (so free() alone cannot shrink
    it, as after a replication): return_free_memory gives the pages back."""
    blocks = [bytearray(b"x" * 65536) for _ in range(2048)]  # under malloc's mmap threshold: on the heap
    pin = bytearray(b"x" * 65536)
    del blocks
    held = _rss_mb()
    memory.return_free_memory()
    assert held - _rss_mb() > 100, "the freed heap pages are still resident"
    del pin
