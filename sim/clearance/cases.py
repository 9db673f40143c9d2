"""The customs part of the declarations that need an officer, a scanner or a bay, on the simpy clock.

Document review only: a chain of callbacks (no process). NII scan and physical inspection: a
simpy process per declaration: transfer of the goods (once they have arrived), the scanner, an
image analyst, and, when the image is suspicious or chosen for a physical check anyway, a
second transfer, a bay and a physical inspection officer. Each check finds the violation with
the drawn chance times the skill of the officer who does it. A finding of goods that are seized
(contraband) ends clearance there, whichever check made it; any other finding means a
correction. When the customs part is over the case is handed to :class:`Finished`, which the
clearance settles in batches.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import simpy

from sim.agents.officer import Roster
from sim.agents.port import Port
from sim.clearance.decisions import SV
from sim.records import DOCUMENT, NII, RELEASED, SEIZED

DOC, NII_CHECK, PHYS = 0, 1, 2  # columns of Decisions.chance / u_check


@dataclass
class Finished:
    """Cases whose customs part is over, per day record, waiting to be settled."""
    cases: dict = field(default_factory=dict)  # day record -> list of (row, customs stamps, found, physical, status)

    def add(self, day, row: int, stamps: tuple, found: tuple, physical: bool, status: int) -> None:
        self.cases.setdefault(day, []).append((row, stamps, found, physical, status))

    def take(self) -> dict:
        cases, self.cases = self.cases, {}
        return cases


class Cases:
    """Starts and runs the slow cases of each day record."""

    def __init__(self, env: simpy.Environment, ports: list[Port], roster: Roster, finished: Finished):
        self.env, self.ports, self.roster, self.finished = env, ports, roster, finished

    def start(self, day, rows: np.ndarray, screened: np.ndarray) -> None:
        """Send ``rows`` of the day record (all routed to an officer) to their ports' queues."""
        truth, dec, priority = day.truth, day.decisions, day.screening.priority
        cols = zip(rows.tolist(), truth.port[rows].tolist(), truth.arrival[rows].tolist(), screened.tolist(),
                   dec.channel[rows].tolist(), dec.escalate[rows].tolist(), dec.seizable[rows].tolist(),
                   dec.chance[rows].tolist(), dec.u_check[rows].tolist(), dec.service[rows].tolist(),
                   priority[rows].tolist())
        for row, port, arrival, at, channel, escalate, seizable, chance, u, s, first in cols:
            case = (day, row, self.ports[port], arrival, seizable, chance, u, s, first)
            if channel == DOCUMENT:
                self._document(case, at)
            else:
                self.env.process(self._inspection(case, at, channel, escalate))

    def _document(self, case: tuple, at: float) -> None:
        """Document review only, as callbacks."""
        day, row, port, arrival, seizable, chance, u, s, first = case
        env = self.env

        def reviewed(start: float, officer: int) -> None:
            found = self.roster.check("document", officer, chance[DOC], u[DOC])
            now = env.now
            self.finished.add(day, row, (start, now, now, now, now, now, now), (found, False, False), False,
                              SEIZED if found and seizable else RELEASED)

        review = lambda _=None: port.serve_then("document", s[SV["document"]], reviewed, first)  # noqa: E731
        if at > env.now:
            env.timeout(at - env.now).callbacks.append(review)
        else:
            review()

    def _inspection(self, case: tuple, at: float, channel: int, escalate: bool):
        """NII scan (maybe followed by physical inspection) or physical inspection, as a process."""
        day, row, port, arrival, seizable, chance, u, s, first = case
        env, roster = self.env, self.roster
        if at > env.now:
            yield env.timeout(at - env.now)
        screened = env.now
        yield env.timeout(max(env.now, arrival) + s[SV["transfer"]] - env.now)
        at_inspection = nii_s = nii_e = env.now
        found_nii = found_phys = False
        physical = channel != NII
        if not physical:
            nii_s, _ = yield from port.serve("scanner", s[SV["scan"]], first)
            _, analyst = yield from port.serve("nii", s[SV["image"]], first)
            found_nii = roster.check("nii", analyst, chance[NII_CHECK], u[NII_CHECK])
            nii_e = env.now
            physical = escalate or found_nii
            if physical:  # the goods move on to a bay (counted in the wait for physical inspection)
                yield env.timeout(s[SV["transfer"]])
        ph_s = ph_e = nii_e
        if physical:
            bay, turn = port.bay.acquire(first)
            if turn is not None:
                bay = yield turn
            ph_s, officer = yield from port.serve("physical", s[SV["physical"]], first)
            port.bay.release(bay)
            found_phys = roster.check("physical", officer, chance[PHYS], u[PHYS])
            ph_e = env.now
        seized = (found_nii or found_phys) and seizable
        self.finished.add(day, row, (screened, screened, at_inspection, nii_s, nii_e, ph_s, ph_e),
                          (False, found_nii, found_phys), physical, SEIZED if seized else RELEASED)
