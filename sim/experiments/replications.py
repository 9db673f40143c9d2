"""Replications of one config: seeds from SeedSequence, worker processes, tables in order.

Replication r always gets ``SeedSequence(run.seed).spawn(...)[r]``, so the same scenario gives
the same tables whatever ``run.workers`` is, and two scenarios share their random numbers
replication by replication (common random numbers).
"""
from __future__ import annotations

import functools
import sys
from typing import Optional

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from sim.config import Config
from sim.experiments.workers import submit_all, worker_pool
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


def run_replications(cfg: Config, progress: Optional[bool] = None) -> RunResult:
    """All ``run.replications`` replications, tables concatenated in replication order."""
    reps = range(cfg.run.replications)
    show = cfg.run.progress if progress is None else progress
    bar = tqdm(total=len(reps) * days_of(cfg), unit="day", delay=2.0, disable=not show,
               file=sys.stderr, desc=f"{cfg.scenario}")
    with bar:
        if cfg.run.workers == 1 or len(reps) == 1:
            results = [run_replication(cfg, r, on_day=lambda: bar.update(1)) for r in reps]
        else:
            with worker_pool(min(cfg.run.workers, len(reps))) as pool:
                futures = submit_all(pool, functools.partial(run_replication, cfg), reps)
                results = []
                for future in futures:
                    results.append(future.result())
                    bar.update(days_of(cfg))
    cat = lambda name: pd.concat([getattr(r, name) for r in results], ignore_index=True)  # noqa: E731
    return RunResult(cat("quarterly"), cat("breakdown"), results[0].policies, cat("agents"), cat("events"),
                     cat("event_backlog"), results[0].watch)


def seed_manifest(cfg: Config, replications: Optional[list[int]] = None) -> dict:
    """How every replication's seed is derived, for manifest.json (all, or ``replications``)."""
    reps = range(cfg.run.replications) if replications is None else replications
    seqs = replication_seeds(cfg.run.seed, max(reps, default=-1) + 1)
    return {"run_seed": cfg.run.seed, "derivation": "numpy.random.SeedSequence(run.seed).spawn(n)[r]",
            "replications": [{"replication": r, "spawn_key": list(seqs[r].spawn_key),
                              "state": int(seqs[r].generate_state(1, np.uint64)[0])} for r in reps]}
