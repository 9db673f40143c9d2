"""Headline metrics of a run: mean and 95% CI across replications (Student t, scipy)."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

# metric -> the count it is a rate of (for pooling ports and quarters); None = plain mean.
HEADLINE = {
    "declarations": None,
    "release_time_mean_h": "released",
    "release_time_import_mean_h": "released_import",
    "release_time_export_mean_h": "released_export",
    "release_time_p90_h": "released",
    "inspection_rate": "declarations",
    "physical_inspection_rate": "declarations",
    "nii_share": "inspections",
    "hit_rate": "inspections",
    "violation_rate": "declarations",
    "detection_rate": "violations",
    "revenue_leakage": None,
    "officer_utilization": None,
}


def pooled(quarterly: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Headline metrics pooled over everything but ``by``: rates weighted by their counts,
    declarations and leakage as totals per quarter."""
    def agg(group: pd.DataFrame) -> pd.Series:
        out = {}
        for metric, weight in HEADLINE.items():
            values = group[metric]
            if weight is None:
                out[metric] = values.sum() / group["quarter"].nunique() if metric != \
                    "officer_utilization" else values.mean()
            else:
                w = group[weight].where(values.notna(), 0)
                out[metric] = (values.fillna(0) * w).sum() / w.sum() if w.sum() > 0 else np.nan
        return pd.Series(out)
    return quarterly.groupby(by, sort=False).apply(agg, include_groups=False)


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the t-based confidence interval; the interval is NaN for one value."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return np.nan, np.nan, np.nan
    mean = float(values.mean())
    if len(values) < 2:
        return mean, np.nan, np.nan
    half = stats.t.ppf(0.5 + level / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return mean, mean - half, mean + half


def summary_table(quarterly: pd.DataFrame) -> pd.DataFrame:
    """One row per headline metric: mean over replications and its 95% CI, all ports pooled.

    Declarations and revenue leakage are per quarter (averaged over the horizon)."""
    per_rep = pooled(quarterly, ["replication"])
    rows = [(metric, *mean_ci(per_rep[metric].to_numpy())) for metric in HEADLINE]
    return pd.DataFrame(rows, columns=["metric", "mean", "ci_low", "ci_high"])
