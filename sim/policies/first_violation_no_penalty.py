"""First violation, no penalty: a trader's first minor error is corrected without a fine or a
credit penalty when it is disclosed or found, which makes voluntary disclosure worth it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List

import numpy as np

from sim.config import _f
from sim.policies.base import Context, Policy, check_names, register


@register
class FirstViolationNoPenalty(Policy):
    name = "first_violation_no_penalty"
    description = "first minor error corrected without penalty; more voluntary disclosure"

    @dataclass
    class Params:
        disclosure_prob: float = _f(0.5, 0, 1, doc="chance an error is disclosed when it costs nothing")
        minor_types: List[str] = _f(["misclassification"], doc="violation types counted as minor")

    def check(self, cfg) -> None:
        check_names(f"{self.where}.minor_types", self.params.minor_types, cfg.population.violations,
                    "violation type")

    def on_start(self, world) -> None:
        names = list(world.cfg.population.violations)
        self.minor = np.array([name in self.params.minor_types for name in names] + [False])  # [-1]: none
        self.credit, self.penalty = world.credit, world.cfg.population.credit.error_penalty
        self.forgiven = np.zeros(len(world.population.score), bool)

    def screen(self, truth, screening, ctx: Context) -> None:
        minor = ctx.on & self.minor[truth.violation] & ~truth.intentional & ~self.forgiven[truth.enterprise]
        screening.p_disclose[minor] = np.maximum(screening.p_disclose[minor], self.params.disclosure_prob)

    def on_outcome(self, lesson: dict, ctx: Context) -> None:
        """Give back the credit penalty of each trader's first minor error (disclosed or found)."""
        first = ctx.on & self.minor[lesson["violation"]] & ~lesson["intentional"] & \
            (lesson["disclosed"] | lesson["found"])
        rows = np.flatnonzero(first & ~self.forgiven[lesson["enterprise"]])
        enterprise = np.unique(lesson["enterprise"][rows])
        self.forgiven[enterprise] = True
        self.credit.adjust(enterprise, self.penalty)
