"""Disputes and complaints, and the desk that answers them against service levels.

A *dispute* is a trader returning a correction (a classification or valuation finding that was
not a seizure) to customs: each correction is disputed with the chance of its violation type
(``population.violations.X.dispute_prob``) at its business model's odds (``dispute_odds``),
times ``redress.error_odds`` for an honest error (the trader thought its declaration right). A
*complaint* follows an inspection of compliant goods (``redress.complaint_inspected``) or a
release later than ``delay_factor`` times the release time its business model expects
(``complaint_delay``); at most one per declaration. Fewer corrections, e.g. fewer
misclassifications under ``classification_assist``, mean fewer disputes: nothing scales the
count itself.

Cases are filed when the trader learns the outcome, and queue (first come, first served) for the
officers of their port's desk, a staff apart from clearance (reconsideration and complaint
handling are separate units; so release times do not change), who work office hours on working
days (:func:`sim.calendar.after_office_work`). Each case gets a reply; an upheld one then needs a
fix (amending the declaration, a refund), queued again. Service levels: reply within
``reply_days`` and an upheld case fixed within ``fix_days`` working days of filing
(:func:`sim.calendar.working_deadline`). Every draw (dispute, complaint, outcome, work) is a
uniform drawn with the declaration at screening (``Decisions.redress_u``), so scenarios compared
on common random numbers differ only where their declarations do.

Counts belong to the quarter a case was filed (corrections: the quarter they became known). A
case counts towards a service level only when its deadline falls within the horizon (a later
deadline cannot be judged yet); one still open at its deadline is a breach.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from sim.calendar import Calendar, after_office_work, working_deadline
from sim.records import NO_VIOLATION

# columns of Decisions.redress_u: who disputes and complains, then each case's outcome and work (a
# declaration may give one case of each kind; each has draws of its own)
CASES = ("dispute", "complaint")
U = CASES + tuple(f"{kind}_{draw}" for kind in CASES for draw in ("upheld", "reply", "fix"))
SUMS = ("corrections", "disputes", "complaints", "cases_upheld", "replies_due", "replies_on_time", "fixes_due",
        "fixes_on_time")


@dataclass
class Filed:
    """The cases a batch of outcomes gives rise to (masks over the batch's declarations)."""
    corrected: np.ndarray
    dispute: np.ndarray
    complaint: np.ndarray
    dispute_upheld: np.ndarray    # the dispute (if any) is upheld
    complaint_upheld: np.ndarray  # the complaint (if any) is upheld


class Rules:
    """Who disputes and who complains, from the config (tables by violation type and business model)."""

    def __init__(self, cfg):
        pop, self.r = cfg.population, cfg.population.redress
        self.dispute_prob = np.array([v.dispute_prob for v in pop.violations.values()] + [0.0])  # [-1]: none
        self.seized = np.array([v.seized for v in pop.violations.values()] + [False])
        models = list(pop.business_models.values())
        self.odds = np.array([m.dispute_odds for m in models])
        self.expected_h = np.array([m.expected_release_h for m in models])

    def file(self, lesson: dict) -> Filed:
        """The corrections, disputes and complaints of released declarations."""
        released, violation, bm = lesson["released"], lesson["violation"], lesson["business_model"]
        u = lesson["redress_u"]
        corrected = released & lesson["found"] & ~self.seized[violation]
        p = self.dispute_prob[violation]
        odds = p * self.odds[bm] * np.where(lesson["intentional"], 1.0, self.r.error_odds)
        dispute = corrected & (u[:, 0] < odds / np.maximum(1 - p + odds, 1e-12))
        late = (lesson["at"] - lesson["arrival"]) > self.r.delay_factor * self.expected_h[bm]
        unneeded = lesson["inspected"] & (violation == NO_VIOLATION)
        stays = (1 - self.r.complaint_inspected * unneeded) * (1 - self.r.complaint_delay * late)
        complaint = released & (u[:, 1] < 1 - stays)
        return Filed(corrected, dispute, complaint, dispute & (u[:, U.index("dispute_upheld")] < self.r.dispute_upheld),
                     complaint & (u[:, U.index("complaint_upheld")] < self.r.complaint_upheld))


class Desk:
    """The desks of all ports: cases queue for the port's desk officers on the simpy clock.

    ``on_outcome(enterprise, upheld, breaches)`` is told each reply (breaches: 1 if late) and
    each late fix (``upheld`` None); satisfaction listens."""

    def __init__(self, env: simpy.Environment, cfg, calendar: Calendar, on_outcome=None):
        self.env, self.calendar, self.on_outcome = env, calendar, on_outcome
        self.r = cfg.population.redress
        self.rules = Rules(cfg)
        self.desks = [simpy.Resource(env, capacity=max(1, int(round(p.declarations_per_day
                                                                    / self.r.desk_declarations_per_officer))))
                      for p in cfg.world.ports.values()]
        self.sums = {name: np.zeros((len(self.desks), calendar.n_quarters + 2)) for name in SUMS}

    def receive(self, lesson: dict) -> Filed:
        """File the cases of a batch of outcomes now, and start them."""
        now = self.env.now
        f = self.rules.file(lesson)
        port, quarter = lesson["port"], int(self.calendar.quarter_index(now))
        reply_due = float(working_deadline(self.calendar, now, self.r.reply_days))
        fix_due = float(working_deadline(self.calendar, now, self.r.fix_days))
        end = self.calendar.end_h
        cases = f.dispute.astype(int) + f.complaint  # a declaration may give one of each
        upheld = f.dispute_upheld.astype(int) + f.complaint_upheld
        for name, count in (("corrections", f.corrected), ("disputes", f.dispute), ("complaints", f.complaint),
                            ("cases_upheld", upheld), ("replies_due", cases * (reply_due <= end)),
                            ("fixes_due", upheld * (fix_due <= end))):
            self.sums[name][:, quarter] += np.bincount(port, weights=count, minlength=len(self.desks))  # counts: exact
        u = lesson["redress_u"]
        kinds = (("dispute", f.dispute, f.dispute_upheld), ("complaint", f.complaint, f.complaint_upheld))
        for kind, mask, held in kinds:
            columns = [U.index(f"{kind}_reply"), U.index(f"{kind}_fix")]
            for i in np.flatnonzero(mask):
                work = -np.log1p(-u[i, columns]) * (self.r.reply_h, self.r.fix_h)  # exponential service times
                self.env.process(self._case(int(port[i]), int(lesson["enterprise"][i]), quarter, bool(held[i]),
                                            work, (reply_due, fix_due)))
        return f

    def _work(self, port: int, hours: float):
        """Queue at the port's desk and do ``hours`` of office work."""
        with self.desks[port].request() as turn:
            yield turn
            done = after_office_work(self.calendar, self.env.now, hours, self.r.desk_open_hour, self.r.desk_close_hour)
            yield self.env.timeout(done - self.env.now)

    def _case(self, port: int, enterprise: int, quarter: int, upheld: bool, work: np.ndarray, due: tuple):
        end = self.calendar.end_h
        yield from self._work(port, work[0])
        late = self.env.now > due[0]
        if due[0] <= end and not late:
            self.sums["replies_on_time"][port, quarter] += 1
        if self.on_outcome:
            self.on_outcome(enterprise, upheld, int(late))
        if not upheld:
            return
        yield from self._work(port, work[1])
        late = self.env.now > due[1]
        if due[1] <= end and not late:
            self.sums["fixes_on_time"][port, quarter] += 1
        if late and self.on_outcome:
            self.on_outcome(enterprise, None, 1)
