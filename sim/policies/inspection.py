"""Inspection rate and channel mix: random selection at configured rates.

Each declaration at a port under the rollout goes to document review, NII scan or physical
inspection with the configured probabilities, independently of its risk; a business model can
have rates of its own (``by_business_model``), e.g. a pilot zone that inspects 35% of CBEC 9610
parcel declarations.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Dict

import numpy as np

from sim.config import ConfigError, _f
from sim.policies.base import Context, Policy, check_names, register


@dataclass
class Rates:
    """Shares of declarations sent to each check."""
    document_rate: float = _f(0.08, 0, 1, doc="share sent to document review")
    nii_rate: float = _f(0.02, 0, 1, doc="share sent to an NII scan (may escalate to physical)")
    physical_rate: float = _f(0.02, 0, 1, doc="share sent straight to physical inspection")

    def check(self, where: str) -> None:
        """Each rate's type and range are checked with the config (sim/validation.py); their sum here."""
        total = self.document_rate + self.nii_rate + self.physical_rate
        if total > 1:
            raise ConfigError(f"{where}: document_rate + nii_rate + physical_rate must be at most 1; got {total:.4g}")


@register
class Inspection(Policy):
    name = "inspection"
    description = "random selection for document review, NII scan and physical inspection (by business model)"

    @dataclass
    class Params(Rates):
        by_business_model: Dict[str, Rates] = _f({}, may_be_empty=True, doc="business model -> {document_rate, "
                                                 "nii_rate, physical_rate}: its own rates (unset ones as above)")

    def __init__(self, params: "Inspection.Params", where: str):
        params.check(where)
        general = {f.name: getattr(params, f.name) for f in dataclasses.fields(Rates)}
        self.models: dict[str, Rates] = {}
        for model, given in params.by_business_model.items():
            at = f"{where}.by_business_model.{model}"
            if not isinstance(given, dict) or set(given) - set(general):
                raise ConfigError(f"{at}: must be a mapping of {', '.join(general)}; got {given!r}")
            self.models[model] = Rates(**{**general, **given})
            self.models[model].check(at)
        super().__init__(params, where)

    def check(self, cfg) -> None:
        check_names(f"{self.where}.by_business_model", list(self.models), cfg.population.business_models,
                    "business model")

    def check_shares(self, model_names: list[str]) -> np.ndarray:
        """Shares of declarations sent to (document, NII, physical), per business model."""
        rates = np.tile([self.params.document_rate, self.params.nii_rate, self.params.physical_rate],
                        (len(model_names), 1))
        for name, own in self.models.items():
            rates[model_names.index(name)] = (own.document_rate, own.nii_rate, own.physical_rate)
        return rates

    def on_start(self, world) -> None:
        self.rates = self.check_shares(list(world.cfg.population.business_models))

    def screen(self, truth, screening, ctx: Context) -> None:
        on = ctx.on
        rates = self.rates[truth.business_model[on]]
        screening.p_document[on], screening.p_nii[on], screening.p_physical[on] = rates.T
