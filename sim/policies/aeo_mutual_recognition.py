"""AEO mutual recognition: trade with an AEO-certified counterpart in a partner country gets
AEO treatment (fewer checks, deferred duty payment), as if the importer itself were AEO."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List

import numpy as np

from sim.config import _f
from sim.policies.base import Context, Policy, check_names, register


@register
class AeoMutualRecognition(Policy):
    name = "aeo_mutual_recognition"
    description = "partner-country AEO counterparts get AEO treatment (fewer checks, deferred payment)"

    @dataclass
    class Params:
        partners: List[str] = _f([], doc="partner countries with a mutual recognition arrangement")
        check_multiplier: float = _f(0.2, 0, 1, doc="multiplier on every check probability")
        deferred_payment: bool = _f(True, doc="duty paid later, release without waiting")

    def check(self, cfg) -> None:
        check_names(f"{self.where}.partners", self.params.partners, cfg.population.partner_countries,
                    "partner country")

    def on_start(self, world) -> None:
        self.partner_rows = check_names(f"{self.where}.partners", self.params.partners,
                                        world.cfg.population.partner_countries, "partner country")
        self.population = world.population

    def screen(self, truth, screening, ctx: Context) -> None:
        partner = np.isin(self.population.partner[truth.enterprise], self.partner_rows)
        mine = ctx.on & partner & screening.partner_aeo
        for probs in (screening.p_document, screening.p_nii, screening.p_physical):
            probs[mine] *= self.params.check_multiplier
        if self.params.deferred_payment:
            screening.pay_deferred[mine] = True
