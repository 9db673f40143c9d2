"""Single window: one data submission for all agencies. Documents are ready sooner (shorter
post-arrival lodging delay, as traders no longer file the same data with each agency), and
partner agencies' records reach customs sooner (shorter data lag, applied while any port is
covered)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import _f
from sim.policies.base import Context, Policy, register


@register
class SingleWindow(Policy):
    name = "single_window"
    order = 55
    description = "shorter lodging (no duplicate filing), shorter agency data lag"

    @dataclass
    class Params:
        lodging_factor: float = _f(0.5, 0, 1, doc="multiplier on the post-arrival lodging delay")
        agency_lag_factor: float = _f(0.25, 0, 1, doc="multiplier on partner agencies' data lag")

    def on_start(self, model) -> None:
        self.agencies = model.agencies
        self.lags = [agency.cfg.lag_days for agency in self.agencies]

    def screen(self, batch, ctx: Context) -> None:
        late = ctx.on & (batch.lodged > batch.arrival)
        batch.lodged[late] = batch.arrival[late] + (batch.lodged[late] - batch.arrival[late]) * \
            self.params.lodging_factor

    def on_quarter(self, quarter: int, active: np.ndarray) -> None:
        factor = self.params.agency_lag_factor if active.any() else 1.0
        for agency, lag in zip(self.agencies, self.lags):
            agency.lag_days = lag * factor
