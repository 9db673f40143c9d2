"""The shipped calibration files: every declared parameter names a real setting whose preset value
lies in its declared range, and whose range is valid; the 2024 targets and the validation targets
load, name runs that compose, say where their figures come from and are defined in output columns."""
from __future__ import annotations

import pytest

from sim.calibration.parameters import check_ranges, load_parameters, select, value_of
from sim.calibration.points import compose_runs
from sim.calibration.targets import load_targets
from sim.compose import ROOT, load_config

FOLDER = ROOT / "calibration"


@pytest.fixture(scope="module")
def declared():
    return load_parameters(FOLDER / "parameters.yaml")


def test_declared_ranges_hold_the_preset_values_and_are_valid_settings(declared):
    cfg, _ = load_config([])
    params = select(declared, None)
    check_ranges(cfg, params, "calibration/parameters.yaml")
    for p in params:
        assert p.low <= value_of(cfg, p) <= p.high, f"{p.name}: the preset value {value_of(cfg, p)} is in its range"
        assert p.source and p.unit and p.mechanism, f"{p.name}: source, unit and mechanism are stated"
    mechanisms = {p.mechanism for p in params}
    assert {"trader paperwork", "agency permits", "behaviour"} <= mechanisms, "the mechanisms tell them apart"


def test_the_2024_targets_load_compose_and_name_declared_parameters(declared):
    targets = load_targets(FOLDER / "targets_2024.yaml")
    assert set(targets.targets) == {"export_release_time", "import_release_time", "nii_share", "inspection_rate",
                                    "cbec_9610_inspection_rate"}
    assert select(declared, targets.params), "the default calibrated parameters are declared"
    assert targets.validation == FOLDER / "validation_2024.yaml", "the validation file is named"
    bases = compose_runs(targets, [])
    assert bases["baseline_2024"].world.horizon_quarters == 4, "the 2024 year"
    assert list(bases["cbec_zone_2024"].world.ports) == ["parcel_hub"], "the pilot zone alone"
    for name, t in targets.targets.items():
        assert "seed report" in t.source and 0 < t.tolerance <= 0.05 * abs(t.value) + 1e-12, \
            f"{name}: sourced, tolerance at most 5%"
        assert t.metric in t.definition(targets.runs), f"{name}: defined in output columns"


def test_the_validation_targets_are_pilot_effects_never_fitted():
    validation = load_targets(FOLDER / "validation_2024.yaml", need_tolerance=False)
    bases = compose_runs(validation, [])
    assert len(validation.targets) == 5, "the five pilot outcomes of the seed report"
    for name, t in validation.targets.items():
        assert t.baseline == "baseline" and t.effect in ("relative", "speedup"), f"{name}: a paired effect"
        assert any(spec.get("rollout") for spec in bases[t.run].policy.values()), f"{name}: a pilot scenario"
        assert t.description and "seed report" in t.source, f"{name}: the reading of the report is stated"
    calibration = load_targets(FOLDER / "targets_2024.yaml")
    assert not set(validation.targets) & set(calibration.targets), "validation targets are kept apart"
