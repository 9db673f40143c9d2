"""tradesim calibrate: targets generated from known parameter values are recovered within their
tolerance from a start outside it (synthetic recovery); the calibrated presets reproduce the fit;
a calibration killed with -9 resumes without recomputing a finished trial, to the trials of an
uninterrupted one."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from sim.calibration.parameters import load_parameters, select
from sim.calibration.points import compose_runs, run_point
from sim.calibration.targets import load_targets
from sim.cli import main
from sim.compose import ROOT, load_config
from sim.experiments.replications import run_replication
from tests.calibration_world import TINY

PARAMS = ["prep_h_general_trade", "permit_h"]
TRUTH = [6.5, 16.0]  # the defaults are 4.5 h and 9 h: the start is far from the truth
TEMPLATE = """name: synthetic
params: [prep_h_general_trade, permit_h]
runs:
  base: {{scenario: baseline_2024}}
targets:
  export_release_time: {{run: base, metric: release_time_export_mean_h, value: {export}, tolerance: {export_tol},
                         source: synthetic}}
  import_release_time: {{run: base, metric: release_time_import_mean_h, value: {import_}, tolerance: {import_tol},
                         source: synthetic}}
"""


def write_targets(path: Path, export: float, import_: float) -> Path:
    path.write_text(TEMPLATE.format(export=export, export_tol=0.05 * export, import_=import_,
                                    import_tol=0.05 * import_))
    return path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """Targets (5% tolerance) measured on the tiny world at the known parameter values TRUTH."""
    folder = tmp_path_factory.mktemp("synthetic")
    draft = load_targets(write_targets(folder / "draft.yaml", 1.0, 1.0))
    params = select(load_parameters(ROOT / "calibration" / "parameters.yaml"), PARAMS)
    measured, failures, _ = run_point(draft, compose_runs(draft, TINY), params, TRUTH, folder / "truth", folder)
    assert not failures, failures
    return write_targets(folder / "targets.yaml", measured["export_release_time"]["simulated"],
                         measured["import_release_time"]["simulated"])


def calibrate(targets: Path, folder: Path, trials: int) -> list[str]:
    return ["calibrate", f"targets={targets}", f"trials={trials}", "batch=4", *TINY, f"hydra.run.dir={folder}"]


def test_calibration_recovers_targets_generated_from_known_parameters(synthetic, tmp_path, capsys):
    out = tmp_path / "calibrated"
    assert main(calibrate(synthetic, out, 40)) == 0, "the calibration runs"
    fit, trials = pd.read_csv(out / "fit.csv"), pd.read_csv(out / "trials.csv")
    assert list(fit.columns) == ["target", "definition", "observed", "simulated", "lo", "hi", "tolerance", "within"]
    start = trials.set_index("trial").loc[0]
    assert (start[PARAMS].to_numpy() == [4.5, 9.0]).all(), "trial 0 is the config's own values (the start)"
    z_start = [(start[t] - o) / tol for t, o, tol in zip(fit["target"], fit["observed"], fit["tolerance"])]
    assert max(map(abs, z_start)) > 3, f"the start is far outside the tolerance: {z_start}"
    assert fit["within"].all(), f"every synthetic target is recovered within its tolerance:\n{fit}"
    best = trials.loc[trials["loss"].idxmin()]
    moved = [abs(best[p] - s) / (hi - lo) for p, s, lo, hi in zip(PARAMS, (4.5, 9.0), (2, 4), (8, 24))]
    assert max(moved) > 0.2, f"the calibration moved the parameters (share of the range): {moved}"
    assert best["loss"] < start["loss"] / 20, f"loss {best['loss']:.3g} against {start['loss']:.3g} at the start"
    assert (out / "figures" / "calibration.png").stat().st_size > 10_000, "the figure is drawn"
    presets = [f"{g}={out}/presets/{g}/calibrated_synthetic.yaml" for g in ("world", "population")]
    cfg, _ = load_config([*TINY, *presets])
    again = run_replication(cfg, 0).quarterly
    reproduced = {t: (again[f"{m}"] * again[c]).sum() / again[c].sum() for t, m, c in (
        ("export_release_time", "release_time_export_mean_h", "released_export"),
        ("import_release_time", "release_time_import_mean_h", "released_import"))}
    for row in fit.itertuples():
        assert reproduced[row.target] == pytest.approx(row.simulated, rel=1e-9), \
            f"{row.target}: the calibrated presets reproduce the fit table on the same seeds"


def finished_trials(folder: Path) -> dict[str, int]:
    """Measured trial -> modification time (ns) of its measured.json and its runs' manifests."""
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns
            for pattern in ("trials/*/measured.json", "trials/*/runs/*/rep_*/manifest.json")
            for p in folder.glob(pattern)}


@pytest.mark.slow
def test_a_killed_calibration_resumes_to_the_trials_of_an_uninterrupted_one(synthetic, tmp_path, capsys):
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    assert main(calibrate(synthetic, whole, 8)) == 0, "the uninterrupted calibration runs"
    command = [sys.executable, "-c", "from sim.cli import entry; entry()", *calibrate(synthetic, killed, 8)]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while not (killed / "trials" / "0004" / "runs").exists() and process.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    before = finished_trials(killed)
    assert any(k.endswith("measured.json") for k in before), "killed after the first batch was told"
    assert not (killed / "fit.csv").exists(), "no fit table from an unfinished calibration"
    assert main(calibrate(synthetic, killed, 8)) == 0, "the same command resumes the calibration"
    after = finished_trials(killed)
    assert {k: after[k] for k in before} == before, "finished trials and runs are not recomputed nor rewritten"
    assert not list(killed.rglob(".*partial*")), "what the kill left half-written is cleaned up"
    pd.testing.assert_frame_equal(pd.read_csv(killed / "trials.csv"), pd.read_csv(whole / "trials.csv"),
                                  obj="trials: killed and resumed vs uninterrupted")
    assert main(calibrate(synthetic, killed, 10)) == 0, "more trials continue the same study"
    assert len(pd.read_csv(killed / "trials.csv")) == 10, "two more trials, the first eight kept"
