"""Regulatory sandbox for new business formats (e.g. CBEC 9710/9810, overseas warehouses).

For the chosen business models, pre-release checks are relaxed and replaced by post-clearance
audit, for a fixed duration, with two guardrails: a daily volume cap per port (declarations
beyond it get normal treatment) and an exit trigger that ends the sandbox at a port when the
violations found among its sandbox declarations in a quarter (at the border or by audit) pass
a threshold. (Audit findings count towards the quarter the declaration was screened in, as
if the audit reported back within that quarter: an optimistic guardrail.)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List

import numpy as np

from sim.config import _f
from sim.policies.base import Context, ForBusinessModels, Policy, register


@register
class Sandbox(ForBusinessModels, Policy):
    name = "sandbox"
    description = "relaxed pre-release checks + audit for new formats, with volume cap and exit trigger"

    @dataclass
    class Params:
        business_models: List[str] = _f(["cbec_9710", "cbec_9810"], doc="formats in the sandbox")
        check_multiplier: float = _f(0.2, 0, 1, doc="multiplier on pre-release check probabilities")
        audit_rate: float = _f(0.05, 0, 1, doc="post-clearance audit rate inside the sandbox")
        daily_cap: int = _f(200, 0, unit="declarations/day/port", scales=True, doc="volume cap per port and day")
        duration_quarters: int = _f(8, 1, 40, unit="quarters", doc="the sandbox ends after this long")
        exit_violation_rate: float = _f(0.1, 0, 1, doc="found-violation rate in a quarter that ends it")

    def on_start(self, world) -> None:
        super().on_start(world)
        n = len(world.ports)
        self.exited = np.zeros(n, bool)
        self.quarters_active = np.zeros(n, dtype=np.int64)
        self.declared, self.found = np.zeros(n), np.zeros(n)
        self.exit_quarter = np.full(n, -1)

    def on_quarter(self, quarter: int, active: np.ndarray) -> None:
        """Fire the exit trigger on last quarter's record, end sandboxes that ran their term."""
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = self.found / self.declared
        trigger = active & ~self.exited & (self.declared > 0) & (rate > self.params.exit_violation_rate)
        self.quarters_active += active & ~self.exited
        ended = trigger | (self.quarters_active > self.params.duration_quarters)
        self.exit_quarter[ended & ~self.exited] = quarter
        self.exited |= ended
        self.declared[:], self.found[:] = 0, 0

    def _inside(self, truth, ctx: Context) -> np.ndarray:
        """Declarations in the sandbox: its formats, at open ports, the first daily_cap per port."""
        mine = ctx.on & np.isin(truth.business_model, self.models) & ~self.exited[truth.port]
        inside = np.zeros(len(truth), bool)
        for port in np.unique(truth.port[mine]):
            inside[np.flatnonzero(mine & (truth.port == port))[: self.params.daily_cap]] = True
        return inside

    def screen(self, truth, screening, ctx: Context) -> None:
        inside = ctx.marks = self._inside(truth, ctx)
        for probs in (screening.p_document, screening.p_nii, screening.p_physical):
            probs[inside] *= self.params.check_multiplier
        screening.p_audit[inside] = np.maximum(screening.p_audit[inside], self.params.audit_rate)

    def on_outcome(self, lesson: dict, ctx: Context) -> None:
        """Count the sandbox's declarations and findings as their clearance ends."""
        n, inside = len(self.exited), ctx.marks
        self.declared += np.bincount(lesson["port"][inside], minlength=n)
        found = inside & (lesson["found"] | lesson["audit_found"])
        self.found += np.bincount(lesson["port"][found], minlength=n)

    def snapshot(self) -> list[tuple[int, str, float]]:
        return [(p, "sandbox_open", float(not e)) for p, e in enumerate(self.exited)]
