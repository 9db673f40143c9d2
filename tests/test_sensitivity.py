"""Global sensitivity: Sobol indices of the Ishigami function are recovered within their CIs; Morris
ranks a known dominant parameter first and gives zero to one that does nothing; tradesim
sensitivity on single window ranks the mechanism's parameters above an unrelated behavioural one,
and resumes after kill -9 without recomputing a finished design point."""
from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from sim.calibration.parameters import Parameter
from sim.calibration.sensitivity import design, indices, to_values
from sim.cli import main
from tests.calibration_world import TINY_PILOT

# Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: analytic first-order and total indices (Saltelli et al. 2008)
ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def params(names, low=-math.pi, high=math.pi, prior="uniform"):
    return [Parameter(n, f"world.{n}", low, high, prior=prior, source="test") for n in names]


def test_sobol_recovers_the_ishigami_indices_within_their_confidence_intervals():
    ps = params(["x1", "x2", "x3"])
    unit = design(ps, "sobol", 1024, seed=1)
    assert unit.shape == (1024 * 5, 3), "Saltelli's scheme without second order: N (k + 2) points"
    table = indices(ps, "sobol", unit, ishigami(to_values(ps, unit)), seed=1).set_index("parameter")
    for name in ISHIGAMI_S1:
        for index, truth in (("S1", ISHIGAMI_S1[name]), ("ST", ISHIGAMI_ST[name])):
            estimate, conf = table.at[name, index], table.at[name, f"{index}_conf"]
            assert abs(estimate - truth) <= conf, f"{index}({name}) = {estimate:.3f} +- {conf:.3f}; analytic {truth}"
            assert conf < 0.1, f"{index}({name}): the CI is informative ({conf:.3f})"
    assert list(table.index[:2]) == ["x1", "x2"], "ranked by total index"


def test_morris_ranks_a_dominant_parameter_first_and_an_idle_one_at_zero():
    ps = [*params(["dominant", "minor"], 0.0, 1.0), *params(["idle"], 1.0, 100.0, "loguniform")]
    unit = design(ps, "morris", 10, seed=3)
    x = to_values(ps, unit)
    assert x[:, 2].min() >= 1.0 and x[:, 2].max() <= 100.0, "log-uniform values stay in the declared range"
    y = 10 * x[:, 0] + 0.5 * x[:, 1] ** 2
    table = indices(ps, "morris", unit, y, seed=3)
    assert list(table["parameter"]) == ["dominant", "minor", "idle"], f"ranked by mu*:\n{table}"
    row = table.set_index("parameter")
    assert row.at["dominant", "mu_star"] == pytest.approx(10.0), "a linear effect of 10 over the range"
    assert row.at["dominant", "sigma"] == pytest.approx(0.0, abs=1e-9), "linear: no spread of effects"
    assert row.at["idle", "mu_star"] == 0.0, "a parameter that does nothing has mu* = 0"


def sensitivity(folder, *extra: str) -> list[str]:
    return ["sensitivity", "scenario=single_window", "metric=release_time_mean_h", "method=morris", "n=2",
            "params=[permit_h,reentry_h,prelodge_general_trade,rationality]", *TINY_PILOT, *extra,
            f"hydra.run.dir={folder}"]


def finished_points(folder) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns
            for p in folder.glob("samples/*/runs/*/rep_*/manifest.json")}


@pytest.fixture(scope="module")
def single_window(tmp_path_factory):
    """The sensitivity of single window's release-time effect, tiny world, 4 parameters."""
    folder = tmp_path_factory.mktemp("sensitivity") / "sw"
    assert main(sensitivity(folder, "run.workers=2")) == 0, "the sensitivity analysis runs"
    return folder


@pytest.mark.slow
def test_single_windows_mechanism_outranks_an_unrelated_behavioural_parameter(single_window):
    table = pd.read_csv(single_window / "sensitivity.csv")
    assert list(table.columns[:3]) == ["parameter", "mu_star", "sigma"], "Morris columns"
    mu = table.set_index("parameter")["mu_star"]
    for name in ("permit_h", "reentry_h", "prelodge_general_trade"):
        assert mu[name] > 5 * mu["rationality"], f"{name} (single window's mechanism) outranks rationality:\n{mu}"
    samples = pd.read_csv(single_window / "samples.csv")
    assert len(samples) == 2 * (4 + 1) and samples["outcome"].lt(0).all(), \
        "2 trajectories of 5 points; single window shortens release time at every point"
    assert (single_window / "figures" / "sensitivity.png").stat().st_size > 10_000, "the tornado is drawn"


@pytest.mark.slow
def test_a_killed_sensitivity_analysis_resumes_without_recomputing_a_point(single_window, tmp_path, capsys):
    killed = tmp_path / "killed"
    command = [sys.executable, "-c", "from sim.cli import entry; entry()", *sensitivity(killed)]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while len(finished_points(killed)) < 3 and process.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    before = finished_points(killed)
    assert 3 <= len(before) < 20, f"killed midway: {len(before)} of 20 runs finished"
    assert main(sensitivity(killed)) == 0, "the same command resumes the design"
    assert f"{20 - len(before)} run(s) computed now, {len(before)} already done" in capsys.readouterr().out, \
        "only the missing runs are computed"
    after = finished_points(killed)
    assert {k: after[k] for k in before} == before, "finished runs are not recomputed nor rewritten"
    pd.testing.assert_frame_equal(pd.read_csv(killed / "sensitivity.csv"),
                                  pd.read_csv(single_window / "sensitivity.csv"),
                                  obj="killed and resumed vs uninterrupted (2 workers)")
