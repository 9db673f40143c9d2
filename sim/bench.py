"""`tradesim bench`: end-to-end speed of the model against a bare-simpy model of the same flow.

Both run `world=national` for one year in a fresh process each (so peak memory is their own):
tradesim's batched model (numpy for the green channel, simpy processes only for declarations
that wait for an officer, scanner or bay) and the plain simpy model of :mod:`sim.bare_simpy`.
The ratio of their declarations per second is what the batch design buys.
"""
from __future__ import annotations

import multiprocessing
import resource
import time
from concurrent.futures import ProcessPoolExecutor

DEFAULT = ["world=national", "world.horizon_quarters=4", "run.replications=1", "run.workers=1",
           "run.progress=false", "population=national"]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _tradesim(overrides: list[str]) -> dict:
    from sim.compose import load_config
    from sim.experiments.replications import run_replications
    started = time.perf_counter()
    cfg, _ = load_config(overrides)
    result = run_replications(cfg, progress=False)
    return {"declarations": int(result.quarterly["declarations"].sum()),
            "wall_s": time.perf_counter() - started, "peak_mb": _peak_mb()}


def _bare(overrides: list[str]) -> dict:
    from sim.bare_simpy import BareSimpy
    from sim.compose import load_config
    from sim.model import long_lived_world
    cfg, _ = load_config(overrides)
    started = time.perf_counter()
    with long_lived_world():  # the same garbage-collector setting as the model, to be fair
        counted = BareSimpy(cfg).run()
    return {"declarations": counted, "wall_s": time.perf_counter() - started, "peak_mb": _peak_mb()}


def bench(overrides: list[str]) -> str:
    """Run both models (each in a fresh process) and return the comparison table."""
    from sim.compose import load_config
    overrides = DEFAULT + list(overrides)
    load_config(overrides)  # a mistake is one line, before anything runs
    rows = {}
    for name, fn in (("tradesim (batched + simpy)", _tradesim), ("bare simpy (process each)", _bare)):
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            rows[name] = pool.submit(fn, overrides).result()
    lines = [f"tradesim bench: {' '.join(overrides)}", "",
             f"{'model':<28}{'declarations':>14}{'wall s':>9}{'decl/s':>12}{'peak MB':>10}"]
    for name, r in rows.items():
        r["rate"] = r["declarations"] / r["wall_s"]
        lines.append(f"{name:<28}{r['declarations']:>14,}{r['wall_s']:>9.2f}{r['rate']:>12,.0f}"
                     f"{r['peak_mb']:>10.0f}")
    fast, bare = rows.values()
    lines += ["", f"ratio tradesim / bare simpy: {fast['rate'] / bare['rate']:.2f}",
              "(wall time is end to end: config, build, simulation and result tables; "
              "peak MB is each process's maximum resident memory)"]
    return "\n".join(lines)
