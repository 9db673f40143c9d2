"""Officers: customs officers by port and role, each with a skill that scales detection.

Officers are mesa agents held in per-port, per-role pools; a check is done by whichever
officer of the pool becomes free for it (the port's queue, :mod:`sim.agents.port`), and that
officer's skill multiplies the chance that the check finds a violation. Their skills, checks
and findings live in arrays the agents view.

Skill grows with training and experience: a course (:mod:`sim.policies.training`) raises an
officer's *potential*, and each check the officer then does closes ``1 / practice_checks`` of
the gap between skill and potential, so what was taught shows in detection as it is practised.
Untrained officers' potential is their skill: without training nothing changes.
"""
from __future__ import annotations

import numpy as np

from sim.agents.mesa_core import mesa
from sim.agents.port import ROLES


class Officer(mesa.Agent):
    """One officer: port, role, skill, and the checks and findings assigned to them."""

    def __init__(self, model: mesa.Model, roster: "Roster", role: str, index: int, port: str):
        super().__init__(model)
        self.roster, self.role, self.index, self.port = roster, role, index, port

    @property
    def skill(self) -> float:
        return float(self.roster.skill[self.role][self.index])

    @property
    def checks(self) -> int:
        return int(self.roster.checks[self.role][self.index])

    @property
    def findings(self) -> int:
        return int(self.roster.findings[self.role][self.index])


class Roster:
    """Every port's officers by role (flat arrays per role, ``offset`` per port)."""

    def __init__(self, model: mesa.Model, staff: list[dict[str, int]], names: list[str],
                 skill_cv: float, rng: np.random.Generator):
        sigma = np.sqrt(np.log1p(skill_cv ** 2))
        self.size = {role: np.array([max(counts[role], 1) for counts in staff]) for role in ROLES}
        self.offset = {role: np.concatenate(([0], np.cumsum(size)[:-1])) for role, size in self.size.items()}
        self.skill = {role: rng.lognormal(-sigma ** 2 / 2, sigma, size=size.sum())
                      for role, size in self.size.items()}
        self.checks = {role: np.zeros(size.sum(), dtype=np.int64) for role, size in self.size.items()}
        self.findings = {role: np.zeros(size.sum(), dtype=np.int64) for role, size in self.size.items()}
        self.potential = {role: skill.copy() for role, skill in self.skill.items()}
        self.courses = {role: np.zeros(size.sum(), dtype=np.int64) for role, size in self.size.items()}
        # checks to realise a course's gain, per officer (the setting of its last course)
        self.practice_checks = {role: np.ones(size.sum()) for role, size in self.size.items()}
        self.officers = [Officer(model, self, role, i, names[p])
                         for role in ROLES for p in range(len(names))
                         for i in range(self.offset[role][p], self.offset[role][p] + self.size[role][p])]

    def ids(self, role: str, port: int) -> range:
        """The flat indices (within ``role``) of a port's officers of that role."""
        start = int(self.offset[role][port])
        return range(start, start + int(self.size[role][port]))

    def check(self, role: str, officer: int, chance: float, u: float) -> bool:
        """A check by ``officer``: it finds the violation if ``u`` < chance x skill; counted."""
        skill = self.skill[role]
        found = u < chance * skill[officer]
        self.checks[role][officer] += 1
        self.findings[role][officer] += found
        gap = self.potential[role][officer] - skill[officer]
        if gap:  # practice realises what a course taught
            skill[officer] += gap / self.practice_checks[role][officer]
        return bool(found)

    def train(self, role: str, officer: int, gain: float, ceiling: float, practice_checks: float) -> None:
        """A course: the officer's potential closes ``gain`` of its gap to ``ceiling``; each later
        check closes ``1 / practice_checks`` of the gap between skill and potential."""
        potential = self.potential[role]
        potential[officer] += gain * max(ceiling - potential[officer], 0.0)
        self.courses[role][officer] += 1
        self.practice_checks[role][officer] = practice_checks
