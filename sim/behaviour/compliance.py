"""The compliance decision (an inspection game with bounded rationality) and risk learning.

For each declaration a trader compares the duty it could evade, g, with the expected loss if
caught, caught x (g + f), f = penalty_multiple x g, plus a moral cost (a share of g):

    u = 1 - caught * (1 + m) - moral,    P(violate) = sigmoid(rationality * u)

``caught`` is what the trader believes: its perceived check probability, a blend of its own
experience and its port's recent check rate (peers), times the chance a check finds a
violation, plus the known catch rate of post-clearance audit. With no moral cost and high
rationality, traders violate exactly when caught < g / (g + f) (the inspection game). The goods
shift the odds: high-risk goods, and the HS chapter and origin country (:mod:`sim.goods`).
"""
from __future__ import annotations

import numpy as np
from scipy.special import expit, logit

from sim.agents.enterprise import Population
from sim.config import PopulationConfig


class Compliance:
    """Decides intentional violations and updates perceived risk from experience."""

    def __init__(self, cfg: PopulationConfig, population: Population, daily_volume: np.ndarray):
        self.behaviour, self.population = cfg.behaviour, population
        self.port_risk = np.full(len(daily_volume), self.behaviour.prior_risk)
        # peers' memory: each declaration weighs 1 / (memory_days x the port's daily volume)
        self.port_weight = 1.0 / (self.behaviour.peer_memory_days * np.maximum(daily_volume, 1.0))
        shares = np.array([v.share for v in cfg.violations.values()])
        audit_detect = np.array([v.detect_audit for v in cfg.violations.values()])
        self.audit_catch = cfg.audit_rate * float(shares @ audit_detect) / shares.sum()
        if self.behaviour.calibrate_honesty:
            prior_caught = self.behaviour.prior_risk * self.behaviour.detection_given_check + self.audit_catch
            with np.errstate(divide="ignore"):
                self.moral = (1 - prior_caught * (1 + self.behaviour.penalty_multiple)
                              - logit(population.propensity) / max(self.behaviour.rationality, 1e-9))
        else:
            self.moral = np.zeros(len(population.propensity))
        self.moral[population.front] = np.inf  # fronts' cover trade is clean; attempts are the network's
        # High-risk goods multiply the odds of violating by high_risk_odds; the others' odds are
        # scaled so that the average over goods keeps each trader's propensity (to first order).
        share, odds = cfg.high_risk_goods_share, self.behaviour.high_risk_odds
        self.log_odds = np.log([(1 - share * odds) / (1 - share) if share < 1 else 1.0, odds])

    def caught(self, enterprise: np.ndarray, port: np.ndarray) -> np.ndarray:
        """The probability of being caught that each declaring trader believes in."""
        w = self.behaviour.peer_weight
        checked = (1 - w) * self.population.perceived[enterprise] + w * self.port_risk[port]
        return checked * self.behaviour.detection_given_check + self.audit_catch

    def violates(self, enterprise: np.ndarray, port: np.ndarray, high_risk: np.ndarray, goods_odds: np.ndarray,
                 u: np.ndarray) -> np.ndarray:
        """Intentional violation decisions for uniforms ``u``: the trader's payoff and moral cost,
        plus the goods' temptation: high-risk goods, and ``goods_odds`` (log odds ratios by HS
        chapter and origin country, :mod:`sim.goods`)."""
        payoff = 1 - self.caught(enterprise, port) * (1 + self.behaviour.penalty_multiple) - self.moral[enterprise]
        return u < expit(self.behaviour.rationality * payoff + self.log_odds[high_risk.astype(np.int64)] + goods_odds)

    def learn(self, enterprise: np.ndarray, port: np.ndarray, checked: np.ndarray) -> None:
        """Each trader's own checks, and its port's check rate, by exponential smoothing per
        declaration (called as checks become known to the traders: at release or seizure)."""
        n = len(self.population.perceived)
        count = np.bincount(enterprise, minlength=n)
        seen = np.flatnonzero(count)
        hits = np.bincount(enterprise, weights=checked, minlength=n)[seen]
        keep = (1 - self.behaviour.learning_rate) ** count[seen]
        self.population.perceived[seen] = keep * self.population.perceived[seen] + \
            (1 - keep) * hits / count[seen]
        per_port = np.bincount(port, minlength=len(self.port_risk))
        active = per_port > 0
        rate = np.bincount(port, weights=checked, minlength=len(self.port_risk))[active] / per_port[active]
        keep = (1 - self.port_weight[active]) ** per_port[active]
        self.port_risk[active] = keep * self.port_risk[active] + (1 - keep) * rate
