"""The job store of an experiment: one folder per finished replication, resumable.

An experiment runs the baseline and its scenarios x replications as independent jobs, each
written atomically to its own folder ``runs/<label>/rep_<r>/``. A job whose folder holds a
manifest is finished and is never recomputed nor overwritten, so running the same experiment
again on the same folder only computes what is missing (after a crash, a kill or a failure).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pandas as pd
import yaml
from tqdm.auto import tqdm

from sim import claims, output
from sim.config import Config
from sim.experiments.definitions import ExperimentError, Precision
from sim.experiments.executors import RemoteError, completed, in_this_process
from sim.experiments.memory import return_free_memory
from sim.experiments.replications import days_of, run_replication, seed_manifest

RUN_TABLES = ("quarterly", "breakdown", "agents", "events", "event_backlog", "watch")
# run settings that never change a table: where, how many at a time and how visibly the jobs ran (a job's seed
# comes from run.seed and its replication index only); left out of a job's fingerprint and of a sweep's request
HOW_IT_RUNS = ("executor", "workers", "progress", "ray_address", "slurm_cluster", "slurm_partition",
               "slurm_timeout_min", "slurm_mem_gb")


@dataclass(frozen=True)
class Job:
    """One replication of one scenario (a label: a scenario, or a scenario with overrides)."""
    label: str
    cfg: Config
    replication: int
    folder: Path


class Interrupted(KeyboardInterrupt):
    """Ctrl-C while jobs ran: the workers are stopped; says which jobs were kept and which remain."""

    def __init__(self, jobs: list[Job], root: Path):
        super().__init__()
        self.kept = [job for job in jobs if (job.folder / output.MANIFEST).exists()]
        self.missing = [job for job in jobs if job not in self.kept]
        self.root = root

    def __str__(self) -> str:
        def names(jobs: list[Job]) -> str:
            labels = sorted({job.label for job in jobs})
            return "; ".join(f"{label} " + ", ".join(f"rep_{j.replication}" for j in jobs if j.label == label)
                             for label in labels) or "none"
        total = len(self.kept) + len(self.missing)
        return (f"kept the {len(self.kept)} finished of {total} replications under {self.root} "
                f"({names(self.kept)}); the same command with hydra.run.dir={self.root} computes only the "
                f"{len(self.missing)} missing ({names(self.missing)})")


def fingerprint(cfg: Config) -> str:
    """A hash of everything that determines a replication's tables (not how many replications
    or processes ran them, nor on which executor)."""
    neutral = dataclasses.asdict(dataclasses.replace(cfg, run=dataclasses.replace(cfg.run, replications=1)))
    for key in HOW_IT_RUNS:
        del neutral["run"][key]
    text = json.dumps(neutral, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan(configs: dict[str, Config], replications: int, root: Path) -> list[Job]:
    """Every label x replication, each with its folder ``root/runs/<label>/rep_<r>``."""
    return [Job(label, cfg, r, root / "runs" / label / f"rep_{r}")
            for r in range(replications) for label, cfg in configs.items()]


def finished(job: Job) -> bool:
    """Whether ``job`` already has (undamaged) results; they must come from the same settings."""
    if not (job.folder / output.MANIFEST).exists():
        return False
    if output.verify(job.folder).get("config_fingerprint") != fingerprint(job.cfg):
        raise ExperimentError(f"{job.folder} was computed with other settings than this command's; "
                              f"resume with the same overrides, or choose another hydra.run.dir")
    return True


def run_job(job: Job, on_day: Optional[Callable[[], None]] = None) -> float:
    """Run one replication and write its folder atomically; return the wall time in seconds."""
    from sim.manifest import build_manifest
    started = time.time()
    result = run_replication(job.cfg, job.replication, on_day=on_day)
    tables = {"quarterly": result.quarterly, "breakdown": result.breakdown}
    if job.cfg.run.agent_snapshots:
        tables["agents"] = result.agents
    if job.cfg.world.events:
        tables.update(events=result.events, event_backlog=result.event_backlog)
    if result.watch is not None:
        tables["watch"] = result.watch
    wall = time.time() - started
    manifest = build_manifest(job.cfg, result.policies, seed_manifest(job.cfg, [job.replication]), wall)
    manifest.update(label=job.label, replication=job.replication, config_fingerprint=fingerprint(job.cfg))
    config = yaml.safe_dump(dataclasses.asdict(job.cfg), sort_keys=False)
    output.write_folder(job.folder, tables, {"config.yaml": config}, manifest)
    del result, tables
    return_free_memory()  # the next replication in this process starts from the first one's footprint
    return wall


def _failure(job: Job, exc: BaseException) -> str:
    message = (str(exc).splitlines() or [""])[0]
    kind = "" if isinstance(exc, RemoteError) else f"{type(exc).__name__}: "
    return f"run {job.label} rep_{job.replication} failed: {kind}{message}"


def run_jobs(jobs: list[Job], workers: int, progress: bool, root: Optional[Path] = None) -> tuple[int, list[str]]:
    """Run the jobs that are not finished yet; return how many ran and one line per failure.

    A failing job is reported at once on stderr and the others still run. Ctrl-C stops the
    workers at once and raises :class:`Interrupted` (finished jobs stay on disk), naming
    ``root`` (default: the folder that holds ``runs/``) as the folder to resume."""
    for folder in {job.folder.parent for job in jobs}:
        claims.remove_partial(folder)
    todo = [job for job in jobs if not finished(job)]
    failures: list[str] = []
    labels = sorted({job.label for job in jobs})
    total = sum(days_of(job.cfg) for job in jobs)
    bar = tqdm(total=total, initial=total - sum(days_of(job.cfg) for job in todo), unit="day", delay=2.0,
               disable=not progress, file=sys.stderr, desc=labels[0] if len(labels) == 1 else "runs")

    def done(job: Job, exc: Optional[BaseException], advance: int) -> None:
        if exc is not None:
            failures.append(_failure(job, exc))
            bar.write(f"tradesim: {failures[-1]}", file=sys.stderr)
        bar.update(advance)

    root = root or (jobs[0].folder.parents[2] if jobs else Path("."))
    run = dataclasses.replace(jobs[0].cfg.run, workers=workers) if jobs else None
    in_process = not todo or in_this_process(run, len(todo))
    try:
        with bar:
            if in_process:
                for job in todo:
                    try:
                        run_job(job, on_day=lambda: bar.update(1))
                        done(job, None, 0)
                    except Exception as exc:  # one failed replication must not stop the others
                        done(job, exc, 0)
            else:  # absolute folders: a worker may start in another folder
                absolute = [dataclasses.replace(job, folder=job.folder.resolve()) for job in todo]
                with closing(completed(run_job, absolute, run, root)) as finishing:
                    for job, _, exc in finishing:
                        done(job, exc, days_of(job.cfg))
    except KeyboardInterrupt:
        raise Interrupted(jobs, root) from None
    return len(todo), failures


def load_runs(jobs: list[Job]) -> dict[str, dict[str, pd.DataFrame]]:
    """The finished jobs' tables, per label, concatenated in replication order."""
    parts: dict[str, dict[str, list[pd.DataFrame]]] = {}
    for job in sorted(jobs, key=lambda j: j.replication):
        for name, table in output.read_tables(job.folder, RUN_TABLES).items():
            parts.setdefault(job.label, {}).setdefault(name, []).append(table)
    return {label: {name: pd.concat(frames, ignore_index=True) for name, frames in tables.items()}
            for label, tables in parts.items()}


def holds_experiment(name: str) -> Callable[[Path], bool]:
    """For :func:`sim.output.claim`: a folder that holds experiment ``name`` may be continued; one
    that holds another experiment is an error."""
    def resumable(root: Path) -> bool:
        marker = root / "experiment.json"
        if not marker.is_file():
            return False
        held = output.read_json(marker).get("name")
        if held != name:
            raise ExperimentError(f"{root} holds experiment {held!r}, not {name!r}; choose another hydra.run.dir")
        return True
    return resumable


def latest_folder(parent: Path) -> Path:
    """The most recent experiment folder under ``parent`` (folders are named by time)."""
    folders = sorted(p for p in parent.glob("*") if (p / "experiment.json").is_file())
    if not folders:
        raise ExperimentError(f"nothing to resume: no experiment folder under {parent}")
    return folders[-1]


def run_until_precise(configs: dict[str, Config], root: Path, precision: Precision, workers: int,
                      progress: bool, widest: Callable[[dict], float]) -> tuple[list[Job], int, list[str]]:
    """Run ``precision.start`` replications, then more, until ``widest(runs)`` (the widest CI
    half-width) reaches the target or the cap; return the jobs, how many ran, the failures."""
    n, ran = precision.start, 0
    while True:
        jobs = plan(configs, n, root)
        ran_now, failures = run_jobs(jobs, workers, progress)
        ran += ran_now
        if failures:
            return jobs, ran, failures
        half_width = widest(load_runs(jobs))
        more = precision.next_replications(n, half_width)
        print(f"auto: {n} replications, widest 95% CI half-width of {precision.metric} "
              f"{half_width:.4g} (target {precision.half_width:g}; only this metric is watched, the others' "
              f"intervals are as wide as {n} replications make them)", file=sys.stderr)
        if more == n:
            return jobs, ran, []
        n = more
