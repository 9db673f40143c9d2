"""Pooling a quarterly table over ports and quarters, and mean and 95% CI across replications.

Ports and quarters are pooled the way a ministry would report them: a rate is the ratio of
sums (each port-quarter weighted by the count it is a rate of), counts and amounts are summed,
officer utilisation is busy over on-shift hours. The P90 release time pooled this way is the released-weighted
mean of the quarterly P90s, an approximation of the pooled percentile. Confidence intervals
are Student-t intervals across replications (scipy.stats).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.metrics import METRICS as SCHEMA

# rate -> the count it is a rate of (its pooling weight), from the metric schema
RATES = {m.name: m.denominator for m in SCHEMA if m.pooled and m.weighted}
COUNTS = tuple(m.name for m in SCHEMA if m.pooled and not m.weighted)
AVERAGED: tuple[str, ...] = ()
METRICS = (*RATES, *COUNTS)
# the summary of a run (counts there are per quarter)
HEADLINE = ("declarations", "release_time_mean_h", "release_time_import_mean_h", "release_time_export_mean_h",
            "release_time_p90_h", "inspection_rate", "physical_inspection_rate", "nii_share", "hit_rate",
            "violation_rate", "detection_rate", "revenue_leakage", "officer_utilization")


def pooled(quarterly: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Every metric of :data:`METRICS` pooled over the rows of each ``by`` group (wide)."""
    parts = {}
    for metric, count in RATES.items():
        weight = quarterly[count].where(quarterly[metric].notna(), 0.0)
        parts[f"{metric}.num"] = quarterly[metric].fillna(0.0) * weight
        parts[f"{metric}.den"] = weight
    for metric in COUNTS:
        parts[metric] = quarterly[metric]
    sums = pd.DataFrame(parts).join(quarterly[by]).groupby(by, sort=False).sum()
    out = pd.DataFrame(index=sums.index)
    for metric in RATES:
        den = sums[f"{metric}.den"]
        out[metric] = (sums[f"{metric}.num"] / den.where(den > 0)).astype(float)
    for metric in COUNTS:
        out[metric] = sums[metric].astype(float)
    for metric in AVERAGED:
        out[metric] = quarterly.groupby(by, sort=False)[metric].mean()
    return out.reset_index()


def t_interval(mean, sd, n, level: float = 0.95):
    """Student-t interval of a mean from its SD and sample size (NaN for fewer than 2)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.5 + level / 2, np.where(n >= 2, n - 1, np.nan)) * np.asarray(sd) / np.sqrt(n)
    return mean - half, mean + half


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``values`` (NaN ignored) and its t interval; the interval is NaN for one value."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return np.nan, np.nan, np.nan
    mean = float(values.mean())
    sd = values.std(ddof=1) if len(values) > 1 else np.nan
    low, high = t_interval(mean, sd, len(values), level)
    return mean, float(low), float(high)


def summary_table(quarterly: pd.DataFrame) -> pd.DataFrame:
    """One row per headline metric: mean over replications and its 95% CI, all ports pooled.

    Declarations and revenue leakage are per quarter (averaged over the horizon)."""
    per_rep = pooled(quarterly, ["replication"])
    per_rep[list(COUNTS)] /= quarterly["quarter"].nunique()
    rows = [(metric, *mean_ci(per_rep[metric].to_numpy())) for metric in HEADLINE]
    return pd.DataFrame(rows, columns=["metric", "mean", "ci_low", "ci_high"])


def role_utilisation(breakdown: pd.DataFrame) -> pd.DataFrame:
    """Officer utilisation by role (busy / on-shift hours, all ports and quarters pooled): mean
    over replications and its 95% CI."""
    hours = breakdown[(breakdown["dimension"] == "officer_role")
                      & breakdown["metric"].isin(["officer_busy_h", "officer_on_shift_h"])]
    sums = hours.pivot_table(index=["replication", "level"], columns="metric", values="value", aggfunc="sum")
    per_rep = (sums["officer_busy_h"] / sums["officer_on_shift_h"]).rename("value").reset_index()
    rows = [(role, *mean_ci(group["value"].to_numpy())) for role, group in per_rep.groupby("level", sort=False)]
    return pd.DataFrame(rows, columns=["role", "mean", "ci_low", "ci_high"])
