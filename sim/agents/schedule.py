"""The port schedule: when each port's officers, scanners and bays can work, and when its
gates and the customs system are up (as Ciw's ``Schedule``, a data object, not a process).

Per port it holds the daily hours each role and resource works (the port's shift, edited by
policies such as round-the-clock operation), intervals in which a resource cannot start work
(a closure, or a system outage for the work done in the customs system), intervals in which
the port is closed to goods, intervals in which the customs system is down, servers absent
for a while (officers off sick, a broken scanner) and surges of arrivals. Disruption events
(:mod:`sim.events`) are edits of it; the port's queues, the generator, lodging, screening and
release consult it. Without edits every query returns what the plain shift gives, so a run
without events is the run it always was.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.calendar import HOURS_PER_DAY
from sim.config import PortConfig

ROLES = ("document", "nii", "physical")
RESOURCES = (*ROLES, "scanner", "bay")
SYSTEM_ROLES = ("document",)  # work done in the customs system (electronic review): stops while it is down


@dataclass(frozen=True)
class Absence:
    """``count`` servers of ``resource`` at ``port`` away from ``start`` to ``end`` (h)."""
    port: int
    resource: str
    count: int
    start: float
    end: float


@dataclass(frozen=True)
class Surge:
    """Arrivals of the business models ``models`` (bool mask) at ``ports`` (bool mask) times
    ``factor`` from ``start`` to ``end`` (h); ``key`` names its random stream."""
    key: str
    ports: np.ndarray
    models: np.ndarray
    factor: float
    start: float
    end: float


def until_open(t: float, opens: float, closes: float) -> float:
    """Hours from ``t`` until a daily shift ``opens``-``closes`` is on (0 if it is)."""
    if opens == 0 and closes == HOURS_PER_DAY:
        return 0.0
    hour = t % HOURS_PER_DAY
    if hour < opens:
        return opens - hour
    if hour >= closes:
        return HOURS_PER_DAY - hour + opens
    return 0.0


def _merged(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _after(times: np.ndarray, intervals: list[tuple[float, float]]) -> np.ndarray:
    """Each time, or the end of the (merged) interval it falls in."""
    starts, ends = (np.array(x) for x in zip(*intervals))
    i = np.searchsorted(starts, times, side="right") - 1
    inside = (i >= 0) & (times < ends[np.maximum(i, 0)])
    return np.where(inside, ends[np.maximum(i, 0)], times)


def _shift_hours(t: np.ndarray, opens: float, closes: float) -> np.ndarray:
    """Shift hours from time 0 to ``t`` of a daily shift ``opens``-``closes``."""
    day, hour = np.divmod(t, HOURS_PER_DAY)
    return day * (closes - opens) + np.clip(hour - opens, 0.0, closes - opens)


class Schedule:
    """When each port's resources work, and when its gates and the customs system are up."""

    def __init__(self, ports: dict[str, PortConfig], models: list[str]):
        self.names, self.models = list(ports), list(models)
        self.servers = [{**{r: getattr(p.officers, r) for r in ROLES}, "scanner": p.scanners, "bay": p.bays}
                        for p in ports.values()]
        self.hours = [(p.open_hour, p.close_hour) for p in ports.values()]  # the shift in force now
        self.quarter_hours: list[dict[int, tuple[float, float]]] = [{} for _ in self.names]
        self.blocked: list[dict[str, list[tuple[float, float]]]] = [{r: [] for r in RESOURCES} for _ in self.names]
        self.closed: list[list[tuple[float, float]]] = [[] for _ in self.names]
        self.down: list[list[tuple[float, float]]] = [[] for _ in self.names]
        self.absences: list[Absence] = []
        self.surges: list[Surge] = []

    # --- edits ---------------------------------------------------------------------------------
    def set_hours(self, port: int, opens: float, closes: float) -> None:
        """The daily shift of every role and resource of ``port`` from now on."""
        self.hours[port] = (opens, closes)

    def record_quarter(self, quarter: int) -> None:
        """Remember the shifts in force in ``quarter`` (for on-shift officer-hours)."""
        for port, hours in enumerate(self.hours):
            self.quarter_hours[port][quarter] = hours

    def block(self, port: int, resources, start: float, end: float) -> None:
        """``resources`` of ``port`` start no work from ``start`` to ``end``."""
        for r in resources:
            self.blocked[port][r] = _merged(self.blocked[port][r] + [(start, end)])

    def close(self, port: int, start: float, end: float) -> None:
        """The port is closed: no work, no goods arrive or leave."""
        self.block(port, RESOURCES, start, end)
        self.closed[port] = _merged(self.closed[port] + [(start, end)])

    def system_down(self, port: int, start: float, end: float) -> None:
        """The customs system (single window) is down for ``port``: no lodging, screening,
        electronic review or release."""
        self.block(port, SYSTEM_ROLES, start, end)
        self.down[port] = _merged(self.down[port] + [(start, end)])

    def withdraw(self, port: int, resource: str, count: int, start: float, end: float) -> Absence | None:
        """``count`` of the port's ``resource`` servers are away (at most all of them); the
        absence recorded (None: nobody to send away)."""
        count = min(count, self.servers[port][resource])
        if count > 0:
            self.absences.append(Absence(port, resource, count, start, end))
            return self.absences[-1]
        return None

    def surge(self, surge: Surge) -> None:
        self.surges.append(surge)

    # --- queries -------------------------------------------------------------------------------
    def start(self, port: int, resource: str, t: float) -> float:
        """The first time at or after ``t`` at which ``resource`` of ``port`` can start work."""
        opens, closes = self.hours[port]
        blocked = self.blocked[port][resource]
        if not blocked:
            return t + until_open(t, opens, closes)
        while True:
            s = t + until_open(t, opens, closes)
            t = next((b for a, b in blocked if a <= s < b), s)
            if t == s:
                return s

    def system_up(self, ports: np.ndarray, times: np.ndarray) -> np.ndarray:
        """Each time, or when the customs system is back up for its port."""
        return self._gate(self.down, ports, times)

    def port_open(self, ports: np.ndarray, times: np.ndarray) -> np.ndarray:
        """Each time, or when its port reopens to goods."""
        return self._gate(self.closed, ports, times)

    @staticmethod
    def _gate(intervals: list, ports: np.ndarray, times: np.ndarray) -> np.ndarray:
        if not any(intervals):
            return times
        out = np.array(times, dtype=float)
        for port, spans in enumerate(intervals):
            if spans:
                rows = ports == port
                out[rows] = _after(out[rows], spans)
        return out

    def hours_per_day(self, port: int) -> float:
        opens, closes = self.hours[port]
        return closes - opens

    def shift(self, port: int, quarter: int) -> tuple[float, float]:
        """The daily shift in force at ``port`` in ``quarter`` (the current one if unrecorded)."""
        return self.quarter_hours[port].get(quarter, self.hours[port])

    def shift_hours(self, port: int, start: float, end: float, quarter: int) -> float:
        """Hours of the port's shift in force in ``quarter`` that lie in [start, end)."""
        opens, closes = self.shift(port, quarter)
        return float(np.diff(_shift_hours(np.array([start, max(start, end)]), opens, closes))[0])

    def absent_hours(self, port: int, resource: str, start: float, end: float, quarter: int) -> float:
        """Server-hours of ``resource`` absent during the shift hours of [start, end)."""
        return sum(a.count * self.shift_hours(port, max(a.start, start), min(a.end, end), quarter)
                   for a in self.absences if a.port == port and a.resource == resource)

    def server_hours(self, port: int, resource: str, start: float, end: float, quarter: int) -> float:
        """Server-hours of ``resource`` that can work during [start, end): its servers over the
        shift hours, less the hours it is blocked (closure, system down) and absent servers."""
        spans = self.blocked[port][resource]
        blocked = sum(self.shift_hours(port, max(a, start), min(b, end), quarter) for a, b in spans)
        return (self.servers[port][resource] * (self.shift_hours(port, start, end, quarter) - blocked)
                - self.absent_hours(port, resource, start, end, quarter))

    def servers_at(self, port: int, resource: str, t: float) -> int:
        """Servers of ``resource`` present at ``port`` at time ``t``."""
        away = sum(a.count for a in self.absences if a.port == port and a.resource == resource and a.start <= t < a.end)
        return self.servers[port][resource] - away
