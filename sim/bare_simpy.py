"""The reference model of `tradesim bench`: the same flow written the plain simpy way.

Same ports, business mixes, paperwork (advance declarations, brokers' office hours), permits
(in the agencies' office hours), channel mix and service times as tradesim, but every
declaration is a simpy process with ``simpy.Resource`` requests (and every permit one more),
the way one would first write it. Its declarations per second are what tradesim's batch design
is measured against.
"""
from __future__ import annotations

import random

import simpy

from sim.agents.schedule import until_open
from sim.calendar import Calendar
from sim.config import Config


class BareSimpy:
    """One run of the reference model; :meth:`run` returns the declarations counted."""

    def __init__(self, cfg: Config):
        from sim.policies.inspection import Inspection
        self.cfg, w = cfg, cfg.world
        self.rates = Inspection.Params(**cfg.policy["inspection"]["params"])
        self.env = simpy.Environment(initial_time=-w.warmup_days * 24.0)
        self.end = Calendar(w.start, w.horizon_quarters, w.warmup_days).end_h
        self.rng = random.Random(cfg.run.seed)
        self.counted = 0
        self.releases: list[float] = []

    def expo(self, mean: float) -> float:
        return self.rng.expovariate(1.0 / mean) if mean > 0 else 0.0

    def office_work(self, hours: float, open_hour: float, close_hour: float):
        """Work that pauses outside office hours, in steps of at most one opening."""
        left = hours
        while left > 0:
            yield self.env.timeout(until_open(self.env.now, open_hour, close_hour))
            step = min(left, close_hour - (self.env.now % 24.0))
            yield self.env.timeout(step)
            left -= step

    def serve(self, port, resource: simpy.Resource, mean: float):
        with resource.request() as req:
            yield req
            yield self.env.timeout(until_open(self.env.now, port.open_hour, port.close_hour))
            yield self.env.timeout(self.expo(mean))

    def permit(self, granted: simpy.Event):
        agencies = self.cfg.world.agencies
        yield from self.office_work(self.expo(self.cfg.world.service.permit_h), agencies.open_hour,
                                    agencies.close_hour)
        granted.succeed()

    def paperwork(self, model):
        trader = self.cfg.population.trader
        if self.rng.random() < model.prelodge:
            return
        if model.manual:
            yield from self.office_work(self.expo(model.prep_h), trader.office_open_hour, trader.office_close_hour)
        else:
            yield self.env.timeout(self.expo(model.prep_h))

    def checks(self, port, kind, res: dict):
        s, r, u = self.cfg.world.service, self.rates, self.rng.random()
        if u < r.physical_rate + r.nii_rate:
            yield self.env.timeout(kind.transfer_h)
            if u >= r.physical_rate:
                yield from self.serve(port, res["scanner"], s.nii_scan_h)
                yield from self.serve(port, res["nii"], s.nii_image_h)
            if u < r.physical_rate or self.rng.random() < self.cfg.population.nii_escalation:
                with res["bay"].request() as bay:
                    yield bay
                    yield from self.serve(port, res["physical"], kind.physical_h)
        elif u < r.physical_rate + r.nii_rate + r.document_rate:
            yield from self.serve(port, res["document"], s.document_h)

    def declaration(self, port, model, res: dict, imports: bool):
        env, s, pop = self.env, self.cfg.world.service, self.cfg.population
        arrival = env.now
        yield from self.paperwork(model)
        yield env.timeout(s.screening_h)
        granted = None
        if self.rng.random() < (model.import_permit_share if imports else model.export_permit_share):
            granted = env.event()
            env.process(self.permit(granted))
        yield from self.checks(port, self.cfg.world.kinds[port.kind], res)
        if self.rng.random() < pop.agency_check_share:
            yield env.timeout(self.expo(s.agency_check_h))
        if granted is not None:
            yield granted
        if imports and self.rng.random() >= pop.trader.guarantee_share:
            yield env.timeout(self.expo(s.payment_h))
        self.releases.append(env.now - arrival)

    def arrivals(self, port):
        res = {role: simpy.Resource(self.env, max(getattr(port.officers, role), 1))
               for role in ("document", "nii", "physical")}
        res["scanner"], res["bay"] = simpy.Resource(self.env, port.scanners), simpy.Resource(self.env, port.bays)
        names = list(port.business_mix)
        weights = [port.business_mix[n] for n in names]
        rate = port.declarations_per_day / 24.0
        while True:
            yield self.env.timeout(self.rng.expovariate(rate))
            self.counted += self.env.now >= 0
            model = self.cfg.population.business_models[self.rng.choices(names, weights)[0]]
            self.env.process(self.declaration(port, model, res, self.rng.random() < port.import_share))

    def run(self) -> int:
        """Simulate to the horizon; the number of declarations that arrived after the warm-up."""
        for port in self.cfg.world.ports.values():
            if port.declarations_per_day > 0:
                self.env.process(self.arrivals(port))
        self.env.run(until=self.end)
        return self.counted
