"""Confidence intervals across replications: the one place that computes them.

Every table and figure of tradesim summarises a metric over replications (independent worlds)
by the mean of the per-replication values and a 95% interval:

- times, counts and amounts: the Student-t interval of the mean;
- rates (shares in [0, 1]): the Wilson score interval with the *effective* sample size
  ``p (1 - p) / se^2`` implied by the spread across replications and a t quantile on n - 1
  degrees of freedom (Korn and Graubard 1998, "Confidence intervals for proportions with small
  expected number of positive counts estimated from survey data", Survey Methodology 24: 193-201).
  It equals the t interval away from 0 and 1 and, unlike it, never leaves [0, 1]. When every
  replication gives the same rate (no spread), the pooled number of trials (the rate's
  denominator) is the sample size, as in a plain Wilson interval; without it the interval is
  the point.

Paired differences (which may be negative) always use the t interval, see
:func:`sim.analysis.compare.paired_stats`.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from sim.metrics import RATE, metric

LEVEL = 0.95


def t_quantile(n, level: float = LEVEL):
    """The two-sided Student-t quantile for a mean of ``n`` values (NaN for fewer than 2)."""
    n = np.asarray(n, dtype=float)
    return stdtrit(np.where(n >= 2, n - 1, np.nan), 0.5 + level / 2)  # = scipy.stats.t.ppf, without scipy.stats


def t_interval(mean, sd, n, level: float = LEVEL):
    """Student-t interval of a mean from its SD and sample size (NaN for fewer than 2)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = t_quantile(n, level) * np.asarray(sd, dtype=float) / np.sqrt(n)
    return mean - half, mean + half


def wilson_interval(p, n_eff, z):
    """Wilson score interval of a proportion ``p`` with sample size ``n_eff`` (infinite: the
    point) and quantile ``z``."""
    p, n_eff, z = (np.asarray(v, dtype=float) for v in (p, n_eff, z))
    with np.errstate(invalid="ignore", divide="ignore"):
        z2n = z * z / n_eff
        centre = (p + z2n / 2) / (1 + z2n)
        half = z / (1 + z2n) * np.sqrt(p * (1 - p) / n_eff + z2n / (4 * n_eff))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def rate_interval(mean, sd, n, trials=None, level: float = LEVEL):
    """Interval of a mean rate over ``n`` replications that stays in [0, 1] (see module doc).

    Args:
        mean: Mean of the per-replication rates.
        sd: Their standard deviation (ddof 1).
        n: Number of replications.
        trials: Pooled denominator over all replications (used when ``sd`` is 0); optional.
        level: Confidence level.

    """
    mean, sd, n = (np.asarray(v, dtype=float) for v in (mean, sd, n))
    trials = np.full_like(mean, np.inf) if trials is None else np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        se2 = sd * sd / n
        n_eff = np.where(se2 > 0, mean * (1 - mean) / se2, trials)
        n_eff = np.where((se2 > 0) & (n_eff <= 0), trials, n_eff)  # all 0 or 1 but for rounding
    low, high = wilson_interval(mean, n_eff, t_quantile(n, level))
    invalid = ~(n >= 2) | np.isnan(mean)
    return np.where(invalid, np.nan, low), np.where(invalid, np.nan, high)


def interval(name: str, mean, sd, n, trials=None, level: float = LEVEL):
    """The interval of metric ``name``'s mean over replications: rates by :func:`rate_interval`,
    everything else by :func:`t_interval`."""
    if metric(name).kind == RATE:
        return rate_interval(mean, sd, n, trials, level)
    return t_interval(mean, sd, n, level)


def mean_ci(name: str, values, trials=None, level: float = LEVEL) -> tuple[float, float, float]:
    """Mean of one metric's per-replication ``values`` (NaN ignored) and its interval."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return np.nan, np.nan, np.nan
    sd = values.std(ddof=1) if len(values) > 1 else np.nan
    low, high = interval(name, values.mean(), sd, len(values), trials, level)
    return float(values.mean()), float(low), float(high)


def summarise(per_replication: pd.DataFrame, by: Sequence[str], metrics: Sequence[str],
              level: float = LEVEL) -> pd.DataFrame:
    """Mean and interval of ``metrics`` across the replications (rows) of each ``by`` group.

    Args:
        per_replication: One row per ``by`` group x replication (e.g. from
            :func:`sim.analysis.summary.pooled`); a rate's denominator column, when present, is
            summed as its number of trials.
        by: Grouping columns.
        metrics: Metric columns.
        level: Confidence level.

    Returns:
        Long table: ``by``, metric, mean, ci_low, ci_high, n (interval NaN when n < 2).

    """
    frames = []
    groups = per_replication.groupby(list(by), sort=True) if by else [((), per_replication)]
    for key, rows in groups:
        key = key if isinstance(key, tuple) else (key,)
        for name in metrics:
            values = rows[name].to_numpy(float)
            ok = ~np.isnan(values)
            if not ok.any():
                continue
            den = metric(name).denominator
            trials = rows[den].to_numpy(float)[ok].sum() if den in rows else None
            mean, low, high = mean_ci(name, values, trials, level)
            frames.append((*key, name, mean, low, high, int(ok.sum())))
    return pd.DataFrame(frames, columns=[*by, "metric", "mean", "ci_low", "ci_high", "n"])
