"""Watching a port (run.watch_port, run.watch_week): one week, hour by hour, replication 0 only,
counts consistent with the port's resources, and the same quarterly results as without watching."""
from __future__ import annotations

import pandas as pd
import pytest
from helpers import run

from sim.compose import load_config
from sim.config import ConfigError

WORLD = ["run=smoke", "run.replications=2", "run.agent_snapshots=false"]


@pytest.fixture(scope="module")
def watched():
    return run(*WORLD, "run.watch_port=seaport", "run.watch_week=2")


def test_one_week_hour_by_hour_for_replication_zero(watched):
    w = watched.watch
    assert set(w["replication"]) == {0} and set(w["port"]) == {"seaport"}, "replication 0 of the watched port only"
    assert len(w) == 168 * 4 and sorted(w["hour"].unique()) == list(range(168)), "168 hours x 3 roles + scanners"
    assert (w["hour_from_start"] == 168 + w["hour"]).all(), "week 2 starts 168 hours after world.start"
    cfg, _ = load_config(["run=smoke"])
    port = cfg.world.ports["seaport"]
    sizes = {"document": port.officers.document, "nii": port.officers.nii, "physical": port.officers.physical,
             "scanner": port.scanners}
    assert (w["servers"] == w["role"].map(sizes)).all(), "servers are the port's officers by role and its scanners"
    assert ((w["busy"] >= 0) & (w["busy"] <= w["servers"]) & (w["queued"] >= 0)).all(), "0 <= busy <= servers"
    assert (w.loc[w["queued"] > 0, "busy"] == w.loc[w["queued"] > 0, "servers"]).all(), \
        "requests wait only while every server of the role is taken"
    assert w["busy"].sum() > 0, "a week at the seaport keeps officers busy"


def test_watching_changes_no_result(watched):
    plain = run(*WORLD)
    assert plain.watch is None, "nothing is recorded unless asked"
    pd.testing.assert_frame_equal(plain.quarterly, watched.quarterly, obj="the quarterly table with and without watch")


@pytest.mark.parametrize("overrides, message", [
    (["run.watch_port=moonport"], "run.watch_port: unknown port 'moonport'"),
    (["run.watch_port=seaport", "run.watch_week=30"], "run.watch_week: must be at most"),
])
def test_a_bad_watch_is_refused_before_the_run(overrides, message):
    with pytest.raises(ConfigError, match=message):
        load_config(["run=smoke", *overrides])
