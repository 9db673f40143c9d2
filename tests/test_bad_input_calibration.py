"""Bad input to calibrate, validate, sensitivity, compare uncertainty=K and calibrated preset files:
exit 2, one ``tradesim: error:`` line naming the key, before any work, nothing written
(tests/badinput.py)."""
from __future__ import annotations

import pytest

from tests.badinput import refused

GOOD_TARGETS = """name: t
runs:
  base: {scenario: baseline_2024}
targets:
  export: {run: base, metric: release_time_export_mean_h, value: 8.0, tolerance: 0.4, source: test}
"""
GOOD_PARAMETER = "  permit_h: {path: world.service.permit_h, low: 4, high: 24, source: test}\n"


def case(argv, key, *allowed, targets=None, parameters=None, id):
    return pytest.param(argv, key, allowed, targets, parameters, id=id)


def bad_parameter(key, allowed, old, new, id):
    """A parameters file whose one parameter has ``old`` replaced by ``new``."""
    return case(["calibrate", "PARAMETERS", "params=[permit_h]"], key, allowed,
                parameters=GOOD_PARAMETER.replace(old, new), id=id)


CASES = [
    case(["calibrate", "targets=nothing.yaml"], "targets", "path", id="calibrate-no-targets-file"),
    case(["calibrate", "params=[nope]"], "params", "declared", id="calibrate-unknown-param"),
    case(["calibrate", "params=[permit_h,permit_h]"], "params", "once", id="calibrate-param-twice"),
    case(["calibrate", "trials=0"], "trials", "[1, 10000]", id="calibrate-zero-trials"),
    case(["calibrate", "batch=many"], "batch", "integer", id="calibrate-batch-text"),
    case(["calibrate", "preset=../evil"], "preset", "plain name", id="calibrate-preset-path"),
    case(["calibrate", "scenario=single_window"], "scenario", "options", id="calibrate-scenario"),
    case(["calibrate", "validation=nothing.yaml"], "validation", "path", id="calibrate-no-validation-file"),
    case(["calibrate", "population.trader.reentry_h=5.0"], "population.trader.reentry_h", "declared range",
         id="calibrate-start-outside-range"),
    case(["calibrate", "world.bogus=1"], "world.bogus", "allowed", id="calibrate-bad-override"),
    case(["calibrate", "trials"], "trials", "key=value", id="calibrate-option-without-value"),
    case(["calibrate", "TARGETS"], "bogus", "allowed", targets=GOOD_TARGETS + "bogus: 1\n", id="targets-unknown-key"),
    case(["calibrate", "TARGETS"], "tolerance", "> 0", targets=GOOD_TARGETS.replace("tolerance: 0.4", "tolerance: 0"),
         id="targets-zero-tolerance"),
    case(["calibrate", "TARGETS"], "tolerance", "tolerance", targets=GOOD_TARGETS.replace(" tolerance: 0.4,", ""),
         id="targets-no-tolerance"),
    case(["calibrate", "TARGETS"], "metric", "release_time_mean_h",
         targets=GOOD_TARGETS.replace("release_time_export_mean_h", "release_tme"), id="targets-unknown-metric"),
    case(["calibrate", "TARGETS"], "run", "base", targets=GOOD_TARGETS.replace("run: base", "run: other"),
         id="targets-unknown-run"),
    case(["calibrate", "TARGETS"], "quarters", "2024Q4",
         targets=GOOD_TARGETS.replace("source: test}", "source: test, quarters: [2031Q1]}"), id="targets-quarter"),
    case(["calibrate", "TARGETS"], "ports", "seaport",
         targets=GOOD_TARGETS.replace("source: test}", "source: test, ports: [moonport]}"), id="targets-port"),
    case(["calibrate", "TARGETS"], "rollout", "pilot",
         targets=GOOD_TARGETS.replace("source: test}", "source: test, ports: pilot}"), id="targets-pilot-no-rollout"),
    case(["calibrate", "TARGETS"], "split", "business_model",
         targets=GOOD_TARGETS.replace("source: test}", "source: test, split: {color: red}}"), id="targets-split"),
    case(["calibrate", "TARGETS"], "effect", "baseline",
         targets=GOOD_TARGETS.replace("source: test}", "source: test, effect: relative}"), id="targets-effect"),
    case(["calibrate", "TARGETS"], "_target_", "run code",
         targets=GOOD_TARGETS.replace("source: test}", "source: test, _target_: os.system}"),
         id="targets-instantiation"),
    case(["calibrate", "TARGETS"], "overrides", "may set only",
         targets=GOOD_TARGETS.replace("{scenario: baseline_2024}", "{scenario: baseline_2024, overrides: "
                                      "[hydra.run.dir=/tmp/x]}"), id="targets-hydra-override"),
    case(["calibrate", "TARGETS"], "not valid YAML", "line", targets="runs: [unclosed\n", id="targets-bad-yaml"),
    bad_parameter("high", "above low", "high: 24", "high: 2", "parameters-high-below-low"),
    bad_parameter("low", "loguniform", "low: 4,", "low: 0, prior: loguniform,", "parameters-log-zero"),
    bad_parameter("prior", "uniform", "low: 4,", "low: 4, prior: normal,", "parameters-prior"),
    bad_parameter("path", "world or population", "world.service.permit_h", "hydra.run.dir", "parameters-path"),
    bad_parameter("source", "source", ", source: test", "", "parameters-no-source"),
    bad_parameter("permit_h.high", "720", "high: 24", "high: 1000000", "parameters-range-beyond-schema"),
    bad_parameter("population.enterprises", "real", "world.service.permit_h", "population.enterprises",
                  "parameters-integer-setting"),
    bad_parameter("world.service.permit_hours", "no such key", "world.service.permit_h",
                  "world.service.permit_hours", "parameters-unknown-key"),
    case(["validate", "targets=nothing.yaml"], "targets", "path", id="validate-no-targets-file"),
    case(["validate", "trials=3"], "trials", "allowed", id="validate-unknown-option"),
    case(["sensitivity", "scenario=single_window"], "metric", "release_time_mean_h", id="sensitivity-no-metric"),
    case(["sensitivity", "metric=release_tme"], "metric", "release_time_mean_h", id="sensitivity-unknown-metric"),
    case(["sensitivity", "metric=hit_rate", "method=lhs"], "method", "morris, sobol", id="sensitivity-method"),
    case(["sensitivity", "metric=hit_rate", "n=1"], "n", "[2, 100000]", id="sensitivity-n"),
    case(["sensitivity", "metric=hit_rate", "scenario=moon"], "scenario", "single_window", id="sensitivity-scenario"),
    case(["sensitivity", "metric=hit_rate", "params=[nope]"], "params", "declared", id="sensitivity-param"),
    case(["sensitivity", "metric=hit_rate", "ports=harbour"], "ports", "all, pilot, control", id="sensitivity-ports"),
    case(["sensitivity", "metric=hit_rate", "effect=ratio"], "effect", "relative", id="sensitivity-effect"),
    case(["sensitivity", "metric=hit_rate", "-m"], "-m", "options", id="sensitivity-multirun"),
    case(["compare", "scenarios=[single_window]", "uncertainty=1"], "uncertainty", "[2, 1000]",
         id="compare-one-parameter-set"),
    case(["compare", "scenarios=[single_window]", "params=[permit_h]"], "params", "uncertainty=K",
         id="compare-params-without-uncertainty"),
    case(["compare", "scenarios=[single_window]", "uncertainty=3", "run.replications=auto"], "uncertainty", "auto",
         id="compare-uncertainty-auto"),
    case(["compare", "scenarios=[single_window]", "uncertainty=3", "params=[nope]"], "params", "declared",
         id="compare-uncertainty-unknown-param"),
    case(["run", "world=nothing.yaml"], "world", "plain name", id="preset-file-missing"),
    case(["run", "population=PRESET"], "defaults", "configs/population", id="preset-file-foreign-defaults"),
]


@pytest.mark.parametrize("argv, key, allowed, targets, parameters", CASES)
def test_bad_calibration_input_is_refused_in_one_line(capsys, tmp_path, argv, key, allowed, targets, parameters):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "targets.yaml").write_text(targets or GOOD_TARGETS)
    (inputs / "parameters.yaml").write_text("parameters:\n" + (parameters or GOOD_PARAMETER))
    (inputs / "preset.yaml").write_text("defaults:\n  - ../world/national\n  - _self_\n")
    files = {"TARGETS": f"targets={inputs / 'targets.yaml'}", "PARAMETERS": f"parameters={inputs / 'parameters.yaml'}"}
    argv = [files.get(a, a.replace("PRESET", str(inputs / "preset.yaml"))) for a in argv]
    out = tmp_path / "out"
    refused(capsys, tmp_path, [*argv, "run=smoke", f"hydra.run.dir={out}"], key, allowed)
    assert not out.exists(), "no output folder for a refused command"
