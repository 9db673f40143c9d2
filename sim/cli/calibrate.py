"""``tradesim calibrate`` (fit declared parameters to observed targets) and ``tradesim validate``
(reported pilot outcomes, never fitted). Both read targets as data (sim.calibration.targets),
run through the job store and resume on the same folder."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sim import claims, output
from sim.calibration.parameters import Parameter, check_ranges, load_parameters, select, value_of
from sim.calibration.points import compose_runs, run_point
from sim.calibration.search import Search
from sim.calibration.targets import TargetSet, load_targets
from sim.cli.errors import UserError
from sim.cli.options import file_option, holds, integer, output_folder, split_options
from sim.compose import ROOT
from sim.report.calibration import calibration_summary, validation_lines

CALIBRATE = ("targets", "params", "trials", "batch", "parameters", "preset", "validation")
VALIDATE = ("targets",)
TARGETS, VALIDATION = ROOT / "calibration" / "targets_2024.yaml", ROOT / "calibration" / "validation_2024.yaml"
PARAMETERS = ROOT / "calibration" / "parameters.yaml"
MARKER = "calibration.json"


@dataclass(frozen=True)
class Request:
    """A checked ``tradesim calibrate`` command."""
    search: Search
    preset: str
    validation: Optional[TargetSet]
    overrides: list[str]

    def marker(self) -> dict:
        """What a folder must hold to be resumed by this command (the trial count may grow)."""
        s = self.search
        return {"kind": "calibration", "targets": s.targets.text, "params": [p.name for p in s.params],
                "batch": s.batch, "seed": s.seed, "start": list(s.start)}


def _validation_set(options: dict, targets: TargetSet) -> Optional[TargetSet]:
    value = options.get("validation", str(targets.validation) if targets.validation else None)
    if value in (None, False, "none"):
        return None
    return load_targets(file_option({"validation": value}, "validation", VALIDATION), need_tolerance=False)


def _start(bases: dict, params: list[Parameter]) -> tuple[float, ...]:
    """The config's own values (the first trial), each inside its declared range."""
    for cfg in bases.values():
        check_ranges(cfg, params, "params")
    first = next(iter(bases.values()))
    start = tuple(value_of(first, p) for p in params)
    for p, value in zip(params, start):
        if not p.low <= value <= p.high:
            raise UserError(f"{p.path}: the calibration starts from the config's value {value:g}, outside the "
                            f"declared range of {p.name} [{p.low:g}, {p.high:g}]")
    return start


def calibration_request(args: list[str]) -> tuple[Request, dict, Optional[dict]]:
    """The checked request, the composed runs of the targets and of the validation targets."""
    from sim.validation import check_name
    options, overrides = split_options(args, CALIBRATE, "calibrate")
    targets = load_targets(file_option(options, "targets", TARGETS))
    declared = load_parameters(file_option(options, "parameters", PARAMETERS))
    params = select(declared, options.get("params", targets.params), "params")
    preset = check_name("preset", options.get("preset", "calibrated_" + targets.name.removeprefix("targets_")))
    validation = _validation_set(options, targets)
    bases = compose_runs(targets, overrides)
    vbases = compose_runs(validation, overrides) if validation else None
    first = next(iter(bases.values()))
    search = Search(targets, params, integer(options, "trials", 60, 1, 10_000), integer(options, "batch", 4, 1, 256),
                    first.run.seed, _start(bases, params))
    return Request(search, preset, validation, overrides), bases, vbases


def cmd_calibrate(args: list[str]) -> int:
    """Check everything, claim the folder, search, then write fit, trials, presets, figure and validation."""
    from sim.calibration.search import run_search
    from sim.sizing import estimate
    request, bases, vbases = calibration_request(args)
    search = request.search
    folder, unique = output_folder(request.overrides, Path("results") / "calibrations" / search.targets.name)
    claim = claims.claim(folder, unique=unique, resumable=holds(MARKER, request.marker(), "calibration"))
    try:
        runs = [*bases.values(), *(vbases or {}).values()]
        claim.require(2 * (search.trials + 1) * sum(estimate(cfg).output for cfg in runs))
        if not claim.resumed:
            output.replace_files(claim.folder, {MARKER: output.to_json(request.marker())})
        started, first = time.time(), next(iter(bases.values()))
        ran, failures = run_search(search, bases, claim.folder, first.run.workers, first.run.progress)
        if failures:
            print(f"tradesim: {len(failures)} run(s) failed; finished trials are kept: the same command with "
                  f"hydra.run.dir={claim.folder} continues the search", file=sys.stderr)
            return 1
        return write_calibration(request, bases, vbases, claim.folder, time.time() - started, ran)
    finally:
        claim.release()


def write_calibration(request: Request, bases: dict, vbases: Optional[dict], folder: Path, wall_s: float,
                      ran: int) -> int:
    """fit, trials, validation, presets, the figure, summary.md and manifest.json, in one atomic step."""
    from sim.calibration.presets import preset_files
    from sim.calibration.search import STUDY, best, close, history
    from sim.compose import preset_choices
    from sim.figures.calibration import calibration_fit
    from sim.figures.replay import png_bytes as png
    search, first = request.search, next(iter(bases.values()))
    number, values, measured = best(search, folder)
    tables = {"fit": search.targets.fit_table(measured), "trials": history(search, folder)}
    if vbases:
        vmeasured, failures, vran = run_point(request.validation, vbases, search.params, list(values.values()),
                                              folder / "validation" / f"{number:04d}", folder)
        ran += vran
        if failures:
            print("tradesim: the validation runs failed; rerun the same command to finish them", file=sys.stderr)
            return 1
        tables["validation"] = request.validation.validation_table(vmeasured)
    run = search.targets.runs[next(iter(bases))]
    header = (f"Calibrated by tradesim calibrate on {time.strftime('%Y-%m-%d')}: targets {search.targets.path.name}, "
              f"best of {search.trials} trials (trial {number}, loss {search.targets.loss(measured):.4g}).")
    choices = preset_choices([f"scenario={run.scenario}", *run.overrides, *request.overrides])
    texts = {**preset_files(first, choices, search.params, values, request.preset, header, request.overrides),
             "figures/calibration.png": png(calibration_fit(tables["fit"], tables["trials"]))}
    text = calibration_summary(request.search, number, tables, sorted(p for p in texts if p.startswith("presets/")))
    texts["summary.md"] = text
    from sim.experiments.replications import seed_manifest
    from sim.manifest import build_manifest
    manifest = build_manifest(first, [], seed_manifest(first), wall_s)
    manifest.update(kind="calibration", targets=str(search.targets.path), trials=search.trials,
                    best_trial=number, best_values=values)
    close(folder)
    output.publish(folder, tables, texts, manifest, keep=(MARKER, STUDY, "trials", "validation", claims.LOCK))
    print(text)
    print(f"results: {folder} ({ran} run(s) computed now; {search.trials} trials)")
    return 0


def cmd_validate(args: list[str]) -> int:
    """``tradesim validate [targets=FILE] [overrides]``: run the validation scenarios, write validation.csv."""
    from sim.experiments.replications import seed_manifest
    from sim.manifest import build_manifest
    from sim.sizing import estimate
    options, overrides = split_options(args, VALIDATE, "validate")
    targets = load_targets(file_option(options, "targets", VALIDATION), need_tolerance=False)
    bases = compose_runs(targets, overrides)
    folder, unique = output_folder(overrides, Path("results") / "validations" / targets.name)
    marker = {"kind": "validation", "targets": targets.text}
    claim = claims.claim(folder, unique=unique, resumable=holds("validation.json", marker, "validation"))
    try:
        claim.require(2 * sum(estimate(cfg).output for cfg in bases.values()))
        if not claim.resumed:
            output.replace_files(claim.folder, {"validation.json": output.to_json(marker)})
        started, first = time.time(), next(iter(bases.values()))
        measured, failures, ran = run_point(targets, bases, [], [], claim.folder, claim.folder)
        if failures:
            print(f"tradesim: {len(failures)} run(s) failed; the others are kept: rerun with "
                  f"hydra.run.dir={claim.folder}", file=sys.stderr)
            return 1
        table = targets.validation_table(measured)
        text = "\n".join([f"# Validation: {targets.name}", "", *validation_lines(table)]) + "\n"
        manifest = build_manifest(first, [], seed_manifest(first), time.time() - started)
        output.publish(claim.folder, {"validation": table}, {"summary.md": text}, {**manifest, "kind": "validation"},
                       keep=("validation.json", "runs", claims.LOCK))
    finally:
        claim.release()
    print(text)
    print(f"results: {claim.folder} ({ran} run(s) computed now)")
    return 0
