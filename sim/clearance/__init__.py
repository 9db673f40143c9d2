"""The clearance of a day's declarations, following the WCO Time Release Study steps.

arrival -> lodged (in advance, or after the trader prepares it) -> automated screening ->
channel (green / document review / NII scan with image analysis / physical inspection in a bay)
-> finding (seizure, or correction) -> another agency's inspection where the goods need one
(none if it joined customs' inspection) -> waiting for another agency's permit -> correction ->
duty payment -> release (never before arrival) -> the trader's pick-up; possibly a
post-clearance audit later.

:func:`~sim.clearance.decisions.decide` makes every decision and draw at screening (pure).
The green channel is settled at once with numpy; declarations routed to an officer, scanner or
bay run their customs part on the queue core (:mod:`sim.clearance.cases` on
:mod:`sim.clearance.queues`, run with the simpy clock) and are settled in batches by
:meth:`Clearance.settle`. Settled declarations go to the ledger and to whoever learns
from them (``on_cleared``), with the time each outcome became known.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import simpy

from sim.agents.officer import Roster
from sim.agents.port import Port
from sim.agents.schedule import Schedule
from sim.clearance.cases import Cases
from sim.clearance.decisions import Decider, Decisions, decide
from sim.clearance.queues import Clock
from sim.clearance.timing import after_customs, customs_stamps
from sim.config import Config
from sim.records import GREEN, IN_PROCESS, NII, RELEASED, SEIZED, S, Screening, Truth, take_rows
from sim.streams import Streams

CUSTOMS_STAMPS = 7  # document_start .. physical_end


@dataclass(eq=False)
class Day:
    """A day's declarations from screening on: what they are, what customs decided, the
    policies' contexts, and which have been settled."""
    truth: Truth
    screening: Screening
    decisions: Decisions
    contexts: list
    screened: np.ndarray
    settled: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.settled = np.zeros(len(self.truth), bool)

    def take(self, rows: np.ndarray) -> "Day":
        """These rows only, as a day of their own (a smaller copy)."""
        n = len(self.truth)
        truth = take_rows(self.truth, rows, n)
        truth.freeze()
        return Day(truth, take_rows(self.screening, rows, n), take_rows(self.decisions, rows, n),
                   self.contexts and [take_rows(c, rows, n) for c in self.contexts], self.screened[rows])


@dataclass
class Cleared:
    """Declarations of one day whose clearance is over (or, at the horizon, still under way)."""
    day: Day
    rows: np.ndarray
    status: np.ndarray       # RELEASED, SEIZED or IN_PROCESS
    stamps: np.ndarray       # rows x records.STAMPS
    exited: np.ndarray       # the goods leave the port (release + pick-up)
    physical: np.ndarray     # got a physical inspection
    detected: np.ndarray     # a check at the border found the violation
    audit_found: np.ndarray  # not found at the border, found by a post-clearance audit within the horizon

    def truth(self, name: str) -> np.ndarray:
        return getattr(self.day.truth, name)[self.rows]

    def decision(self, name: str) -> np.ndarray:
        return getattr(self.day.decisions, name)[self.rows]

    def screening(self, name: str) -> np.ndarray:
        return getattr(self.day.screening, name)[self.rows]

    def declared(self, name: str) -> np.ndarray:
        return getattr(self.day.screening.declared, name)[self.rows]

    @property
    def event_time(self) -> np.ndarray:
        """Release time, or the time of the finding for a seizure."""
        return np.where(self.status == SEIZED, self.stamps[:, S["physical_end"]], self.stamps[:, S["released"]])

    def lesson(self, idx: np.ndarray) -> dict[str, np.ndarray]:
        """What those who learn from the outcomes get, for the entries ``idx`` of this part:
        ``id`` is the declaration's number (:class:`~sim.records.Declared`), ``checked`` whether
        an officer checked it (document review or inspection), ``inspected`` whether it got an NII
        scan or a physical inspection, ``targeted`` whether targeting selected it for one (the
        screening record's flag), ``found`` whether a check found a
        violation, ``audited`` whether a post-clearance audit will report on it (released, not
        found at the border) and ``audit_found`` what that audit will find (known to customs only
        when the audit reports)."""
        rows, day = self.rows[idx], self.day
        t, d = day.truth, day.decisions
        contexts = day.contexts or []
        released = self.status[idx] == RELEASED
        return {"at": self.event_time[idx], "id": day.screening.declared.id[rows], "enterprise": t.enterprise[rows],
                "port": t.port[rows], "arrival": t.arrival[rows], "business_model": t.business_model[rows],
                "redress_u": d.redress_u[rows],
                "violation": t.violation[rows],
                "intentional": t.intentional[rows], "smuggler": t.smuggler[rows], "concealment": t.concealment[rows],
                "checked": d.channel[rows] != GREEN, "inspected": d.channel[rows] >= NII,
                "targeted": day.screening.targeted[rows], "found": self.detected[idx], "disclosed": d.disclosed[rows],
                "audited": d.audited[rows] & released & ~self.detected[idx], "audit_found": self.audit_found[idx],
                "released": released,
                "agency_u": d.agency_u[rows], "single_window": day.screening.single_window[rows],
                "on": np.column_stack([c.on[rows] for c in contexts] or [np.zeros(len(rows), bool)]),
                "marks": np.column_stack([c.marks[rows] if c.marks is not None else np.zeros(len(rows), bool)
                                          for c in contexts] or [np.zeros(len(rows), bool)])}


class Parts:
    """Several :class:`Cleared` parts read as one (the ledger counts them in bulk)."""

    def __init__(self, parts: list[Cleared]):
        self.parts, self._cache = parts, {}

    def _cat(self, key: tuple, get) -> np.ndarray:
        if key not in self._cache:
            self._cache[key] = np.concatenate([get(p) for p in self.parts])
        return self._cache[key]

    def truth(self, name: str) -> np.ndarray:
        return self._cat(("truth", name), lambda p: p.truth(name))

    def decision(self, name: str) -> np.ndarray:
        return self._cat(("decision", name), lambda p: p.decision(name))

    def screening(self, name: str) -> np.ndarray:
        return self._cat(("screening", name), lambda p: p.screening(name))

    def declared(self, name: str) -> np.ndarray:
        return self._cat(("declared", name), lambda p: p.declared(name))

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_") or name == "parts":
            raise AttributeError(name)
        return self._cat(("own", name), lambda p: getattr(p, name))


class Clearance:
    """Decides, times and settles each day's declarations."""

    def __init__(self, env: simpy.Environment, cfg: Config, ports: list[Port], roster: Roster, streams: Streams,
                 end_h: float, on_cleared: Callable[[Cleared], None], schedule: Schedule):
        self.env, self.streams, self.end_h, self.on_cleared = env, streams, end_h, on_cleared
        self.schedule = schedule
        self.decider = Decider(cfg, [port.kind for port in ports])
        self.clock = Clock(env)
        self.cases = Cases(self.clock, ports, roster)
        self.screening_h = cfg.world.service.screening_h
        self.open_days: list[Day] = []

    def dispatch(self, truth: Truth, screening: Screening, contexts: list) -> Day:
        """Decide a screened day's declarations; settle the green channel, queue the rest."""
        decisions = decide(truth, screening, self.decider, self.streams)
        screened = self.schedule.system_up(truth.port, truth.lodged + self.screening_h)  # automated: needs the system
        day = Day(truth, screening, decisions, contexts, screened)
        green = np.flatnonzero(decisions.channel == GREEN)
        self._settle(day, green, np.repeat(day.screened[green, None], CUSTOMS_STAMPS, axis=1),
                     np.zeros((len(green), 3), bool), np.zeros(len(green), bool), np.full(len(green), RELEASED))
        slow = np.flatnonzero(decisions.channel != GREEN)
        if len(slow):  # the queued rows in a day of their own: the green rows' record is freed once counted
            queued = day.take(slow)
            self.cases.start(queued, np.arange(len(slow)), queued.screened)
            self.open_days.append(queued)
        return day

    def run(self, until: float) -> None:
        """Run the simpy clock and the queue core to ``until``."""
        self.clock.run(until)

    def settle(self) -> None:
        """Settle the cases whose customs part ended since the last call."""
        for batch in self.cases.take():
            self._settle(batch.day, *batch.take())
        self.open_days = [day for day in self.open_days if not day.settled.all()]

    def close(self) -> None:
        """At the horizon: settle what finished, and record what is still in process."""
        self.settle()
        for day in self.open_days:
            rows = np.flatnonzero(~day.settled)
            self._settle(day, rows, np.repeat(day.screened[rows, None], CUSTOMS_STAMPS, axis=1),
                         np.zeros((len(rows), 3), bool), np.zeros(len(rows), bool), np.full(len(rows), IN_PROCESS))
        self.open_days.clear()

    def _settle(self, day: Day, rows: np.ndarray, customs: np.ndarray, found: np.ndarray, physical: np.ndarray,
                status: np.ndarray) -> None:
        if not len(rows):
            return
        day.settled[rows] = True
        detected = found.any(axis=1)
        stamps = customs_stamps(day.truth, rows, day.screened[rows], customs)
        corrected = detected & ~day.decisions.seizable[rows]
        exited = after_customs(stamps, day.decisions, rows, corrected, self.schedule, day.truth.port[rows])
        known = stamps[:, S["released"]] + day.decisions.audit_lag_h < self.end_h
        audit_found = day.decisions.audit_hit[rows] & ~detected & (status == RELEASED) & known
        physical = physical | (day.decisions.channel[rows] > NII)
        self.on_cleared(Cleared(day, rows, status, stamps, exited, physical, detected, audit_found))
