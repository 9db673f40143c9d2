"""Partner agencies (tax, market regulation, FX): they find some of the violations customs
missed and share the records with customs after their data exchange lag — a day through the
single window, weeks outside it. A record lowers the trader's credit and puts it on customs'
watch list (see the ``watch_list`` policy)."""
from __future__ import annotations

import numpy as np

from sim.agents.mesa_core import mesa
from sim.calendar import HOURS_PER_DAY
from sim.config import Agency


class PartnerAgency(mesa.Agent):
    """One agency; ``records`` counts the records customs has received from it."""

    def __init__(self, model: mesa.Model, name: str, cfg: Agency, violation_types: list[str]):
        super().__init__(model)
        self.name, self.cfg, self.records = name, cfg, 0
        self.sees = np.array([t in cfg.sees for t in violation_types] + [False])  # [-1]: none

    def discover(self, violation: np.ndarray, missed: np.ndarray, u: np.ndarray,
                 single_window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which missed violations of a type it sees it finds (chance ``detect_prob``), and how
        long after the release customs receives each record (hours)."""
        found = missed & self.sees[violation] & (u < self.cfg.detect_prob)
        lag = np.where(single_window, self.cfg.single_window_lag_days, self.cfg.lag_days) * HOURS_PER_DAY
        return found, lag
