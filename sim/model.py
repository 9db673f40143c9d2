"""SupervisionModel: builds the world from a validated Config, runs it, returns a RunResult.

One clock: the simpy environment. A daily process draws the next day's declarations for all
ports at once (two days ahead, so declarations can be lodged before the goods arrive), lets
the policies screen them, and hands them to the clearance process.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Optional

import mesa
import numpy as np
import pandas as pd
import simpy

from sim.agents.agency import PartnerAgency
from sim.agents.enterprise import Enterprise, Population
from sim.agents.officer import Roster
from sim.agents.port import Port, officer_hours
from sim.agents.smuggler import SmugglingRing
from sim.behaviour.compliance import Compliance
from sim.behaviour.credit import CreditBureau
from sim.calendar import HOURS_PER_DAY, Calendar
from sim.clearance import GREEN, Clearance, Outcomes
from sim.config import Config
from sim.declarations import Batch, DeclarationSource
from sim.ledger import QuarterlyLedger, breakdown_table, quarterly_table
from sim.policies import PolicyStack
from sim.snapshot import Snapshots
from sim.streams import Streams

LOOKAHEAD_H = 72.0  # a day's batch is drawn this long before the day starts (pre-arrival lodging)


@dataclass
class RunResult:
    """The tidy tables of one replication."""
    quarterly: pd.DataFrame
    breakdown: pd.DataFrame
    policies: list[dict]
    agents: pd.DataFrame


class SupervisionModel(mesa.Model):
    """The customs world of one replication."""

    def __init__(self, cfg: Config, seed: np.random.SeedSequence, replication: int = 0,
                 on_day: Optional[Callable[[], None]] = None):
        self.streams = Streams(seed)
        super().__init__(rng=self.streams.get("mesa"))
        self.cfg, self.replication, self.on_day = cfg, replication, on_day
        world = cfg.world
        self.calendar = Calendar(world.start, world.horizon_quarters, world.warmup_days)
        self.env = simpy.Environment(initial_time=-self.calendar.warmup_h - LOOKAHEAD_H)
        names = list(world.ports)
        self.ports = [Port(self.env, name, world.ports[name]) for name in names]
        volumes = np.array([p.declarations_per_day for p in world.ports.values()])
        pop_cfg = cfg.population
        self.population = pop = Population(pop_cfg, volumes, self.streams.get("enterprises"))
        for row in range(len(pop.size)):
            Enterprise(self, row)
        self.roster = Roster(self, [p.staff for p in self.ports], names, pop_cfg.officer_skill_cv,
                             self.streams.get("officers"))
        self.compliance = Compliance(pop_cfg, pop, len(names))
        self.credit = CreditBureau(self.env, pop_cfg.credit, pop)
        self.agencies = [PartnerAgency(self, name, a, list(pop_cfg.violations))
                         for name, a in pop_cfg.agencies.items()]
        self.smugglers = SmugglingRing(self, pop_cfg.smugglers, pop, len(names),
                                       list(pop_cfg.violations).index(pop_cfg.smugglers.violation), self.streams)
        self.policies = PolicyStack(cfg.policy, self.calendar, names)
        self.ledger = QuarterlyLedger(self.calendar, names, pop.model_names)
        self.source = DeclarationSource(cfg, pop, self.compliance, self.streams)
        self.clearance = Clearance(self.env, cfg, self.ports, self.roster, self.ledger, self.streams,
                                   self.calendar.end_h)
        self.snapshots = Snapshots(self)
        self.env.process(self._days())
        self.policies.start(self)
        self.env.process(self._quarters())

    def _days(self):
        first = -int(self.calendar.warmup_h // HOURS_PER_DAY)
        for day in range(first, self.calendar.days):
            drawn_at = day * HOURS_PER_DAY - LOOKAHEAD_H
            if drawn_at > self.env.now:
                yield self.env.timeout(drawn_at - self.env.now)
            batch = self.source.draw_day(day) + self.smugglers.declarations(day)
            np.maximum(batch.lodged, drawn_at, out=batch.lodged)
            batch.tier = self.population.tier(batch.enterprise)
            batch.partner_aeo = self.population.partner_aeo[batch.enterprise]
            batch.screening_defaults(self.cfg.population.audit_rate, self.cfg.population.disclosure_prob)
            start = np.minimum(batch.arrival, batch.lodged)
            contexts = self.policies.screen(batch, self.calendar.quarter_index(start), self.streams)
            out = self.clearance.dispatch(batch)
            self.policies.outcome(batch, out, contexts)
            self._adapt(batch, out)
            if self.on_day:
                self.on_day()

    def _adapt(self, batch: Batch, out: Outcomes) -> None:
        """Agents respond to a screened batch: perceived risk, credit, agencies, smugglers."""
        pop_cfg, enterprise = self.cfg.population, batch.enterprise
        self.compliance.learn(enterprise, batch.port, out.channel != GREEN)
        self.credit.record_clearance(enterprise, out.detected | out.disclosed, batch.intentional)
        audit_at = float(batch.arrival.max(initial=0.0)) + pop_cfg.audit_lag_days * HOURS_PER_DAY
        for intentional, penalty in ((True, pop_cfg.credit.violation_penalty), (False, pop_cfg.credit.error_penalty)):
            self.credit.penalise_at(audit_at, enterprise[out.audit_found & (batch.intentional == intentional)],
                                    penalty)
        missed = (batch.violation >= 0) & ~out.detected & ~out.audit_found
        u = self.streams.get("agencies", batch.day).random((len(batch), max(len(self.agencies), 1)))
        for k, agency in enumerate(self.agencies):
            agency.observe(enterprise, batch.violation, missed, u[:, k], self.credit, pop_cfg.credit.agency_penalty)
        self.smugglers.learn(batch, out.detected)

    def _quarters(self):
        """At each quarter start: policies' quarter hook, ports' opening hours; at each quarter
        end but the last (taken in :meth:`run`): the agent snapshot."""
        cal = self.calendar
        self._quarter_start(0)
        for q, (start, label) in enumerate(zip(cal.edges[:-1], cal.labels), start=1):
            yield self.env.timeout(start - self.env.now)
            if q > 1:
                self.snapshots.take(cal.labels[q - 2])
            self._quarter_start(q)

    def _quarter_start(self, quarter: int) -> None:
        self.policies.quarter_start(quarter)
        for port in self.ports:
            port.shifts[quarter] = (port.open_hour, port.close_hour)

    def run(self) -> RunResult:
        """Simulate to the horizon and return the replication's tables."""
        with long_lived_world():
            self.env.run(until=self.calendar.end_h)
        self.snapshots.take(self.calendar.labels[-1])
        self.clearance.close()
        cal = self.calendar
        ids = {"scenario": self.cfg.scenario, "replication": self.replication, "seed": self.cfg.run.seed}
        busy, on_shift = officer_hours(self.ports, cal.edges)
        pilot = self.policies.pilot()[:, 1:cal.n_quarters + 1]
        return RunResult(quarterly_table(self.ledger, busy.sum(axis=2), on_shift.sum(axis=2), pilot, ids),
                         breakdown_table(self.ledger, busy, on_shift, ids), self.policies.manifest(),
                         self.snapshots.table(ids))


@contextmanager
def long_lived_world():
    """Python's cyclic garbage collector would rescan the whole world (agents, arrays, ports)
    every few hundred allocations of the clearance path; it took a third of a national run.
    Freeze what exists now and collect young objects less often while the clock runs."""
    threshold = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def check_config(cfg: Config) -> None:
    """Everything that can be checked before a run: ranges, then policies and rollouts."""
    from sim.config import validate
    validate(cfg)
    world = cfg.world
    calendar = Calendar(world.start, world.horizon_quarters, world.warmup_days)
    PolicyStack(cfg.policy, calendar, list(world.ports)).check(cfg)
