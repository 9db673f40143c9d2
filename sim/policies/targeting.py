"""Targeting: which declarations get an NII scan or a physical inspection, and how many.

Modes (how declarations are scored):

- ``random``: every declaration alike.
- ``rules``: declared high-risk goods first, then dishonest-tier traders (customs' own data).
- ``risk``: an *abstract* risk model whose discrimination is its AUC, drawn from the truth:
  binormal scores, violations shifted by sqrt(2) * Phi^-1(AUC); on the public customs data this
  model predicts the precision of a fitted classifier from its AUC (tests/test_risk_model.py).
- ``hybrid``: risk scores, with a share of the selections made at random to keep learning.
- ``learned``: a classifier trained on what customs observes (:mod:`sim.policies.risk_learning`):
  declared data and labels of checked and audited declarations only, retrained every
  ``retrain_every_days``, rules until the first model; ``exploration`` of the selections are made
  at random or (``explore_by: uncertainty``) among the fraud probabilities nearest 0.5; ranked by
  fraud probability or, with ``objective: revenue``, by probability x declared duty.

Each day and port the top ``inspection_rate`` share by score is inspected (ties at random; the
exploration share first), capped by what the port's physical officers and NII analysts can do in
a day (``capacity_share`` of their hours); the rest may still get document review. With
``fairness.max_ratio`` the burden disparity between the trader groups of ``fairness.group`` is
capped (:mod:`sim.policies.fairness`). The score, the selection and the model's age go into the
screening record, from which the ledger measures the model against the truth.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from sim.agents.enterprise import DISHONEST
from sim.config import ConfigError, _f
from sim.learning.ranking import EXPLORE_BY, select
from sim.policies.base import Context, Policy, register
from sim.policies.fairness import BurdenCap
from sim.records import BURDEN_GROUPS, group_levels, trader_group

MODES = ("random", "rules", "risk", "hybrid", "learned")
OBJECTIVES = ("fraud", "revenue")
SCOPES = ("port", "covered")  # where the burden cap counts a group's burden


def risk_shift(auc: float) -> float:
    """Mean score of violations in the binormal risk model (others N(0, 1), violations
    N(shift, 1)) whose ROC AUC is ``auc``: shift = sqrt(2) * Phi^-1(AUC)."""
    return float(np.sqrt(2) * ndtri(auc))  # ndtri: the standard normal's quantile function


def precision_at(auc: float, base_rate: float, share: float) -> float:
    """Share of violations among the top ``share`` of scores of that risk model, when
    ``base_rate`` of the declarations are violations (precision at k%)."""
    from scipy.optimize import brentq
    shift = risk_shift(auc)
    sf = lambda t: ndtr(-t)  # noqa: E731  (the standard normal's survival function)
    threshold = brentq(lambda t: base_rate * sf(t - shift) + (1 - base_rate) * sf(t) - share, -40, 40)
    return float(base_rate * sf(threshold - shift) / share)


@dataclass
class Fairness:
    """A cap on the burden disparity between trader groups."""
    max_ratio: float = _f(0.0, 0, 100, doc="most the estimated burden (inspections of compliant declarations per "
                          "compliant declaration) of one group may be over another's; 0 = no cap, else >= 1")
    group: str = _f("business_model", choices=BURDEN_GROUPS, doc="the trader grouping the cap applies to")
    scope: str = _f("port", choices=SCOPES, doc="port: each port caps its groups' burdens; covered: a group's "
                    "burden over all the ports targeting covers (what the group bears in the pilot)")


@register
class Targeting(Policy):
    name = "targeting"
    description = "inspection-rate target with random, rule-based, risk-score, hybrid or learned selection"

    @dataclass
    class Params:
        mode: str = _f("risk", choices=MODES, doc="random | rules | risk | hybrid | learned")
        inspection_rate: float = _f(0.0285, 0, 1, doc="share of declarations scanned or inspected by selection "
                                    "(the watch list adds its checks; 0.0285 + ~0.015 = the 2024 total of 4.3%)")
        nii_share: float = _f(0.58, 0, 1, doc="share of the selected sent to NII (the rest physical)")
        document_rate: float = _f(0.08, 0, 1, doc="random document review of the others")
        auc: float = _f(0.75, 0.5, 1, doc="risk and hybrid: discrimination of the risk model (0.5 = none)")
        exploration: float = _f(0.2, 0, 1, doc="hybrid and learned: share of selections made to explore")
        explore_by: str = _f("random", choices=EXPLORE_BY, doc="learned: explore at random or by uncertainty "
                             "(fraud probability nearest 0.5)")
        objective: str = _f("fraud", choices=OBJECTIVES, doc="learned: rank by fraud probability or by "
                            "probability x declared duty (revenue)")
        retrain_every_days: float = _f(30.0, 1, 3650, unit="days", doc="learned: days between refits")
        train_window_days: float = _f(180.0, 1, 3650, unit="days", doc="learned: declarations of this many "
                                      "days are the training data")
        min_frauds: int = _f(20, 1, 1_000_000, doc="learned: labelled frauds (and clean) before a model replaces "
                             "the rules")
        trees: int = _f(50, 1, 10_000, doc="learned: LightGBM trees (learning rate 10 / trees; assumption, 50-100: "
                        "100 ranked a little better, AUC 0.72 against 0.70, at more fitting time: docs/targeting.md)")
        max_train_rows: int = _f(20_000, 100, 100_000_000, doc="learned: the classifier trains on at most this "
                                 "many labelled declarations of the window, the most recent (encodings use all; "
                                 "assumption, 20,000 to the whole window: docs/targeting.md)")
        capacity_share: float = _f(0.9, 0, 1, doc="cap: share of daily physical-officer hours usable")
        fairness: Fairness = _f(Fairness())

        def __post_init__(self):
            if isinstance(self.fairness, dict):
                self.fairness = Fairness(**self.fairness)

    def __init__(self, params: "Targeting.Params", where: str):
        if params.mode not in MODES:
            raise ConfigError(f"{where}.mode: must be one of {', '.join(MODES)}; got {params.mode!r}")
        if 0 < params.fairness.max_ratio < 1:
            raise ConfigError(f"{where}.fairness.max_ratio: must be 0 (no cap) or at least 1; "
                              f"got {params.fairness.max_ratio}")
        if params.explore_by == "uncertainty" and params.mode != "learned":
            raise ConfigError(f"{where}.explore_by: uncertainty needs mode learned (fraud probabilities); "
                              f"got mode {params.mode!r}")
        super().__init__(params, where)

    def check_shares(self, model_names: list[str]) -> np.ndarray:
        """Expected shares of declarations sent to (document, NII, physical), per business model."""
        p = self.params
        rate = p.inspection_rate
        return np.tile([(1 - rate) * p.document_rate, rate * p.nii_share, rate * (1 - p.nii_share)],
                       (len(model_names), 1))

    def on_start(self, world) -> None:
        """Daily capacity per port (the most selections its physical officers and NII analysts
        can handle at this NII/physical split), the learner and the burden cap."""
        settings, p = world.cfg.world, self.params
        hours = lambda port, role: port.staff[role] * port.open_hours_per_day * p.capacity_share  # noqa: E731
        physical_h = lambda port: max(settings.kinds[port.kind].physical_h, 1e-9)  # noqa: E731
        self.capacity = np.array([
            min(hours(port, "physical") / physical_h(port) / max(1 - p.nii_share, 1e-9),
                hours(port, "nii") / max(settings.service.nii_image_h, 1e-9) / max(p.nii_share, 1e-9))
            for port in world.ports])
        self.learner = None
        if p.mode == "learned":
            from sim.policies.risk_learning import LearnedRisk  # pandas and LightGBM: only when learning
            self.learner = LearnedRisk(p.retrain_every_days, p.train_window_days, p.min_frauds, p.trees, p.objective,
                                       p.max_train_rows)
        self.calendar, self.cap = world.calendar, None
        if p.fairness.max_ratio:
            levels = group_levels(p.fairness.group, world.population.model_names,
                                  list(world.cfg.population.partner_countries))
            # the cap's count of each port's declarations: one row for all ports (covered), or its own
            self.cap_row = np.arange(len(world.ports)) * (p.fairness.scope == "port")
            self.cap = BurdenCap(p.fairness.max_ratio, int(self.cap_row.max()) + 1, len(levels))

    def _scores(self, truth, screening, ctx: Context) -> tuple[np.ndarray, np.ndarray | None, float]:
        """The score to rank by, the fraud probability (learned mode, once trained) and the
        model's age in days (NaN: no trained model)."""
        p, d = self.params, screening.declared
        n = len(d)
        rules = 2.0 * d.high_risk + 1.0 * (screening.tier == DISHONEST)
        if p.mode == "random":
            return np.zeros(n), None, np.nan
        if p.mode == "rules":
            return rules, None, np.nan
        if p.mode == "learned":
            from sim.policies.risk_learning import observed
            rows = np.flatnonzero(ctx.on)
            scored = self.learner.scores(truth.day, observed(d, screening.tier, rows), d.id[rows], ctx.rng("fit"))
            if scored is None:
                return rules, None, np.nan
            score, probability = np.full(n, np.nan), np.full(n, np.nan)
            score[rows], probability[rows] = scored
            return score, probability, float(truth.day - self.learner.fitted_day)
        return ctx.rng("score").standard_normal(n) + risk_shift(p.auc) * (truth.violation >= 0), None, np.nan

    def screen(self, truth, screening, ctx: Context) -> None:
        p, on, d = self.params, ctx.on, screening.declared
        score, probability, age = self._scores(truth, screening, ctx)
        explore = p.exploration if p.mode in ("hybrid", "learned") else 0.0
        explore_by = p.explore_by if probability is not None else "random"
        rng, rounding = ctx.rng("select"), ctx.rng("round").random(len(self.capacity))
        weight = np.ones(len(d)) if probability is None else 1.0 - probability
        if self.cap is not None:
            self.cap.start_quarter(self.calendar.quarter_index(truth.day * 24.0))
            group = trader_group(d, p.fairness.group)
            self.cap.remember(d.id[on], self.cap_row[d.port[on]], group[on], weight[on])
        selected = np.zeros(len(d), bool)
        for port in np.unique(d.port[on]):
            rows = np.flatnonzero(on & (d.port == port))
            k = min(int(p.inspection_rate * len(rows) + rounding[port]), int(self.capacity[port]))
            chosen, explored = select(score[rows], k, rng, explore, explore_by,
                                      None if probability is None else probability[rows])
            if self.cap is not None:
                chosen = self.cap.adjust(self.cap_row[port], chosen, explored, score[rows], weight[rows], group[rows])
            selected[rows[chosen]] = True
        to_nii = selected & (ctx.rng("split").random(len(d)) < p.nii_share)
        screening.p_nii[on] = to_nii[on]
        screening.p_physical[on] = (selected & ~to_nii)[on]
        screening.p_document[on] = np.where(selected[on], 0.0, p.document_rate)
        screening.risk_score[on], screening.targeted[on], screening.model_age_d[on] = score[on], selected[on], age

    def on_outcome(self, lesson: dict, ctx: Context) -> None:
        """Checks' outcomes label the declarations customs checked (found 1, clean 0); the
        burden cap counts the inspections it did not choose."""
        if self.learner is not None:
            self.learner.learn(lesson["id"], lesson["found"], ctx.on & lesson["checked"])
        if self.cap is not None:
            self.cap.reported(lesson["id"][ctx.on & lesson["inspected"] & ~lesson["targeted"]])

    def on_audit(self, lesson: dict, ctx: Context) -> None:
        """A post-clearance audit's report labels the declaration it audited."""
        if self.learner is not None:
            self.learner.learn(lesson["id"], lesson["found"], ctx.on)
