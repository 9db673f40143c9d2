"""The clearance process of a day's declarations, following the WCO Time Release Study steps.

arrival -> lodged (an error may be disclosed and corrected here) -> automated screening ->
channel (green / document review / NII scan with image analysis / physical inspection in a bay)
-> finding (seizure, or correction) -> another agency's inspection where the goods need one
(none if it joined customs' inspection) -> duty payment -> release (never before arrival) ->
possibly a post-clearance audit.

Everything that needs no officer is computed for the whole batch with numpy (the green
channel never becomes a simpy process); only declarations routed to an officer, scanner or bay
run as simpy processes, and they only replay the path and service times drawn for the batch.
"""
from __future__ import annotations

import numpy as np
import simpy

from sim.agents.officer import Roster
from sim.agents.port import Port
from sim.config import Config
from sim.declarations import IMPORT, Batch
from sim.streams import Streams

GREEN, DOCUMENT, NII, PHYSICAL = 0, 1, 2, 3
CHANNELS = ("green", "document", "nii", "physical")
# TRS timestamps of one declaration, in hours; the steps are the gaps between them.
(T_ARRIVAL, T_LODGED, T_SCREENED, T_DOC_S, T_DOC_E, T_NII_S, T_NII_E, T_PHYS_S, T_PHYS_E, T_AGENCY_E,
 T_DONE) = range(11)
STEPS = ("lodging", "screening", "document_review_wait", "document_review", "nii_wait", "nii",
         "physical_wait", "physical", "agency_check", "duty_payment")
# A declaration's path, as bits: the channel (0-3), then physical inspection, agency inspection.
PHYSICAL_BIT, AGENCY_BIT = 4, 8
IN_PROCESS, RELEASED, SEIZED = 0, 1, 2
# Service-time columns drawn for every declaration (common random numbers).
S_DOC, S_SCAN, S_IMAGE, S_PHYS, S_TRANSFER, S_PAYMENT, S_CORRECTION, S_AGENCY = range(8)


class Outcomes:
    """What happens to a batch, decided at screening: channel, path, findings, revenue."""

    def __init__(self, batch: Batch, cfg: Config, streams: Streams, end_h: float, roster: Roster):
        n = len(batch)
        vts = list(cfg.population.violations.values())
        table = lambda attr: np.array([getattr(v, attr) for v in vts])  # noqa: E731
        u = streams.get("screening", batch.day).random(n)
        cum_phys = batch.p_physical
        cum_nii = cum_phys + batch.p_nii
        cum_doc = cum_nii + batch.p_document
        self.channel = np.select([u < cum_phys, u < cum_nii, u < cum_doc], [PHYSICAL, NII, DOCUMENT],
                                 GREEN).astype(np.int8)
        d = streams.get("inspection", batch.day).random((n, 8))
        vt = np.maximum(batch.violation, 0)
        self.disclosed = (batch.violation >= 0) & ~batch.intentional & (d[:, 7] < batch.p_disclose)
        has_v = (batch.violation >= 0) & ~self.disclosed
        nii = self.channel == NII
        escalate = nii & (d[:, 3] < cfg.population.nii_escalation)
        checks = {"document": self.channel == DOCUMENT, "nii": nii}
        chance = {"document": table("detect_document")[vt],
                  "nii": table("detect_nii")[vt] * batch.nii_factor,
                  "physical": table("detect_physical")[vt] * batch.physical_factor}
        found = {}
        for k, role in enumerate(("document", "nii", "physical")):
            if role == "physical":  # a suspicious NII image always goes on to physical inspection
                self.physical = (self.channel == PHYSICAL) | escalate | found["nii"]
                checks[role] = self.physical
            rows = np.flatnonzero(checks[role])
            officer = roster.assign(role, batch.port[rows], d[rows, 4 + k])
            hit = np.zeros(n, bool)
            hit[rows] = has_v[rows] & (d[rows, k] < chance[role][rows] * batch.detect_factor[rows]
                                       * roster.skill[role][officer])
            roster.record(role, officer, hit[rows])
            found[role] = hit
        self.detected = found["document"] | found["nii"] | found["physical"]
        self.seized = self.detected & table("seized")[vt]
        self.corrected = self.detected & ~self.seized
        self.inspected = self.channel >= NII
        self.joint = batch.agency_check & batch.joint & self.inspected
        self.agency = batch.agency_check & ~self.joint  # a separate inspection by another agency
        self.path = self.channel + PHYSICAL_BIT * self.physical + AGENCY_BIT * self.agency
        a = streams.get("audit", batch.day).random((n, 2))
        self.audit_found = (has_v & ~self.detected & (a[:, 0] < batch.p_audit)
                            & (a[:, 1] < table("detect_audit")[vt])
                            & (batch.arrival + cfg.population.audit_lag_days * 24 < end_h))
        self.collected = batch.duty - batch.evaded * ~(self.detected | self.audit_found | self.disclosed)
        self.service = self._service_times(n, cfg, streams.get("service", batch.day))

    @staticmethod
    def _service_times(n: int, cfg: Config, rng: np.random.Generator) -> np.ndarray:
        s = cfg.world.service
        means = np.array([s.document_h, s.nii_scan_h, s.nii_image_h, s.physical_h, s.transfer_h,
                          s.payment_h, s.correction_h, s.agency_check_h])
        if s.cv == 0:
            return np.broadcast_to(means, (n, len(means))).copy()
        shape = 1.0 / s.cv ** 2
        return rng.gamma(shape, 1.0, (n, len(means))) * (means / shape)


class Clearance:
    """Routes each batch: arithmetic release for the green channel, simpy for the rest."""

    def __init__(self, env: simpy.Environment, cfg: Config, ports: list[Port], roster: Roster, ledger,
                 streams: Streams, end_h: float):
        self.env, self.cfg, self.ports, self.roster, self.ledger = env, cfg, ports, roster, ledger
        self.streams, self.end_h = streams, end_h
        self.screening_h = cfg.world.service.screening_h
        self.open_batches: list[Pending] = []

    def dispatch(self, batch: Batch) -> Outcomes:
        out = Outcomes(batch, self.cfg, self.streams, self.end_h, self.roster)
        self.ledger.record_cohort(batch, out)
        screened = batch.lodged + self.screening_h
        dutiable = (batch.direction == IMPORT) & (batch.duty > 0) & ~batch.pay_deferred
        pay = np.where(dutiable, out.service[:, S_PAYMENT], 0.0)
        agency = np.where(out.agency, out.service[:, S_AGENCY], 0.0)
        green = np.flatnonzero(out.channel == GREEN)
        times = np.repeat(screened[green, None], T_DONE + 1, axis=1)
        times[:, T_ARRIVAL], times[:, T_LODGED] = batch.arrival[green], batch.lodged[green]
        needs_goods = np.where(out.agency[green], np.maximum(screened[green], batch.arrival[green]), screened[green])
        times[:, T_AGENCY_E] = needs_goods + agency[green]
        times[:, T_DONE] = times[:, T_AGENCY_E] + pay[green]
        self.ledger.record_times(batch, green, out.path[green], times, np.full(len(green), RELEASED, np.int8))
        slow = np.flatnonzero(out.channel != GREEN)
        if len(slow):
            pending = Pending(self, batch, out, slow)
            self.open_batches.append(pending)
            rows = zip(batch.port[slow].tolist(), batch.arrival[slow].tolist(), batch.lodged[slow].tolist(),
                       screened[slow].tolist(), out.channel[slow].tolist(), out.physical[slow].tolist(),
                       out.seized[slow].tolist(), out.corrected[slow].tolist(), out.service[slow].tolist(),
                       agency[slow].tolist(), pay[slow].tolist(), batch.priority[slow].tolist())
            for k, row in enumerate(rows):
                if row[4] == DOCUMENT:
                    self._document_case(pending, k, *row)
                else:
                    self.env.process(self._case(pending, k, *row))
        return out

    def _document_case(self, pending, k, port_i, arrival, lodged, screened, channel, physical, seized,
                       corrected, s, agency, pay, priority):
        """A declaration that needs document review only, as a chain of callbacks (no process)."""
        env = self.env

        def reviewed(start: float) -> None:
            agency_e = max(env.now, arrival) + agency if agency else env.now
            done = agency_e + (s[S_CORRECTION] if corrected else 0.0) + pay
            pending.finish(k, (arrival, lodged, screened, start, env.now, env.now, env.now, env.now, env.now,
                               agency_e, done), RELEASED)

        review = lambda _=None: self.ports[port_i].serve_then("document", s[S_DOC], reviewed, priority)  # noqa: E731
        if screened > env.now:
            env.timeout(screened - env.now).callbacks.append(review)
        else:
            review()

    def _case(self, pending, k, port_i, arrival, lodged, screened, channel, physical, seized,
              corrected, s, agency, pay, priority):
        """Simpy process of one declaration that needs an officer, scanner or bay."""
        env, port = self.env, self.ports[port_i]
        if screened > env.now:
            yield env.timeout(screened - env.now)
        doc_s = doc_e = screened
        if channel == DOCUMENT:
            doc_s = yield from port.serve("document", s[S_DOC])
            doc_e = env.now
        nii_s = nii_e = doc_e
        if channel == NII:
            yield env.timeout(max(env.now, arrival) + s[S_TRANSFER] - env.now)
            nii_s = yield from port.serve("scanner", s[S_SCAN], priority)
            yield from port.serve("nii", s[S_IMAGE], priority)
            nii_e = env.now
        ph_s = ph_e = nii_e
        if physical:
            yield env.timeout(max(env.now, arrival) + s[S_TRANSFER] - env.now)
            bay = port.bay.acquire(priority)
            if bay:
                yield bay
            ph_s = yield from port.serve("physical", s[S_PHYS], priority)
            port.bay.release()
            ph_e = env.now
        agency_e = ph_e if seized or not agency else max(ph_e, arrival) + agency
        done = ph_e if seized else agency_e + (s[S_CORRECTION] if corrected else 0.0) + pay
        pending.finish(k, (arrival, lodged, screened, doc_s, doc_e, nii_s, nii_e, ph_s, ph_e, agency_e, done),
                       SEIZED if seized else RELEASED)

    def close(self) -> None:
        """At the horizon: record what is still in process."""
        for pending in self.open_batches:
            pending.flush()
        self.open_batches.clear()


class Pending:
    """The slow-path part of one batch; recorded in one go once every case has finished."""

    def __init__(self, clearance: Clearance, batch: Batch, out: Outcomes, rows: np.ndarray):
        self.clearance, self.batch, self.rows = clearance, batch, rows
        self.path = out.path[rows]
        self.times = np.zeros((len(rows), T_DONE + 1))
        self.status = np.full(len(rows), IN_PROCESS, np.int8)
        self.left = len(rows)

    def finish(self, k: int, times: tuple, status: int) -> None:
        self.times[k] = times
        self.status[k] = status
        self.left -= 1
        if not self.left:
            self.flush()
            self.clearance.open_batches.remove(self)

    def flush(self) -> None:
        self.clearance.ledger.record_times(self.batch, self.rows, self.path, self.times, self.status)
