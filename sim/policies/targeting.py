"""Targeting: which declarations get an NII scan or a physical inspection, and how many.

Modes: ``random`` (every declaration alike), ``rules`` (high-risk goods and dishonest-tier
traders first), ``risk`` (a simulated risk model whose discrimination is its AUC: scores are
binormal, violations shifted by sqrt(2) * Phi^-1(AUC); on the public customs data this model
predicts the precision of a fitted classifier from its AUC, tests/test_risk_model.py), and
``hybrid`` (risk scores, with a share of the selections made at random to keep learning).
Each day and port the top ``inspection_rate`` share by score is inspected, capped by what the
port's physical officers can do in a day (``capacity_share`` of their hours); the rest may
still get document review.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq
from scipy.stats import norm

from sim.agents.enterprise import DISHONEST
from sim.config import ConfigError, _f
from sim.policies.base import Context, Policy, register

MODES = ("random", "rules", "risk", "hybrid")


def risk_shift(auc: float) -> float:
    """Mean score of violations in the binormal risk model (others N(0, 1), violations
    N(shift, 1)) whose ROC AUC is ``auc``: shift = sqrt(2) * Phi^-1(AUC)."""
    return float(np.sqrt(2) * norm.ppf(auc))


def precision_at(auc: float, base_rate: float, share: float) -> float:
    """Share of violations among the top ``share`` of scores of that risk model, when
    ``base_rate`` of the declarations are violations (precision at k%)."""
    shift = risk_shift(auc)
    threshold = brentq(lambda t: base_rate * norm.sf(t - shift) + (1 - base_rate) * norm.sf(t) - share, -40, 40)
    return float(base_rate * norm.sf(threshold - shift) / share)


@register
class Targeting(Policy):
    name = "targeting"
    description = "inspection-rate target with random, rule-based, risk-score or hybrid selection"

    @dataclass
    class Params:
        mode: str = _f("risk", doc="random | rules | risk | hybrid")
        inspection_rate: float = _f(0.0285, 0, 1, doc="share of declarations scanned or inspected by selection "
                                    "(the watch list adds its checks; 0.0285 + ~0.015 = the 2024 total of 4.3%)")
        nii_share: float = _f(0.58, 0, 1, doc="share of the selected sent to NII (the rest physical)")
        document_rate: float = _f(0.08, 0, 1, doc="random document review of the others")
        auc: float = _f(0.75, 0.5, 1, doc="discrimination of the risk model (0.5 = none)")
        exploration: float = _f(0.2, 0, 1, doc="hybrid: share of selections made at random")
        capacity_share: float = _f(0.9, 0, 1, doc="cap: share of daily physical-officer hours usable")

    def __init__(self, params: "Targeting.Params", where: str):
        if params.mode not in MODES:
            raise ConfigError(f"{where}.mode: must be one of {', '.join(MODES)}; got {params.mode!r}")
        super().__init__(params, where)

    def check_shares(self, model_names: list[str]) -> np.ndarray:
        """Expected shares of declarations sent to (document, NII, physical), per business model."""
        p = self.params
        rate = p.inspection_rate
        return np.tile([(1 - rate) * p.document_rate, rate * p.nii_share, rate * (1 - p.nii_share)],
                       (len(model_names), 1))

    def on_start(self, world) -> None:
        """Daily capacity per port: the most selections its physical officers and NII analysts
        can handle at this NII/physical split."""
        settings, p = world.cfg.world, self.params
        hours = lambda port, role: port.staff[role] * port.open_hours_per_day * p.capacity_share  # noqa: E731
        physical_h = lambda port: max(settings.kinds[port.kind].physical_h, 1e-9)  # noqa: E731
        self.capacity = np.array([
            min(hours(port, "physical") / physical_h(port) / max(1 - p.nii_share, 1e-9),
                hours(port, "nii") / max(settings.service.nii_image_h, 1e-9) / max(p.nii_share, 1e-9))
            for port in world.ports])

    def _scores(self, truth, screening, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
        """The score to rank by, and a random ranking (for random picks and exploration)."""
        n, p = len(truth), self.params
        z = ctx.rng("score").standard_normal(n)
        u = ctx.rng("explore").random(n)
        if p.mode == "random":
            return u, u
        if p.mode == "rules":
            return 2.0 * truth.high_risk + 1.0 * (screening.tier == DISHONEST) + u, u
        return z + risk_shift(p.auc) * (truth.violation >= 0), u

    def screen(self, truth, screening, ctx: Context) -> None:
        p, on = self.params, ctx.on
        score, random_rank = self._scores(truth, screening, ctx)
        explore = p.exploration if p.mode == "hybrid" else 0.0
        u = ctx.rng("split").random(len(truth))
        rounding = ctx.rng("round").random(len(self.capacity))
        selected = np.zeros(len(truth), bool)
        for port in np.unique(truth.port[on]):
            rows = np.flatnonzero(on & (truth.port == port))
            k = min(int(p.inspection_rate * len(rows) + rounding[port]), int(self.capacity[port]))
            picks = rows[np.argsort(-random_rank[rows], kind="stable")[:int(round(explore * k))]]
            selected[picks] = True
            rest = rows[~selected[rows]]
            selected[rest[np.argsort(-score[rest], kind="stable")[:k - len(picks)]]] = True
        to_nii = selected & (u < p.nii_share)
        screening.p_nii[on] = to_nii[on]
        screening.p_physical[on] = (selected & ~to_nii)[on]
        screening.p_document[on] = np.where(selected[on], 0.0, p.document_rate)
