"""Bad input to ``tradesim``: every user mistake ends cleanly.

The contract (sim/cli.py): for a user mistake the CLI
  * exits with code 2,
  * prints exactly one line on stderr, starting ``tradesim: error: ``, naming the offending
    config key and what is allowed,
  * prints no Python traceback,
  * leaves no output folder behind (nor a half-written ``.NAME.partial-*`` sibling);
and an output folder that already holds files is never overwritten.

The CLI is called in-process through ``sim.cli.main`` with ``run=smoke`` (a valid run is ~1 s),
and every run is pointed at a folder under pytest's ``tmp_path`` with ``hydra.run.dir``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.badinput import assert_one_line_error, call, refused


def run_cli(capsys, out: Path, *overrides: str) -> tuple[int, str, str]:
    """``tradesim run run=smoke hydra.run.dir=OUT *overrides`` -> (exit code, stdout, stderr)."""
    return call(capsys, "run", "run=smoke", f"hydra.run.dir={out}", *overrides)


# (overrides, key the message must name, substrings saying what is allowed)
SEA = "world.ports.seaport"
BAD_OVERRIDES = [
    # --- keys that do not exist --------------------------------------------------------------
    pytest.param(["world.foo=1"], "world.foo", ("horizon_quarters",),
                 id="unknown-key"),
    pytest.param(["populaton.enterprises=5"], "populaton", ("population",),
                 id="misspelled-group-key"),
    pytest.param([f"{SEA}.offcers.document=2"], f"{SEA}.offcers", ("officers",),
                 id="misspelled-nested-key"),
    # The same three mistakes with Hydra's "+" (add a key): the schema must still reject them.
    pytest.param(["+world.foo=1"], "world.foo", ("horizon_quarters",),
                 id="unknown-key-with-plus"),
    pytest.param(["+populaton.enterprises=5"], "populaton", ("population",),
                 id="misspelled-group-key-with-plus"),
    pytest.param([f"+{SEA}.offcers.document=2"], f"{SEA}.offcers", ("officers",),
                 id="misspelled-nested-key-with-plus"),
    # --- values out of range -----------------------------------------------------------------
    pytest.param([f"{SEA}.declarations_per_day=-1"], f"{SEA}.declarations_per_day", ("[0, 1000000]",),
                 id="negative-declarations-per-day"),
    pytest.param(["policy.inspection.params.physical_rate=1.5"],
                 "policy.inspection.params.physical_rate", ("[0, 1]",),
                 id="probability-above-1"),
    pytest.param(["policy.inspection.params.document_rate=0.6",
                  "policy.inspection.params.nii_rate=0.3",
                  "policy.inspection.params.physical_rate=0.3"],
                 "policy.inspection.params", ("at most 1",),
                 id="inspection-rates-sum-above-1"),
    pytest.param([f"{SEA}.officers.physical=0"], f"{SEA}.officers.physical", ("at least 1",),
                 id="zero-officers-with-arrivals"),
    pytest.param([f"{SEA}.scanners=0"], f"{SEA}.scanners", ("at least 1",),
                 id="zero-scanners-with-arrivals"),
    pytest.param(["world.horizon_quarters=abc"], "world.horizon_quarters", ("integer",),
                 id="horizon-not-an-integer"),
    pytest.param(["world.horizon_quarters=0"], "world.horizon_quarters", ("[1, 40]",),
                 id="horizon-zero"),
    pytest.param([f"{SEA}.open_hour=20", f"{SEA}.close_hour=8"], f"{SEA}.close_hour",
                 ("open_hour",),
                 id="close-hour-before-open-hour"),
    pytest.param(["world.start=2024-02-15"], "world.start", ("first day of a quarter",),
                 id="start-not-a-quarter-start"),
    pytest.param(["population.business_models.general_trade.share=0.9"],
                 "population.business_models", ("sum to 1",),
                 id="business-model-shares-not-summing-to-1"),
    # --- config groups -----------------------------------------------------------------------
    pytest.param(["scenario=does_not_exist"], "scenario", ("does_not_exist", "baseline_2024"),
                 id="missing-scenario-lists-available"),
    pytest.param(["policy=does_not_exist"], "policy", ("baseline",),
                 id="missing-policy-preset-lists-available"),
    # --- policies ----------------------------------------------------------------------------
    # A new key in the policy dict needs "+"; the message must name it and the known policies.
    pytest.param(["+policy.nonexistent.params.x=1"], "policy.nonexistent", ("inspection",),
                 id="unknown-policy-name"),
    # What a user types first (no "+"): still the key and the known policies, not Hydra jargon.
    pytest.param(["policy.nonexistent.params.x=1"], "policy.nonexistent", ("inspection",),
                 id="unknown-policy-name-without-plus"),
    pytest.param(["+policy.inspection.params.treshold=0.6"], "policy.inspection.params.treshold",
                 ("document_rate", "nii_rate", "physical_rate"),
                 id="unknown-policy-parameter"),
    pytest.param(["policy.inspection.params.treshold=0.6"], "policy.inspection.params.treshold",
                 ("document_rate", "nii_rate", "physical_rate"),
                 id="unknown-policy-parameter-without-plus"),
    # --- rollouts ----------------------------------------------------------------------------
    pytest.param(["+policy.inspection.rollout.from=2025Q5"], "policy.inspection.rollout.from",
                 ("2025Q5", "quarter"),
                 id="rollout-bad-quarter-label"),
    pytest.param(["+policy.inspection.rollout.ports=[seaport,moonport]"],
                 "policy.inspection.rollout.ports", ("moonport", "parcel_hub"),
                 id="rollout-unknown-port"),
    pytest.param(["+policy.inspection.rollout.when=2025Q1"], "policy.inspection.rollout.when",
                 ("from", "until", "ports", "waves"),
                 id="rollout-unknown-key"),
]


@pytest.mark.parametrize("overrides, key, allowed", BAD_OVERRIDES)
def test_bad_override_is_a_one_line_error(capsys, tmp_path, overrides, key, allowed):
    refused(capsys, tmp_path, ["run", "run=smoke", f"hydra.run.dir={tmp_path / 'out'}", *overrides], key, allowed)


def test_unknown_command_is_a_one_line_error(capsys, tmp_path):
    refused(capsys, tmp_path, ["frobnicate"], "frobnicate", ("run", "list", "bench"))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_existing_output_folder_is_never_overwritten(capsys, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.md").write_text("# results of an earlier run\nkeep me\n")
    (out / "quarterly.csv").write_text("quarter,metric\n2024Q1,1.0\n")
    (out / "notes").mkdir()
    (out / "notes" / "readme.txt").write_text("hand-written notes\n")
    before = _snapshot(out)
    cmd = f"tradesim run run=smoke hydra.run.dir={out}"
    rc, stdout, stderr = run_cli(capsys, out)
    assert_one_line_error(rc, stdout, stderr, cmd, "hydra.run.dir", ("already exists",))
    assert out.is_dir(), f"the existing output folder must still be there\ncommand: {cmd}"
    after = _snapshot(out)
    assert sorted(after) == sorted(before), \
        f"files in the existing output folder changed: before {sorted(before)}, after {sorted(after)}"
    for name, content in before.items():
        assert after[name] == content, f"{name} in the existing output folder was overwritten"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], \
        f"a refused run must leave nothing beside the existing folder: " \
        f"{sorted(p.name for p in tmp_path.iterdir())}"


def test_output_path_that_is_a_file_is_never_overwritten(capsys, tmp_path):
    out = tmp_path / "out"
    out.write_text("not a folder\n")
    cmd = f"tradesim run run=smoke hydra.run.dir={out}"
    rc, stdout, stderr = run_cli(capsys, out)
    assert_one_line_error(rc, stdout, stderr, cmd, "hydra.run.dir", ())
    assert out.is_file() and out.read_text() == "not a folder\n", \
        f"the existing file at hydra.run.dir must be unchanged\ncommand: {cmd}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], \
        f"a refused run must leave nothing beside the existing file: " \
        f"{sorted(p.name for p in tmp_path.iterdir())}"


def test_valid_smoke_run_succeeds_into_an_empty_tmp_folder(capsys, tmp_path):
    """Control: the harness above is not failing everything; a good run exits 0 and writes."""
    out = tmp_path / "out"
    rc, stdout, stderr = run_cli(capsys, out)
    assert rc == 0, f"a valid smoke run must exit 0, got {rc}; stderr: {stderr[-2000:]!r}"
    assert (out / "summary.md").is_file(), f"a valid run must write summary.md into {out}"
