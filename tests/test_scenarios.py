"""The scenario library: every scenario named in DESIGN exists, documents itself and runs."""
from __future__ import annotations

import pytest

from sim.cli import main
from sim.compose import ROOT

DESIGN_SCENARIOS = ["baseline_2024", "inspection_targeting", "credit_zero_inspection", "aeo_mutual_recognition",
                    "sandbox_cbec", "first_violation_no_penalty", "self_declaration_audit", "joint_inspection",
                    "single_window", "smart_monitoring_24h", "traceability", "classification_assist", "reform_2025"]


@pytest.mark.parametrize("name", DESIGN_SCENARIOS)
def test_scenario_runs_in_the_smoke_setting(name, tmp_path, capsys):
    path = ROOT / "scenarios" / f"{name}.yaml"
    header = path.read_text().split("\n\n")[0]
    for part in ("Question:", "Rollout:", "Run: tradesim run scenario=", "Numbers:"):
        assert part in header, f"{path.name}: the header comment states {part!r}"
    out = tmp_path / name
    assert main(["run", f"scenario={name}", "run=smoke", "world.horizon_quarters=5", f"hydra.run.dir={out}"]) == 0, \
        f"scenario {name} runs"
    assert (out / "quarterly.csv").is_file(), f"{name} writes its tables"


@pytest.mark.parametrize("policy, message", [
    ("not_a_policy:\n    params: {}", "unknown policy 'not_a_policy'"),
    ("inspection:\n    params: {treshold: 0.6}", "policy.inspection.params.treshold: unknown parameter"),
])
def test_scenario_file_with_a_bad_policy_is_rejected(policy, message, tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(f"# @package _global_\nscenario: bad\npolicy:\n  {policy}\n")
    assert main(["run", f"scenario={path}", "run=smoke", f"hydra.run.dir={tmp_path / 'out'}"]) == 2, "exit 2"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], f"one line naming the problem, got {err}"
    assert not (tmp_path / "out").exists(), "nothing written"
