"""Local declaration, port inspection: covered declarations are reviewed by the inland office's
officers (moved there from the ports when the rollout starts), the office's decision reaches
the port after the hand-over, goods are still inspected at the port, and no goods or smugglers
go to the office."""
from __future__ import annotations

import pytest

from sim.cli import main
from tests.helpers import run

PILOTS = ("seaport", "landport")


@pytest.fixture(scope="module")
def local():
    return run("run=smoke", "scenario=local_declaration")


def test_the_covered_share_is_lodged_inland_from_the_rollout(local):
    q = local.quarterly.set_index(["port", "quarter"])
    for port in PILOTS:
        share = q.loc[(port, "2025Q1"), "local_declarations"] / q.loc[(port, "2025Q1"), "declarations"]
        assert 0.77 < share < 0.81, f"{port}: about the policy's share 0.8 lodged inland, got {share:.3f}"
        assert q.loc[(port, "2024Q4"), "local_declarations"] == 0, f"{port}: nothing before the rollout"
    assert q.loc[("airport", "2025Q1"), "local_declarations"] == 0, "control ports lodge at the port"
    office = q.loc["inland_office"]
    assert (office["declarations"] == 0).all() and (office["smuggling_attempts"] == 0).all(), \
        "no goods and no smuggling route at an inland office"
    assert office.loc["2024Q4", "officer_on_shift_h"] == 0, "the office is not open before the rollout"
    assert office.loc["2025Q1", "officer_utilization"] > 0.3, "from the rollout its reviewers work"


def test_reviewers_move_from_the_ports_to_the_office(local, smoke_baseline):
    def document_hours(result):
        b = result.breakdown
        rows = b[(b["dimension"] == "officer_role") & (b["level"] == "document")
                 & (b["metric"] == "officer_on_shift_h")]
        return rows.set_index(["port", "quarter"])["value"]
    base, now = document_hours(smoke_baseline), document_hours(local)
    days = 90  # 2025Q1
    for port, moved, shift in (("seaport", 2, 12), ("landport", 1, 10)):
        lost = base[(port, "2025Q1")] - now[(port, "2025Q1")]
        assert 0.9 * moved * shift * days < lost < 1.15 * moved * shift * days, \
            f"{port}: {moved} reviewers' shift hours (and their overtime) leave for the office ({lost:.0f} h)"
    assert now[("inland_office", "2025Q1")] == pytest.approx(3 * 12 * days, rel=0.05), "three reviewers, 8-20"


def test_the_hand_over_shows_in_the_transfer_step_of_reviewed_declarations(local, smoke_baseline):
    def transfer(result, port):
        b = result.breakdown
        row = b[(b["dimension"] == "trs_step_by_channel") & (b["level"] == "document/transfer")
                & (b["metric"] == "hours_per_released") & (b["port"] == port) & (b["quarter"] == "2025Q1")]
        return float(row["value"].iloc[0])
    assert transfer(smoke_baseline, "seaport") == 0, "reviewed at the port: no transfer"
    assert 0.3 < transfer(local, "seaport") <= 1.0, "up to the 1 h hand-over (less when goods arrive later)"
    assert transfer(local, "airport") == 0, "control ports: no hand-over"


@pytest.mark.parametrize("office, message", [
    ("seaport", "must be a port of kind inland"),
    ("nowhere", "unknown port 'nowhere'"),
])
def test_an_office_that_is_no_inland_office_is_rejected(office, message, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", "scenario=local_declaration", "run=smoke", f"policy.local_declaration.params.office={office}",
                 f"hydra.run.dir={out}"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1, f"exit 2 and one line, got {code}: {err}"
    assert "policy.local_declaration.params.office" in err[0] and message in err[0], f"names the key: {err[0]}"
    assert not out.exists(), "nothing written"
