"""The queue core: the declarations that wait for an officer, a scanner or a bay run on one heap
of plain ``(time, priority, sequence, handler, batch, row)`` entries instead of simpy events.

simpy stays the clock of the day, quarter and disruption processes (a few thousand events a
year); the queued path (hundreds of thousands of declarations, several steps each) is a heap of
tuples, bound methods and per-day arrays (:mod:`sim.clearance.cases`): no Event objects,
generators or closures. The two heaps are one order: both draw their sequence numbers from
simpy's own counter and :meth:`Clock.run` always takes the earlier head, so events, ties at the
same time included, happen in exactly the order a simpy-only model gives them. Each step is
scheduled at the moment simpy would schedule its event, at ``now + delay`` as simpy computes
it, and a process that waits for a service resumes one entry after it ends (simpy's extra hop).
"""
from __future__ import annotations

from heapq import heappop, heappush
from typing import Callable

import simpy
from simpy.events import NORMAL, URGENT

from sim.agents.port import Port

NOW, FIRST = int(NORMAL), int(URGENT)  # priorities: a step at a time, a process starting (before the others)


class Clock:
    """The queue core's heap, run together with the simpy environment ``env``."""

    def __init__(self, env: simpy.Environment):
        self.env, self.heap = env, []
        self._ids = env._eid  # simpy's sequence of scheduled events (an itertools.count; simpy 4)

    def at(self, t: float, handler: Callable, batch, row, priority: int = NOW) -> None:
        """Call ``handler(t, batch, row)`` at time ``t``."""
        heappush(self.heap, (t, priority, next(self._ids), handler, batch, row))

    def grant(self, token: tuple, server: int, now: float) -> None:
        """A pool hands ``server`` to a waiting request ``token`` = (handler, batch, row): the
        request goes on at ``now``, after what is already due then (as a simpy event would)."""
        self.at(now, _granted, token, server)

    def run(self, until: float) -> None:
        """Process both heaps in order up to ``until`` (as ``simpy.Environment.run(until)``)."""
        env, heap, queue = self.env, self.heap, self.env._queue
        stop = (env.now + (until - env.now), FIRST, next(self._ids))  # simpy's own stop event
        while True:
            bound = queue[0] if queue and queue[0] < stop else stop
            while heap and heap[0] < bound:
                t, _, _, handler, batch, row = heappop(heap)
                handler(t, batch, row)
            if bound is stop:
                break
            env.step()
        env.run(until=until)  # nothing is due before ``until``: only moves the clock there


def _granted(t: float, token: tuple, server: int) -> None:
    handler, batch, row = token
    handler(t, batch, row, server)


class Service:
    """A step of a case that needs a server of ``resource`` at the case's port: wait in line
    (first come, first served; the priority lane first), then for the schedule to let the server
    work (the shift, no closure, the system up), serve for the case's duration (column
    ``duration`` of the batch's service times), then ``ended(t, batch, row)``, which releases the
    server (:meth:`release`) and goes on. A server that gets a case after closing keeps it and
    starts at the next opening; a service that runs past closing is overtime."""

    def __init__(self, clock: Clock, ports: list[Port], resource: str, duration: int, ended: Callable):
        self.clock, self.ports, self.resource, self.duration, self.ended = clock, ports, resource, duration, ended
        self.pools = [port.servers[resource] for port in ports]
        for pool in self.pools:
            pool.grant = clock.grant

    def request(self, t: float, batch, row: int) -> None:
        server = self.pools[batch.port[row]].acquire((self.begin, batch, row), batch.priority[row])
        if server is not None:
            self.begin(t, batch, row, server)

    def begin(self, t: float, batch, row: int, server: int) -> None:
        port = self.ports[batch.port[row]]
        start = port.schedule.start(port.index, self.resource, t)
        duration = batch.service[self.duration][row]
        port.log_busy(self.resource, start, start + duration)
        batch.server[row], batch.start[row] = server, start
        self.clock.at(t + (start - t + duration), self.ended, batch, row)

    def release(self, t: float, batch, row: int) -> None:
        self.pools[batch.port[row]].release(batch.server[row], t)
