"""Traceability (blockchain records) for high-risk goods: a share of high-risk consignments is
covered; on covered goods misdeclaration is harder (some would-be violations do not happen)
and easier to verify (every check is more likely to find what remains)."""
from __future__ import annotations

from dataclasses import dataclass

from sim.config import _f
from sim.declarations import NO_VIOLATION
from sim.policies.base import Context, Policy, register


@register
class Traceability(Policy):
    name = "traceability"
    order = 5  # before any check is chosen: it changes what is there to find
    description = "traceable high-risk goods: fewer misdeclarations, easier verification"

    @dataclass
    class Params:
        coverage: float = _f(0.6, 0, 1, doc="share of high-risk goods with traceability records")
        prevention: float = _f(0.5, 0, 1, doc="share of would-be violations on covered goods deterred")
        detect_factor: float = _f(1.5, 1, doc="multiplier on the chance a check finds a violation")

    def screen(self, batch, ctx: Context) -> None:
        u = ctx.rng("coverage").random((len(batch), 2))
        covered = ctx.on & batch.high_risk & (batch.smuggler < 0) & (u[:, 0] < self.params.coverage)
        prevented = covered & batch.intentional & (u[:, 1] < self.params.prevention)
        batch.violation[prevented] = NO_VIOLATION
        batch.evaded[prevented] = 0.0
        batch.intentional[prevented] = False
        batch.detect_factor[covered] *= self.params.detect_factor
