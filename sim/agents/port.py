"""Ports: simpy resources (officers by role, NII scanners, inspection bays) and opening hours.

Officers serve only while the port is open: a declaration that gets an officer after closing
keeps the officer and starts at the next opening, so queues carry over the night in order.
A service that runs past closing is overtime and counts as time on shift.
"""
from __future__ import annotations

import numpy as np
import simpy

from sim.calendar import HOURS_PER_DAY
from sim.config import PortConfig

ROLES = ("document", "nii", "physical")


class Port:
    """One port's resources and the log of officer busy intervals (for utilisation)."""

    def __init__(self, env: simpy.Environment, index: int, name: str, cfg: PortConfig):
        self.env, self.index, self.name, self.cfg = env, index, name, cfg
        self.open_hour, self.close_hour = cfg.open_hour, cfg.close_hour
        self.round_the_clock = cfg.open_hour == 0 and cfg.close_hour == HOURS_PER_DAY
        self.staff = {role: getattr(cfg.officers, role) for role in ROLES}
        self.servers = {role: simpy.Resource(env, max(n, 1)) for role, n in self.staff.items()}
        self.servers["scanner"] = simpy.Resource(env, max(cfg.scanners, 1))
        self.bay = simpy.Resource(env, max(cfg.bays, 1))
        self.busy = {role: ([], []) for role in self.servers}

    @property
    def open_hours_per_day(self) -> float:
        return self.close_hour - self.open_hour

    def until_open(self, now: float) -> float:
        """Hours from ``now`` until the port is open (0 if it is open)."""
        if self.round_the_clock:
            return 0.0
        hour = now % HOURS_PER_DAY
        if hour < self.open_hour:
            return self.open_hour - hour
        if hour >= self.close_hour:
            return HOURS_PER_DAY - hour + self.open_hour
        return 0.0

    def serve(self, role: str, duration: float):
        """simpy sub-process: wait for a server (an officer of ``role``, or the scanner), then
        for opening hours, then serve. Returns the service start time.
        """
        with self.servers[role].request() as req:
            yield req
            wait = self.until_open(self.env.now)
            if wait:
                yield self.env.timeout(wait)
            start = self.env.now
            yield self.env.timeout(duration)
        starts, ends = self.busy[role]
        starts.append(start)
        ends.append(start + duration)
        return start


def utilisation(ports: list[Port], edges: np.ndarray) -> np.ndarray:
    """Busy officer-hours / on-shift officer-hours, port x quarter (``edges`` in hours).

    On-shift hours are the scheduled ones (officers x opening hours x days) plus overtime,
    the part of a service that runs past closing, so the ratio never exceeds 1.
    """
    start, end = edges[:-1], edges[1:]
    days = (end - start) / HOURS_PER_DAY
    out = np.full((len(ports), len(start)), np.nan)
    for i, port in enumerate(ports):
        busy = np.zeros(len(start))
        scheduled = sum(port.staff.values()) * port.open_hours_per_day * days
        overtime = np.zeros(len(start))
        for role in ROLES:
            s, e = (np.asarray(x) for x in port.busy[role])
            busy += _overlap(s, e, start, end)
            if not port.round_the_clock and len(s):
                close = (s // HOURS_PER_DAY) * HOURS_PER_DAY + port.close_hour
                overtime += _overlap(np.maximum(s, close), e, start, end)
        on_shift = scheduled + overtime
        out[i] = np.where(on_shift > 0, busy / np.where(on_shift > 0, on_shift, 1), np.nan)
    return out


def _overlap(s: np.ndarray, e: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Total length of intervals [s, e) inside each window [start, end)."""
    if not len(s):
        return np.zeros(len(start))
    lo = np.maximum(s[:, None], start[None, :])
    hi = np.minimum(e[:, None], end[None, :])
    return np.clip(hi - lo, 0, None).sum(axis=0)
