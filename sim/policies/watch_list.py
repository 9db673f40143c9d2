"""The watch list: traders a partner agency has reported are checked more for a while.

When customs receives a partner agency's record about a trader (after the agency's data
exchange lag: :mod:`sim.agents.agency`), the trader's declarations lodged in the next
``watch_days`` get at least the watch-list check rates, whatever relaxed regime (credit tier,
sandbox, self-declaration) would otherwise apply. This is how shared information reaches
inspection, so a shorter data lag (single window) changes who is checked.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.calendar import HOURS_PER_DAY
from sim.config import _f
from sim.policies.base import Context, Policy, register


@register
class WatchList(Policy):
    name = "watch_list"
    description = "traders reported by a partner agency get higher check rates for a while"

    @dataclass
    class Params:
        watch_days: float = _f(90.0, 0, 3650, unit="days", doc="how long a record keeps a trader on the list")
        document_rate: float = _f(0.2, 0, 1, doc="at least this share of their declarations to document review")
        nii_rate: float = _f(0.05, 0, 1, doc="at least this share to an NII scan")
        physical_rate: float = _f(0.05, 0, 1, doc="at least this share to physical inspection")

    def screen(self, truth, screening, ctx: Context) -> None:
        p = self.params
        watched = ctx.on & (screening.record_age_h < p.watch_days * HOURS_PER_DAY)
        check_at_least(screening, watched, p.physical_rate, p.nii_rate, p.document_rate)


def check_at_least(screening, rows: np.ndarray, physical: float, nii: float, document: float) -> None:
    """The declarations ``rows`` (a mask) get at least these check probabilities; where the
    three then add up to more than 1 they are scaled down to sum to 1."""
    for probs, floor in ((screening.p_physical, physical), (screening.p_nii, nii), (screening.p_document, document)):
        probs[rows] = np.maximum(probs[rows], floor)
    total = screening.p_physical + screening.p_nii + screening.p_document
    scale = np.where(rows & (total > 1), 1 / np.maximum(total, 1e-12), 1.0)
    for probs in (screening.p_physical, screening.p_nii, screening.p_document):
        probs *= scale
