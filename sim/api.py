"""The Python API: one call per task, for notebooks and scripts; every result is pandas DataFrames.

    import sim
    tables = sim.run("inspection_targeting", overrides=["run=smoke"])       # in memory
    tables["quarterly"].groupby("scenario")["release_time_mean_h"].mean()
    effects = sim.compare(["inspection_targeting"], overrides=["run=smoke"])  # in memory
    effects["comparison"]                                                   # paired differences
    saved = sim.load("results/experiments/reform_levers/2026-01-01_10-00-00")  # what the CLI wrote

Scenarios are library names or paths to your own .yaml files; ``overrides`` are the CLI's
``key=value`` arguments. A mistake raises :class:`sim.config.ConfigError` with the CLI's one-line
message, before anything runs. Progress bars use ``tqdm.auto`` (a widget in Jupyter).
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim.compose import SCENARIO_DIR, load_config
from sim.experiments.definitions import check_scenarios, parse_experiment, variants
from sim.experiments.replications import run_replications


def run(scenario: str = "baseline_2024", overrides: Sequence[str] = (), progress: bool | None = None
        ) -> dict[str, pd.DataFrame]:
    """Run ``scenario`` for ``run.replications`` replications, in memory (nothing is written).

    Args:
        scenario: A library scenario (``tradesim list scenarios``) or a path to a .yaml file.
        overrides: Hydra overrides as on the command line, e.g. ``["run=smoke", "run.replications=3"]``.
        progress: Show a progress bar (default: the config's ``run.progress``).

    Returns:
        ``quarterly``, ``breakdown``, ``agents`` and ``policies`` (the policies in force), as DataFrames.

    """
    cfg, _ = load_config([f"scenario={scenario}", *overrides])
    result = run_replications(cfg, progress)
    return {"quarterly": result.quarterly, "breakdown": result.breakdown, "agents": result.agents,
            "policies": pd.DataFrame(result.policies)}


def compare(scenarios: Sequence[str], overrides: Sequence[str] = (), baseline: str = "baseline_2024",
            progress: bool | None = None) -> dict[str, pd.DataFrame]:
    """Run the baseline and each scenario on common random numbers, in memory, and evaluate them
    as ``tradesim compare scenarios=[...]`` does (without its placebo run on other seeds and
    without writing a folder: use the CLI for long experiments, then :func:`load`).

    Args:
        scenarios: Library scenarios or paths to .yaml files.
        overrides: Hydra overrides applied to every run.
        baseline: The scenario the others are compared against.
        progress: Show a progress bar per scenario.

    Returns:
        ``comparison`` (paired differences with 95% CIs and findings), ``did``, ``observed_vs_true``,
        ``crn_gain``, and every run's ``quarterly`` and ``breakdown`` stacked.

    """
    from sim.analysis.evaluation import evaluate
    exp = parse_experiment({"scenarios": list(scenarios), "baseline": baseline}, "sim.compare")
    check_scenarios(exp, SCENARIO_DIR)
    runs = {}
    for label, own in variants(exp).items():
        result = run_replications(load_config([*own, *overrides])[0], progress)
        runs[label] = {"quarterly": result.quarterly, "breakdown": result.breakdown}
    tables, _ = evaluate(runs, exp.baseline, list(exp.metrics), exp.primary_metric)
    return tables


def load(folder: str | Path) -> dict[str, pd.DataFrame]:
    """The saved tables of a run, sweep or comparison folder (``quarterly``, ``breakdown``,
    ``agents``, ``comparison``, ``did``, whichever it holds), as DataFrames."""
    from sim.report.build import load_tables
    if not Path(folder).is_dir():
        raise FileNotFoundError(f"{folder}: no such folder")
    return load_tables(Path(folder))
