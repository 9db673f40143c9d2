"""Simulation hours <-> calendar dates and quarter labels ("2025Q3").

The clock is in hours from ``world.start`` (the first day of a quarter); the warm-up runs at
negative hours and is reported as quarter index 0; reported quarters are 1..n; anything after
the horizon falls in index n + 1.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

HOURS_PER_DAY = 24.0


def quarter_label(date: dt.date) -> str:
    """``2025-08-14`` -> ``"2025Q3"``."""
    return f"{date.year}Q{(date.month - 1) // 3 + 1}"


def parse_quarter(label: str) -> tuple[int, int]:
    """``"2025Q3"`` -> ``(2025, 3)``; raise ValueError on anything else."""
    year, sep, q = str(label).upper().partition("Q")
    if not sep or not year.isdigit() or q not in ("1", "2", "3", "4"):
        raise ValueError(f"not a quarter label like 2025Q3: {label!r}")
    return int(year), int(q)


class Calendar:
    """Quarter boundaries in simulation hours for a horizon starting at ``start``."""

    def __init__(self, start: str, horizon_quarters: int, warmup_days: int):
        self.start = dt.date.fromisoformat(start)
        self.warmup_h = warmup_days * HOURS_PER_DAY
        dates = [self.start]
        for _ in range(horizon_quarters):
            d = dates[-1]
            month = d.month + 3
            dates.append(dt.date(d.year + (month - 1) // 12, (month - 1) % 12 + 1, 1))
        self.labels = [quarter_label(d) for d in dates[:-1]]
        self.edges = np.array([(d - self.start).days * HOURS_PER_DAY for d in dates])
        self.end_h = float(self.edges[-1])
        self.days = int(self.end_h // HOURS_PER_DAY)

    @property
    def n_quarters(self) -> int:
        return len(self.labels)

    def quarter_index(self, hours: np.ndarray) -> np.ndarray:
        """0 for warm-up, 1..n for reported quarters, n + 1 after the horizon."""
        return np.searchsorted(self.edges, hours, side="right")

    def index_of(self, label: str) -> int:
        """Reported-quarter index (1..n) of a label; before the horizon 1, after it n + 1."""
        year, q = parse_quarter(label)
        first_year, first_q = parse_quarter(self.labels[0])
        offset = (year - first_year) * 4 + (q - first_q)
        return int(min(max(offset, 0), self.n_quarters) + 1)


def after_work(start: np.ndarray, work: np.ndarray, open_hour: float, close_hour: float) -> np.ndarray:
    """When ``work`` hours of office time, begun (or queued) at ``start``, are done, for an
    office open ``open_hour``-``close_hour`` every day: work waits for the opening and pauses
    overnight. Round the clock (0-24) it is simply ``start + work``; no work is no wait."""
    length = close_hour - open_hour
    if length >= HOURS_PER_DAY:
        return start + work
    day, hour = np.divmod(start, HOURS_PER_DAY)
    done = day * length + np.clip(hour - open_hour, 0.0, length) + work  # office hours since day 0
    day, rest = np.divmod(done, length)
    finished_at_close = (rest == 0) & (work > 0)  # ends exactly at a closing, not at the next opening
    day, rest = np.where(finished_at_close, day - 1, day), np.where(finished_at_close, length, rest)
    return np.where(work > 0, np.maximum(day * HOURS_PER_DAY + open_hour + rest, start), start)


WORKWEEK = "1111100"  # Monday-Friday; public holidays and make-up working weekends are not modelled (assumption)


def working_deadline(calendar: Calendar, hours: np.ndarray, days: int) -> np.ndarray:
    """The end (h) of the ``days``-th working day after the day of ``hours``: a case received on
    a Friday, a Saturday or a Sunday with 3 working days is due at the end of Wednesday.
    Working days follow :data:`WORKWEEK` from ``calendar.start``."""
    start = np.datetime64(calendar.start, "D")
    received = start + np.floor(np.asarray(hours) / HOURS_PER_DAY).astype("timedelta64[D]")
    due = np.busday_offset(received, days, roll="backward", weekmask=WORKWEEK)
    return ((due - start).astype(np.int64) + 1) * HOURS_PER_DAY


def after_office_work(calendar: Calendar, start: float, work: float, open_hour: float, close_hour: float) -> float:
    """When ``work`` office hours begun at ``start`` are done, in an office open
    ``open_hour``-``close_hour`` on working days (:data:`WORKWEEK`): work pauses overnight and at
    weekends."""
    weekday0 = calendar.start.weekday()
    t, left = float(start), float(work)
    while left > 0:
        day, hour = divmod(t, HOURS_PER_DAY)
        if WORKWEEK[int(weekday0 + day) % 7] != "1" or hour >= close_hour:
            t = (day + 1) * HOURS_PER_DAY + open_hour
            continue
        t = max(t, day * HOURS_PER_DAY + open_hour)
        chunk = min(left, day * HOURS_PER_DAY + close_hour - t)
        t, left = t + chunk, left - chunk
    return t
