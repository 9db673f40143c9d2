"""A day's declarations as a :class:`sim.records.Truth` (no object per declaration).

:class:`DeclarationSource` draws arrivals, who declares (by each port's business-model mix),
direction, the goods (HS code, countries, unit value, tax rate: :mod:`sim.goods`), value and
duty, the trader's paperwork (advance declaration, or preparation after arrival in brokers'
office hours), which goods need another agency's permit or inspection, and the ground truth
(intentional violation decided by each trader, unintentional error, evaded duty) for all ports
at once. Every stream draws the same number of values whatever the policies do, so scenarios
share their random numbers.

:meth:`DeclarationSource.declare` then writes the declarations as lodged (:class:`Declared`):
the truth, but for what a violation falsifies (``population.violations.X.falsifies``): a value
lower by the evaded fraction (and the quantity with it, or not), or an HS code of one of the
chapter's lowest tariff rates (and so its rate), as the port's traders have learned to hide them
(:class:`~sim.behaviour.disguise.Guises`). A smuggling attempt declares cover goods whose unit
value is off by its concealment's ``value_gap``.

A traffic surge in the port schedule (:mod:`sim.agents.schedule`) adds declarations, drawn by
:meth:`DeclarationSource.draw_surges` on the surge's own random streams, so the ordinary
arrivals and every other stream are the same with or without it (common random numbers).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.agents.enterprise import Population
from sim.agents.schedule import Schedule, Surge
from sim.behaviour.compliance import Compliance
from sim.behaviour.disguise import Guises
from sim.calendar import HOURS_PER_DAY, after_work
from sim.config import Config, PopulationConfig
from sim.goods import UNIFORMS, Goods
from sim.records import IMPORT, NO_VIOLATION, Declared, Truth
from sim.streams import Streams

FALSIFIES = ("none", "value", "code")


class Paperwork:
    """When traders' paperwork (a declaration, another agency's application) is done: by brokers
    or the trader's staff in their office hours (``population.trader``) for manual business
    models (``population.business_models.X.manual``), round the clock otherwise."""

    def __init__(self, population: PopulationConfig):
        self.manual = np.array([m.manual for m in population.business_models.values()])
        self.open_hour, self.close_hour = population.trader.office_open_hour, population.trader.office_close_hour

    def done(self, start: np.ndarray, work: np.ndarray, business_model: np.ndarray) -> np.ndarray:
        """When ``work`` hours begun at ``start`` are done, for declarations of ``business_model``."""
        by_hand = after_work(start, work, self.open_hour, self.close_hour)
        return np.where(self.manual[business_model], by_hand, start + work)


class DeclarationSource:
    """Draws each day's declarations from the population and the ports' arrival rates."""

    def __init__(self, cfg: Config, population: Population, compliance: Compliance, goods: Goods, streams: Streams,
                 schedule: Schedule):
        ports = list(cfg.world.ports.values())
        self.rate = np.array([p.declarations_per_day for p in ports])
        self.port_kind = np.array([list(cfg.world.kinds).index(p.kind) for p in ports])
        self.population, self.compliance, self.goods, self.streams = population, compliance, goods, streams
        self.schedule = schedule
        self.daytime = cfg.world.arrival_profile == "daytime"
        pop = cfg.population
        models = list(pop.business_models.values())
        self.prelodge = np.array([m.prelodge for m in models])
        self.prep_h = np.array([m.prep_h for m in models])
        self.paperwork = Paperwork(pop)
        self.permit_share = np.array([[m.import_permit_share, m.export_permit_share] for m in models])
        self.trader = pop.trader
        self.violation_cdf = np.cumsum([v.share for v in pop.violations.values()])
        self.evaded_fraction = np.array([v.evaded_fraction for v in pop.violations.values()])
        self.error_type = list(pop.violations).index(pop.error_type)
        self.falsifies = np.array([FALSIFIES.index(v.falsifies) for v in pop.violations.values()])
        self.value_gap = np.array([c.value_gap for c in pop.smugglers.concealments.values()] or [0.0])
        self.high_risk_share = pop.high_risk_goods_share
        b = pop.behaviour
        checked = 1 - (1 + b.penalty_multiple) * b.detection_given_check  # payoff of a checked violation
        self.codes = Guises(b, len(ports), b.false_codes, checked)
        self.cuts = Guises(b, len(ports), 2, checked)  # cut the value (0), or the quantity too (1)
        self.quantity_cost = b.quantity_cut_cost
        self.agency_check_share = pop.agency_check_share

    def draw_day(self, day: int) -> Truth:
        """Declarations arriving on ``day`` (day 0 starts at hour 0 = world.start)."""
        rng = self.streams.get("arrivals", day)
        return self._draw(day, rng, rng.poisson(self.rate), lambda name: self.streams.get(name, day))

    def draw_surges(self, day: int) -> list[Truth]:
        """The extra declarations of the traffic surges under way on ``day``, each surge on its
        own streams: the share of the port's arrivals of the surging business models times
        (multiplier - 1), spread evenly over the part of the day the surge covers."""
        out = []
        for surge in self.schedule.surges:
            lo, hi = max(surge.start - day * HOURS_PER_DAY, 0.0), min(surge.end - day * HOURS_PER_DAY, HOURS_PER_DAY)
            if hi > lo:
                rng = self.streams.get(surge.key, day)
                share = (self.population.mix * surge.models).sum(axis=1) * surge.ports
                counts = rng.poisson(self.rate * share * (surge.factor - 1) * (hi - lo) / HOURS_PER_DAY)
                own = lambda name, key=surge.key: self.streams.get(f"{key}.{name}", day)  # noqa: E731
                out.append(self._draw(day, rng, counts, own, surge, (lo, hi)))
        return out

    def _draw(self, day: int, rng: np.random.Generator, counts: np.ndarray,
              stream: Callable[[str], np.random.Generator], surge: Surge | None = None,
              hours: tuple[float, float] = (0.0, HOURS_PER_DAY)) -> Truth:
        """``counts`` declarations per port arriving on ``day`` within ``hours`` (of a
        ``surge``'s business models only, if given); ``stream(name)``: the day's goods and
        behaviour streams (a surge's own)."""
        pop = self.population
        port = np.repeat(np.arange(len(counts)), counts)
        n = len(port)
        u = rng.random((n, 9))
        enterprise = np.empty(n, dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(counts)))
        for p in np.flatnonzero(counts):
            rows = slice(offsets[p], offsets[p + 1])
            enterprise[rows] = pop.draw(p, u[rows, 0], u[rows, 7], None if surge is None else surge.models)
        model = pop.business_model[enterprise]
        hour = hours[0] + u[:, 1] * (hours[1] - hours[0])
        if self.daytime and surge is None:  # 70% of arrivals in 8-20 h, the rest spread over the day
            hour = np.where(u[:, 2] < 0.7, 8.0 + u[:, 1] * 12.0, hour)
        arrival = day * HOURS_PER_DAY + hour
        direction = (u[:, 3] >= pop.p_import[port, model]).astype(np.int8)
        value = pop.value_median[enterprise] * np.exp(
            pop.value_sigma[enterprise] * rng.standard_normal(n)) * pop.parcels[enterprise]
        g = stream("goods")
        goods = self.goods.draw(enterprise, g.random((n, UNIFORMS)), g.standard_normal(n))
        duty_rate = pop.duty_rate[enterprise] * goods["tax_pct"] / self.goods.mean_tax_pct
        duty = np.where(direction == IMPORT, value * duty_rate, 0.0)
        prelodged = u[:, 4] < self.prelodge[model]
        lodged, reentry, work = self._paperwork(arrival, model, prelodged, rng.exponential(1.0, (n, 3)))
        high_risk = u[:, 5] < self.high_risk_share
        violation, intentional = self._ground_truth(enterprise, port, high_risk, goods["log_odds"],
                                                    stream("behaviour"))
        evaded = np.where(violation >= 0, duty * self.evaded_fraction[np.maximum(violation, 0)], 0.0)
        return Truth(day=day, port=port, enterprise=enterprise, direction=direction, business_model=model,
                     arrival=arrival, lodged=lodged, prelodged=prelodged, reentry_h=reentry, value=value,
                     duty=duty, hs6=goods["hs6"], origin=goods["origin"], departure=goods["departure"],
                     mass=value / goods["unit_value"], duty_rate=duty_rate, violation=violation, evaded=evaded,
                     intentional=intentional, high_risk=high_risk, agency_check=u[:, 6] < self.agency_check_share,
                     permit=u[:, 8] < self.permit_share[model, direction], prep_work_h=work)

    def declare(self, truth: Truth, first_id: int) -> Declared:
        """The declarations as lodged, numbered from ``first_id``, with customs' records on the traders."""
        pop, e = self.population, truth.enterprise
        kind = np.where(truth.violation >= 0, self.falsifies[np.maximum(truth.violation, 0)], 0)
        cut = 1 - self.evaded_fraction[np.maximum(truth.violation, 0)]
        attempt = truth.smuggler >= 0
        value = truth.value * np.where(attempt, np.exp(self.value_gap[np.maximum(truth.concealment, 0)]),
                                       np.where(kind == 1, cut, 1.0))
        goods, ids = self.goods, first_id + np.arange(len(truth))
        u = self.streams.get("disguise", truth.day).random((len(truth), 2))
        how, undervalued = self.cuts.choose(truth.port, u[:, 1]), (kind == 1) & ~attempt
        mass = truth.mass * np.where(undervalued & (how == 1), cut, 1.0)
        gain = np.where(how == 1, 1 - self.quantity_cost, 1.0)  # a quantity cut costs part of the gain
        self.cuts.remember(ids[undervalued], how[undervalued], gain[undervalued])
        true_rate = goods.tax_pct(truth.hs6)
        choice = self.codes.choose(truth.port, u[:, 0])
        false_code = goods.false_codes[goods.chapter_of[truth.hs6 // 10_000], choice]
        hs6 = np.where((kind == 2) & (goods.tax_pct(false_code) < true_rate), false_code, truth.hs6)
        ratio = np.where(hs6 == truth.hs6, 1.0, goods.tax_pct(hs6) / np.maximum(true_rate, 1e-12))
        self.codes.remember(ids[kind == 2], choice[kind == 2], 1 - ratio[kind == 2])
        tax_rate = 100 * truth.duty_rate * ratio * (truth.direction == IMPORT)
        past_declarations, past_findings = pop.records(e)
        return Declared(id=ids, port=truth.port, transport=self.port_kind[truth.port],
                        importer=pop.importer[e], declarant=pop.declarant[e], business_model=truth.business_model,
                        direction=truth.direction, prelodged=truth.prelodged, hs6=hs6, origin=truth.origin,
                        departure=truth.departure, value=value, mass=mass, tax_rate=tax_rate,
                        high_risk=truth.high_risk & ~attempt, size_class=pop.size_class[e],
                        foreign_invested=pop.foreign_invested[e], region=pop.partner[e],
                        past_declarations=past_declarations, past_findings=past_findings)

    def _paperwork(self, arrival: np.ndarray, model: np.ndarray, prelodged: np.ndarray,
                   e: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """When each declaration is lodged, the trader's time to re-enter its data into one
        other agency's system, and the preparation work (``e``: unit exponentials). An advance
        declaration is lodged a lead time before arrival; otherwise preparation starts when the
        goods arrive (:class:`Paperwork`)."""
        t = self.trader
        work = e[:, 0] * self.prep_h[model]
        after = self.paperwork.done(arrival, work, model)
        return np.where(prelodged, arrival - e[:, 1] * t.lead_h, after), e[:, 2] * t.reentry_h, work

    def _ground_truth(self, enterprise: np.ndarray, port: np.ndarray, high_risk: np.ndarray, goods_odds: np.ndarray,
                      rng: np.random.Generator):
        """Each trader's violation decision, else an unintentional error; the violation type."""
        u = rng.random((len(enterprise), 3))
        intentional = self.compliance.violates(enterprise, port, high_risk, goods_odds, u[:, 0])
        error = ~intentional & (u[:, 2] < self.population.error_prob[enterprise])
        kind = np.minimum(np.searchsorted(self.violation_cdf, u[:, 1] * self.violation_cdf[-1]),
                          len(self.violation_cdf) - 1)
        violation = np.where(intentional, kind, np.where(error, self.error_type, NO_VIOLATION))
        return violation.astype(np.int8), intentional
