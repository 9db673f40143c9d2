"""The settings of the traders' behaviour rules: the compliance decision and how violators hide
from what customs checks (``population.behaviour``; values and their sources in
``configs/population/default.yaml``). Part of the schema in :mod:`sim.config`, which re-exports it."""
from __future__ import annotations

from dataclasses import dataclass

from omegaconf import MISSING

from sim.schema import DAYS, _f


@dataclass
class Behaviour:
    """How enterprises decide to violate (an inspection game) and learn the risk of checks.

    A trader violates with probability sigmoid(rationality * u), u = 1 - caught * (1 + m) -
    moral cost, where caught = perceived check probability * detection_given_check (+ the
    audit's known catch rate) and m = penalty_multiple (fine / evaded duty). With zero moral
    cost and infinite rationality this is the inspection game: violate iff caught < g/(g+f).
    """
    rationality: float = _f(MISSING, 0, 1_000, doc="logit sensitivity to the payoff (large = fully rational)")
    penalty_multiple: float = _f(MISSING, 0, 100, doc="fine as a multiple of the evaded duty (f = m g)")
    calibrate_honesty: bool = _f(MISSING, doc="moral cost set so each trader violates at its "
                                 "propensity when perceived risk = prior_risk; false = no moral cost")
    prior_risk: float = _f(MISSING, 0, 1, doc="perceived check probability before experience")
    detection_given_check: float = _f(MISSING, 0, 1, doc="perceived chance that a check finds a violation")
    learning_rate: float = _f(MISSING, 0, 1, doc="weight of each own declaration in perceived risk")
    peer_weight: float = _f(MISSING, 0, 1, doc="weight of the port's recent check rate (peers)")
    peer_memory_days: float = _f(MISSING, 1, DAYS, unit="days", doc="memory of the port's check rate")
    high_risk_odds: float = _f(MISSING, 1, 100, doc="odds multiplier of violating on high-risk goods")
    goods_odds: float = _f(MISSING, 0, 10, doc="scale of the fitted log odds ratios of fraud by HS chapter and "
                           "origin country (sim/goods.py; 1 = as fitted, 0 = goods do not matter)")
    # how violators hide from what customs checks (sim/behaviour/disguise.py)
    reregister_share: float = _f(MISSING, 0, 1, doc="chance a caught intentional violator re-registers (new importer)")
    reregister_lag_days: float = _f(MISSING, 0, DAYS, unit="days", doc="finding to declaring as the new company")
    false_codes: int = _f(MISSING, 1, 20, doc="misclassification: one of the chapter's this many lowest-rate codes")
    quantity_cut_cost: float = _f(MISSING, 0, 1, doc="share of the evaded duty a quantity cut with the value costs")
    disguise_memory_days: float = _f(MISSING, 1, DAYS, unit="days", doc="a port's memory of how disguises fared")
    disguise_temperature: float = _f(MISSING, 0, 100, open_lo=True, doc="softmax temperature of disguises (duty)")
