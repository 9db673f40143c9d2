"""The settings of disputes, complaints, the desk that handles them, and trader satisfaction
(``population.redress`` and ``population.satisfaction``; values and their sources in
``configs/population/default.yaml``). Dispute rates by violation type and release-time
expectations by business model live with those (``population.violations.X.dispute_prob``,
``population.business_models.X.expected_release_h`` and ``dispute_odds``)."""
from __future__ import annotations

from dataclasses import dataclass

from omegaconf import MISSING

from sim.schema import HOURS, _f


@dataclass
class Redress:
    """Disputes and complaints: who files them, how the desk answers, the service levels."""
    desk_declarations_per_officer: float = _f(MISSING, 1, 1e6, unit="declarations/day",
                                              doc="a port's desk has one officer per this many declarations a "
                                              "day (at least one)")
    desk_open_hour: float = _f(MISSING, 0, 12, unit="h", doc="desk opens (hour of day, working days; by noon)")
    desk_close_hour: float = _f(MISSING, 12, 24, unit="h", open_lo=True, doc="desk closes (after noon)")
    reply_h: float = _f(MISSING, 0, HOURS, unit="h", doc="mean officer work to review a case and reply")
    fix_h: float = _f(MISSING, 0, HOURS, unit="h", doc="mean officer work to fix an upheld case (amend, refund)")
    reply_days: int = _f(MISSING, 0, 365, unit="working days", doc="service level: reply within")
    fix_days: int = _f(MISSING, 0, 365, unit="working days", doc="service level: upheld case fixed within")
    error_odds: float = _f(MISSING, 0, 100, doc="odds of disputing the correction of an honest error rather than of "
                           "an intentional violation, x (the trader believed its declaration right)")
    dispute_upheld: float = _f(MISSING, 0, 1, doc="share of disputes decided for the trader")
    complaint_upheld: float = _f(MISSING, 0, 1, doc="share of complaints upheld (the trader gets a fix)")
    complaint_inspected: float = _f(MISSING, 0, 1, doc="chance a trader complains when compliant goods are inspected")
    complaint_delay: float = _f(MISSING, 0, 1, doc="chance a trader complains about a release later than "
                                "delay_factor x its expectation")
    delay_factor: float = _f(MISSING, 1, 100, doc="release time over expectation that counts as a delay")


@dataclass
class Satisfaction:
    """Each trader's satisfaction: its own level plus the memory of its experiences; satisfied above 0."""
    level_mean: float = _f(MISSING, -100, 100, doc="mean of traders' own levels (calibrated to the 2024 share)")
    level_sd: float = _f(MISSING, 0, 100, doc="spread of traders' own levels")
    memory: float = _f(MISSING, 0, 1, doc="weight of each experience in the remembered experience (EWMA)")
    on_time: float = _f(MISSING, 0, 100, doc="value of a release within the expected time")
    late: float = _f(MISSING, 0, 100, doc="cost per unit of release time over the expectation (expectation = 1)")
    late_cap: float = _f(MISSING, 0, 100, doc="most expectations over that count (a release 10x late is not 10x worse)")
    inspected: float = _f(MISSING, 0, 100, doc="cost of an inspection of compliant goods")
    upheld: float = _f(MISSING, 0, 100, doc="value of a dispute or complaint decided for the trader")
    rejected: float = _f(MISSING, 0, 100, doc="cost of one decided against it")
    breach: float = _f(MISSING, 0, 100, doc="cost of each reply or fix later than the service level")
