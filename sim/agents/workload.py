"""The busy time of a port's servers, summed per quarter as it is logged (for utilisation).

Every service logs its interval (start, end) when it starts. Intervals are kept only until a
batch of :data:`BATCH` is full, then summed into busy hours per reported quarter and into
overtime per quarter (the part of a service past that day's closing, with the shift in force
in that quarter), so memory does not grow with the horizon or the volume. An interval that
reaches into a quarter whose shift is not known yet (it is recorded when the quarter starts)
waits for a later batch.
"""
from __future__ import annotations

import numpy as np

from sim.agents.schedule import Schedule
from sim.calendar import HOURS_PER_DAY

BATCH = 4096  # intervals held (two Python floats each) before they are summed


class BusyLog:
    """Busy and overtime hours of one pool of servers of one port, per reported quarter."""

    def __init__(self, schedule: Schedule, port: int, edges: np.ndarray):
        self.schedule, self.port = schedule, port
        self.start, self.end = np.asarray(edges[:-1], float), np.asarray(edges[1:], float)
        self.busy, self.overtime = np.zeros(len(self.start)), np.zeros(len(self.start))
        self.starts: list[float] = []
        self.ends: list[float] = []
        self.next_sum = BATCH

    def log(self, start: float, end: float) -> None:
        """A service from ``start`` to ``end`` (hours)."""
        self.starts.append(start)
        self.ends.append(end)
        if len(self.starts) >= self.next_sum:
            self._sum(final=False)

    def totals(self) -> tuple[np.ndarray, np.ndarray]:
        """Busy hours and overtime hours per reported quarter (call once the clock has stopped)."""
        self._sum(final=True)
        return self.busy, self.overtime

    def _sum(self, final: bool) -> None:
        s, e = np.array(self.starts), np.array(self.ends)
        if final:
            done = np.ones(len(s), bool)
        else:  # reported quarter j (window j - 1) has its shift recorded from its start on
            known = max(self.schedule.quarter_hours[self.port], default=0)
            done = e <= (self.end[known - 1] if known >= 1 else self.start[0])
        self.starts, self.ends = s[~done].tolist(), e[~done].tolist()
        self.next_sum = len(self.starts) + BATCH
        s, e = s[done], e[done]
        if not len(s):
            return
        self.busy += overlap(s, e, self.start, self.end)
        for q in range(len(self.start)):
            opens, closes = self.schedule.shift(self.port, q + 1)
            if closes - opens < HOURS_PER_DAY:
                close = (s // HOURS_PER_DAY) * HOURS_PER_DAY + closes
                self.overtime[q] += overlap(np.maximum(s, close), e, self.start[q:q + 1], self.end[q:q + 1])[0]


def overlap(s: np.ndarray, e: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Total length of intervals [s, e) inside each window [start, end)."""
    if not len(s):
        return np.zeros(len(start))
    lo = np.maximum(s[:, None], start[None, :])
    hi = np.minimum(e[:, None], end[None, :])
    return np.clip(hi - lo, 0, None).sum(axis=0)
