"""Ports: simpy resources (officers by role, NII scanners, inspection bays) that work to the
port's schedule (:mod:`sim.agents.schedule`).

Officers serve only while the schedule lets them (the shift, no closure, the customs system
up for electronic review): a declaration that gets an officer after closing keeps the officer
and starts at the next opening, so queues carry over the night in order (the queue core,
:mod:`sim.clearance.queues`, runs the services). A service that runs
past closing is overtime and counts as time on shift. Servers the schedule sends away (absent
officers, a broken scanner) leave the pool when they finish the case in hand and come back at
the end of the absence.
"""
from __future__ import annotations

from collections import deque
from typing import Callable

import numpy as np
import simpy

from sim.agents.schedule import ROLES, Absence, Schedule  # noqa: F401 (ROLES re-exported)
from sim.agents.workload import BusyLog
from sim.calendar import HOURS_PER_DAY
from sim.config import PortConfig


class Servers:
    """A pool of servers (officers, scanners or bays, each with an id) with a first-come-
    first-served queue, and a priority lane that is served first (e.g. AEO traders' "priority
    inspection").

    Like ``simpy.Resource`` but without events: a request that finds a server free takes it at
    once; one that waits is a token in the queue, and the server that becomes free for it is
    handed over by ``grant(token, server, now)`` (set by the queue core,
    :mod:`sim.clearance.queues`). The id tells who serves (an officer's skill belongs to the
    officer who does the check).
    """

    def __init__(self, ids: range):
        self.free = list(reversed(ids)) or [ids.start]  # a pool without servers still holds one
        self.waiting, self.priority = deque(), deque()
        self.away: list[int] = []  # servers sent away (absent), and how many more leave when done
        self.owed = 0
        self.grant: Callable[[object, int, float], None] | None = None

    def acquire(self, token, priority: bool = False) -> int | None:
        """The id of a free server (now taken), or None: ``token`` waits in line (the priority
        lane if ``priority``) until a server is granted to it."""
        if self.free:
            return self.free.pop()
        (self.priority if priority else self.waiting).append(token)
        return None

    def release(self, server: int, now: float) -> None:
        """Send the server away if the pool owes an absence; else grant it to the first in line
        (priority lane first), or put it back in the pool."""
        if self.owed:
            self.owed -= 1
            self.away.append(server)
        elif self.priority:
            self.grant(self.priority.popleft(), server, now)
        elif self.waiting:
            self.grant(self.waiting.popleft(), server, now)
        else:
            self.free.append(server)

    def withdraw(self, count: int) -> None:
        """``count`` servers leave: free ones now, busy ones when they finish their case."""
        now = min(count, len(self.free))
        self.away += [self.free.pop() for _ in range(now)]
        self.owed += count - now

    def restore(self, count: int, now: float) -> None:
        """``count`` absent servers come back (or no longer leave)."""
        cancelled = min(count, self.owed)
        self.owed -= cancelled
        for _ in range(count - cancelled):
            self.release(self.away.pop(), now)


class Port:
    """One port's resources, its schedule and the busy hours of its servers per quarter (for
    utilisation; ``edges`` are the quarter boundaries in hours)."""

    def __init__(self, env: simpy.Environment, name: str, cfg: PortConfig, officer_ids: dict[str, range],
                 schedule: Schedule, index: int, edges: np.ndarray):
        self.env, self.name, self.kind = env, name, cfg.kind
        self.schedule, self.index = schedule, index
        self.staff = {role: getattr(cfg.officers, role) for role in ROLES}
        self.servers = {role: Servers(officer_ids[role]) for role in ROLES}
        self.servers["scanner"] = Servers(range(cfg.scanners))
        self.bay = Servers(range(cfg.bays))
        self.busy = {role: BusyLog(schedule, index, edges) for role in self.servers}
        for absence in schedule.absences:  # the disruption events' absences, edited in before the run
            if absence.port == index:
                self.env.process(self._away(absence))

    def withdraw(self, resource: str, count: int, start: float, end: float) -> None:
        """``count`` of the port's ``resource`` servers (at most all of them) are away from ``start``
        to ``end`` (h): the absence recorded in the schedule (on-shift hours) and the servers leave
        the pool then and come back at its end."""
        absence = self.schedule.withdraw(self.index, resource, count, start, end)
        if absence is not None:
            self.env.process(self._away(absence))

    def _away(self, absence: Absence):
        pool = self.bay if absence.resource == "bay" else self.servers[absence.resource]
        yield self.env.timeout(max(absence.start - self.env.now, 0.0))
        pool.withdraw(absence.count)
        yield self.env.timeout(absence.end - self.env.now)
        pool.restore(absence.count, self.env.now)

    @property
    def open_hours_per_day(self) -> float:
        return self.schedule.hours_per_day(self.index)

    def log_busy(self, role: str, start: float, end: float) -> None:
        """A server of ``role`` is busy from ``start`` to ``end`` (logged when the service
        begins, so work under way at the horizon counts)."""
        self.busy[role].log(start, end)


def officer_hours(ports: list[Port], edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Busy and on-shift officer-hours, each port x quarter x role (:data:`ROLES`).

    ``edges`` are the quarter boundaries in hours. On-shift hours are the scheduled ones
    (officers x opening hours x days, with the shift in force that quarter, less the hours of
    absent officers) plus overtime, the part of a service that runs past closing, so busy never
    exceeds on-shift.
    """
    start, end = edges[:-1], edges[1:]
    busy = np.zeros((len(ports), len(start), len(ROLES)))
    on_shift = np.zeros_like(busy)
    for i, port in enumerate(ports):
        schedule = port.schedule
        for r, role in enumerate(ROLES):
            busy[i, :, r], overtime = port.busy[role].totals()
            for q in range(len(start)):
                opens, closes = schedule.shift(port.index, q + 1)
                on_shift[i, q, r] = port.staff[role] * (closes - opens) * (end[q] - start[q]) / HOURS_PER_DAY
                on_shift[i, q, r] -= schedule.absent_hours(port.index, role, start[q], end[q], q + 1)
                on_shift[i, q, r] += overtime[q]
    return busy, on_shift
