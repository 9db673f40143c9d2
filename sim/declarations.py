"""A day's declarations as a structure of numpy arrays (no object per declaration).

:func:`draw_day` draws arrivals, who declares, goods value and duty, lodging time and the
ground truth (violation type, evaded duty) for all ports at once. Every stream draws the same
number of values whatever the policies do, so scenarios share their random numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.agents.enterprise import Population
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
    violation: np.ndarray
    evaded: np.ndarray
    p_document: np.ndarray = field(init=False)
    p_nii: np.ndarray = field(init=False)
    p_physical: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.port)
        self.p_document, self.p_nii, self.p_physical = (np.zeros(n) for _ in range(3))

    def __len__(self) -> int:
        return len(self.port)


class DeclarationSource:
    """Draws each day's declarations from the population and the ports' arrival rates."""

    def __init__(self, cfg: Config, population: Population, streams: Streams):
        ports = list(cfg.world.ports.values())
        self.rate = np.array([p.declarations_per_day for p in ports])
        self.population = population
        self.daytime = cfg.world.arrival_profile == "daytime"
        lodging = cfg.world.lodging
        self.prelodge = np.array([lodging.prelodge_import, lodging.prelodge_export])
        self.delay = np.array([lodging.delay_import_h, lodging.delay_export_h])
        self.lead_h = lodging.lead_h
        violations = list(cfg.population.violations.values())
        self.violation_cdf = np.cumsum([v.share for v in violations])
        self.evaded_fraction = np.array([v.evaded_fraction for v in violations])
        self.streams = streams

    def draw_day(self, day: int) -> Batch:
        """Declarations arriving on ``day`` (day 0 starts at hour 0 = world.start)."""
        rng, pop = self.streams.get("arrivals", day), self.population
        counts = rng.poisson(self.rate)
        port = np.repeat(np.arange(len(counts)), counts)
        n = len(port)
        u = rng.random((n, 6))
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
        violation, evaded = self._ground_truth(enterprise, duty, self.streams.get("behaviour", day))
        return Batch(day=day, port=port, enterprise=enterprise, direction=direction,
                     business_model=pop.business_model[enterprise], arrival=arrival,
                     lodged=lodged, value=value, duty=duty, violation=violation, evaded=evaded)

    def _ground_truth(self, enterprise: np.ndarray, duty: np.ndarray, rng: np.random.Generator):
        """Baseline compliance: violate with the enterprise's propensity; pick a type."""
        u = rng.random((len(enterprise), 2))
        violates = u[:, 0] < self.population.violation_prob[enterprise]
        kind = np.minimum(np.searchsorted(self.violation_cdf, u[:, 1] * self.violation_cdf[-1]),
                          len(self.violation_cdf) - 1)
        violation = np.where(violates, kind, NO_VIOLATION).astype(np.int8)
        evaded = np.where(violates, duty * self.evaded_fraction[kind], 0.0)
        return violation, evaded
