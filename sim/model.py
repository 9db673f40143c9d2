"""SupervisionModel: builds the world from a validated Config, runs it, returns a RunResult.

One clock: the simpy environment. A daily process draws the next day's declarations for all
ports at once (two days ahead, so declarations can be lodged before the goods arrive), lets
the policies screen them, and hands them to the clearance process.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import mesa
import numpy as np
import pandas as pd
import simpy

from sim.agents.enterprise import Enterprise, Population
from sim.agents.port import Port, utilisation
from sim.calendar import HOURS_PER_DAY, Calendar
from sim.clearance import Clearance
from sim.config import Config
from sim.declarations import DeclarationSource
from sim.ledger import QuarterlyLedger, breakdown_table, quarterly_table
from sim.policies import PolicyStack
from sim.streams import Streams

LOOKAHEAD_H = 72.0  # a day's batch is drawn this long before the day starts (pre-arrival lodging)


@dataclass
class RunResult:
    """The tidy tables of one replication."""
    quarterly: pd.DataFrame
    breakdown: pd.DataFrame
    policies: list[dict]


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
        self.ports = [Port(self.env, i, name, world.ports[name]) for i, name in enumerate(names)]
        volumes = np.array([p.declarations_per_day for p in world.ports.values()])
        self.population = Population(cfg.population, volumes, self.streams.get("enterprises"))
        for row in range(cfg.population.enterprises):
            Enterprise(self, row)
        self.policies = PolicyStack(cfg.policy, self.calendar, names)
        self.ledger = QuarterlyLedger(self.calendar, names, self.population.model_names)
        self.source = DeclarationSource(cfg, self.population, self.streams)
        self.clearance = Clearance(self.env, cfg, self.ports, self.ledger, self.streams,
                                   self.calendar.end_h)
        self.env.process(self._days())

    def _days(self):
        first = -int(self.calendar.warmup_h // HOURS_PER_DAY)
        for day in range(first, self.calendar.days):
            drawn_at = day * HOURS_PER_DAY - LOOKAHEAD_H
            if drawn_at > self.env.now:
                yield self.env.timeout(drawn_at - self.env.now)
            batch = self.source.draw_day(day)
            np.maximum(batch.lodged, drawn_at, out=batch.lodged)
            start = np.minimum(batch.arrival, batch.lodged)
            self.policies.screen(batch, self.calendar.quarter_index(start))
            self.clearance.dispatch(batch)
            if self.on_day:
                self.on_day()

    def run(self) -> RunResult:
        """Simulate to the horizon and return the replication's tables."""
        self.env.run(until=self.calendar.end_h)
        self.clearance.close()
        cal = self.calendar
        ids = {"scenario": self.cfg.scenario, "replication": self.replication, "seed": self.cfg.run.seed}
        util = utilisation(self.ports, cal.edges)
        pilot = self.policies.pilot()[:, 1:cal.n_quarters + 1]
        return RunResult(quarterly_table(self.ledger, util[..., -1], pilot, ids),
                         breakdown_table(self.ledger, util[..., :-1], ids), self.policies.manifest())


def check_config(cfg: Config) -> None:
    """Everything that can be checked before a run: ranges, then policies and rollouts."""
    from sim.config import validate
    validate(cfg)
    world = cfg.world
    calendar = Calendar(world.start, world.horizon_quarters, world.warmup_days)
    PolicyStack(cfg.policy, calendar, list(world.ports))
