"""What screening decides for a day's declarations: a pure function of truth, screening and draws.

:func:`decide` picks each declaration's channel (green / document review / NII scan / physical
inspection) from the check probabilities the policies set, and draws everything the rest of
clearance needs, so that no later step consumes random numbers in an order that depends on
the simulation: the uniforms each check will compare with its chance of finding the violation
(the chance is scaled by the skill of the officer who serves, known only then), whether a clean
NII image is still sent to physical inspection, disclosure, audit, partner agencies' discovery,
and the service times. Common random numbers: every stream draws a fixed number of values per
declaration, whatever the policies do.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.calendar import HOURS_PER_DAY, after_work
from sim.config import Config
from sim.declarations import Paperwork
from sim.records import DOCUMENT, GREEN, IMPORT, NII, PHYSICAL, Screening, Truth
from sim.redress.desk import U as REDRESS_U
from sim.streams import Streams

# Columns of the service-time matrix, one draw per declaration and step.
SERVICE = ("document", "scan", "image", "physical", "transfer", "payment", "correction", "agency", "permit",
           "pickup")
SV = dict(zip(SERVICE, range(len(SERVICE))))
CHECKS = ("document", "nii", "physical")


@dataclass
class Decisions:
    """Screening's decisions and the draws of one day's declarations (arrays per declaration)."""
    channel: np.ndarray        # GREEN, DOCUMENT, NII or PHYSICAL
    disclosed: np.ndarray      # an error the trader disclosed before any check (corrected, no finding)
    escalate: np.ndarray       # a clean NII image still goes on to physical inspection
    chance: np.ndarray         # n x 3: chance a check (CHECKS) by an officer of skill 1 finds the violation
    u_check: np.ndarray        # n x 3: the uniform each check compares with chance x skill
    seizable: np.ndarray       # found -> seizure and case (else correction and fine)
    audited: np.ndarray        # picked for a post-clearance audit (if released)
    audit_hit: np.ndarray      # a post-clearance audit would find it (if the border did not)
    audit_lag_h: float
    agency_u: np.ndarray       # n x agencies: uniforms of partner agencies' own discovery
    service: np.ndarray        # n x SERVICE: service and process times (h)
    joint: np.ndarray          # other agencies join customs' inspection
    agency_separate: np.ndarray  # another agency inspects the goods on its own
    pay_h: np.ndarray          # time to pay the duty before release (0: deferred, guaranteed or none)
    permit_ready: np.ndarray   # when another agency's permit is granted (-inf: none needed)
    redress_u: np.ndarray      # n x len(U): uniforms of disputes and complaints (sim.redress.desk.U)

    def __len__(self) -> int:
        return len(self.channel)


class Decider:
    """The configuration :func:`decide` needs, prepared once per run."""

    def __init__(self, cfg: Config, port_kinds: list[str]):
        violations = list(cfg.population.violations.values())
        table = lambda attr: np.array([getattr(v, attr) for v in violations] + [0.0])  # noqa: E731 ([-1]: none)
        self.detect = np.stack([table("detect_document"), table("detect_nii"), table("detect_physical")], axis=1)
        self.detect_audit, self.seizable = table("detect_audit"), table("seized").astype(bool)
        self.nii_escalation = cfg.population.nii_escalation
        self.audit_lag_h = cfg.population.audit_lag_days * HOURS_PER_DAY
        self.n_agencies = len(cfg.population.agencies)
        s, kinds = cfg.world.service, cfg.world.kinds
        common = {"document": s.document_h, "scan": s.nii_scan_h, "image": s.nii_image_h, "payment": s.payment_h,
                  "correction": s.correction_h, "agency": s.agency_check_h, "permit": s.permit_h}
        per_kind = lambda kind: [common.get(name) if name in common else getattr(kinds[kind], f"{name}_h")  # noqa: E731
                                 for name in SERVICE]
        self.means = np.array([per_kind(kind) for kind in port_kinds])  # port x SERVICE
        self.cv = s.cv
        self.trader, self.agencies = cfg.population.trader, cfg.world.agencies
        self.paperwork = Paperwork(cfg.population)

    def service_times(self, port: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Gamma service times with the configured CV (exponential at CV 1), means by port kind."""
        means = self.means[port]
        if self.cv < 1e-6:  # a gamma this narrow is its mean (and 1 / cv ** 2 would overflow for tiny cv)
            return means.copy()
        shape = 1.0 / self.cv ** 2
        return rng.gamma(shape, 1.0, means.shape) * (means / shape)

    def permit_ready(self, truth: Truth, screening: Screening, service: np.ndarray) -> np.ndarray:
        """When the permit is granted. Through the single window the agency receives the
        declaration when it is lodged (even before arrival); otherwise the trader applies on its
        own once the goods are in and re-enters the data in the agency's system (brokers' office
        hours for manual formats). The agency works on it in its office hours."""
        start = np.maximum(truth.lodged, truth.arrival)
        applied = np.where(screening.single_window, truth.lodged,
                           self.paperwork.done(start, truth.reentry_h, truth.business_model))
        ready = after_work(applied, service[:, SV["permit"]], self.agencies.open_hour, self.agencies.close_hour)
        return np.where(truth.permit, ready, -np.inf)


def decide(truth: Truth, screening: Screening, how: Decider, streams: Streams) -> Decisions:
    """Channel, draws and process times of a day's declarations (see the module docstring)."""
    n, day = len(truth), truth.day
    u = streams.get("screening", day).random(n)
    cum_phys = screening.p_physical
    cum_nii = cum_phys + screening.p_nii
    cum_doc = cum_nii + screening.p_document
    channel = np.select([u < cum_phys, u < cum_nii, u < cum_doc], [PHYSICAL, NII, DOCUMENT], GREEN).astype(np.int8)
    d = streams.get("inspection", day).random((n, 8))
    has_v = truth.violation >= 0
    disclosed = has_v & ~truth.intentional & (d[:, 7] < screening.p_disclose)
    found_able = has_v & ~disclosed
    vt = truth.violation  # -1 picks the "none" row of the tables
    chance = how.detect[vt] * np.column_stack([np.ones(n), truth.nii_factor, truth.physical_factor])
    chance *= (screening.detect_factor * found_able)[:, None]
    a = streams.get("audit", day).random((n, 2))
    audited = a[:, 0] < screening.p_audit
    audit_hit = found_able & audited & (a[:, 1] < how.detect_audit[vt])
    agency_u = streams.get("agencies", day).random((n, max(how.n_agencies, 1)))
    service = how.service_times(truth.port, streams.get("service", day))
    redress_u = streams.get("redress", day).random((n, len(REDRESS_U)))
    inspected = channel >= NII
    joint = truth.agency_check & screening.joint & inspected
    dutiable = (truth.direction == IMPORT) & (truth.duty > 0) & ~screening.pay_deferred
    guaranteed = d[:, 6] < how.trader.guarantee_share
    return Decisions(
        channel=channel, disclosed=disclosed, escalate=(channel == NII) & (d[:, 3] < how.nii_escalation),
        chance=chance, u_check=d[:, :3], seizable=how.seizable[vt] & found_able, audited=audited, audit_hit=audit_hit,
        audit_lag_h=how.audit_lag_h, agency_u=agency_u, service=service, joint=joint,
        agency_separate=truth.agency_check & ~joint,
        pay_h=np.where(dutiable & ~guaranteed, service[:, SV["payment"]], 0.0),
        permit_ready=how.permit_ready(truth, screening, service), redress_u=redress_u)
