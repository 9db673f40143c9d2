"""Single window: one data submission shared with every agency.

The mechanism, not a factor on any output: through the single window (i) another agency
receives the declaration's data when it is lodged — before arrival for an advance declaration —
so its permit work starts then, instead of after the goods are in and the trader has re-entered
the data in that agency's own system (:meth:`sim.clearance.decisions.Decider.permit_ready`); and
(ii) partner agencies' records about the declaration reach customs through the platform, after
their ``single_window_lag_days`` instead of ``lag_days`` (:mod:`sim.agents.agency`), which moves
credit scores and the watch list sooner. Both only for declarations lodged at covered ports.
"""
from __future__ import annotations

from dataclasses import dataclass

from sim.policies.base import Context, Policy, register


@register
class SingleWindow(Policy):
    name = "single_window"
    description = "one data submission for every agency: permits start at lodging, agency records arrive sooner"

    @dataclass
    class Params:
        pass

    def screen(self, truth, screening, ctx: Context) -> None:
        screening.single_window[ctx.on] = True
