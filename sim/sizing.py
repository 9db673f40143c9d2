"""How big a run will be, estimated from its config before it starts: memory per replication and
bytes of output. Rough (within a factor of two) but enough to refuse a run that cannot fit.

Coefficients measured on tradesim 0.1 (Python 3.11, numpy 2, pandas 3) with one replication in a
fresh process (peak resident memory): run=smoke 207 MB, +198,000 enterprises +120 MB,
world=national 233 MB; output: about 32 kB per replication x port x quarter (csv + parquet).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from sim.calendar import Calendar
from sim.config import Config, ConfigError

BASE_BYTES = 220e6            # interpreter, numpy, pandas, scipy, simpy, mesa and the tables
PER_ENTERPRISE = 700          # bytes: array rows and a mesa agent per trader (and front company)
PER_OFFICER = 1_000           # bytes: a mesa agent per officer
PER_DECLARATION_IN_FLIGHT = 4_000  # bytes: batch rows and simpy processes of queued declarations
DAYS_IN_FLIGHT = 4            # a day's batch is drawn 3 days ahead and most clear within a day
PER_UNIT_OUTPUT = 32_000      # bytes per replication x port x quarter, csv + parquet of all tables
OUTPUT_OVERHEAD = 200_000     # bytes: config, manifest, summary, parquet headers


@dataclass(frozen=True)
class Size:
    memory_per_replication: float  # bytes
    workers: int                   # processes that hold a replication at the same time
    output: float                  # bytes of the run's tables (one copy)

    @property
    def memory(self) -> float:
        return self.memory_per_replication * self.workers + BASE_BYTES


def estimate(cfg: Config, replications: int | None = None) -> Size:
    """The size of ``cfg`` run for ``replications`` (default ``run.replications``)."""
    reps = cfg.run.replications if replications is None else replications
    world, pop = cfg.world, cfg.population
    fronts = pop.smugglers.networks * pop.smugglers.fronts_per_network
    officers = sum(p.officers.document + p.officers.nii + p.officers.physical for p in world.ports.values())
    per_day = sum(p.declarations_per_day for p in world.ports.values())
    per_day += pop.smugglers.networks * (pop.smugglers.attempts_per_week
                                         + pop.smugglers.cover_per_week * pop.smugglers.fronts_per_network) / 7
    memory = (BASE_BYTES + PER_ENTERPRISE * (pop.enterprises + fronts) + PER_OFFICER * officers
              + PER_DECLARATION_IN_FLIGHT * per_day * DAYS_IN_FLIGHT)
    quarters = Calendar(world.start, world.horizon_quarters, world.warmup_days).n_quarters
    output = OUTPUT_OVERHEAD + PER_UNIT_OUTPUT * reps * len(world.ports) * quarters
    run = cfg.run  # jobs on a Ray cluster or on SLURM nodes hold no replication here (run.slurm_mem_gb sizes those)
    ray_cluster = run.executor == "ray" and bool(run.ray_address)
    elsewhere = ray_cluster or (run.executor == "slurm" and run.slurm_cluster == "slurm")
    return Size(memory, 1 if elsewhere else max(1, min(run.workers, reps)), output)


def physical_memory() -> float:
    """Bytes of memory of this machine (0 when unknown)."""
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0.0


def check_memory(cfg: Config, size: Size | None = None) -> None:
    """Refuse a run whose estimated memory exceeds this machine's."""
    size = size or estimate(cfg)
    total = physical_memory()
    if total and size.memory > total:
        raise ConfigError(f"run.workers: this run needs about {size.memory / 1e9:,.1f} GB of memory "
                          f"({size.workers} worker(s) x {size.memory_per_replication / 1e9:,.1f} GB per replication, "
                          f"from population.enterprises, the officers and the declarations per day), more than "
                          f"this machine's {total / 1e9:,.1f} GB: lower run.workers or the world's size")
