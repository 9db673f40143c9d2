"""Each trader's satisfaction with customs, and the quarterly survey of it.

A trader is satisfied when its own level (drawn once: some traders are easier to please) plus
what it remembers of its experiences is above 0. The memory is an exponentially weighted mean
of experiences, each weighing ``memory`` (the first ones set it: no drift up from an empty
memory). A release within the time its business model expects counts ``+on_time``, a later
one ``-late`` per expectation over (up to ``late_cap``); an inspection of compliant goods
``-inspected``; a dispute or complaint decided for it ``+upheld``, against it ``-rejected``;
each reply or fix later than the service level ``-breach``. Experiences arrive when they
happen (releases when the trader learns of them, replies from the desk).

The survey, at each quarter's end, asks every trader (not the smugglers' front companies) that
had goods released at a port in the quarter: per port, the traders asked and those satisfied,
also by business model and size class (a trader active at two ports answers at both).
"""
from __future__ import annotations

import numpy as np

from sim.records import NO_VIOLATION, SIZE_CLASSES

GROUPS = ("business_model", "size_class")


class Satisfaction:
    """Satisfaction of every trader (arrays), and the survey counts port x quarter (x group level)."""

    def __init__(self, cfg, population, n_ports: int, n_quarters: int, rng: np.random.Generator):
        self.s = cfg.population.satisfaction
        self.expected_h = np.array([m.expected_release_h for m in cfg.population.business_models.values()])
        n = len(population.size)
        self.level = rng.normal(self.s.level_mean, self.s.level_sd, n)
        self.memory = np.zeros(n)
        self.seen = np.zeros(n, bool)  # a trader's first experiences set its memory (no drift up from 0)
        self.trader = ~population.front
        self.active = np.zeros((n, n_ports), bool)
        self.groups = {"business_model": (population.business_model, list(population.model_names)),
                       "size_class": (population.size_class.astype(np.int64), list(SIZE_CLASSES))}
        shape = (n_ports, n_quarters + 2)
        self.sums = {"surveyed_traders": np.zeros(shape), "satisfied_traders": np.zeros(shape)}
        self.by_group = {g: {k: np.zeros(shape + (len(levels),)) for k in self.sums}
                         for g, (_, levels) in self.groups.items()}

    def experience(self, enterprise: np.ndarray, value: np.ndarray) -> None:
        """Remember experiences ``value`` of traders ``enterprise`` (k of one trader at once move its
        memory like k single ones of their mean)."""
        who, at, k = np.unique(enterprise, return_inverse=True, return_counts=True)
        total = np.bincount(at, weights=value, minlength=len(who))
        keep = np.where(self.seen[who], (1 - self.s.memory) ** k, 0.0)
        self.memory[who] = keep * self.memory[who] + (1 - keep) * total / k
        self.seen[who] = True

    def released(self, lesson: dict) -> None:
        """Releases the traders learned of: release time against expectation, inspections of compliant goods."""
        done = lesson["released"]
        enterprise, bm = lesson["enterprise"][done], lesson["business_model"][done]
        over = (lesson["at"][done] - lesson["arrival"][done]) / self.expected_h[bm] - 1
        value = np.where(over <= 0, self.s.on_time, -self.s.late * np.minimum(over, self.s.late_cap))
        value -= self.s.inspected * (lesson["inspected"][done] & (lesson["violation"][done] == NO_VIOLATION))
        self.experience(enterprise, value)
        self.active[enterprise, lesson["port"][done]] = True

    def case_outcome(self, enterprise: int, upheld: bool | None, breaches: int) -> None:
        """A reply (``upheld`` True or False) or a late fix (None), ``breaches`` service levels missed."""
        value = (0.0 if upheld is None else self.s.upheld if upheld else -self.s.rejected) - self.s.breach * breaches
        self.experience(np.array([enterprise]), np.array([value]))

    def satisfied(self) -> np.ndarray:
        return self.level + self.memory > 0

    def survey(self, quarter: int) -> None:
        """The survey of the quarter ``quarter`` (ledger index) that ends now; activity starts afresh."""
        asked = self.active & self.trader[:, None]
        happy = asked & self.satisfied()[:, None]
        for name, who in (("surveyed_traders", asked), ("satisfied_traders", happy)):
            self.sums[name][:, quarter] = who.sum(axis=0)
            for g, (level, levels) in self.groups.items():
                for p in range(who.shape[1]):
                    self.by_group[g][name][p, quarter] = np.bincount(level[who[:, p]], minlength=len(levels))
        self.active[:] = False

    def rows(self):
        """The ``breakdown`` rows: (grouping, its levels, metric, port x quarter x level)."""
        for g, (_, levels) in self.groups.items():
            asked, happy = self.by_group[g]["surveyed_traders"], self.by_group[g]["satisfied_traders"]
            with np.errstate(invalid="ignore", divide="ignore"):
                share = np.where(asked > 0, happy / np.maximum(asked, 1), np.nan)
            yield g, levels, "surveyed_traders", asked
            yield g, levels, "satisfied_traders", happy
            yield g, levels, "satisfaction_share", share
