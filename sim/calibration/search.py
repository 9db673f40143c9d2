"""The calibration search: Optuna's TPE over the declared ranges, trials run through the job store.

The study lives in the output folder (``study.db``, SQLite), so the search resumes: a trial that
was asked but not told when the process died is evaluated again from its runs on disk (finished
replications are not recomputed) and told, and the search goes on from there. Trials are asked
in batches of a fixed size (``batch``) whose runs go to the worker pool together; the sampler of
each batch is seeded with ``seed + trials so far``, so the same command gives the same trials
whatever the number of workers and wherever it was interrupted. The first trial is the config's
own values (the start). Loss: :meth:`sim.calibration.targets.TargetSet.loss`.
"""
from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.calibration.parameters import Parameter
from sim.calibration.points import measure_point, point_jobs, read_measured, save_measured
from sim.calibration.targets import TargetSet
from sim.config import Config

STUDY = "study.db"
STUDY_NAME = "calibration"


@dataclass(frozen=True)
class Search:
    """What to calibrate: targets, parameters, how many trials in batches of what size."""
    targets: TargetSet
    params: list[Parameter]
    trials: int
    batch: int
    seed: int
    start: tuple[float, ...]


def trial_folder(root: Path, number: int) -> Path:
    return root / "trials" / f"{number:04d}"


@functools.lru_cache(maxsize=4)
def _storage(path: str):
    import optuna
    return optuna.storages.RDBStorage(f"sqlite:///{path}")


def _study(root: Path, seed: int, sampled: int):
    """The study in ``root`` (created if new), with a TPE sampler seeded for the next batch."""
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler = optuna.samplers.TPESampler(seed=seed + sampled, multivariate=True, constant_liar=True)
    return optuna.create_study(storage=_storage(str(root.resolve() / STUDY)), study_name=STUDY_NAME,
                               sampler=sampler, direction="minimize", load_if_exists=True)


def close(root: Path) -> None:
    """Close the study's database (before the folder is published)."""
    storage = _storage(str(root.resolve() / STUDY))
    storage.engine.dispose()
    _storage.cache_clear()


def _pending(study) -> list:
    from optuna.trial import TrialState
    return study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))


def _evaluate(search: Search, bases: dict[str, Config], root: Path, trials: list, workers: int,
              progress: bool) -> tuple[int, list[str]]:
    """Run the trials' points (one pool for all), measure and tell them; return how many runs were
    computed (the others were on disk) and the failures."""
    from sim.experiments.jobs import run_jobs
    jobs = {t.number: point_jobs(bases, search.params, [t.params[p.name] for p in search.params],
                                 trial_folder(root, t.number)) for t in trials}
    ran, failures = run_jobs([job for js in jobs.values() for job in js], workers, progress, root)
    if failures:
        return ran, failures
    study = _study(root, search.seed, 0)
    for number, trial_jobs in jobs.items():
        measured = read_measured(trial_folder(root, number)) or measure_point(search.targets, trial_jobs)
        save_measured(trial_folder(root, number), measured)
        study.tell(number, search.targets.loss(measured), skip_if_finished=True)
    return ran, []


def run_search(search: Search, bases: dict[str, Config], root: Path, workers: int,
               progress: bool) -> tuple[int, list[str]]:
    """Evaluate trials until ``search.trials`` are told; return how many runs were computed now
    and the failures (then the trials that failed stay open and the same command continues them)."""
    computed = 0
    distributions = {p.name: p.distribution() for p in search.params}
    while True:
        study = _study(root, search.seed, 0)
        open_trials = _pending(study)
        if not open_trials:
            sampled = len(study.trials)
            if sampled >= search.trials:
                return computed, []
            study = _study(root, search.seed, sampled)
            if sampled == 0:
                study.enqueue_trial(dict(zip(distributions, search.start)))
            open_trials = [study.ask(distributions) for _ in range(min(search.batch, search.trials - sampled))]
        ran, failures = _evaluate(search, bases, root, open_trials, workers, progress)
        computed += ran
        if failures:
            return computed, failures
        best = _study(root, search.seed, 0).best_trial
        print(f"calibrate: {min(len(study.trials), search.trials)} of {search.trials} trials; best loss "
              f"{best.value:.4g} (trial {best.number})", file=sys.stderr)


def history(search: Search, root: Path) -> pd.DataFrame:
    """trials.csv: one row per told trial: trial, loss, each parameter, each target's simulated value."""
    from optuna.trial import TrialState
    study = _study(root, search.seed, 0)
    rows = []
    for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        measured = read_measured(trial_folder(root, t.number)) or {}
        rows.append({"trial": t.number, "loss": t.value, **{p.name: t.params[p.name] for p in search.params},
                     **{f"{name}": m["simulated"] for name, m in measured.items()}})
    table = pd.DataFrame(rows).sort_values("trial").reset_index(drop=True)
    table["best_so_far"] = table["loss"].cummin()
    return table


def best(search: Search, root: Path) -> tuple[int, dict[str, float], dict]:
    """The best trial: its number, parameter values and measured targets."""
    trial = _study(root, search.seed, 0).best_trial
    return trial.number, {p.name: trial.params[p.name] for p in search.params}, \
        read_measured(trial_folder(root, trial.number))
