"""SupervisionModel: builds the world from a validated Config, runs it, returns a RunResult.

One clock: the simpy environment, with the queue core's heap (:mod:`sim.clearance.queues`)
merged into its order. A daily process draws the next day's declarations for all
ports at once, ``LOOKAHEAD_H`` ahead (when the goods are shipped and the trader decides how to
declare them; an advance declaration can then be lodged before they arrive), lets the
policies prevent and screen, and hands them to the clearance. A clock process settles finished
cases and, at the end of each day, delivers what agents and policies learned during it
(:mod:`sim.feed`): nobody reacts to a check before it has been made, and everyone takes stock
once a day (traders, the credit bureau, partner agencies and networks alike).
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
import pandas as pd
import simpy

from sim.agents.agency import PartnerAgency
from sim.agents.enterprise import Population, TradersModel
from sim.agents.mesa_core import release
from sim.agents.officer import Roster
from sim.agents.port import ROLES, Port, officer_hours
from sim.agents.smuggler import SmugglingRing
from sim.behaviour.compliance import Compliance
from sim.behaviour.credit import CreditBureau
from sim.behaviour.disguise import Reregistration
from sim.calendar import HOURS_PER_DAY, Calendar
from sim.clearance import Clearance, Cleared
from sim.config import Config
from sim.declarations import DeclarationSource
from sim.events import events_of, schedule_of
from sim.feed import Feed, Lesson, Rows
from sim.goods import Goods
from sim.ledger import QuarterlyLedger, breakdown_table, quarterly_table
from sim.policies import ORDER, PolicyStack, World
from sim.records import BURDEN_GROUPS, IN_PROCESS, Screening, group_levels
from sim.redress.desk import Desk
from sim.redress.satisfaction import Satisfaction
from sim.resilience import EventWatch
from sim.snapshot import Snapshots
from sim.streams import Streams
from sim.watch import PortWatch

LOOKAHEAD_H = 72.0  # a day's declarations are drawn this long before the day starts
LEARN_EVERY_H = HOURS_PER_DAY  # what became known during a day is learned at its end
CLOSE_AFTER_H = 2 * LEARN_EVERY_H  # a release is settled within one clock tick of it: a tick of margin


@dataclass
class RunResult:
    """The tidy tables of one replication."""
    quarterly: pd.DataFrame
    breakdown: pd.DataFrame
    policies: list[dict]
    agents: pd.DataFrame
    events: pd.DataFrame        # one row per disruption event (empty without events)
    event_backlog: pd.DataFrame  # hourly backlog around each event
    watch: pd.DataFrame | None = None  # run.watch_port's week, hour by hour (replication 0 only)


class SupervisionModel(TradersModel):
    """The customs world of one replication."""

    def __init__(self, cfg: Config, seed: np.random.SeedSequence, replication: int = 0,
                 on_day: Optional[Callable[[], None]] = None):
        self.streams = Streams(seed)
        super().__init__(rng=self.streams.get("mesa"))
        self.cfg, self.replication, self.on_day = cfg, replication, on_day
        world, pop_cfg = cfg.world, cfg.population
        self.calendar = Calendar(world.start, world.horizon_quarters, world.warmup_days)
        start = -self.calendar.warmup_h - LOOKAHEAD_H
        self.env = simpy.Environment(initial_time=start)
        names = list(world.ports)
        self.population = pop = Population(cfg, self.streams.get("enterprises"))
        staff = [{role: getattr(p.officers, role) for role in ROLES} for p in world.ports.values()]
        self.roster = Roster(self, staff, names, pop_cfg.officer_skill_cv, self.streams.get("officers"))
        self.events = events_of(cfg)
        self.schedule = schedule_of(cfg, self.events)
        self.ports = [Port(self.env, name, world.ports[name], {r: self.roster.ids(r, i) for r in ROLES},
                           self.schedule, i, self.calendar.edges) for i, name in enumerate(names)]
        volume = np.array([p.declarations_per_day for p in world.ports.values()])
        self.compliance = Compliance(pop_cfg, pop, volume)
        self.credit = CreditBureau(pop_cfg.credit, pop)
        self.agencies = [PartnerAgency(self, name, a, list(pop_cfg.violations))
                         for name, a in pop_cfg.agencies.items()]
        self.goods = Goods(pop_cfg, pop.partner, self.streams.get("goods_profile"))
        self.smugglers = SmugglingRing(self, pop_cfg.smugglers, pop, self.goods, len(names),
                                       list(pop_cfg.violations).index(pop_cfg.smugglers.violation), self.streams,
                                       volume == 0)
        self.policies = PolicyStack(cfg.policy, self.calendar, names, ORDER)
        self.ledger = QuarterlyLedger(self.calendar, names, pop.model_names,
                                      {g: group_levels(g, pop.model_names, list(pop_cfg.partner_countries))
                                       for g in BURDEN_GROUPS},
                                      np.array([c.shares_intel for c in pop_cfg.partner_countries.values()], bool))
        self.source = DeclarationSource(cfg, pop, self.compliance, self.goods, self.streams, self.schedule)
        self.declared_so_far = 0
        self.disguise = Reregistration(pop_cfg.behaviour, pop, self.streams)
        self.feed = Feed(LEARN_EVERY_H, start, {"cleared": self._learn_cleared, "audit": self._learn_audit,
                                                "agency": self._learn_agency,
                                                "disguise": lambda lesson: self.disguise.reregister(
                                                    lesson["enterprise"], self._today())})
        self.clearance = Clearance(self.env, cfg, self.ports, self.roster, self.streams, self.calendar.end_h,
                                   self._cleared, self.schedule)
        self.satisfaction = Satisfaction(cfg, pop, len(names), self.calendar.n_quarters,
                                         self.streams.get("satisfaction"))
        self.desk = Desk(self.env, cfg, self.calendar, self.satisfaction.case_outcome)
        self.ledger.extra_sums += [self.desk.sums, self.satisfaction.sums]
        self.ledger.extra_rows.append(self.satisfaction.rows)
        self.snapshots = Snapshots(self)
        self.watch = EventWatch(self.events, self.calendar, self.schedule)
        watched = cfg.run.watch_port if replication == 0 else ""
        self.port_watch = PortWatch(self.env, self.ports[names.index(watched)], cfg.run.watch_week,
                               world.ports[watched].scanners) if watched else None
        self.env.process(self._days())
        self.env.process(self._clock())
        self.policies.start(World(cfg, self.ports, self.population, self.credit, self.calendar, self.schedule,
                                  self.roster))
        self.env.process(self._quarters())
        self.env.process(self._closing())

    def _days(self):
        first = -int(self.calendar.warmup_h // HOURS_PER_DAY)
        for day in range(first, self.calendar.days):
            drawn_at = day * HOURS_PER_DAY - LOOKAHEAD_H
            if drawn_at > self.env.now:
                yield self.env.timeout(drawn_at - self.env.now)
            truth = self.source.draw_day(day) + self.smugglers.declarations(day)
            for extra in self.source.draw_surges(day):  # last, so no other row's draws move
                truth = truth + extra
            held = self.schedule.port_open(truth.port, truth.arrival)  # goods wait for a closed port to reopen
            truth.lodged += np.where(truth.prelodged, 0.0, held - truth.arrival)  # so does the paperwork after it
            truth.arrival = held
            np.maximum(truth.lodged, drawn_at, out=truth.lodged)
            truth.lodged[:] = self.schedule.system_up(truth.port, truth.lodged)  # no lodging while it is down
            started = self.calendar.quarter_index(np.minimum(truth.arrival, truth.lodged))
            contexts = self.policies.contexts(truth, started, self.streams)
            self.policies.shape(truth, contexts)  # prevention; when traders lodge (local declaration)
            truth.freeze()
            pop = self.population
            declared = self.source.declare(truth, self.declared_so_far)
            self.declared_so_far += len(truth)
            pop.lodged += np.bincount(truth.enterprise, minlength=len(pop.lodged))
            screening = Screening(tier=pop.tier(truth.enterprise), partner_aeo=pop.partner_aeo[truth.enterprise],
                                  record_age_h=self.env.now - pop.record_at[truth.enterprise], declared=declared)
            screening.p_audit[:] = self.cfg.population.audit_rate
            screening.p_disclose[:] = self.cfg.population.disclosure_prob
            self.policies.screen(truth, screening, contexts)
            self.clearance.dispatch(truth, screening, contexts)
            if self.on_day:
                self.on_day()

    def _clock(self):
        """Settle finished cases and deliver what has become known, every LEARN_EVERY_H."""
        while True:
            yield self.env.timeout(LEARN_EVERY_H)
            self.clearance.settle()
            self.feed.deliver(self.env.now)

    def _cleared(self, c: Cleared) -> None:
        """A settled part: counted, and scheduled for those who learn from it."""
        self.ledger.record(c)
        self.watch.record(c)
        done = np.flatnonzero(c.status != IN_PROCESS)
        # the feed copies the lessons now, in arrays of their own: a reference to the part would keep
        # its whole day record (every declaration's truth, decisions and draws) alive until its last release
        self.feed.schedule("cleared", c.event_time[done], lambda idx: c.lesson(done[idx]))

    def _learn_cleared(self, lesson: Lesson) -> None:
        """Releases and seizures: traders, credit, smugglers and policies learn of them; the
        post-clearance audit's and partner agencies' clocks start."""
        enterprise, now = lesson["enterprise"], self.env.now
        self._found(enterprise[lesson["found"]])
        self._caught(enterprise[lesson["found"] & lesson["intentional"]], "cleared")
        for guises in (self.source.codes, self.source.cuts):
            guises.learn(lesson["id"], lesson["port"], lesson["checked"])
        self.compliance.learn(enterprise, lesson["port"], lesson["checked"])
        self.credit.record_clearance(enterprise, lesson["found"] | lesson["disclosed"], lesson["intentional"])
        self.smugglers.learn(lesson["smuggler"], lesson["port"], enterprise, lesson["concealment"], lesson["found"])
        self.policies.outcome(lesson)
        self.satisfaction.released(lesson)
        self.desk.receive(lesson)
        audited = lesson["audited"]
        self.feed.schedule("audit", np.full(int(audited.sum()), now + self.clearance.decider.audit_lag_h),
                           Rows(**{k: lesson[k][audited] for k in ("id", "enterprise", "intentional", "on", "marks")},
                                found=lesson["audit_found"][audited]).lesson)
        missed = lesson["released"] & (lesson["violation"] >= 0) & ~lesson["found"] & ~lesson["audit_found"]
        for k, agency in enumerate(self.agencies):
            found, lag = agency.discover(lesson["violation"], missed, lesson["agency_u"][:, k], lesson["single_window"])
            self.feed.schedule("agency", now + lag[found], Rows(enterprise=enterprise[found],
                                                                agency=np.full(int(found.sum()), k)).lesson)

    def _learn_audit(self, lesson: Lesson) -> None:
        """A post-clearance audit reports: a finding costs the trader credit; policies learn both
        findings and clean audits."""
        found = lesson["found"]
        self._found(lesson["enterprise"][found])
        self._caught(lesson["enterprise"][found & lesson["intentional"]], "audit")
        self.credit.adjust(lesson["enterprise"][found], -self.credit.penalty(lesson["intentional"][found]))
        self.policies.audit(lesson)

    def _learn_agency(self, lesson: Lesson) -> None:
        """A partner agency's record: credit lost, and the trader on the watch list from now."""
        self._found(lesson["enterprise"])
        self.credit.adjust(lesson["enterprise"], -self.cfg.population.credit.agency_penalty)
        self.population.record_at[lesson["enterprise"]] = self.env.now
        for k, count in enumerate(np.bincount(lesson["agency"], minlength=len(self.agencies))):
            self.agencies[k].records += int(count)

    def _found(self, enterprise: np.ndarray) -> None:
        """Customs' records: one more violation found for each entry of ``enterprise``."""
        self.population.findings += np.bincount(enterprise, minlength=len(self.population.findings))

    def _today(self) -> int:
        return int(self.env.now // HOURS_PER_DAY)

    def _caught(self, enterprise: np.ndarray, source: str) -> None:
        """Intentional violations found (``source``: cleared, audit): who re-registers, once the
        new company is set up."""
        leaving = self.disguise.caught(enterprise, self._today(), source)
        self.feed.schedule("disguise", np.full(len(leaving), self.env.now + self.disguise.lag_h),
                           Rows(enterprise=leaving).lesson)

    def _quarters(self):
        """At each quarter start: policies' quarter hook, ports' opening hours; at each quarter
        end but the last (taken in :meth:`run`): the agent snapshot."""
        cal = self.calendar
        self._quarter_start(0)
        for q, start in enumerate(cal.edges[:-1], start=1):
            yield self.env.timeout(start - self.env.now)
            if q > 1:
                self.snapshots.take(cal.labels[q - 2])
            self._quarter_start(q)

    def _closing(self):
        """Close each quarter in the ledger (its release-time percentiles) once every release in
        it has been settled: a case is settled at the first clock tick after customs is done with
        it, and its release is never before that."""
        for quarter, end in enumerate(self.calendar.edges[:-1]):
            yield self.env.timeout(max(end + CLOSE_AFTER_H - self.env.now, 0.0))
            self.ledger.release_times.close(quarter)

    def _quarter_start(self, quarter: int) -> None:
        if quarter:
            self.satisfaction.survey(quarter - 1)  # the quarter that ends now (0: the warm-up)
        self.policies.quarter_start(quarter)
        self.schedule.record_quarter(quarter)

    def run(self) -> RunResult:
        """Simulate to the horizon and return the replication's tables."""
        self.simulate()
        return self.tables()

    def simulate(self) -> None:
        """Run the clock to the horizon, then settle and count what is still in process."""
        with long_lived_world():
            self.clearance.run(until=self.calendar.end_h)
        self.snapshots.take(self.calendar.labels[-1])
        self.satisfaction.survey(self.calendar.n_quarters)
        self.clearance.close()
        self.ledger.flush()

    def tables(self) -> RunResult:
        """The replication's tables (once :meth:`simulate` has run); the model is released."""
        cal = self.calendar
        ids = {"scenario": self.cfg.scenario, "replication": self.replication, "seed": self.cfg.run.seed}
        busy, on_shift = officer_hours(self.ports, cal.edges)
        pilot = self.policies.pilot()[:, 1:cal.n_quarters + 1]
        release(self)  # the tables below are all that is kept of the replication
        return RunResult(quarterly_table(self.ledger, busy.sum(axis=2), on_shift.sum(axis=2), pilot, ids),
                         breakdown_table(self.ledger, busy, on_shift, ids), self.policies.manifest(),
                         self.snapshots.table(ids), *self.watch.tables(self.replication),
                         self.port_watch.table(ids) if self.port_watch else None)


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
