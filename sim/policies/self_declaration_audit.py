"""Self-declaration with post-clearance audit: eligible traders (credit score at or above a
threshold) declare and pay duty themselves; goods are released with few pre-release checks,
and compliance is verified afterwards by a higher audit rate."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import _f
from sim.policies.base import Context, Policy, register


@register
class SelfDeclarationAudit(Policy):
    name = "self_declaration_audit"
    description = "eligible traders self-declare and pay later; checks replaced by audit"

    @dataclass
    class Params:
        min_score: float = _f(70.0, 0, 100, doc="credit score needed to be eligible")
        check_multiplier: float = _f(0.3, 0, 1, doc="multiplier on pre-release check probabilities")
        audit_rate: float = _f(0.05, 0, 1, doc="post-clearance audit rate of eligible declarations")

    def on_start(self, world) -> None:
        self.population = world.population

    def screen(self, truth, screening, ctx: Context) -> None:
        eligible = ctx.on & (self.population.score[truth.enterprise] >= self.params.min_score)
        for probs in (screening.p_document, screening.p_nii, screening.p_physical):
            probs[eligible] *= self.params.check_multiplier
        screening.p_audit[eligible] = np.maximum(screening.p_audit[eligible], self.params.audit_rate)
        screening.pay_deferred[eligible] = True
