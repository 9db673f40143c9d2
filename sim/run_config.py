"""How a config runs: replications, seed, processes, and the executor its jobs run on (part of
the schema in :mod:`sim.config`, which re-exports it)."""
from __future__ import annotations

from dataclasses import dataclass

from omegaconf import MISSING

from sim.schema import _f


@dataclass
class RunConfig:
    """How many replications, which seed, how many processes."""
    replications: int = _f(MISSING, 1, 10_000, unit="replications")
    seed: int = _f(MISSING, 0, 2**63 - 1)
    workers: int = _f(MISSING, 1, 1_024, unit="processes")
    progress: bool = _f(MISSING, doc="progress bar on stderr when a run takes over 2 s")
    agent_snapshots: bool = _f(MISSING, doc="write the agents table (agent state at quarter ends)")
    watch_port: str = _f(MISSING, doc="a port watched hourly for a week in replication 0 (the watch table); '' = none")
    watch_week: int = _f(MISSING, 1, 520, unit="week", doc="the week watched; week 1 starts at world.start")
    executor: str = _f(MISSING, choices=("local", "ray", "slurm"), doc="where jobs run (docs/experiments.md)")
    ray_address: str = _f(MISSING, doc="ray: '' = Ray here with run.workers CPUs; 'auto' or host:port: a cluster")
    slurm_cluster: str = _f(MISSING, choices=("slurm", "local"), doc="slurm: sbatch, or local processes (submitit)")
    slurm_partition: str = _f(MISSING, doc="slurm: the partition of each job; '' = the cluster's default")
    slurm_timeout_min: int = _f(MISSING, 1, 10_080, unit="min", doc="slurm: time limit of each job (one replication)")
    slurm_mem_gb: float = _f(MISSING, 0.1, 1_024, unit="GB", doc="slurm: memory of each job (one replication)")
