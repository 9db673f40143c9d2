"""``tradesim sensitivity scenario=X metric=Y method=morris|sobol n=N``: which declared parameters
drive a scenario's effect (paired against the baseline on common random numbers) or a baseline
metric. Every design point is a set of jobs in the job store: parallel, resumable."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

from sim import claims, output
from sim.analysis.targets import EFFECTS, METRICS, PLACES
from sim.calibration.parameters import check_ranges, load_parameters, select
from sim.calibration.sensitivity import METHODS, Outcome
from sim.cli.calibrate import PARAMETERS
from sim.cli.errors import UserError
from sim.cli.options import choice, file_option, holds, integer, output_folder, split_options
from sim.compose import ROOT, load_config
from sim.experiments.definitions import BASELINE
from sim.report.calibration import sensitivity_summary

OPTIONS = ("scenario", "baseline", "metric", "method", "n", "params", "parameters", "levels", "ports", "quarters",
           "effect")
MARKER = "sensitivity.json"
DEFAULT_N = {"morris": 10, "sobol": 64}


def _scenario(options: dict, key: str, default=None):
    from sim.validation import check_name
    name = options.get(key, default)
    if name is None:
        return None
    check_name(key, name)
    if not (ROOT / "scenarios" / f"{name}.yaml").is_file():
        known = ", ".join(sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml")))
        raise UserError(f"{key}: no scenario named {name!r}; scenarios: {known}")
    return name


def sensitivity_request(args: list[str]):
    """The checked request: design settings, the outcome, the parameters, the composed runs."""
    options, overrides = split_options(args, OPTIONS, "sensitivity")
    if "metric" not in options:
        raise UserError(f"metric: required (the quarterly metric whose effect is analysed); metrics: "
                        f"{', '.join(METRICS)}")
    metric = choice(options, "metric", tuple(METRICS))
    method = choice(options, "method", METHODS, "morris")
    n = integer(options, "n", DEFAULT_N[method], 2, 100_000)
    levels = integer(options, "levels", 4, 2, 20)
    baseline, scenario = _scenario(options, "baseline", BASELINE), _scenario(options, "scenario")
    scenario = None if scenario == baseline else scenario
    place = "pilot" if scenario else "all"
    outcome = Outcome(metric, baseline, scenario, choice(options, "ports", PLACES, place),
                      choice(options, "quarters", ("all", "pilot"), place), choice(options, "effect", tuple(EFFECTS),
                                                                                   "difference"))
    params = select(load_parameters(file_option(options, "parameters", PARAMETERS)), options.get("params"))
    bases = {name: load_config([f"scenario={name}", *overrides])[0] for name in filter(None, (baseline, scenario))}
    if scenario and not any(spec.get("rollout") for spec in bases[scenario].policy.values()) and "pilot" in \
            (outcome.ports, outcome.quarters):
        raise UserError(f"scenario: {scenario} has no rollout, so no pilot ports or quarters; set ports=all "
                        f"quarters=all")
    for cfg in bases.values():
        check_ranges(cfg, params, "params")
    design = {"kind": "sensitivity", "method": method, "n": n, "levels": levels, "params": [p.name for p in params],
              "baseline": baseline, "scenario": scenario, "seed": bases[baseline].run.seed}
    return design, outcome, params, bases, overrides


def cmd_sensitivity(args: list[str]) -> int:
    """Check, claim the folder, run the design's missing jobs, then write the indices and the figure."""
    from sim.calibration.sensitivity import design as draw
    from sim.calibration.sensitivity import design_jobs, to_values
    from sim.experiments.jobs import run_jobs
    from sim.sizing import estimate
    design, outcome, params, bases, overrides = sensitivity_request(args)
    unit = draw(params, design["method"], design["n"], design["seed"], design["levels"])
    folder, unique = output_folder(overrides, Path("results") / "sensitivity" / (outcome.scenario or outcome.baseline))
    claim = claims.claim(folder, unique=unique, resumable=holds(MARKER, design, "sensitivity design"))
    try:
        claim.require(2 * len(unit) * sum(estimate(cfg).output for cfg in bases.values()))
        if not claim.resumed:
            output.replace_files(claim.folder, {MARKER: output.to_json(design)})
        first, started = bases[outcome.baseline], time.time()
        values = to_values(params, unit)
        points = design_jobs(bases, params, values, claim.folder)
        print(f"sensitivity: {len(points)} points x {len(bases)} run(s) x {first.run.replications} replication(s)",
              file=sys.stderr)
        ran, failures = run_jobs([job for jobs in points for job in jobs], first.run.workers, first.run.progress,
                                 claim.folder)
        if failures:
            print(f"tradesim: {len(failures)} run(s) failed; the others are kept: the same command with "
                  f"hydra.run.dir={claim.folder} computes only the missing ones", file=sys.stderr)
            return 1
        text = write_sensitivity(design, outcome, params, unit, values, points, claim.folder, time.time() - started)
        print(text)
        print(f"results: {claim.folder} ({ran} run(s) computed now, {sum(map(len, points)) - ran} already done)")
        return 0
    finally:
        claim.release()


def write_sensitivity(design: dict, outcome: Outcome, params, unit, values, points, folder: Path, wall_s: float) -> str:
    """sensitivity.csv, samples.csv, the figure, summary.md and manifest.json, in one atomic step."""
    import numpy as np

    from sim.calibration.sensitivity import indices, outcomes
    from sim.experiments.replications import seed_manifest
    from sim.figures.calibration import sensitivity_bars
    from sim.figures.replay import png_bytes as png
    from sim.manifest import build_manifest
    y = outcomes(points, outcome)
    if not np.isfinite(y).all():
        raise UserError(f"metric: {outcome.metric} has no value at {int((~np.isfinite(y)).sum())} point(s) (nothing "
                        f"in the chosen ports and quarters?); the runs are kept in {folder}")
    table = indices(params, design["method"], unit, y, design["seed"], design["levels"])
    samples = pd.DataFrame(values, columns=[p.name for p in params]).assign(outcome=y)
    samples.insert(0, "point", range(len(samples)))
    what = (f"{outcome.effect} effect of {outcome.scenario} vs {outcome.baseline}" if outcome.scenario
            else f"{outcome.baseline}")
    text = sensitivity_summary(design, outcome, what, table)
    figure = png(sensitivity_bars(table, design["method"], outcome.metric, "effect" if outcome.scenario else "level"))
    first = points[0][0].cfg
    manifest = build_manifest(first, [], seed_manifest(first), wall_s)
    manifest.update(kind="sensitivity", **{k: v for k, v in design.items() if k != "kind"}, metric=outcome.metric,
                    outcome=what, ports=outcome.ports, quarters=outcome.quarters)
    output.publish(folder, {"sensitivity": table, "samples": samples}, {"summary.md": text,
                   "figures/sensitivity.png": figure}, manifest, keep=(MARKER, "samples", claims.LOCK))
    return text
