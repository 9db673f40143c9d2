"""Credit dynamics: clean history raises a trader's score, violations found lower it.

Every change happens when customs learns of it on the clock (:mod:`sim.feed`): a release or a
finding at the border, a post-clearance audit's finding months later, a partner agency's record
after its data exchange lag.
"""
from __future__ import annotations

import numpy as np

from sim.agents.enterprise import Population
from sim.config import Credit


class CreditBureau:
    """Keeps scores in [0, 100]; tiers follow from them (:meth:`Population.tier`)."""

    def __init__(self, cfg: Credit, population: Population):
        self.cfg, self.population = cfg, population

    def adjust(self, enterprise: np.ndarray, delta: np.ndarray | float) -> None:
        """Add ``delta`` to the scores of ``enterprise`` (repeats add up), then clip."""
        score = self.population.score
        change = np.bincount(enterprise, weights=np.broadcast_to(delta, enterprise.shape),
                             minlength=len(score))
        touched = np.flatnonzero(change)
        score[touched] = np.clip(score[touched] + change[touched], 0.0, 100.0)

    def record_clearance(self, enterprise: np.ndarray, found: np.ndarray, intentional: np.ndarray) -> None:
        """Border outcomes: a gain per clean declaration, a penalty per finding."""
        self.adjust(enterprise, np.where(found, -self.penalty(intentional), self.cfg.clean_gain))

    def penalty(self, intentional: np.ndarray) -> np.ndarray:
        """Score lost per finding: an intentional violation costs more than an error."""
        return np.where(intentional, self.cfg.violation_penalty, self.cfg.error_penalty)
