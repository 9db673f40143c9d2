"""Classification assistance (AI HS classification, policy calculator): traders in the covered
business models make fewer classification errors, so fewer returns and corrections."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List

import numpy as np

from sim.config import _f
from sim.policies.base import Context, ForBusinessModels, Policy, register


@register
class ClassificationAssist(ForBusinessModels, Policy):
    name = "classification_assist"
    description = "AI classification help: fewer unintentional classification errors"

    @dataclass
    class Params:
        business_models: List[str] = _f(["cbec_9610", "cbec_9710", "cbec_9810", "market_procurement"])
        error_reduction: float = _f(0.6, 0, 1, doc="share of classification errors avoided")

    def on_start(self, world) -> None:
        super().on_start(world)
        self.error_type = list(world.cfg.population.violations).index(world.cfg.population.error_type)

    def prevent(self, truth, ctx: Context) -> None:
        u = ctx.rng("assist").random(len(truth))
        errors = ctx.on & np.isin(truth.business_model, self.models) & ~truth.intentional & \
            (truth.violation == self.error_type)
        truth.prevent(errors & (u < self.params.error_reduction))
