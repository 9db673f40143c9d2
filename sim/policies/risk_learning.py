"""Learned targeting's risk model: what customs has seen, what it has learned of it, and the
classifier it retrains on a schedule.

Customs keeps every declaration it screens under the policy (the declared data and the
trader's credit tier, :class:`~sim.records.Declared`, nothing of the truth). Labels come only
from outcomes customs observes, when it observes them (:mod:`sim.feed`): a check (document
review, NII scan, physical inspection) reports found (1) or clean (0) when the declaration is
released or seized, so a violation the check missed is labelled clean; a post-clearance audit
reports months later. Every ``retrain_every_days`` the classifier (:mod:`sim.learning`'s
LightGBM strategy: target and frequency encodings of importer, declarant, HS code, countries,
office; unit value and tax rate against the HS code's typical ones; the trader's records) is
refitted on the declarations of the last ``train_window_days``, of which only the labelled ones
are training rows: customs learns only from what it checked (selection bias). Until a fit has
``min_frauds`` labelled frauds, the rules score instead. Deterministic: LightGBM on one thread,
``deterministic=True``, seeded from the policy's own stream.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.learning.features import Prepared, prepare
from sim.learning.public_data import duty_at_stake
from sim.learning.strategies import GBMStrategy
from sim.records import Declared

# Declared field -> column name of sim.learning's frame (the public data's short names where
# one exists; the others are used as numbers, sim.learning.features.OBSERVED).
COLUMNS = {"importer": "importer", "declarant": "declarant", "hs6": "hs6", "origin": "origin",
           "departure": "departure", "port": "office", "value": "price", "mass": "mass", "tax_rate": "tax_rate",
           "transport": "transport", "business_model": "business_model", "direction": "direction",
           "prelodged": "prelodged", "high_risk": "high_risk", "size_class": "size_class",
           "foreign_invested": "foreign_invested", "region": "region", "past_declarations": "past_declarations",
           "past_findings": "past_findings"}
LEARNING_RATE_X_TREES = 10.0  # trees x learning rate: 50 trees at 0.2 (sim.learning: 400 x 0.03 = 12)
BINS = 63  # LightGBM's histogram bins per feature (its default 255; fewer bins, faster fits: assumption, 31-255)


def observed(declared: Declared, tier: np.ndarray, rows: np.ndarray) -> dict[str, np.ndarray]:
    """The columns a model may see of declarations ``rows``: declared data, records, credit tier."""
    cols = {name: getattr(declared, field)[rows] for field, name in COLUMNS.items()}
    cols["tier"] = tier[rows]
    return cols


class LearnedRisk:
    """The declarations seen, their labels as they become known, and the current classifier."""

    def __init__(self, retrain_every_days: float, train_window_days: float, min_frauds: int, trees: int,
                 objective: str, max_train_rows: int):
        self.every, self.window, self.min_frauds, self.objective = retrain_every_days, train_window_days, \
            min_frauds, objective
        self.gbm = dict(n_estimators=trees, learning_rate=LEARNING_RATE_X_TREES / trees, max_bin=BINS,
                        max_rows=max_train_rows)
        self.seen: list[tuple[int, np.ndarray, Prepared]] = []  # (day, declaration ids, prepared rows) per day
        self.labels = np.full(0, np.nan)                    # by declaration id: 1 found, 0 clean, NaN unknown
        self.model = None
        self.fitted_day: int | None = None
        self.next_fit: float | None = None
        self.fits = 0

    def learn(self, ids: np.ndarray, found: np.ndarray, known: np.ndarray) -> None:
        """Outcomes customs observed: declaration ``ids[known]`` found (1) or clean (0)."""
        ids = ids[known]
        if len(ids) and ids.max() >= len(self.labels):
            grown = np.full(max(2 * len(self.labels), int(ids.max()) + 1), np.nan)
            grown[:len(self.labels)] = self.labels
            self.labels = grown
        self.labels[ids] = found[known]

    def label_of(self, ids: np.ndarray) -> np.ndarray:
        out = np.full(len(ids), np.nan)
        inside = ids < len(self.labels)
        out[inside] = self.labels[ids[inside]]
        return out

    def window_labels(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """Ids and labels of the declarations seen in the window before ``day`` (older ones are forgotten)."""
        self.seen = [chunk for chunk in self.seen if chunk[0] >= day - self.window]
        ids = np.concatenate([chunk[1] for chunk in self.seen]) if self.seen else np.zeros(0, np.int64)
        return ids, self.label_of(ids)

    def training_set(self, day: int) -> tuple[Prepared, np.ndarray, np.ndarray]:
        """The declarations seen in the window before ``day`` (prepared, labels, ids)."""
        ids, labels = self.window_labels(day)
        return Prepared.concat([chunk[2] for chunk in self.seen]), labels, ids

    def fit(self, day: int, rng: np.random.Generator) -> bool:
        """Refit on the window if it holds ``min_frauds`` labelled frauds (else keep what there is)."""
        _, labels = self.window_labels(day)
        if np.sum(labels == 1) < self.min_frauds or np.sum(labels == 0) < self.min_frauds:
            return False
        frame, labels, _ = self.training_set(day)
        self.model = GBMStrategy(**self.gbm).fit(frame, labels, rng)
        self.fitted_day, self.fits = day, self.fits + 1
        return True

    def scores(self, day: int, columns: dict[str, np.ndarray], ids: np.ndarray,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray] | None:
        """Score the day's declarations (refitting first when due) and remember them; None while
        there is no model yet. Returns the ranking score and the fraud probability."""
        if self.next_fit is None:
            self.next_fit = day + self.every
        if day >= self.next_fit:
            self.next_fit = day + (self.every if self.fit(day, rng) else 1)
        frame = pd.DataFrame(columns)
        prepared = prepare(frame)  # once: for today's scores and for the fits while in the window
        self.seen.append((day, ids, prepared))
        if self.model is None:
            return None
        probability = self.model.probability(prepared)
        return (probability * duty_at_stake(frame) if self.objective == "revenue" else probability), probability
