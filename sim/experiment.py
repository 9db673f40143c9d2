"""Replications and experiments: seeds from SeedSequence, worker processes, resumable runs.

Replication r always gets ``SeedSequence(run.seed).spawn(...)[r]``, so the same scenario gives
the same tables whatever ``run.workers`` is, and two scenarios share their random numbers
replication by replication (common random numbers).

An experiment runs the baseline and its scenarios x replications as independent jobs, each
written atomically to its own folder ``runs/<scenario>/rep_<r>/``. A job whose folder holds a
manifest is finished and is never recomputed nor overwritten, so running the same experiment
again on the same folder only computes what is missing (after a crash, a kill or a failure).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import numpy as np
import pandas as pd
import yaml
from tqdm import tqdm

from sim import output
from sim.config import Config
from sim.model import RunResult, SupervisionModel
from sim.streams import replication_seeds

RUN_TABLES = ("quarterly", "breakdown", "agents")


def _days(cfg: Config) -> int:
    from sim.calendar import Calendar
    cal = Calendar(cfg.world.start, cfg.world.horizon_quarters, cfg.world.warmup_days)
    return cal.days + cfg.world.warmup_days


def _spawn_pool(workers: int) -> ProcessPoolExecutor:
    # spawn, explicitly: mesa sets it globally on import, and fork is unsafe with threads
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def run_replication(cfg: Config, replication: int, on_day=None) -> RunResult:
    """One replication of ``cfg`` (the seed is derived from run.seed and the index)."""
    seed = replication_seeds(cfg.run.seed, replication + 1)[replication]
    return SupervisionModel(cfg, seed, replication, on_day=on_day).run()


def run_replications(cfg: Config, progress: Optional[bool] = None) -> RunResult:
    """All ``run.replications`` replications, tables concatenated in replication order."""
    reps = range(cfg.run.replications)
    show = cfg.run.progress if progress is None else progress
    bar = tqdm(total=len(reps) * _days(cfg), unit="day", delay=2.0, disable=not show,
               file=sys.stderr, desc=f"{cfg.scenario}")
    with bar:
        if cfg.run.workers == 1 or len(reps) == 1:
            results = [run_replication(cfg, r, on_day=lambda: bar.update(1)) for r in reps]
        else:
            with _spawn_pool(min(cfg.run.workers, len(reps))) as pool:
                futures = [pool.submit(run_replication, cfg, r) for r in reps]
                results = []
                for future in futures:
                    results.append(future.result())
                    bar.update(_days(cfg))
    return RunResult(pd.concat([r.quarterly for r in results], ignore_index=True),
                     pd.concat([r.breakdown for r in results], ignore_index=True),
                     results[0].policies,
                     pd.concat([r.agents for r in results], ignore_index=True))


def seed_manifest(cfg: Config, replications: Optional[list[int]] = None) -> dict:
    """How every replication's seed is derived, for manifest.json (all, or ``replications``)."""
    reps = range(cfg.run.replications) if replications is None else replications
    seqs = replication_seeds(cfg.run.seed, max(reps, default=-1) + 1)
    return {"run_seed": cfg.run.seed, "derivation": "numpy.random.SeedSequence(run.seed).spawn(n)[r]",
            "replications": [{"replication": r, "spawn_key": list(seqs[r].spawn_key),
                              "state": int(seqs[r].generate_state(1, np.uint64)[0])} for r in reps]}


# --------------------------------------------------------------------------- experiments


class ExperimentError(ValueError):
    """A user mistake about an experiment or its folder: one line."""


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
            pool = _spawn_pool(min(workers, len(todo)))
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


# --------------------------------------------------------------------------- definitions

BASELINE = "baseline_2024"
HEADLINE_METRICS = ("release_time_mean_h", "inspection_rate", "hit_rate", "detection_rate",
                    "revenue_leakage", "compliant_inspected")


@dataclass(frozen=True)
class Precision:
    """``run.replications=auto``: add replications until the 95% CI half-width of ``metric``'s
    paired difference (all quarters, ``port_group``) is at most ``half_width`` in every scenario."""
    metric: str = "detection_rate"
    half_width: float = 0.002
    port_group: str = "all"
    start: int = 5
    max_replications: int = 40

    def __post_init__(self):
        from sim.analysis.compare import METRICS
        kinds = {"float": ((int, float), "a number"), "int": (int, "an integer"), "str": (str, "a name")}
        for f in dataclasses.fields(self):
            value, (kind, says) = getattr(self, f.name), kinds[f.type]
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ExperimentError(f"auto.{f.name}: must be {says}; got {value!r}")
        if self.metric not in METRICS:
            raise ExperimentError(f"auto.metric: unknown metric {self.metric!r}; metrics: {', '.join(METRICS)}")
        if self.port_group not in ("all", "pilot", "control"):
            raise ExperimentError(f"auto.port_group: must be all, pilot or control; got {self.port_group!r}")
        if not 2 <= self.start <= self.max_replications:
            raise ExperimentError(f"auto.start must be at least 2 and at most auto.max_replications "
                                  f"({self.max_replications}); got {self.start}")
        if not self.half_width > 0:
            raise ExperimentError(f"auto.half_width must be > 0; got {self.half_width}")

    def next_replications(self, n: int, widest: float) -> int:
        """How many replications to have next (``n`` when precise enough or at the cap): the
        half-width shrinks like 1 / sqrt(n)."""
        if not widest > self.half_width or n >= self.max_replications:
            return n
        needed = n * (widest / self.half_width) ** 2 if np.isfinite(widest) else n + 1
        return min(self.max_replications, max(n + 1, int(np.ceil(needed))))


@dataclass(frozen=True)
class Experiment:
    """Which scenarios to compare with the baseline, how often, on which metrics."""
    name: str
    scenarios: tuple[str, ...]
    question: str = ""
    baseline: str = BASELINE
    replications: Optional[int] = None  # None: run.replications (or auto)
    metrics: tuple[str, ...] = HEADLINE_METRICS
    primary_metric: Optional[str] = None  # declared before the results: tested unadjusted, the rest BH
    overrides: tuple[str, ...] = ()     # Hydra overrides for every run (before the command's)
    grid: tuple[tuple[str, tuple], ...] = ()  # override key -> values: one variant per combination
    auto: Optional[Precision] = None     # set: replications are added until precise enough


def _listed(data: dict, key: str, where: str, default: tuple = ()) -> tuple:
    value = data.get(key, default)
    if isinstance(value, (str, int, float)):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise ExperimentError(f"{where}: {key} must be a list; got {value!r}")
    return tuple(value)


def parse_experiment(data: dict, where: str) -> Experiment:
    """An :class:`Experiment` from its YAML mapping; unknown keys and bad values are errors."""
    from sim.analysis.compare import METRICS
    fields = {f.name for f in dataclasses.fields(Experiment)}
    unknown = sorted(set(data) - fields)
    if unknown:
        raise ExperimentError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(fields))}")
    metrics = _listed(data, "metrics", where, HEADLINE_METRICS)
    bad = [m for m in metrics if m not in METRICS]
    if bad:
        raise ExperimentError(f"{where}: unknown metric {bad[0]!r}; metrics: {', '.join(METRICS)}")
    primary = data.get("primary_metric")
    if primary is not None and primary not in METRICS:
        raise ExperimentError(f"{where}: primary_metric: unknown metric {primary!r}; metrics: {', '.join(METRICS)}")
    reps = data.get("replications")
    if reps is not None and reps != "auto" and not (isinstance(reps, int) and reps >= 1):
        raise ExperimentError(f"{where}: replications must be a positive integer or auto; got {reps!r}")
    try:
        auto = Precision(**(data.get("auto") or {})) if reps == "auto" or data.get("auto") else None
    except TypeError as exc:
        raise ExperimentError(f"{where}: auto: {exc}") from None
    grid = data.get("grid") or {}
    return Experiment(name=str(data.get("name") or where), question=str(data.get("question", "")).strip(),
                      scenarios=_listed(data, "scenarios", where), baseline=data.get("baseline", BASELINE),
                      replications=None if reps == "auto" else reps, metrics=metrics, primary_metric=primary,
                      overrides=tuple(str(o) for o in _listed(data, "overrides", where)),
                      grid=tuple((str(k), _listed(grid, k, f"{where}: grid")) for k in grid), auto=auto)


def available_experiments(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yaml"))


def load_experiment(folder: Path, name: str) -> Experiment:
    """The experiment ``experiments/<name>.yaml``."""
    path = folder / f"{name}.yaml"
    if not path.is_file():
        raise ExperimentError(f"no experiment named {name!r}; available: "
                              f"{', '.join(available_experiments(folder)) or 'none'}")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ExperimentError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise ExperimentError(f"{path}: must be a mapping of name, question, scenarios, ...")
    return parse_experiment(data, f"experiment {name}")


def check_scenarios(exp: Experiment, scenarios_dir: Path) -> None:
    """Every scenario the experiment names must exist in ``scenarios/``."""
    if not exp.scenarios:
        raise ExperimentError(f"experiment {exp.name}: lists no scenarios to compare")
    for name in (exp.baseline, *exp.scenarios):
        if not (scenarios_dir / f"{name}.yaml").is_file():
            known = ", ".join(sorted(p.stem for p in scenarios_dir.glob("*.yaml")))
            raise ExperimentError(f"experiment {exp.name}: scenario {name!r} does not exist "
                                  f"(no scenarios/{name}.yaml); available: {known}")


def variants(exp: Experiment) -> dict[str, list[str]]:
    """Label -> Hydra overrides of each run family: the baseline, then every scenario (times
    every combination of the grid, labelled ``scenario__key=value__...``)."""
    combos: list[list[tuple[str, object]]] = [[]]
    for key, values in exp.grid:
        combos = [combo + [(key, value)] for combo in combos for value in values]
    out = {exp.baseline: [f"scenario={exp.baseline}", *exp.overrides]}
    for scenario in exp.scenarios:
        for combo in combos:
            label = "__".join([scenario] + [f"{key.rsplit('.', 1)[-1]}={value}" for key, value in combo])
            out[label] = [f"scenario={scenario}", *exp.overrides, *(f"{k}={v}" for k, v in combo)]
    return out


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
              f"{half_width:.4g} (target {precision.half_width:g}; only this metric is watched, the others' "
              f"intervals are as wide as {n} replications make them)", file=sys.stderr)
        if more == n:
            return jobs, ran, []
        n = more
