"""What agents and policies learn, delivered when it happens on the simulated clock.

Outcomes become known at a time — a release or a seizure, an audit finding months later, a
partner agency's record after its data exchange — and :class:`Feed` holds each lesson until
then: the entries' lessons, copied once in the order of their delivery (:class:`Rows`), so
each slot's entries are a slice of them. The model's clock
process calls :meth:`Feed.deliver` every ``period_h`` hours, which hands every lesson due by
then, of each kind, to its handler in one batch. Nobody learns from a check before it has
happened.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

Lesson = dict[str, np.ndarray]


class Rows:
    """Lessons already in arrays (one entry per row)."""

    def __init__(self, **fields: np.ndarray):
        self.fields = fields

    def lesson(self, idx: np.ndarray | slice) -> Lesson:
        return {name: values[idx] for name, values in self.fields.items()}


class Feed:
    """Lessons waiting for their time, by delivery slot."""

    def __init__(self, period_h: float, start_h: float, handlers: dict[str, Callable[[Lesson], None]]):
        self.period_h, self.handlers = period_h, handlers
        self.due: dict[int, list[tuple[str, Lesson]]] = {}
        self.next = int(self.slot(start_h))  # the next slot to deliver

    def slot(self, time: float | np.ndarray):
        """The delivery slot of a time: the first delivery at or after it."""
        return np.ceil(np.asarray(time) / self.period_h - 1e-9).astype(np.int64)

    def schedule(self, kind: str, times: np.ndarray, lesson: Callable[[np.ndarray], Lesson]) -> None:
        """Deliver entry i (``lesson(positions)`` gives the entries at those positions, e.g. a
        settled part's :meth:`~sim.clearance.Cleared.lesson` or :meth:`Rows.lesson`) at ``times[i]``."""
        if not len(times):
            return
        slots = np.maximum(self.slot(times), self.next)  # known already: at the next delivery
        order = np.argsort(slots, kind="stable")
        slots = slots[order]
        rows = Rows(**lesson(order))  # in the order of delivery, so each slot's entries are a slice
        bounds = np.flatnonzero(np.diff(slots)) + 1
        for start, end in zip(np.r_[0, bounds], np.r_[bounds, len(slots)]):
            self.due.setdefault(int(slots[start]), []).append((kind, rows, slice(int(start), int(end))))

    def deliver(self, now: float) -> None:
        """Hand every lesson due by ``now`` to its handler, one batch per kind."""
        last = int(self.slot(now))
        while self.next <= last:
            by_kind: dict[str, list[Lesson]] = {}
            for kind, source, idx in self.due.pop(self.next, ()):
                by_kind.setdefault(kind, []).append(source.lesson(idx))
            for kind, lessons in by_kind.items():
                self.handlers[kind](lessons[0] if len(lessons) == 1 else
                                    {name: np.concatenate([part[name] for part in lessons]) for name in lessons[0]})
            self.next += 1
