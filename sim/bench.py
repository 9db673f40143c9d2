"""`tradesim bench`: the speed and memory of the model against a bare-simpy model of the same flow.

Both run `world=national` for one year (unless overridden), each run in a fresh process (so its
imports and peak memory are its own), ``repeats`` times in turn; the table gives the median of
each column. Two scopes, the same for both models:

* *simulation*: building the model and running its clock to the horizon (settling included),
  after the config is composed; no imports, no tables;
* *end to end*: from the process's start (interpreter, imports, config) to the result: for
  tradesim its tables, for the bare model its count of declarations.

Time is given as CPU-seconds of the process (what the machine's other users do not change much)
and wall seconds. Events per declaration are the simpy events and queue-core heap entries (they
share simpy's counter) scheduled over the whole run (warm-up included) per declaration that
arrived in the reported quarters. A last line runs
tradesim once at ``world.scale=memory_scale`` (default in ``OPTIONS``) for its peak memory.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

DEFAULT = ["world=national", "world.horizon_quarters=4", "run.replications=1", "run.workers=1",
           "run.progress=false", "population=national"]
OPTIONS = {"repeats": (3, 1, 20), "memory_scale": (10, 0, 100)}  # option: (default, low, high)


def _clock() -> tuple[float, float]:
    return time.process_time(), time.perf_counter()


def _phases(ready: tuple, done: tuple, declarations: int, events: int) -> dict:
    cpu, _ = _clock()
    return {"declarations": declarations, "events": events, "sim_cpu": done[0] - ready[0],
            "sim_wall": done[1] - ready[1], "cpu": cpu,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _scheduled(env) -> int:
    """Events scheduled so far by a simpy environment, the queue core's heap entries included (they
    draw from the same counter; simpy keeps no public one)."""
    return next(env._eid)


def _tradesim(overrides: list[str]) -> dict:
    from sim.compose import load_config
    from sim.model import SupervisionModel
    from sim.streams import replication_seeds
    cfg, _ = load_config(overrides)
    ready = _clock()
    model = SupervisionModel(cfg, replication_seeds(cfg.run.seed, 1)[0])
    model.simulate()
    done, events = _clock(), _scheduled(model.env)
    result = model.tables()
    return _phases(ready, done, int(result.quarterly["declarations"].sum()), events)


def _bare(overrides: list[str]) -> dict:
    from sim.bare_simpy import BareSimpy
    from sim.compose import load_config
    from sim.model import long_lived_world
    cfg, _ = load_config(overrides)
    ready = _clock()
    with long_lived_world():  # the same garbage-collector setting as the model, to be fair
        model = BareSimpy(cfg)
        counted = model.run()
    return _phases(ready, _clock(), counted, _scheduled(model.env))


def _fresh(fn, overrides: list[str]) -> dict:
    """``fn(overrides)`` in a fresh process, with the wall time from spawning it to its result."""
    started = time.perf_counter()
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        row = pool.submit(fn, overrides).result()
    return {**row, "wall": time.perf_counter() - started}


MODELS = {"tradesim": _tradesim, "bare simpy": _bare}


def measure(overrides: list[str], repeats: int) -> dict[str, dict]:
    """Each model ``repeats`` times, alternating, each run in a fresh process: the median of each
    measurement."""
    runs: dict[str, list[dict]] = {name: [] for name in MODELS}
    for _ in range(repeats):
        for name, fn in MODELS.items():
            runs[name].append(_fresh(fn, overrides))
    return {name: {k: statistics.median(r[k] for r in rows) for k in rows[0]} for name, rows in runs.items()}


def bench(args: list[str], repeats: int, memory_scale: int) -> str:
    """Check the config (a mistake is one line, before anything runs), measure, and return the
    table; ``args`` are config overrides, ``repeats`` and ``memory_scale`` the options (``OPTIONS``)."""
    from sim.compose import load_config
    overrides = DEFAULT + list(args)
    load_config(overrides)
    scaled = overrides + [f"world.scale={memory_scale}"]
    if memory_scale:
        load_config(scaled)
    load = os.getloadavg()[0]
    rows = measure(overrides, repeats)
    given = [a.partition("=")[2] for a in overrides if a.startswith("world.scale=")]
    same = bool(given) and given[-1] == str(memory_scale)  # the rows above are at that scale already
    memory = (rows["tradesim"] if same else _fresh(_tradesim, scaled)) if memory_scale else None
    return table(overrides, repeats, rows, memory, memory_scale, (load, os.getloadavg()[0]))


def table(overrides: list[str], repeats: int, rows: dict[str, dict], memory: dict | None, scale: int,
          load: tuple[float, float]) -> str:
    lines = [f"tradesim bench: {' '.join(overrides)}",
             f"median of {repeats} run(s) per model, each in a fresh process; load average {load[0]:.1f} at the "
             f"start, {load[1]:.1f} at the end ({os.cpu_count()} CPUs)", "",
             f"{'model':<11}{'scope':<12}{'declarations':>13}{'CPU s':>8}{'wall s':>8}{'decl/CPU-s':>12}"
             f"{'decl/s':>10}{'peak MB':>9}{'events/decl':>13}"]
    rates = {}
    for name, r in rows.items():
        for scope, cpu, wall in (("simulation", r["sim_cpu"], r["sim_wall"]), ("end to end", r["cpu"], r["wall"])):
            rates[name, scope] = (r["declarations"] / cpu, r["declarations"] / wall)
            extra = f"{r['peak_mb']:>9.0f}{r['events'] / r['declarations']:>13.2f}" if scope == "end to end" else ""
            lines.append(f"{name:<11}{scope:<12}{r['declarations']:>13,}{cpu:>8.2f}{wall:>8.2f}"
                         f"{rates[name, scope][0]:>12,.0f}{rates[name, scope][1]:>10,.0f}{extra}")
    lines.append("")
    for scope in ("simulation", "end to end"):
        (cpu_t, wall_t), (cpu_b, wall_b) = rates["tradesim", scope], rates["bare simpy", scope]
        lines.append(f"ratio tradesim / bare simpy, {scope}: {cpu_t / cpu_b:.2f} per CPU-second, "
                     f"{wall_t / wall_b:.2f} per wall second")
    if memory:
        lines.append(f"memory: tradesim at world.scale={scale} ({memory['declarations']:,} declarations): peak "
                     f"{memory['peak_mb']:.0f} MB resident, {memory['cpu']:.1f} CPU s")
    lines += ["", "simulation: building the model and running its clock (config composed; no tables); end to end: "
              "from the process's start to its result; peak MB: the process's maximum resident memory; "
              "events/decl: simpy events and queue-core heap entries per declaration"]
    return "\n".join(lines)
