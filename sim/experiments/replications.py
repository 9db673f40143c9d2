"""Replications of one config: seeds from SeedSequence, run on ``run.executor``, tables in order.

Replication r always gets ``SeedSequence(run.seed).spawn(...)[r]``, so the same scenario gives
the same tables whatever ``run.workers`` and ``run.executor`` are, and two scenarios share their
random numbers replication by replication (common random numbers).
"""
from __future__ import annotations

import functools
import sys
from contextlib import closing
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from sim.config import Config, ConfigError
from sim.experiments.executors import completed, in_this_process
from sim.experiments.memory import return_free_memory
from sim.model import RunResult, SupervisionModel
from sim.streams import replication_seeds


def days_of(cfg: Config) -> int:
    """Simulated days of one replication (warm-up included), the unit of progress bars."""
    from sim.calendar import Calendar
    cal = Calendar(cfg.world.start, cfg.world.horizon_quarters, cfg.world.warmup_days)
    return cal.days + cfg.world.warmup_days


def run_replication(cfg: Config, replication: int, on_day=None) -> RunResult:
    """One replication of ``cfg`` (the seed is derived from run.seed and the index)."""
    seed = replication_seeds(cfg.run.seed, replication + 1)[replication]
    return SupervisionModel(cfg, seed, replication, on_day=on_day).run()


def run_and_free(cfg: Config, replication: int, on_day=None) -> RunResult:
    """:func:`run_replication`, then the model's freed memory returned to the operating system, so
    a process that runs replications one after another stays at the first one's footprint."""
    result = run_replication(cfg, replication, on_day=on_day)
    return_free_memory()
    return result


def run_replications(cfg: Config, progress: Optional[bool] = None) -> RunResult:
    """All ``run.replications`` replications, in memory, on ``run.executor`` (here, in this process,
    for one worker or one replication); tables concatenated in replication order. The first failed
    replication's error is raised (the others are cancelled)."""
    if cfg.run.executor == "slurm":
        raise ConfigError("run.executor: slurm jobs write to a folder their nodes share, and the Python API keeps "
                          "results in memory: use local or ray here, or the command line (tradesim run ... "
                          "run.executor=slurm) and sim.load")
    reps = list(range(cfg.run.replications))
    show = cfg.run.progress if progress is None else progress
    bar = tqdm(total=len(reps) * days_of(cfg), unit="day", delay=2.0, disable=not show,
               file=sys.stderr, desc=f"{cfg.scenario}")
    results = {}
    with bar:
        if in_this_process(cfg.run, len(reps)):
            results = {r: run_and_free(cfg, r, on_day=lambda: bar.update(1)) for r in reps}
        else:
            here = Path(".")  # completed's folder is for slurm logs only, and slurm is refused above
            with closing(completed(functools.partial(run_and_free, cfg), reps, cfg.run, here)) as finishing:
                for r, result, exc in finishing:
                    if exc is not None:
                        raise exc
                    results[r] = result
                    bar.update(days_of(cfg))
    ordered = [results[r] for r in reps]
    cat = lambda name: pd.concat([getattr(r, name) for r in ordered], ignore_index=True)  # noqa: E731
    return RunResult(cat("quarterly"), cat("breakdown"), ordered[0].policies, cat("agents"), cat("events"),
                     cat("event_backlog"), ordered[0].watch)


def seed_manifest(cfg: Config, replications: Optional[list[int]] = None) -> dict:
    """How every replication's seed is derived, for manifest.json (all, or ``replications``)."""
    reps = range(cfg.run.replications) if replications is None else replications
    seqs = replication_seeds(cfg.run.seed, max(reps, default=-1) + 1)
    return {"run_seed": cfg.run.seed, "derivation": "numpy.random.SeedSequence(run.seed).spawn(n)[r]",
            "replications": [{"replication": r, "spawn_key": list(seqs[r].spawn_key),
                              "state": int(seqs[r].generate_state(1, np.uint64)[0])} for r in reps]}
