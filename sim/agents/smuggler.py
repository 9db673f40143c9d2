"""Smuggling networks: they move contraband through front companies and learn where to go.

Each week a network chooses a port, one of its front companies (and so the business-model
cover and the credit tier it travels under) and a concealment method, by softmax over values
it learns from its own outcomes (+1 for an attempt that got through, -seizure_loss for a
seizure). Ports that tighten therefore lose traffic to their neighbours (displacement), and
fronts that reach a low-inspection tier attract it (credit gaming). Fronts also lodge clean
cover trade, which builds their credit like anyone else's.
"""
from __future__ import annotations

import mesa
import numpy as np
from scipy.special import softmax

from sim.agents.enterprise import Population
from sim.calendar import HOURS_PER_DAY
from sim.config import Smugglers
from sim.declarations import IMPORT, NO_VIOLATION, Batch
from sim.streams import Streams

DAYS_PER_WEEK = 7


class SmugglerNetwork(mesa.Agent):
    """One network: its fronts, learned values and this week's plan."""

    def __init__(self, model: mesa.Model, index: int, fronts: np.ndarray, n_ports: int, n_methods: int):
        super().__init__(model)
        self.index, self.fronts = index, fronts
        self.values = {"port": np.zeros(n_ports), "front": np.zeros(len(fronts)),
                       "method": np.zeros(n_methods)}
        self.plan = {"port": 0, "front": 0, "method": 0}
        self.attempts = np.zeros(n_ports, dtype=np.int64)  # by port
        self.seized = np.zeros(n_ports, dtype=np.int64)

    def choose(self, u: np.ndarray, temperature: float) -> None:
        """Choose the week's port, front and method: softmax over learned values (3 uniforms)."""
        for (what, values), x in zip(self.values.items(), u):
            cdf = np.cumsum(softmax(values / temperature))
            self.plan[what] = int(min(np.searchsorted(cdf, x * cdf[-1]), len(values) - 1))

    def learn(self, rewards: np.ndarray, alpha: float) -> None:
        """Move the values of this week's choices towards each attempt's payoff."""
        for reward in rewards:
            for what, values in self.values.items():
                values[self.plan[what]] += alpha * (reward - values[self.plan[what]])


class SmugglingRing:
    """All networks: their daily declarations and their learning from outcomes."""

    def __init__(self, model: mesa.Model, cfg: Smugglers, population: Population, n_ports: int,
                 violation: int, streams: Streams):
        self.cfg, self.population, self.streams, self.violation = cfg, population, streams, violation
        fronts = np.flatnonzero(population.front).reshape(cfg.networks, cfg.fronts_per_network) \
            if cfg.networks else np.zeros((0, cfg.fronts_per_network), dtype=np.int64)
        methods = list(cfg.concealments.values())
        self.method_names = list(cfg.concealments)
        self.factors = np.array([[m.nii_factor, m.physical_factor] for m in methods]).reshape(-1, 2)
        self.networks = [SmugglerNetwork(model, i, f, n_ports, len(methods)) for i, f in enumerate(fronts)]

    def declarations(self, day: int) -> Batch:
        """The networks' declarations arriving on ``day``: attempts and clean cover trade."""
        rng, c, pop = self.streams.get("smugglers", day), self.cfg, self.population
        parts = {"network": [], "port": [], "method": [], "front": [], "attempt": []}
        for net in self.networks:
            u = rng.random(3)
            if day % DAYS_PER_WEEK == 0:
                net.choose(u, c.temperature)
            attempts = rng.poisson(c.attempts_per_week / DAYS_PER_WEEK)
            cover = rng.poisson(c.cover_per_week / DAYS_PER_WEEK * len(net.fronts))
            n = attempts + cover
            parts["front"].append(np.concatenate([np.full(attempts, net.fronts[net.plan["front"]]),
                                                  rng.choice(net.fronts, size=cover)]))
            parts["attempt"].append(np.arange(n) < attempts)
            for what, value in (("network", net.index), ("port", net.plan["port"]), ("method", net.plan["method"])):
                parts[what].append(np.full(n, value))
        joined = {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in parts.items()}
        attempt, enterprise = joined["attempt"].astype(bool), joined["front"].astype(np.int64)
        n = len(enterprise)
        arrival = day * HOURS_PER_DAY + rng.random(n) * HOURS_PER_DAY
        value = np.where(attempt, c.value_median, pop.value_median[enterprise]) * np.exp(0.8 * rng.standard_normal(n))
        duty = value * np.where(attempt, c.duty_rate, pop.duty_rate[enterprise])
        factors = self.factors[joined["method"].astype(np.int64)] if len(self.factors) else np.ones((n, 2))
        return Batch(day=day, port=joined["port"].astype(np.int64), enterprise=enterprise,
                     direction=np.full(n, IMPORT, np.int8), business_model=pop.business_model[enterprise],
                     arrival=arrival, lodged=arrival.copy(), value=value, duty=duty,
                     violation=np.where(attempt, self.violation, NO_VIOLATION).astype(np.int8),
                     evaded=np.where(attempt, duty, 0.0), intentional=attempt, high_risk=attempt.copy(),
                     agency_check=np.zeros(n, bool),
                     smuggler=np.where(attempt, joined["network"], -1).astype(np.int16),
                     nii_factor=np.where(attempt, factors[:, 0], 1.0),
                     physical_factor=np.where(attempt, factors[:, 1], 1.0))

    def learn(self, batch: Batch, found: np.ndarray) -> None:
        """Each network learns from its attempts' outcomes (found = detected at the border)."""
        attempt = batch.smuggler >= 0
        for net in self.networks:
            mine = attempt & (batch.smuggler == net.index)
            if mine.any():
                caught = found[mine]
                np.add.at(net.attempts, batch.port[mine], 1)
                np.add.at(net.seized, batch.port[mine], caught.astype(np.int64))
                net.learn(np.where(caught, -self.cfg.seizure_loss, 1.0), self.cfg.learning_rate)
