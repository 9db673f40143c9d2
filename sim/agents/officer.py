"""Officers: customs officers by port and role, each with a skill that scales detection.

Officers are mesa agents held in per-port, per-role pools; the checks of a batch are assigned
across a pool at random (a roster), and the assigned officer's skill multiplies the chance
that the check finds a violation. Their counts live in arrays the agents view. Queueing for
officers is the port's job (:mod:`sim.agents.port`).
"""
from __future__ import annotations

import mesa
import numpy as np

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
        self.officers = [Officer(model, self, role, i, names[p])
                         for role in ROLES for p in range(len(names))
                         for i in range(self.offset[role][p], self.offset[role][p] + self.size[role][p])]

    def assign(self, role: str, port: np.ndarray, u: np.ndarray) -> np.ndarray:
        """The officer (flat index within the role) for each declaration, from uniforms ``u``."""
        size = self.size[role][port]
        return self.offset[role][port] + np.minimum((u * size).astype(np.int64), size - 1)

    def record(self, role: str, officer: np.ndarray, found: np.ndarray) -> None:
        """Count the checks and findings of the officers who did them."""
        n = len(self.skill[role])
        self.checks[role] += np.bincount(officer, minlength=n)
        self.findings[role] += np.bincount(officer, weights=found, minlength=n).astype(np.int64)
