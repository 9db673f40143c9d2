"""The queue core (sim/clearance/queues.py, sim/clearance/cases.py): its heap runs in one order with
simpy's, and its queues serve as simpy's own resources do."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import simpy

from sim.agents.port import Port
from sim.agents.schedule import ROLES, Schedule, until_open
from sim.clearance.cases import Cases
from sim.clearance.decisions import SERVICE, SV
from sim.clearance.queues import FIRST, Clock
from sim.compose import load_config
from sim.records import DOCUMENT, NII, PHYSICAL


def test_clock_and_simpy_events_run_in_one_order():
    env = simpy.Environment()
    clock, log = Clock(env), []
    note = lambda name: lambda *_: log.append(name)  # noqa: E731
    env.timeout(1.0).callbacks.append(note("simpy 1a"))
    clock.at(1.0, note("core 1a"), None, None)
    env.timeout(1.0).callbacks.append(note("simpy 1b"))
    clock.at(2.0, lambda t, *_: (log.append("core 2a"), clock.at(t, note("core 2 again"), None, None)), None, None)
    env.timeout(2.0).callbacks.append(note("simpy 2"))
    clock.at(1.0, note("core 1 first"), None, None, FIRST)
    clock.at(3.0, note("core at until"), None, None)
    env.timeout(3.0).callbacks.append(note("simpy at until"))
    clock.run(until=3.0)
    assert log == ["core 1 first", "simpy 1a", "core 1a", "simpy 1b", "core 2a", "simpy 2", "core 2 again"], \
        f"a tie goes to what was scheduled first, a starting process goes first, nothing runs at until: {log}"
    assert env.now == 3.0, f"the clock ends at until, got {env.now}"


def _world(open_hour: int, close_hour: int, servers: int):
    cfg, _ = load_config(["world=queue_only", f"world.ports.queue.open_hour={open_hour}",
                          f"world.ports.queue.close_hour={close_hour}",
                          f"world.ports.queue.officers.document={servers}"])
    env = simpy.Environment()
    clock = Clock(env)
    port_cfg = cfg.world.ports["queue"]
    officers = {r: range(getattr(port_cfg.officers, r)) for r in ROLES}
    port = Port(env, "queue", port_cfg, officers, Schedule(cfg.world.ports, ["general_trade"]), 0, np.array([0.0, 1e5]))
    port.intervals = {}  # every service's (start, end), kept for the test (the port only sums them)
    port.log_busy = lambda resource, start, end: port.intervals.setdefault(resource, []).append((start, end))
    return env, clock, port


def _day(channel: np.ndarray, at: np.ndarray, service: np.ndarray, priority: np.ndarray, escalate: np.ndarray):
    n = len(channel)
    zeros = np.zeros((n, 3))
    return SimpleNamespace(
        truth=SimpleNamespace(port=np.zeros(n, np.int64), arrival=at.copy()),
        screening=SimpleNamespace(priority=priority, office=np.full(n, -1), handover_h=np.zeros(n)),
        decisions=SimpleNamespace(channel=channel, escalate=escalate, chance=zeros, u_check=zeros + 1,
                                  service=service, seizable=np.zeros(n, bool)))


def _run(clock: Clock, port: Port, day, until: float) -> tuple:
    cases = Cases(clock, [port], SimpleNamespace(check=lambda *_: False))
    cases.start(day, np.arange(len(day.decisions.channel)), day.truth.arrival)
    clock.run(until=until)
    (batch,) = cases.take()
    rows, customs, _, physical, _ = batch.take()
    order = np.argsort(rows)
    return customs[order], physical[order], len(rows)


@pytest.mark.parametrize("hours", [(0, 24), (8, 18)], ids=["24h", "8-18h"])
def test_document_review_is_a_simpy_priority_resource(hours):
    rng = np.random.default_rng(7)
    n, servers = 300, 2
    at = np.sort(rng.uniform(0, 150, n))
    service = rng.exponential(0.9 * servers * 150 / n * (hours[1] - hours[0]) / 24, (n, len(SERVICE)))
    priority = rng.random(n) < 0.2
    env, clock, port = _world(*hours, servers)
    customs, _, finished = _run(clock, port, _day(np.full(n, DOCUMENT, np.int8), at, service, priority,
                                                  np.zeros(n, bool)), until=1e5)
    assert finished == n, f"every review should be over by the horizon: {finished} of {n}"

    ref, start, end = simpy.Environment(), np.zeros(n), np.zeros(n)
    desk = simpy.PriorityResource(ref, capacity=servers)

    def case(i):
        yield ref.timeout(at[i])
        with desk.request(priority=0 if priority[i] else 1) as turn:
            yield turn
            yield ref.timeout(until_open(ref.now, *hours))
            start[i] = ref.now
            yield ref.timeout(service[i, SV["document"]])
            end[i] = ref.now

    for i in range(n):
        ref.process(case(i))
    ref.run()
    assert np.allclose(customs[:, 0], start, rtol=0, atol=1e-9), \
        f"review starts differ from simpy's PriorityResource: max {np.abs(customs[:, 0] - start).max()} h"
    assert np.allclose(customs[:, 1], end, rtol=0, atol=1e-9), \
        f"review ends differ from simpy's PriorityResource: max {np.abs(customs[:, 1] - end).max()} h"
    waited = (start - at > 1e-9).mean()
    assert 0.2 < waited < 0.95, f"the test should exercise the queue: {waited:.0%} of the reviews waited"


def test_inspections_take_their_steps_in_order_within_capacity():
    rng = np.random.default_rng(11)
    n = 200
    at = np.sort(rng.uniform(0, 100, n))
    channel = np.where(rng.random(n) < 0.7, NII, PHYSICAL).astype(np.int8)
    escalate = (channel == NII) & (rng.random(n) < 0.3)
    service = rng.exponential(0.4, (n, len(SERVICE)))
    env, clock, port = _world(0, 24, 1)
    customs, physical, finished = _run(clock, port, _day(channel, at, service, np.zeros(n, bool), escalate),
                                       until=1e5)
    assert finished == n, f"every inspection should be over by the horizon: {finished} of {n}"
    assert np.all(np.diff(customs, axis=1) >= -1e-12), "customs stamps must not go back in time"
    arrived = at + service[:, SV["transfer"]]
    assert np.allclose(customs[:, 2], arrived), "the goods reach the scanner or bay after one transfer"
    assert np.array_equal(physical, (channel == PHYSICAL) | escalate), \
        "physical inspection for the physical channel and the NII cases sent on (none is found: chance 0)"
    skipped = ~physical
    assert np.array_equal(customs[skipped, 5], customs[skipped, 4]) and \
        np.array_equal(customs[skipped, 6], customs[skipped, 4]), "no physical inspection: it ends with the image"
    for resource, count in (("scanner", 1), ("physical", 1)):
        starts, ends = np.array(port.intervals[resource]).T
        assert len(starts) == ((channel == NII).sum() if resource == "scanner" else physical.sum()), \
            f"one {resource} service per case that needs it"
        order = np.argsort(starts)
        assert np.all(starts[order][1:] >= ends[order][:-1] - 1e-9), f"the {count} {resource} serves one at a time"
