"""Inspection rate and channel mix: random selection at configured rates.

Each declaration at a port under the rollout goes to document review, NII scan or physical
inspection with the configured probabilities, independently of its risk.
"""
from __future__ import annotations

from dataclasses import dataclass

from sim.config import ConfigError, _f
from sim.policies.base import Context, Policy, register


@register
class Inspection(Policy):
    name = "inspection"
    order = 10
    description = "random selection for document review, NII scan and physical inspection"

    @dataclass
    class Params:
        document_rate: float = _f(0.08, 0, 1, doc="share sent to document review")
        nii_rate: float = _f(0.02, 0, 1, doc="share sent to an NII scan (may escalate to physical)")
        physical_rate: float = _f(0.02, 0, 1, doc="share sent straight to physical inspection")

    def __init__(self, params: "Inspection.Params", where: str):
        total = params.document_rate + params.nii_rate + params.physical_rate
        if total > 1:
            raise ConfigError(f"{where}: document_rate + nii_rate + physical_rate must be at "
                              f"most 1; got {total:.4g}")
        super().__init__(params, where)

    def screen(self, batch, ctx: Context) -> None:
        on = ctx.on
        batch.p_document[on] = self.params.document_rate
        batch.p_nii[on] = self.params.nii_rate
        batch.p_physical[on] = self.params.physical_rate
