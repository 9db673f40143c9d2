"""Credit dynamics: clean history raises a trader's score, violations found lower it.

Findings at the border count at once; post-clearance audit findings and partner agencies'
records count when customs learns of them (scheduled on the simpy clock).
"""
from __future__ import annotations

import numpy as np
import simpy

from sim.agents.enterprise import Population
from sim.config import Credit


class CreditBureau:
    """Keeps scores in [0, 100]; tiers follow from them (:meth:`Population.tier`)."""

    def __init__(self, env: simpy.Environment, cfg: Credit, population: Population):
        self.env, self.cfg, self.population = env, cfg, population

    def adjust(self, enterprise: np.ndarray, delta: np.ndarray | float) -> None:
        """Add ``delta`` to the scores of ``enterprise`` (repeats add up), then clip."""
        score = self.population.score
        change = np.bincount(enterprise, weights=np.broadcast_to(delta, enterprise.shape),
                             minlength=len(score))
        touched = np.flatnonzero(change)
        score[touched] = np.clip(score[touched] + change[touched], 0.0, 100.0)

    def record_clearance(self, enterprise: np.ndarray, found: np.ndarray, intentional: np.ndarray) -> None:
        """Border outcomes: a gain per clean declaration, a penalty per finding."""
        c = self.cfg
        delta = np.where(found, -np.where(intentional, c.violation_penalty, c.error_penalty), c.clean_gain)
        self.adjust(enterprise, delta)

    def penalise_at(self, when_h: float, enterprise: np.ndarray, amount: float) -> None:
        """Lower the scores of ``enterprise`` by ``amount`` once customs learns of it at ``when_h``."""
        if not len(enterprise):
            return
        if when_h <= self.env.now:
            self.adjust(enterprise, -amount)
            return
        event = self.env.timeout(when_h - self.env.now)
        event.callbacks.append(lambda _: self.adjust(enterprise, -amount))
