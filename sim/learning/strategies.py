"""Selection strategies: fitted on observed declarations, they score new ones (higher = inspect).

Every strategy has the same two steps, so the replay and (later) the simulation can swap them:
``fit(frame, labels, rng)`` with labels 1/0 for inspected declarations and NaN for the others
(only known labels are ever used), then ``score(frame)``; the classifiers also give
``probability(frame)``, the estimated chance of fraud. All randomness comes from the generator
passed to ``fit``.

- ``random``: uniform scores (random selection, the benchmark).
- ``rules``: risk profiles as in the peer framework's "risky" strategy: for importer, declarant,
  seller, HS6 code and origin country, the 10% of known levels with the highest smoothed fraud
  rate are flagged; the score is the number of flags.
- ``logistic``: L2-regularised logistic regression on the standardised features of
  :class:`~sim.learning.features.DeclarationEncoder`.
- ``gbm``: LightGBM gradient-boosted trees on the same features; score = fraud probability.
- ``gbm_revenue``: the same model; score = fraud probability x duty at stake (expected revenue).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.learning.features import DeclarationEncoder, Prepared, key_columns, smoothed_rate
from sim.learning.public_data import duty_at_stake

RULE_KEYS = ("importer", "declarant", "seller", "hs6", "origin")
RULE_TOP_SHARE = 0.10  # flag the riskiest 10% of levels of each key (the peer's topk ratio 0.1)
# LightGBM settings: a common starting point (learning rate 0.03, 400 trees, 31 leaves, row and
# column subsampling 0.8), not tuned on the evaluation file; assumption, not a fitted optimum.
GBM_PARAMS = dict(n_estimators=400, learning_rate=0.03, num_leaves=31, min_child_samples=20, subsample=0.8,
                  subsample_freq=1, colsample_bytree=0.8, deterministic=True, force_row_wise=True, n_jobs=1,
                  verbose=-1)


def _known(labels: np.ndarray) -> np.ndarray:
    return ~np.isnan(np.asarray(labels, float))


class RandomStrategy:
    name = "random"

    def fit(self, frame: pd.DataFrame, labels: np.ndarray, rng: np.random.Generator) -> RandomStrategy:
        self.rng = rng
        return self

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        return self.rng.random(len(frame))


class RulesStrategy:
    name = "rules"

    def fit(self, frame: pd.DataFrame, labels: np.ndarray, rng: np.random.Generator) -> RulesStrategy:
        known = _known(labels)
        keys = key_columns(frame[known])
        y = np.asarray(labels, float)[known]
        prior = float(y.mean()) if known.any() else 0.0
        self.flagged = {}
        for name in RULE_KEYS:
            if name in keys:
                rate = smoothed_rate(keys[name].to_numpy(), y, prior).sort_values(ascending=False, kind="stable")
                self.flagged[name] = set(rate.index[:int(np.ceil(RULE_TOP_SHARE * len(rate)))])
        return self

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        keys = key_columns(frame)
        return sum((keys[name].isin(levels).to_numpy(float) for name, levels in self.flagged.items()),
                   np.zeros(len(frame)))


class _Classifier:
    """A probabilistic classifier on encoded features, trained on known labels only."""

    def _model(self, rng: np.random.Generator):
        raise NotImplementedError

    max_rows: int | None = None  # train on at most this many labelled rows, the last ones (None: all)

    def fit(self, frame: pd.DataFrame | Prepared, labels: np.ndarray, rng: np.random.Generator) -> _Classifier:
        known = _known(labels)
        self.encoder = DeclarationEncoder()
        features = self.encoder.fit_transform(frame, labels, rng)
        y = np.asarray(labels, float)[known].astype(int)
        if self.max_rows is not None and len(y) > self.max_rows:
            features, y = features.iloc[-self.max_rows:], y[-self.max_rows:]
        self.model = self._model(rng) if len(np.unique(y)) == 2 else None
        if self.model is not None:
            self.model.fit(features, y)
        return self

    def probability(self, frame: pd.DataFrame) -> np.ndarray:
        """Estimated chance of fraud (the labelled fraud rate if only one class was seen)."""
        if self.model is None:
            return np.full(len(frame), self.encoder.prior)
        return self._predict(frame)

    def _predict(self, frame: pd.DataFrame | Prepared) -> np.ndarray:
        return self.model.predict_proba(self.encoder.transform(frame))[:, 1]

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        return self.probability(frame)


class LogisticStrategy(_Classifier):
    name = "logistic"

    def _model(self, rng: np.random.Generator):
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))


class GBMStrategy(_Classifier):
    name = "gbm"

    def __init__(self, max_rows: int | None = None, **overrides):
        """``max_rows``: train on at most this many labelled rows, the last ones (None: all);
        ``overrides``: LightGBM settings that differ from :data:`GBM_PARAMS` (e.g. fewer trees)."""
        self.max_rows, self.overrides = max_rows, overrides

    def _model(self, rng: np.random.Generator):
        from lightgbm import LGBMClassifier
        return LGBMClassifier(**{**GBM_PARAMS, **self.overrides}, random_state=int(rng.integers(2**31 - 1)))

    def _predict(self, frame: pd.DataFrame | Prepared) -> np.ndarray:
        """The fitted booster's fraud probabilities on the features as an array: what ``predict_proba``
        gives, without its per-call checks of a data frame (a simulation scores each day's declarations)."""
        return self.model.booster_.predict(self.encoder.matrix(frame), num_threads=1)


class GBMRevenueStrategy(GBMStrategy):
    name = "gbm_revenue"

    def score(self, frame: pd.DataFrame) -> np.ndarray:
        return self.probability(frame) * duty_at_stake(frame)


STRATEGIES = {cls.name: cls for cls in (RandomStrategy, RulesStrategy, LogisticStrategy, GBMStrategy,
                                        GBMRevenueStrategy)}
PROBABILISTIC = tuple(name for name, cls in STRATEGIES.items() if issubclass(cls, _Classifier))
