"""Credit-tier supervision: inspection intensity by the trader's credit tier.

"High credit, (near) zero inspection; low credit, intensive inspection": the probabilities
of every check are multiplied by the tier's multiplier (AEO / general / dishonest), scaled
back if they would add up to more than 1. AEO benefits: priority in every queue and deferred
(consolidated) duty payment, each optional.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.agents.enterprise import AEO
from sim.config import _f
from sim.policies.base import Context, Policy, register


@register
class CreditTier(Policy):
    name = "credit_tier"
    description = "inspection multipliers by credit tier (AEO / general / dishonest)"

    @dataclass
    class Params:
        aeo: float = _f(0.2, 0, doc="multiplier for AEO-tier traders (0 = zero inspection)")
        general: float = _f(1.0, 0, doc="multiplier for general-tier traders")
        dishonest: float = _f(3.0, 0, doc="multiplier for dishonest-tier traders")
        aeo_priority: bool = _f(False, doc="AEO declarations go first in every queue")
        aeo_deferred_payment: bool = _f(False, doc="AEO traders pay duty later, release without waiting")

    def screen(self, truth, screening, ctx: Context) -> None:
        s, on = screening, ctx.on
        factor = np.array([self.params.aeo, self.params.general, self.params.dishonest])[s.tier[on]]
        probs = np.stack([s.p_document[on], s.p_nii[on], s.p_physical[on]]) * factor
        probs /= np.maximum(probs.sum(axis=0), 1.0)
        s.p_document[on], s.p_nii[on], s.p_physical[on] = probs
        aeo = on & (s.tier == AEO)
        s.priority[aeo] |= self.params.aeo_priority
        s.pay_deferred[aeo] |= self.params.aeo_deferred_payment
