"""How violators change what customs sees once it keeps catching them: the adaptation that blinds a
risk model trained on what it caught before.

**False codes and quantity cuts** (:class:`Guises`). A misclassifying trader declares one of its
chapter's ``false_codes`` codes of the lowest tariff rates; an undervaluing trader either cuts the
declared value (its unit value is then low for the HS code) or cuts the declared quantity with it
(the unit value looks normal), which costs ``quantity_cut_cost`` of the duty it evades (invoices,
packing lists and transport documents that agree). The traders of each port share what they
learn (word of mouth, brokers): each choice has a value, the payoff of the declarations that used
it as they are released or seized, remembered over ``disguise_memory_days``. A declaration released without
a check pays g, the share of the duty its choice evades (a dearer false code evades less); one that
was checked pays g (1 - (1 + penalty_multiple) detection_given_check), the trader's expectation
when checked, as in :mod:`sim.behaviour.compliance` (traders see that they were checked; whether a
check would find them is what they believe). Values start at 1 and choices are a softmax of them
at ``disguise_temperature``. When a model learns to flag the lowest-rate codes or low unit values, those
choices are checked more, their value falls, and violators move to disguises it has no labels
for, until it is retrained on new findings.

**New registrations** (:class:`Reregistration`).

When customs finds an intentional violation (at the border, or by a post-clearance audit) and
the trader learns of it, the trader (or the smuggling network's front company) re-registers with
chance ``reregister_share``: after ``reregister_lag_days`` (incorporating, registering with customs,
finding another broker) it declares as a new company, a new importer id lodging through another
customs broker, with no records (no past declarations, no past findings). Its goods, size, business
model and honesty stay what they were. A risk model that learned the old company's fraud rate,
its pairs with HS codes and brokers, and its record of findings, sees a newcomer until new labels
on the new company come in and it is retrained. Only what customs sees changes
(:class:`~sim.records.Declared`); the trader's credit tier stays (assumption: customs' credit
rating follows the legal representative).
"""
from __future__ import annotations

import numpy as np
from scipy.special import softmax

from sim.agents.enterprise import Population
from sim.behaviour_settings import Behaviour
from sim.calendar import HOURS_PER_DAY
from sim.streams import Streams


class Reregistration:
    """Decides who of the caught re-registers, and when; re-registers them when the time comes."""

    def __init__(self, cfg: Behaviour, population: Population, streams: Streams):
        self.share, self.lag_h = cfg.reregister_share, cfg.reregister_lag_days * HOURS_PER_DAY
        self.population, self.streams = population, streams
        self.pending = np.zeros(len(population.importer), bool)  # deciding already: a new company under way

    def caught(self, enterprise: np.ndarray, day: int, source: str) -> np.ndarray:
        """Enterprises whose intentional violations were found (one entry per finding), learned on
        ``day`` from ``source`` (the border's outcomes, audits): those who will re-register, each
        at most once while one is under way. A trader with k findings leaves with chance
        1 - (1 - share)^k, by one uniform per trader of the day's own stream: whether it leaves
        does not depend on how many findings came before it (common random numbers)."""
        traders, findings = np.unique(enterprise, return_counts=True)
        u = self.streams.get(f"reregister_{source}", day).random(len(self.pending))[traders]
        leaving = traders[u < 1 - (1 - self.share) ** findings]
        leaving = leaving[~self.pending[leaving]]
        self.pending[leaving] = True
        return leaving

    def reregister(self, enterprise: np.ndarray, day: int) -> None:
        """The new companies of ``enterprise`` start declaring on ``day``, each with a broker drawn
        from the day's stream (one draw per trader)."""
        rows = np.unique(enterprise)
        brokers = self.streams.get("reregister_broker", day).integers(0, self.population.brokers, len(self.pending))
        self.population.reregister(rows, brokers[rows])
        self.pending[rows] = False


class Guises:
    """Per port: the value of each way of hiding one kind of violation, and the ways chosen, by
    declaration id."""

    def __init__(self, cfg: Behaviour, n_ports: int, choices: int, checked_payoff: float):
        self.values = np.ones((n_ports, choices))
        self.temperature, self.checked_payoff = cfg.disguise_temperature, checked_payoff
        self.keep = np.exp(-1.0 / cfg.disguise_memory_days)  # weight of the old value after a day of outcomes
        # the declarations that hid a violation and whose outcome the traders have not learned yet
        # (ids ascending): the choice and the share of the duty it evades; forgotten once learned, so
        # what is kept is the disguised declarations in flight, not every declaration of the run
        self.ids = np.zeros(0, np.int64)
        self.choice = np.zeros(0, np.int8)
        self.gain = np.zeros(0)

    def shares(self) -> np.ndarray:
        """Port x choice: the chance that a violation is hidden each way now."""
        return softmax(self.values / self.temperature, axis=1)

    def choose(self, port: np.ndarray, u: np.ndarray) -> np.ndarray:
        """The choice of declarations at ``port``, one uniform each."""
        cdf = np.cumsum(self.shares(), axis=1)
        return np.minimum((u[:, None] * cdf[port, -1:] > cdf[port]).sum(axis=1), self.values.shape[1] - 1)

    def remember(self, ids: np.ndarray, choice: np.ndarray, gain: np.ndarray) -> None:
        """The declarations ``ids`` that hid their violation by ``choice``, evading ``gain`` (share of the
        duty evaded, net of the cost of hiding)."""
        if not len(ids):
            return
        ids = np.asarray(ids, np.int64)
        if np.any(np.diff(ids) <= 0) or (len(self.ids) and ids[0] <= self.ids[-1]):
            raise ValueError("declaration ids must be new and ascending (they are numbered as lodged)")
        self.ids = np.concatenate([self.ids, ids])
        self.choice = np.concatenate([self.choice, np.asarray(choice, np.int8)])
        self.gain = np.concatenate([self.gain, gain])

    def learn(self, ids: np.ndarray, port: np.ndarray, checked: np.ndarray) -> None:
        """Outcomes the traders learned today (released or seized, ``checked`` or not): each
        choice's value moves towards the mean payoff of its outcomes, a day's worth of memory."""
        at = np.minimum(np.searchsorted(self.ids, ids), max(len(self.ids) - 1, 0))
        used = self.ids[at] == ids if len(self.ids) else np.zeros(len(ids), bool)
        if not used.any():
            return
        at = at[used]
        choice = self.choice[at]
        payoff = np.where(checked[used], self.checked_payoff, 1.0) * self.gain[at]
        keep = np.ones(len(self.ids), bool)
        keep[at] = False  # each declaration's outcome is learned once
        self.ids, self.choice, self.gain = self.ids[keep], self.choice[keep], self.gain[keep]
        cell = port[used] * self.values.shape[1] + choice
        count = np.bincount(cell, minlength=self.values.size)
        mean = np.bincount(cell, weights=payoff, minlength=self.values.size) / np.maximum(count, 1)
        flat = self.values.reshape(-1)
        flat[count > 0] = self.keep * flat[count > 0] + (1 - self.keep) * mean[count > 0]
