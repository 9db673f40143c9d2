"""Release times kept per quarter until the quarter closes, then reduced to exact percentiles.

The ledger hands every settled part to :class:`ReleaseTimes`, which keeps the arrival-to-release
hours of its released declarations by the quarter of their release, keyed port x quarter x
direction x channel. When a quarter is closed (the model closes it once every release in it has
been settled) its percentiles are computed, exactly (``numpy.percentile`` over all of them), and
its hours dropped: memory holds the open quarters only, whatever the horizon.
"""
from __future__ import annotations

import numpy as np

from sim.calendar import Calendar
from sim.clearance import Cleared
from sim.records import CHANNELS, RELEASED, S

PERCENTILES = (50, 90)  # per port x quarter (the quarterly table)
GROUP_PERCENTILES = (10, 25, 50, 75, 90)  # per port x quarter x direction x channel (the breakdown)
PER_CELL = 2 * len(CHANNELS)  # direction x channel in each port x quarter


class ReleaseTimes:
    """Release-time percentiles of one replication, per port x quarter (index 0 the warm-up)."""

    def __init__(self, calendar: Calendar, n_ports: int):
        self.calendar, self.shape = calendar, (n_ports, calendar.n_quarters + 2)
        cells = n_ports * self.shape[1]
        self.hours: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}  # quarter -> (key, hours) parts
        self.closed = 0  # quarters [0, closed) are closed: their percentiles are final
        self.out = {False: np.full((cells, len(PERCENTILES)), np.nan),
                    True: np.full((cells * PER_CELL, len(GROUP_PERCENTILES)), np.nan)}

    def keep(self, c: Cleared) -> None:
        """Keep the release times of a settled part until their quarters close."""
        released = np.flatnonzero(c.status == RELEASED)
        if not len(released):
            return
        event_t = c.stamps[released, S["released"]]
        hours = event_t - c.stamps[released, S["arrival"]]
        quarter = self.calendar.quarter_index(event_t)
        cell = (c.truth("port")[released] * self.shape[1] + quarter) * 2 + c.truth("direction")[released]
        key = cell * len(CHANNELS) + c.decision("channel")[released]
        if quarter.min() < self.closed:
            raise RuntimeError(f"a release in quarter {int(quarter.min())} was settled after that quarter was "
                               f"closed (quarters before {self.closed} are); close quarters later")
        for q in np.unique(quarter):
            at = quarter == q
            self.hours.setdefault(int(q), []).append((key[at], hours[at]))

    def close(self, quarter: int) -> None:
        """Close every quarter up to ``quarter``: compute their percentiles, drop their hours."""
        for q in range(self.closed, quarter + 1):
            parts = self.hours.pop(q, [])
            if parts:
                key, hours = (np.concatenate(columns) for columns in zip(*parts))
                del parts  # one copy of the quarter's hours at a time (this is a run's memory peak)
                order = np.argsort(key, kind="stable")  # a percentile does not depend on the order within a key
                key, hours = key[order], hours[order]
                del order
                _fill(self.out[True], key, hours, GROUP_PERCENTILES)
                _fill(self.out[False], key // PER_CELL, hours, PERCENTILES)  # a cell's keys are adjacent
        self.closed = max(self.closed, quarter + 1)

    def percentiles(self, by_group: bool = False) -> np.ndarray:
        """:data:`PERCENTILES`: port x quarter x 2, or with ``by_group`` :data:`GROUP_PERCENTILES`:
        port x quarter x direction x channel x 5; NaN where nothing was released. Closes every
        quarter first (call once the run is over)."""
        self.close(self.shape[1] - 1)
        shape = self.shape + ((2, len(CHANNELS)) if by_group else ())
        return self.out[by_group].reshape(*shape, -1)


def _fill(out: np.ndarray, key: np.ndarray, hours: np.ndarray, qs: tuple) -> None:
    """``out[k]`` = percentiles ``qs`` of the hours with key ``k``, for every key present (``key``
    sorted)."""
    bounds = np.flatnonzero(np.diff(key)) + 1
    for k, chunk in zip(key[np.r_[0, bounds]], np.split(hours, bounds)):
        out[k] = np.percentile(chunk, qs)
