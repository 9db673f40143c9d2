"""A day's declarations as a structure of numpy arrays (no object per declaration).

:class:`DeclarationSource` draws arrivals, who declares, goods value and duty, lodging time
and the ground truth (intentional violation decided by each trader, unintentional error,
evaded duty) for all ports at once. Every stream draws the same number of values whatever
the policies do, so scenarios share their random numbers.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from sim.agents.enterprise import Population
from sim.behaviour.compliance import Compliance
from sim.calendar import HOURS_PER_DAY
from sim.config import Config
from sim.streams import Streams

IMPORT, EXPORT = 0, 1
NO_VIOLATION = -1


@dataclass
class Batch:
    """One day's declarations; policies adjust the inspection probabilities in place."""
    day: int
    port: np.ndarray
    enterprise: np.ndarray
    direction: np.ndarray
    business_model: np.ndarray
    arrival: np.ndarray
    lodged: np.ndarray
    value: np.ndarray
    duty: np.ndarray
    violation: np.ndarray       # violation type index, or NO_VIOLATION
    evaded: np.ndarray          # duty evaded (CNY)
    intentional: np.ndarray     # a decision, not an error
    high_risk: np.ndarray       # high-risk goods (rule-based targeting, traceability)
    agency_check: np.ndarray    # goods that another agency must inspect too (e.g. quarantine)
    smuggler: np.ndarray = None  # network index, -1 for ordinary trade
    nii_factor: np.ndarray = None   # concealment: scales the chance an NII scan finds it
    physical_factor: np.ndarray = None
    tier: np.ndarray = None     # credit tier at screening (filled by the model)
    partner_aeo: np.ndarray = None  # the foreign counterpart is an AEO (filled by the model)
    # Set at screening, by policies (defaults from the config via ``screening_defaults``):
    p_document: np.ndarray = field(init=False)
    p_nii: np.ndarray = field(init=False)
    p_physical: np.ndarray = field(init=False)
    p_audit: np.ndarray = field(init=False)       # chance of a post-clearance audit
    p_disclose: np.ndarray = field(init=False)    # chance an error is voluntarily disclosed
    detect_factor: np.ndarray = field(init=False)  # scales every check's chance of finding
    joint: np.ndarray = field(init=False)         # other agencies join customs' inspection
    pay_deferred: np.ndarray = field(init=False)  # duty paid later (consolidated), no wait
    priority: np.ndarray = field(init=False)      # served first in every queue

    def __post_init__(self) -> None:
        n = len(self.port)
        self.smuggler = np.full(n, -1, np.int16) if self.smuggler is None else self.smuggler
        for name in ("nii_factor", "physical_factor"):
            if getattr(self, name) is None:
                setattr(self, name, np.ones(n))
        self.tier = np.ones(n, np.int8) if self.tier is None else self.tier
        self.partner_aeo = np.zeros(n, bool) if self.partner_aeo is None else self.partner_aeo
        self.p_document, self.p_nii, self.p_physical, self.p_audit, self.p_disclose = (np.zeros(n) for _ in range(5))
        self.detect_factor = np.ones(n)
        self.joint, self.pay_deferred, self.priority = (np.zeros(n, bool) for _ in range(3))

    def screening_defaults(self, audit_rate: float, disclosure_prob: float) -> None:
        """Baseline audit and disclosure chances, before the policies act."""
        self.p_audit[:] = audit_rate
        self.p_disclose[:] = disclosure_prob

    def __len__(self) -> int:
        return len(self.port)

    def __add__(self, other: "Batch") -> "Batch":
        """The rows of this batch followed by those of ``other`` (same day)."""
        arrays = {f.name: np.concatenate([getattr(self, f.name), getattr(other, f.name)])
                  for f in dataclasses.fields(self) if f.init and f.name != "day"}
        return Batch(day=self.day, **arrays)


class DeclarationSource:
    """Draws each day's declarations from the population and the ports' arrival rates."""

    def __init__(self, cfg: Config, population: Population, compliance: Compliance, streams: Streams):
        ports = list(cfg.world.ports.values())
        self.rate = np.array([p.declarations_per_day for p in ports])
        self.population, self.compliance, self.streams = population, compliance, streams
        self.daytime = cfg.world.arrival_profile == "daytime"
        lodging = cfg.world.lodging
        self.prelodge = np.array([lodging.prelodge_import, lodging.prelodge_export])
        self.delay = np.array([lodging.delay_import_h, lodging.delay_export_h])
        self.lead_h = lodging.lead_h
        violations = list(cfg.population.violations)
        self.violation_cdf = np.cumsum([v.share for v in cfg.population.violations.values()])
        self.evaded_fraction = np.array([v.evaded_fraction for v in cfg.population.violations.values()])
        self.error_type = violations.index(cfg.population.error_type)
        self.high_risk_share = cfg.population.high_risk_goods_share
        self.agency_check_share = cfg.population.agency_check_share

    def draw_day(self, day: int) -> Batch:
        """Declarations arriving on ``day`` (day 0 starts at hour 0 = world.start)."""
        rng, pop = self.streams.get("arrivals", day), self.population
        counts = rng.poisson(self.rate)
        port = np.repeat(np.arange(len(counts)), counts)
        n = len(port)
        u = rng.random((n, 7))
        enterprise = np.empty(n, dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(counts)))
        for p in np.flatnonzero(counts):
            enterprise[offsets[p]:offsets[p + 1]] = pop.draw(p, u[offsets[p]:offsets[p + 1], 0])
        hour = u[:, 1] * HOURS_PER_DAY
        if self.daytime:  # 70% of arrivals in 8-20 h, the rest spread over the day
            hour = np.where(u[:, 2] < 0.7, 8.0 + u[:, 1] * 12.0, hour)
        arrival = day * HOURS_PER_DAY + hour
        direction = (u[:, 3] >= pop.import_share[enterprise]).astype(np.int8)
        value = pop.value_median[enterprise] * np.exp(
            pop.value_sigma[enterprise] * rng.standard_normal(n)) * pop.parcels[enterprise]
        duty = np.where(direction == IMPORT, value * pop.duty_rate[enterprise], 0.0)
        before = u[:, 4] < self.prelodge[direction]
        gap = rng.exponential(1.0, n)
        lodged = np.where(before, arrival - gap * self.lead_h, arrival + gap * self.delay[direction])
        high_risk = u[:, 5] < self.high_risk_share
        violation, intentional = self._ground_truth(enterprise, port, high_risk, self.streams.get("behaviour", day))
        evaded = np.where(violation >= 0, duty * self.evaded_fraction[np.maximum(violation, 0)], 0.0)
        return Batch(day=day, port=port, enterprise=enterprise, direction=direction,
                     business_model=pop.business_model[enterprise], arrival=arrival, lodged=lodged,
                     value=value, duty=duty, violation=violation, evaded=evaded, intentional=intentional,
                     high_risk=high_risk, agency_check=u[:, 6] < self.agency_check_share)

    def _ground_truth(self, enterprise: np.ndarray, port: np.ndarray, high_risk: np.ndarray,
                      rng: np.random.Generator):
        """Each trader's violation decision, else an unintentional error; the violation type."""
        u = rng.random((len(enterprise), 3))
        intentional = self.compliance.violates(enterprise, port, high_risk, u[:, 0])
        error = ~intentional & (u[:, 2] < self.population.error_prob[enterprise])
        kind = np.minimum(np.searchsorted(self.violation_cdf, u[:, 1] * self.violation_cdf[-1]),
                          len(self.violation_cdf) - 1)
        violation = np.where(intentional, kind, np.where(error, self.error_type, NO_VIOLATION))
        return violation.astype(np.int8), intentional
