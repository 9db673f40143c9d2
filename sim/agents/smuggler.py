"""Smuggling networks: they move contraband through front companies and learn where to go.

Each week a network chooses a port, one of its front companies (and so the business-model
cover and the credit tier it travels under) and a concealment method, by softmax over values
it learns from its own outcomes (+1 for an attempt that got through, -seizure_loss for a
seizure) as they happen. Moving to another port costs ``switch_cost`` (new routes, logistics,
unknown officers), so a network leaves a port only once its record there has gone clearly bad,
and takes ``route_setup_weeks`` to set up the new route, meanwhile still using the old one:
displacement takes months, not days. How many attempts a network makes responds to
the seizure risk it has learned, with a deterrence elasticity. Ports that tighten lose traffic
to their neighbours (displacement), and fronts that reach a low-inspection tier attract it
(credit gaming). Fronts also lodge clean cover trade, which builds their credit.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.special import softmax

from sim.agents.enterprise import Population
from sim.agents.mesa_core import mesa
from sim.calendar import HOURS_PER_DAY
from sim.config import Smugglers
from sim.goods import UNIFORMS, Goods
from sim.records import IMPORT, NO_VIOLATION, Truth
from sim.streams import Streams

DAYS_PER_WEEK = 7


def poisson_quantile(u: float, mean: float) -> int:
    """The Poisson(``mean``) count whose CDF first reaches ``u`` (one uniform per count, so a
    changed mean never shifts the stream's other draws: common random numbers)."""
    k, p = 0, math.exp(-mean)
    total = p
    while u > total and p > 0:
        k += 1
        p *= mean / k
        total += p
    return k


class SmugglerNetwork(mesa.Agent):
    """One network: its fronts, learned values, learned seizure risk and this week's plan."""

    def __init__(self, model: mesa.Model, index: int, fronts: np.ndarray, n_ports: int, n_methods: int,
                 prior_risk: float):
        super().__init__(model)
        self.index, self.fronts = index, fronts
        self.values = {"port": np.zeros(n_ports), "front": np.zeros(len(fronts)), "method": np.zeros(n_methods)}
        self.plan = {"port": -1, "front": 0, "method": 0}  # no port yet: the first choice costs nothing extra
        self.moving_to, self.ready_day = -1, 0  # a route being set up at another port, usable from ready_day
        self.risk = prior_risk
        self.attempts = np.zeros(n_ports, dtype=np.int64)  # by port
        self.seized = np.zeros(n_ports, dtype=np.int64)
        self.by_method = np.zeros(n_methods, dtype=np.int64)  # attempts by concealment method

    def choose(self, u: np.ndarray, day: int, cfg: Smugglers, no_goods: np.ndarray | None = None) -> None:
        """Choose the week's port, front and method: softmax over learned values (3 uniforms);
        every port but the current one carries the cost of switching, and a new port is used
        only once its route is set up (``route_setup_weeks``; the old one is used meanwhile).
        Ports where no goods arrive (``no_goods``: an inland customs office) are never chosen."""
        current = self.plan["port"]
        for (what, values), x in zip(self.values.items(), u):
            if what == "port":
                values = values - cfg.switch_cost * (np.arange(len(values)) != current)
                if no_goods is not None:
                    values = np.where(no_goods, -np.inf, values)
            cdf = np.cumsum(softmax(values / cfg.temperature))
            self.plan[what] = int(min(np.searchsorted(cdf, x * cdf[-1]), len(values) - 1))
        chosen = self.plan["port"]
        if current < 0 or chosen == current:  # the first route, or staying: nothing to set up
            self.moving_to = -1
            return
        if chosen != self.moving_to:  # a new plan: start setting up that route
            self.moving_to, self.ready_day = chosen, day + int(round(cfg.route_setup_weeks * DAYS_PER_WEEK))
        if day < self.ready_day:
            self.plan["port"] = current
        else:
            self.moving_to = -1

    def learn(self, port: int, front: int, method: int, caught: bool, cfg: Smugglers) -> None:
        """Move the values of the choices an attempt used towards its payoff; update the risk."""
        reward = -cfg.seizure_loss if caught else 1.0
        for what, chosen in (("port", port), ("front", front), ("method", method)):
            self.values[what][chosen] += cfg.learning_rate * (reward - self.values[what][chosen])
        self.risk += cfg.risk_memory * (caught - self.risk)
        self.attempts[port] += 1
        self.seized[port] += caught
        self.by_method[method] += 1

    def weekly_attempts(self, cfg: Smugglers) -> float:
        """Attempts per week: the base volume scaled by (learned risk / prior risk) ^ -elasticity."""
        factor = (max(self.risk, 1e-9) / max(cfg.prior_seizure_risk, 1e-9)) ** -cfg.deterrence_elasticity
        return cfg.attempts_per_week * min(factor, cfg.max_volume_factor)


class SmugglingRing:
    """All networks: their daily declarations and their learning from outcomes."""

    def __init__(self, model: mesa.Model, cfg: Smugglers, population: Population, goods: Goods, n_ports: int,
                 violation: int, streams: Streams, no_goods: np.ndarray | None = None):
        """``no_goods``: ports where no goods arrive (inland offices), never a route (None: none)."""
        self.cfg, self.population, self.streams, self.violation = cfg, population, streams, violation
        self.no_goods = no_goods if no_goods is not None and no_goods.any() else None
        self.goods = goods
        fronts = np.flatnonzero(population.front).reshape(cfg.networks, cfg.fronts_per_network) \
            if cfg.networks else np.zeros((0, cfg.fronts_per_network), dtype=np.int64)
        methods = list(cfg.concealments.values())
        self.method_names = list(cfg.concealments)
        self.factors = np.array([[m.nii_factor, m.physical_factor] for m in methods]).reshape(-1, 2)
        self.networks = [SmugglerNetwork(model, i, f, n_ports, len(methods), cfg.prior_seizure_risk)
                         for i, f in enumerate(fronts)]

    def declarations(self, day: int) -> Truth:
        """The networks' declarations arriving on ``day``: attempts and clean cover trade, both
        declared as the front's goods (an attempt's duty is on the contraband)."""
        rng, c, pop = self.streams.get("smugglers", day), self.cfg, self.population
        parts = {"network": [], "port": [], "method": [], "front": [], "attempt": []}
        for net in self.networks:
            u = rng.random(4)
            if day % DAYS_PER_WEEK == 0 or net.plan["port"] < 0:
                net.choose(u[:3], day, c, self.no_goods)
            attempts = poisson_quantile(u[3], net.weekly_attempts(c) / DAYS_PER_WEEK)
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
        goods = self.goods.draw(enterprise, rng.random((n, UNIFORMS)), rng.standard_normal(n))
        duty_rate = pop.duty_rate[enterprise] * goods["tax_pct"] / self.goods.mean_tax_pct
        duty = value * np.where(attempt, c.duty_rate, duty_rate)
        method = joined["method"].astype(np.int64)
        factors = self.factors[method] if len(self.factors) else np.ones((n, 2))
        no = np.zeros(n, bool)
        return Truth(day=day, port=joined["port"].astype(np.int64), enterprise=enterprise,
                     direction=np.full(n, IMPORT, np.int8), business_model=pop.business_model[enterprise],
                     arrival=arrival, lodged=arrival.copy(), prelodged=no, reentry_h=np.zeros(n), value=value,
                     duty=duty, hs6=goods["hs6"], origin=goods["origin"], departure=goods["departure"],
                     mass=value / goods["unit_value"], duty_rate=duty_rate,
                     violation=np.where(attempt, self.violation, NO_VIOLATION).astype(np.int8),
                     evaded=np.where(attempt, duty, 0.0), intentional=attempt, high_risk=attempt.copy(),
                     agency_check=no.copy(), permit=no.copy(),
                     smuggler=np.where(attempt, joined["network"], -1).astype(np.int16),
                     concealment=np.where(attempt, method, -1).astype(np.int8),
                     nii_factor=np.where(attempt, factors[:, 0], 1.0),
                     physical_factor=np.where(attempt, factors[:, 1], 1.0))

    def learn(self, smuggler: np.ndarray, port: np.ndarray, enterprise: np.ndarray, concealment: np.ndarray,
              caught: np.ndarray) -> None:
        """Each network learns from its attempts' outcomes (caught = seized at the border), in
        the order they became known."""
        for i in np.flatnonzero(smuggler >= 0):
            net = self.networks[smuggler[i]]
            front = int(np.flatnonzero(net.fronts == enterprise[i])[0])
            net.learn(int(port[i]), front, int(concealment[i]), bool(caught[i]), self.cfg)
