"""The customs part of the declarations that need an officer, a scanner or a bay, on the queue
core (:mod:`sim.clearance.queues`).

Document review: wait until screened, then the review (a :class:`~sim.clearance.queues.Service`)
by the port's officers or, for a local declaration, by those of the inland office the trader
lodged at, whose decision reaches the port ``handover_h`` later (the transfer step); an
inspection ordered inland starts its transfer at the port after the same hand-over.
NII scan and physical inspection, step by step as a simpy process would take them: transfer of
the goods (once they have arrived), the scanner, an image analyst, and, when the image is
suspicious or chosen for a physical check anyway, a second transfer, a bay and a physical
inspection officer. Each check finds the violation with the drawn chance times the skill of the
officer who does it. A finding of goods that are seized (contraband) ends clearance there,
whichever check made it; any other finding means a correction. A day's cases are a
:class:`Batch` of columns (Python lists in, preallocated arrays out); finished cases are taken in
bulk by the clearance (:meth:`Cases.take`).
"""
from __future__ import annotations

from array import array

import numpy as np

from sim.agents.officer import Roster
from sim.agents.port import Port
from sim.clearance.decisions import SV
from sim.clearance.queues import FIRST, Clock, Service
from sim.records import DOCUMENT, NII, RELEASED, SEIZED

DOC, NII_CHECK, PHYS = 0, 1, 2  # columns of Decisions.chance / u_check, and bits of Batch.found
TRANSFER = SV["transfer"]
QUEUED = ("document", "scan", "image", "physical", "transfer")  # the service times the queues use


class Batch:
    """The slow cases of one day record: inputs as Python lists, outputs in preallocated arrays
    (the customs timestamps, which checks found the violation, physical inspection), the rows
    finished since the last take in ``done``."""

    def __init__(self, day, rows: np.ndarray, screened: np.ndarray):
        dec, n, office = day.decisions, len(rows), day.screening.office[rows]
        self.day, self.rows, self.done = day, rows, []
        # the port whose officers serve the case: an inland office reviews what was lodged there
        inland = (office >= 0) & (dec.channel[rows] == DOCUMENT)
        self.port, self.at = np.where(inland, office, day.truth.port[rows]).tolist(), screened.tolist()
        self.handover = day.screening.handover_h[rows].tolist()
        self.arrival, self.priority = day.truth.arrival[rows].tolist(), day.screening.priority[rows].tolist()
        self.channel, self.escalate = dec.channel[rows].tolist(), dec.escalate[rows].tolist()
        self.chance, self.u = dec.chance[rows].T.tolist(), dec.u_check[rows].T.tolist()
        self.service = [dec.service[rows, SV[name]].tolist() if name in QUEUED else None for name in SV]
        self.server, self.start, self.bay = [0] * n, [0.0] * n, [0] * n  # held while served
        # customs timestamps: document start (or screening), at inspection, NII start and end, physical start, end
        self.first, self.inspected, self.nii_start, self.nii_end, self.physical_start, self.end = (
            array("d", bytes(8 * n)) for _ in range(6))
        self.found, self.physical = array("b", bytes(n)), array("b", bytes(n))

    def take(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The rows finished since the last take: day rows, customs stamps (document_start ..
        physical_end), found (rows x checks), physical inspection and status."""
        idx, self.done = np.array(self.done, dtype=np.int64), []
        col = lambda a: np.frombuffer(a, dtype=np.float64)[idx]  # noqa: E731
        first, end = col(self.first), col(self.end)
        customs = np.column_stack([first, first, col(self.inspected), col(self.nii_start), col(self.nii_end),
                                   col(self.physical_start), end])
        rows = self.rows[idx]
        document = self.day.decisions.channel[rows] == DOCUMENT
        handed = end + self.day.screening.handover_h[rows]
        customs[document, 1] = end[document]
        customs[document, 2:] = handed[document, None]  # reviewed: later customs stamps after the hand-over
        found = (np.frombuffer(self.found, dtype=np.int8)[idx, None] & (1 << np.arange(3))) > 0
        status = np.where(found.any(axis=1) & self.day.decisions.seizable[rows], SEIZED, RELEASED).astype(np.int8)
        return rows, customs, found, np.frombuffer(self.physical, dtype=np.int8)[idx] > 0, status


class Cases:
    """Starts and runs the slow cases of each day record."""

    def __init__(self, clock: Clock, ports: list[Port], roster: Roster):
        self.clock, self.roster = clock, roster
        self.review = Service(clock, ports, "document", SV["document"], self._reviewed)
        self.scan = Service(clock, ports, "scanner", SV["scan"], self._scanned)
        self.analysis = Service(clock, ports, "nii", SV["image"], self._analysed)
        self.inspection = Service(clock, ports, "physical", SV["physical"], self._inspected)
        self.bays = [port.bay for port in ports]
        for pool in self.bays:
            pool.grant = clock.grant
        self.finished: list[Batch] = []  # batches with rows finished since the last take, in that order

    def start(self, day, rows: np.ndarray, screened: np.ndarray) -> Batch:
        """Send ``rows`` of the day record (all routed to an officer) to their ports' queues."""
        batch, now, clock = Batch(day, rows, screened), self.clock.env.now, self.clock
        for row, (channel, at) in enumerate(zip(batch.channel, batch.at)):
            if channel != DOCUMENT:
                clock.at(now, self._screen, batch, row, FIRST)  # a process, started before what is due now
            elif at > now:
                clock.at(now + (at - now), self.review.request, batch, row)
            else:
                self.review.request(now, batch, row)
        return batch

    def take(self) -> list[Batch]:
        """The batches with rows finished since the last call (take their rows with Batch.take)."""
        finished, self.finished = self.finished, []
        return finished

    def _finish(self, batch: Batch, row: int) -> None:
        if not batch.done:
            self.finished.append(batch)
        batch.done.append(row)

    def _check(self, role: str, batch: Batch, row: int, check: int) -> bool:
        found = self.roster.check(role, batch.server[row], batch.chance[check][row], batch.u[check][row])
        if found:
            batch.found[row] |= 1 << check
        return found

    # --- document review -------------------------------------------------------------------------
    def _reviewed(self, t: float, batch: Batch, row: int) -> None:
        self.review.release(t, batch, row)
        self._check("document", batch, row, DOC)
        batch.first[row], batch.end[row] = batch.start[row], t
        if batch.handover[row]:  # reviewed inland: the decision reaches the port later
            self.clock.at(t + batch.handover[row], self._handed_over, batch, row)
        else:
            self._finish(batch, row)

    def _handed_over(self, t: float, batch: Batch, row: int) -> None:
        self._finish(batch, row)

    # --- NII scan and physical inspection, in a simpy process's steps ------------------------------
    def _screen(self, t: float, batch: Batch, row: int) -> None:
        at = batch.at[row]
        if at > t:
            self.clock.at(t + (at - t), self._screened, batch, row)
        else:
            self._screened(t, batch, row)

    def _screened(self, t: float, batch: Batch, row: int) -> None:
        """Screened: the goods move to the scanner or bay once they have arrived."""
        batch.first[row] = t
        ready = max(t + batch.handover[row], batch.arrival[row])  # an inland office's instruction, the goods
        self.clock.at(t + (ready + batch.service[TRANSFER][row] - t), self._arrived, batch, row)

    def _arrived(self, t: float, batch: Batch, row: int) -> None:
        batch.inspected[row] = batch.nii_start[row] = batch.nii_end[row] = t
        if batch.channel[row] == NII:
            self.scan.request(t, batch, row)
        else:
            self._to_bay(t, batch, row)

    def _scanned(self, t: float, batch: Batch, row: int) -> None:
        self.scan.release(t, batch, row)
        batch.nii_start[row] = batch.start[row]
        self.clock.at(t, self.analysis.request, batch, row)  # the process resumes one step later

    def _analysed(self, t: float, batch: Batch, row: int) -> None:
        self.analysis.release(t, batch, row)
        self.clock.at(t, self._judged, batch, row)

    def _judged(self, t: float, batch: Batch, row: int) -> None:
        """The image is analysed: to a bay if suspicious (or chosen anyway), else done."""
        found = self._check("nii", batch, row, NII_CHECK)
        batch.nii_end[row] = t
        if batch.escalate[row] or found:  # the goods move on to a bay (counted in the wait for physical inspection)
            self.clock.at(t + batch.service[TRANSFER][row], self._to_bay, batch, row)
        else:
            batch.physical_start[row] = batch.end[row] = t
            self._finish(batch, row)

    def _to_bay(self, t: float, batch: Batch, row: int) -> None:
        bay = self.bays[batch.port[row]].acquire((self._in_bay, batch, row), batch.priority[row])
        if bay is not None:
            self._in_bay(t, batch, row, bay)

    def _in_bay(self, t: float, batch: Batch, row: int, bay: int) -> None:
        batch.bay[row] = bay
        self.inspection.request(t, batch, row)

    def _inspected(self, t: float, batch: Batch, row: int) -> None:
        self.inspection.release(t, batch, row)
        self.clock.at(t, self._concluded, batch, row)

    def _concluded(self, t: float, batch: Batch, row: int) -> None:
        self.bays[batch.port[row]].release(batch.bay[row], t)
        self._check("physical", batch, row, PHYS)
        batch.physical_start[row], batch.end[row], batch.physical[row] = batch.start[row], t, 1
        self._finish(batch, row)
