"""Partner agencies (tax, market regulation, FX): they find some of the violations customs
missed and share the records with customs after a lag, which lowers the traders' credit."""
from __future__ import annotations

import mesa
import numpy as np

from sim.behaviour.credit import CreditBureau
from sim.calendar import HOURS_PER_DAY
from sim.config import Agency


class PartnerAgency(mesa.Agent):
    """One agency; ``records`` counts the violations it has reported."""

    def __init__(self, model: mesa.Model, name: str, cfg: Agency, violation_types: list[str]):
        super().__init__(model)
        self.name, self.cfg, self.records = name, cfg, 0
        self.lag_days = cfg.lag_days  # policies (single window) may shorten it
        self.sees = np.array([t in cfg.sees for t in violation_types] + [False])  # [-1]: none

    def observe(self, enterprise: np.ndarray, violation: np.ndarray, missed: np.ndarray, u: np.ndarray,
                bureau: CreditBureau, penalty: float) -> None:
        """Find each missed violation of a type it sees with ``detect_prob``; report it
        ``lag_days`` later."""
        found = missed & self.sees[violation] & (u < self.cfg.detect_prob)
        self.records += int(found.sum())
        when = self.model.env.now + self.lag_days * HOURS_PER_DAY
        bureau.penalise_at(when, enterprise[found], penalty)
