"""Classification assistance (AI HS classification, policy calculator): traders in the covered
business models make fewer classification errors, so fewer returns and corrections."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List

import numpy as np

from sim.config import _f
from sim.declarations import NO_VIOLATION
from sim.policies.base import Context, ForBusinessModels, Policy, register


@register
class ClassificationAssist(ForBusinessModels, Policy):
    name = "classification_assist"
    order = 6
    description = "AI classification help: fewer unintentional classification errors"

    @dataclass
    class Params:
        business_models: List[str] = _f(["cbec_9610", "cbec_9710", "cbec_9810", "market_procurement"])
        error_reduction: float = _f(0.6, 0, 1, doc="share of classification errors avoided")

    def on_start(self, model) -> None:
        super().on_start(model)
        self.error_type = list(model.cfg.population.violations).index(model.cfg.population.error_type)

    def screen(self, batch, ctx: Context) -> None:
        u = ctx.rng("assist").random(len(batch))
        errors = ctx.on & np.isin(batch.business_model, self.models) & ~batch.intentional & \
            (batch.violation == self.error_type)
        avoided = errors & (u < self.params.error_reduction)
        batch.violation[avoided] = NO_VIOLATION
        batch.evaded[avoided] = 0.0
