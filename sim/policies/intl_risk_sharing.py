"""International risk-information sharing: partner customs report the traders they caught.

A partner whose customs shares intelligence (``population.partner_countries.X.shares_intel``)
detects on its side ``intel_detection`` of the intentional violations shipped from there to us
(smuggling attempts included) and reports the trader ``intel_lag_days`` after the declaration
was lodged here; ``intel_quality`` of its reports name the right trader, the rest another trader
of the same region (a wrong match of names or addresses; none if the region has no other). From
the report on, for ``watch_days``, the reported trader's declarations get at least this
policy's check rates: the intelligence works through risk selection (who is checked), never
on the chance that a check finds. The smuggling networks learn from the seizures that follow
and move to fronts trading elsewhere (:mod:`sim.agents.smuggler`): no extra rule. The reports
of a day's declarations are drawn from the policy's own stream, three uniforms per declaration
(common random numbers).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.calendar import HOURS_PER_DAY
from sim.config import _f
from sim.policies.base import Context, Policy, register
from sim.policies.watch_list import check_at_least


@register
class IntlRiskSharing(Policy):
    name = "intl_risk_sharing"
    description = "partner customs share seizure intelligence: the traders they report are checked more"

    @dataclass
    class Params:
        watch_days: float = _f(180.0, 0, 3650, unit="days", doc="how long a partner's report keeps a trader "
                               "flagged (assumption, 90-365)")
        nii_rate: float = _f(0.15, 0, 1, doc="at least this share of a flagged trader's declarations to an NII "
                             "scan (assumption, 0.05-0.3: intelligence-led selection)")
        physical_rate: float = _f(0.15, 0, 1, doc="at least this share to physical inspection (assumption, 0.05-0.3)")
        document_rate: float = _f(0.2, 0, 1, doc="at least this share to document review (as the watch list)")

    def on_start(self, world) -> None:
        partners = list(world.cfg.population.partner_countries.values())
        shares = np.array([c.shares_intel for c in partners] or [False], bool)
        self.detection = np.where(shares, [c.intel_detection for c in partners] or [0.0], 0.0)
        self.quality = np.array([c.intel_quality for c in partners] or [0.0])
        self.lag_h = np.array([c.intel_lag_days for c in partners] or [0.0]) * HOURS_PER_DAY
        region = world.population.partner
        self.members = [np.flatnonzero(region == r) for r in range(len(self.detection))]
        # per trader: when the last report on it arrived (h), and on which registration (importer id):
        # a trader that re-registers leaves the reports on its old company behind
        self.reported_at = np.full(len(region), -np.inf)
        self.reported_as = np.full(len(region), -1)
        self.importer = world.population.importer  # the registrations in force (a live view)
        self.pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (arrival times, traders, registrations)
        self.env = world.ports[0].env

    def screen(self, truth, screening, ctx: Context) -> None:
        now, p = self.env.now, self.params
        self._receive(now)
        trader = truth.enterprise
        flagged = ctx.on & (now - self.reported_at[trader] < p.watch_days * HOURS_PER_DAY) \
            & (self.reported_as[trader] == self.importer[trader])
        check_at_least(screening, flagged, p.physical_rate, p.nii_rate, p.document_rate)
        screening.intel |= flagged
        self._report(truth, screening.declared.region, ctx)

    def _receive(self, now: float) -> None:
        """Reports whose lag is over reach customs (the latest report per trader counts; a report
        on a registration the trader has left since names no one customs knows)."""
        keep = []
        for at, traders, registration in self.pending:
            due = at <= now
            known = due & (registration == self.importer[traders])
            np.maximum.at(self.reported_at, traders[known], at[known])
            self.reported_as[traders[known]] = registration[known]
            if not due.all():
                keep.append((at[~due], traders[~due], registration[~due]))
        self.pending = keep

    def _report(self, truth, region: np.ndarray, ctx: Context) -> None:
        """The partners' reports on the day's covered declarations, on their way."""
        u = ctx.rng("intel").random((len(truth.enterprise), 3))
        reported = ctx.on & truth.intentional & (u[:, 0] < self.detection[region])
        rows = np.flatnonzero(reported)
        if not len(rows):
            return
        named = truth.enterprise[rows].copy()
        for i in np.flatnonzero(u[rows, 1] >= self.quality[region[rows]]):  # another trader of the region
            others = self.members[region[rows[i]]]
            others = others[others != named[i]]
            named[i] = others[min(int(u[rows[i], 2] * len(others)), len(others) - 1)] if len(others) else -1
        keep = named >= 0
        named = named[keep]
        self.pending.append((truth.lodged[rows][keep] + self.lag_h[region[rows][keep]], named, self.importer[named]))
