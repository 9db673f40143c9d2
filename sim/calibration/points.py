"""Points of parameter space, run through the experiment job store.

A point is one value per declared parameter. Its runs (the target file's runs, or a scenario and
the baseline) are the composed configs with those values set, each for ``run.replications``
replications seeded as always (``SeedSequence(run.seed).spawn(n)[r]``): every point shares its
random numbers with every other point (common random numbers), so differences between points
come from the parameters, not from the draws. Each point's replications are jobs of the job
store in the point's own folder, so a killed search or design resumes without recomputing a
finished replication.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional, Sequence

from sim import output
from sim.calibration.parameters import Parameter, with_values
from sim.calibration.targets import TargetSet
from sim.config import Config, ConfigError
from sim.experiments.jobs import Job, load_runs, plan

MEASURED = "measured.json"  # a point's target values, written once its runs are measured


def compose_runs(target_set: TargetSet, overrides: list[str]) -> dict[str, Config]:
    """Each run of the target file composed and validated: its scenario and overrides, then the
    command line's (which win)."""
    from sim.calendar import Calendar
    from sim.compose import load_config
    configs = {name: load_config([f"scenario={run.scenario}", *run.overrides, *overrides])[0]
               for name, run in target_set.runs.items()}
    for target in target_set.targets.values():
        cfg = configs[target.run]
        where = f"{target_set.path}: targets.{target.name}"
        labels = Calendar(cfg.world.start, cfg.world.horizon_quarters, cfg.world.warmup_days).labels
        for key, given, known in (("quarters", target.quarters, labels),
                                  ("ports", target.ports, list(cfg.world.ports))):
            missing = [g for g in given if g not in known] if isinstance(given, tuple) else []
            if missing:
                raise ConfigError(f"{where}.{key}: {missing[0]!r} is not in run {target.run}; it has "
                                  f"{', '.join(known)}")
        pilot = [target.ports, target.quarters].count("pilot") + (target.ports == "control")
        if pilot and not any(spec.get("rollout") for spec in cfg.policy.values()):
            raise ConfigError(f"{where}: pilot ports or quarters need a rollout, and run {target.run} "
                              f"(scenario {cfg.scenario}) has none")
    return configs


def point_jobs(bases: dict[str, Config], params: list[Parameter], values: Sequence[float], folder: Path,
               replications: Optional[int] = None) -> list[Job]:
    """The jobs of one point: every base run with the values set, in ``folder/runs/<run>/rep_<r>``."""
    configs = {name: with_values(cfg, params, values) for name, cfg in bases.items()}
    reps = replications or next(iter(bases.values())).run.replications
    return plan(configs, reps, folder)


def measure_point(target_set: TargetSet, jobs: list[Job]) -> dict[str, dict[str, float]]:
    """Every target's simulated value, 95% CI and n from the point's finished runs."""
    tables = load_runs(jobs)
    measured = {name: target.measure(tables) for name, target in target_set.targets.items()}
    empty = [name for name, m in measured.items() if m["n"] == 0]
    if empty:
        raise ConfigError(f"{target_set.path}: targets.{empty[0]}: its ports and quarters hold no data in the runs "
                          f"(nothing released or inspected there?)")
    return measured


def run_point(target_set: TargetSet, bases: dict[str, Config], params: list[Parameter], values: Sequence[float],
              folder: Path, root: Path) -> tuple[Optional[dict], list[str], int]:
    """Run one point (resumable) and measure its targets (None after failures, one line each);
    and how many runs were computed now."""
    from sim.experiments.jobs import run_jobs
    first = next(iter(bases.values()))
    jobs = point_jobs(bases, params, values, folder)
    ran, failures = run_jobs(jobs, first.run.workers, first.run.progress, root)
    return (None if failures else measure_point(target_set, jobs)), failures, ran


def save_measured(folder: Path, measured: dict) -> None:
    """Keep a point's measured targets next to its runs (atomic)."""
    output.replace_files(folder, {MEASURED: json.dumps(measured, indent=1, default=float) + "\n"})


def read_measured(folder: Path) -> Optional[dict]:
    path = folder / MEASURED
    return json.loads(path.read_text()) if path.is_file() else None
