"""Traceability (blockchain records) for high-risk goods: a share of high-risk consignments is
covered; on covered goods misdeclaration is harder (some would-be violations do not happen)
and easier to verify (every check is more likely to find what remains)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import _f
from sim.policies.base import Context, Policy, register


@register
class Traceability(Policy):
    name = "traceability"
    description = "traceable high-risk goods: fewer misdeclarations, easier verification"

    @dataclass
    class Params:
        coverage: float = _f(0.6, 0, 1, doc="share of high-risk goods with traceability records")
        prevention: float = _f(0.5, 0, 1, doc="share of would-be violations on covered goods deterred")
        detect_factor: float = _f(1.5, 1, doc="multiplier on the chance a check finds a violation")

    def covered(self, truth, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
        """Covered high-risk goods (traceability records), and uniforms for prevention."""
        u = ctx.rng("coverage").random((len(truth), 2))
        return ctx.on & truth.high_risk & (truth.smuggler < 0) & (u[:, 0] < self.params.coverage), u[:, 1]

    def prevent(self, truth, ctx: Context) -> None:
        covered, u = self.covered(truth, ctx)
        truth.prevent(covered & truth.intentional & (u < self.params.prevention))

    def screen(self, truth, screening, ctx: Context) -> None:
        covered, _ = self.covered(truth, ctx)
        screening.detect_factor[covered] *= self.params.detect_factor
