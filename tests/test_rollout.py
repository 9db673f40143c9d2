"""A policy rollout acts only where and when it says (common random numbers make it exact)."""
from __future__ import annotations

import pandas as pd
import pytest

from sim.experiments.replications import run_replications

PILOT = ["+policy.pilot={name: inspection, params: {physical_rate: 0.08}, "
         "rollout: {from: 2024Q2, ports: [seaport]}}"]
BASE = ["run=smoke", "world.start=2024-01-01", "world.horizon_quarters=3", "run.replications=2"]
NO_SMUGGLERS = ["population.smugglers.networks=0"]
METRICS = ["declarations", "released", "seized", "in_process", "release_time_mean_h",
           "physical_inspection_rate", "detection_rate", "revenue_collected", "officer_utilization"]


def _pair(extra: list[str]):
    from sim.compose import load_config
    key = ["replication", "port", "quarter"]
    return tuple(run_replications(load_config(BASE + extra + more)[0]).quarterly.set_index(key)
                 for more in ([], PILOT))


@pytest.fixture(scope="module")
def runs():
    return _pair([])


@pytest.fixture(scope="module")
def runs_without_smugglers():
    return _pair(NO_SMUGGLERS)


def test_pilot_column_follows_the_rollout(runs):
    _, pilot = runs
    flagged = pilot[pilot.pilot].reset_index()
    assert set(flagged.port) == {"seaport"}, "only the pilot port is flagged"
    assert set(flagged.quarter) == {"2024Q2", "2024Q3"}, "flagged from the rollout quarter on"


def test_nothing_changes_before_the_rollout(runs):
    base, pilot = runs
    before = pilot.index.get_level_values("quarter") == "2024Q1"
    pd.testing.assert_frame_equal(base.loc[before, METRICS], pilot.loc[before, METRICS],
                                  obj="rows before the rollout")


def test_other_ports_change_only_through_smugglers(runs_without_smugglers):
    """Traders stay at their home port; only smugglers can carry a pilot's effect elsewhere."""
    base, pilot = runs_without_smugglers
    elsewhere = pilot.index.get_level_values("port") != "seaport"
    pd.testing.assert_frame_equal(base.loc[elsewhere, METRICS], pilot.loc[elsewhere, METRICS],
                                  obj="non-pilot ports without smugglers")



def test_the_pilot_changes_its_ports(runs):
    base, pilot = runs
    at = (pilot.index.get_level_values("port") == "seaport") & \
         (pilot.index.get_level_values("quarter") != "2024Q1")
    before = base.loc[at, "physical_inspection_rate"].mean()
    after = pilot.loc[at, "physical_inspection_rate"].mean()
    assert after > before + 0.04, f"physical inspection rate rises at the pilot port ({before:.3f} -> {after:.3f})"
