"""The port schedule: when resources can start work, gates for goods and the customs system,
absent servers (sim/agents/schedule.py, and the pools in sim/agents/port.py)."""
from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim.agents.port import Port, Servers
from sim.agents.schedule import Schedule, until_open
from sim.compose import load_config


@pytest.fixture(scope="module")
def cfg():
    return load_config(["run=smoke"])[0]


@pytest.fixture
def schedule(cfg):
    """Opening hours: seaport 8-20, airport 0-24, landport 8-18, parcel_hub 8-22 (configs/world/default.yaml)."""
    return Schedule(cfg.world.ports, list(cfg.population.business_models))


def test_without_edits_start_is_the_old_opening_hours(schedule):
    for t in (0.0, 7.99, 8.0, 12.5, 19.99, 20.0, 23.5, 31.0, 1000.25):
        for port, (opens, closes) in enumerate(schedule.hours):
            assert schedule.start(port, "document", t) == t + until_open(t, opens, closes), \
                f"no edits: port {port} starts at the next opening after {t}"
    assert schedule.start(0, "nii", 5.0) == 8.0, "seaport opens at 8"
    assert schedule.start(0, "nii", 21.0) == 32.0, "after 20 h the seaport waits for 8 h the next day"
    assert schedule.start(1, "physical", 3.0) == 3.0, "the airport works round the clock"


def test_blocked_intervals_push_the_start_past_them_and_the_night(schedule):
    schedule.block(0, ["document"], 30.0, 40.0)
    assert schedule.start(0, "document", 21.0) == 40.0, "blocked 30-40 h: the morning of day 1 starts at 40 h"
    assert schedule.start(0, "nii", 21.0) == 32.0, "other resources are not blocked"
    schedule.block(0, ["document"], 38.0, 45.0)
    assert schedule.blocked[0]["document"] == [(30.0, 45.0)], "overlapping blocks merge"
    schedule.block(0, ["document"], 66.0, 70.0)
    assert schedule.start(0, "document", 19.5) == 19.5, "open and not blocked: now"
    assert schedule.start(0, "document", 44.0) == 56.0, "45 h is 21:00, closed: the next opening is 56 h"
    assert schedule.start(0, "document", 60.0) == 60.0, "60 h is 12:00 on day 2, before the block at 66 h"
    assert schedule.start(0, "document", 67.0) == 80.0, \
        "inside the second block: its end, 70 h, is 22:00, so the next opening, 80 h"


def test_round_the_clock_is_an_edit_of_the_shift(schedule):
    schedule.set_hours(0, 0.0, 24.0)
    assert schedule.start(0, "physical", 22.0) == 22.0, "24 h operation: no wait for the morning"
    schedule.close(0, 20.0, 30.0)
    assert schedule.start(0, "physical", 22.0) == 30.0, "a closure still stops a round-the-clock port"
    schedule.record_quarter(1)
    assert schedule.shift(0, 1) == (0.0, 24.0) and schedule.shift(0, 9) == (0.0, 24.0), \
        "the recorded quarter keeps its shift; an unrecorded one reads the current one"


def test_gates_move_only_times_inside_their_intervals_at_their_ports(cfg, schedule):
    schedule.system_down(1, 10.0, 18.0)
    schedule.close(2, 5.0, 6.0)
    ports = np.array([0, 1, 1, 1, 2, 2])
    times = np.array([12.0, 9.99, 10.0, 17.5, 5.5, 6.0])
    assert np.array_equal(schedule.system_up(ports, times), [12.0, 9.99, 18.0, 18.0, 5.5, 6.0]), \
        "the system is down 10-18 h at the airport only"
    assert np.array_equal(schedule.port_open(ports, times), [12.0, 9.99, 10.0, 17.5, 6.0, 6.0]), \
        "the landport is closed 5-6 h"
    assert schedule.start(1, "document", 11.0) == 18.0, "electronic review stops while the system is down"
    assert schedule.start(1, "nii", 11.0) == 11.0, "image analysis goes on"
    plain = Schedule(cfg.world.ports, schedule.models)
    assert plain.system_up(ports, times) is times, "no down time: the same array, nothing copied"


def test_absences_are_clipped_and_count_only_shift_hours(schedule):
    schedule.withdraw(0, "document", 2, 0.0, 48.0)
    schedule.withdraw(1, "scanner", 5, 0.0, 10.0)
    assert schedule.absences[-1].count == 1, "the airport has one scanner: at most one can fail"
    schedule.record_quarter(1)
    assert schedule.absent_hours(0, "document", 0.0, 2208.0, 1) == pytest.approx(2 * 12 * 2), \
        "two officers away for two days of 12-hour shifts"
    assert schedule.absent_hours(0, "document", 12.0, 30.0, 1) == pytest.approx(2 * (8 + 0)), \
        "12-20 h on day 0 is 8 shift hours; 24-30 h is before the 8 h opening"
    assert schedule.servers_at(0, "document", 47.9) == 1 and schedule.servers_at(0, "document", 48.0) == 3, \
        "three document officers, two away until 48 h"


def _pool(size: int) -> tuple[Servers, list]:
    """A pool whose grants are recorded as (token, server, time)."""
    pool, granted = Servers(range(size)), []
    pool.grant = lambda token, server, now: granted.append((token, server, now))
    return pool, granted


def test_servers_withdraw_free_ones_now_and_busy_ones_when_done():
    pool, granted = _pool(3)
    a, b = pool.acquire("first"), pool.acquire("second")
    pool.withdraw(2)
    assert len(pool.free) == 0 and pool.owed == 1, "the free server left at once, one more is owed"
    assert pool.acquire("waits") is None and list(pool.waiting) == ["waits"], "no server free: the request waits"
    pool.release(a, 1.0)
    assert not granted and pool.away == [2, a], "a released server goes away, not to the queue"
    pool.release(b, 2.0)
    assert granted == [("waits", b, 2.0)], "with nothing owed, the next released server serves the queue"
    pool.restore(2, 3.0)
    assert pool.away == [] and sorted(pool.free) == sorted([2, a]), "both absent servers are back"


def test_priority_lane_is_served_first_then_first_come_first_served():
    pool, granted = _pool(1)
    server = pool.acquire("busy")
    for token, priority in (("a", False), ("b", False), ("aeo", True)):
        assert pool.acquire(token, priority) is None, f"{token} should wait: the only server is busy"
    for t in (1.0, 2.0, 3.0):
        pool.release(server, t)
    assert granted == [("aeo", server, 1.0), ("a", server, 2.0), ("b", server, 3.0)], \
        f"the priority lane first, then in order of arrival: {granted}"


def test_restore_before_a_busy_server_leaves_cancels_its_absence():
    pool, _ = _pool(1)
    server = pool.acquire("case")
    pool.withdraw(1)
    pool.restore(1, 1.0)
    pool.release(server, 2.0)
    assert pool.free == [server] and pool.owed == 0, "the owed absence was cancelled"


def test_a_port_withdraws_servers_in_one_call_recorded_and_sent_away(cfg, schedule):
    """Port.withdraw records the absence in the schedule and the servers leave the pool at its
    start and come back at its end; nobody to send away is no absence, not an error."""
    env = simpy.Environment()
    port = Port(env, "seaport", cfg.world.ports["seaport"], {r: range(3) for r in ("document", "nii", "physical")},
                schedule, 0, np.array([0.0, 2208.0]))
    port.withdraw("document", 2, 5.0, 48.0)
    port.withdraw("scanner", 0, 5.0, 48.0)
    assert [(a.resource, a.count, a.start, a.end) for a in schedule.absences] == [("document", 2, 5.0, 48.0)], \
        "the schedule holds the absence (on-shift hours); none for zero scanners"
    env.run(until=4.0)
    assert len(port.servers["document"].free) == 3, "three document officers on duty before the absence"
    env.run(until=6.0)
    assert len(port.servers["document"].free) == 1 and len(port.servers["document"].away) == 2, "two away"
    env.run(until=49.0)
    assert len(port.servers["document"].free) == 3, "both back at the end of the absence"
