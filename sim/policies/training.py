"""Officer training: officers away on courses now, more skilled checks later.

At each quarter start under the rollout, each covered port spends a budget of ``budget_days``
officer-days on courses of ``course_days``: one officer at a time (the port keeps its other
officers on duty), the least trained and then least skilled first, among the roles named in
``roles`` that have at least two officers (a port cannot send its only officer of a role). An
officer on a course is away from duty: the port's pool of that role has one server less
(:meth:`sim.agents.port.Port.withdraw`, so queues lengthen and on-shift officer-hours
fall, ``officer_on_shift_h``). Back from the course, the officer's potential skill closes
``gain`` of its gap to ``max_skill``, and practice realises it: each check closes
``1 / practice_checks`` of the gap between skill and potential (:class:`sim.agents.officer.Roster`).
Skill multiplies the chance a check finds a violation, so detection rises over the quarters
after the courses while capacity dips during them. The pool lends *an* officer of the role for
the course (whoever is free first); the course's skill goes to the officer chosen.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List

import numpy as np

from sim.agents.schedule import ROLES
from sim.calendar import HOURS_PER_DAY
from sim.config import _f
from sim.policies.base import Policy, check_names, register


@register
class Training(Policy):
    name = "training"
    description = "officers away on courses (a budget of officer-days a quarter), more skilled after practice"

    @dataclass
    class Params:
        budget_days: float = _f(60.0, 0, 10_000, unit="officer-days per port and quarter", scales=True,
                                doc="training budget (assumption, 0-120: up to one officer on courses all quarter)")
        course_days: float = _f(10.0, 1, 90, unit="days", doc="length of one course, away from duty "
                                "(assumption, 5-20 working days)")
        roles: List[str] = _f(list(ROLES), doc="roles whose officers are trained (document, nii, physical)")
        gain: float = _f(0.5, 0, 1, doc="share of the gap between potential and max_skill a course closes "
                         "(assumption, 0.2-0.6)")
        max_skill: float = _f(1.6, 0, 10, doc="skill a perfectly trained officer reaches; 1 = the mean officer "
                              "(assumption, 1.3-2)")
        practice_checks: float = _f(50.0, 1, 10_000, unit="checks", doc="checks to realise 63% of a course's "
                                    "gain (assumption, 20-200)")

    def check(self, cfg) -> None:
        check_names(f"{self.where}.roles", self.params.roles, ROLES, "role")

    def on_start(self, world) -> None:
        self.ports, self.schedule, self.roster, self.calendar = world.ports, world.schedule, world.roster, \
            world.calendar

    def on_quarter(self, quarter: int, active: np.ndarray) -> None:
        if not 1 <= quarter <= self.calendar.n_quarters:
            return
        p = self.params
        end = self.calendar.edges[quarter]
        for port in np.flatnonzero(active):
            trainees = self._trainees(int(port))
            for k in range(int(p.budget_days // p.course_days) if trainees else 0):
                start = self.ports[port].env.now + k * p.course_days * HOURS_PER_DAY
                if start >= end:
                    break
                role, officer = trainees[k % len(trainees)]
                self._course(int(port), role, officer, start, start + p.course_days * HOURS_PER_DAY)

    def _trainees(self, port: int) -> list[tuple[str, int]]:
        """The port's trainable officers, least trained and then least skilled first."""
        roster = self.roster
        found = [(roster.courses[role][i], roster.skill[role][i], role, i) for role in self.params.roles
                 if self.ports[port].staff[role] >= 2 for i in roster.ids(role, port)]
        return [(role, i) for *_, role, i in sorted(found)]

    def _course(self, port: int, role: str, officer: int, start: float, end: float) -> None:
        """One officer of the role away from ``start`` to ``end``; trained at the end."""
        p, where = self.params, self.ports[port]
        where.withdraw(role, 1, start, end)
        where.env.timeout(end - where.env.now).callbacks.append(
            lambda _: self.roster.train(role, officer, p.gain, p.max_skill, p.practice_checks))

    def snapshot(self) -> list[tuple[int, str, float]]:
        """Mean skill of each port's officers of the trained roles."""
        return [(port, "officer_skill_mean", float(np.mean(np.concatenate(
            [self.roster.skill[r][list(self.roster.ids(r, port))] for r in self.params.roles]))))
            for port in range(len(self.ports))]
