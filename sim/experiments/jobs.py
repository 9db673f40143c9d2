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
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import pandas as pd
import yaml
from tqdm import tqdm

from sim import output
from sim.config import Config
from sim.experiments.definitions import ExperimentError, Precision
from sim.experiments.replications import run_replication, seed_manifest, spawn_pool

RUN_TABLES = ("quarterly", "breakdown", "agents")


@dataclass(frozen=True)
class Job:
    """One replication of one scenario (a label: a scenario, or a scenario with overrides)."""
    label: str
    cfg: Config
    replication: int
    folder: Path


def fingerprint(cfg: Config) -> str:
    """A hash of everything that determines a replication's tables (not how many replications
    or processes ran them)."""
    neutral = dataclasses.replace(cfg, run=dataclasses.replace(cfg.run, replications=1, workers=1,
                                                                progress=False))
    text = json.dumps(dataclasses.asdict(neutral), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan(configs: dict[str, Config], replications: int, root: Path) -> list[Job]:
    """Every label x replication, each with its folder ``root/runs/<label>/rep_<r>``."""
    return [Job(label, cfg, r, root / "runs" / label / f"rep_{r}")
            for r in range(replications) for label, cfg in configs.items()]


def finished(job: Job) -> bool:
    """Whether ``job`` already has results; they must come from the same settings."""
    manifest = job.folder / "manifest.json"
    if not manifest.exists():
        return False
    done = output.read_json(manifest).get("config_fingerprint")
    if done != fingerprint(job.cfg):
        raise ExperimentError(f"{job.folder} was computed with other settings than this command's; "
                              f"resume with the same overrides, or choose another hydra.run.dir")
    return True


def run_job(job: Job) -> float:
    """Run one replication and write its folder atomically; return the wall time in seconds."""
    from sim.manifest import build_manifest
    started = time.time()
    result = run_replication(job.cfg, job.replication)
    tables = {"quarterly": result.quarterly, "breakdown": result.breakdown}
    if job.cfg.run.agent_snapshots:
        tables["agents"] = result.agents
    wall = time.time() - started
    manifest = build_manifest(job.cfg, result.policies, seed_manifest(job.cfg, [job.replication]), wall)
    manifest.update(label=job.label, replication=job.replication, config_fingerprint=fingerprint(job.cfg))
    config = yaml.safe_dump(dataclasses.asdict(job.cfg), sort_keys=False)
    output.write_folder(job.folder, tables, {"config.yaml": config,
                                             "manifest.json": output.to_json(manifest)})
    return wall


def _failure(job: Job, exc: BaseException) -> str:
    message = (str(exc).splitlines() or [""])[0]
    return f"run {job.label} rep_{job.replication} failed: {type(exc).__name__}: {message}"


def run_jobs(jobs: list[Job], workers: int, progress: bool) -> tuple[int, list[str]]:
    """Run the jobs that are not finished yet; return how many ran and one line per failure.

    A failing job is reported at once on stderr and the others still run."""
    for folder in {job.folder.parent for job in jobs}:
        output.remove_partial(folder)
    todo = [job for job in jobs if not finished(job)]
    failures: list[str] = []
    bar = tqdm(total=len(jobs), initial=len(jobs) - len(todo), unit="run", disable=not progress,
               file=sys.stderr, desc="experiment")

    def done(job: Job, exc: Optional[BaseException]) -> None:
        if exc is not None:
            failures.append(_failure(job, exc))
            bar.write(f"tradesim: {failures[-1]}", file=sys.stderr)
        bar.update(1)

    with bar:
        if workers == 1 or len(todo) <= 1:
            for job in todo:
                try:
                    run_job(job)
                    done(job, None)
                except Exception as exc:  # one failed replication must not stop the others
                    done(job, exc)
        else:
            pool = spawn_pool(min(workers, len(todo)))
            try:
                futures = {pool.submit(run_job, job): job for job in todo}
                for future in as_completed(futures):
                    done(futures[future], future.exception())
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    return len(todo), failures


def load_runs(jobs: list[Job]) -> dict[str, dict[str, pd.DataFrame]]:
    """The finished jobs' tables, per label, concatenated in replication order."""
    parts: dict[str, dict[str, list[pd.DataFrame]]] = {}
    for job in sorted(jobs, key=lambda j: j.replication):
        for name, table in output.read_tables(job.folder, RUN_TABLES).items():
            parts.setdefault(job.label, {}).setdefault(name, []).append(table)
    return {label: {name: pd.concat(frames, ignore_index=True) for name, frames in tables.items()}
            for label, tables in parts.items()}


def open_folder(root: Path, name: str, must_exist: bool) -> bool:
    """Check ``root`` can hold experiment ``name``; True when it resumes an earlier one."""
    marker = root / "experiment.json"
    output.remove_partial(root)
    if marker.is_file():
        held = output.read_json(marker).get("name")
        if held != name:
            raise ExperimentError(f"{root} holds experiment {held!r}, not {name!r}; "
                                  f"choose another hydra.run.dir")
        return True
    if must_exist:
        raise ExperimentError(f"nothing to resume: {root} holds no experiment")
    try:
        output.check_free(root)
    except output.OutputExists as exc:
        raise ExperimentError(str(exc)) from None
    return False


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
              f"{half_width:.4g} (target {precision.half_width:g})", file=sys.stderr)
        if more == n:
            return jobs, ran, []
        n = more
