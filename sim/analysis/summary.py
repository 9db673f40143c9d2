"""Pooling a quarterly table over ports and quarters, and the summary of a run.

Ports and quarters are pooled the way a ministry would report them, by the rule each metric
declares in :mod:`sim.metrics`: a rate or a time is the ratio of sums (each port-quarter
weighted by the count it is a rate of), counts and amounts are summed. The P90 release time
pooled this way is the released-weighted mean of the quarterly P90s, an approximation of the
pooled percentile. Intervals across replications come from :mod:`sim.analysis.intervals`.
"""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim.analysis.intervals import mean_ci, summarise
from sim.metrics import METRICS as SCHEMA

# rate -> the count it is a rate of (its pooling weight), from the metric schema
RATES = {m.name: m.denominator for m in SCHEMA if m.pooled and m.weighted}
COUNTS = tuple(m.name for m in SCHEMA if m.pooled and not m.weighted)
METRICS = (*RATES, *COUNTS)
# the summary of a run (counts there are per quarter)
HEADLINE = ("declarations", "release_time_mean_h", "release_time_import_mean_h", "release_time_export_mean_h",
            "release_time_p90_h", "inspection_rate", "physical_inspection_rate", "nii_share", "hit_rate",
            "violation_rate", "detection_rate", "revenue_leakage", "officer_utilization", "dispute_return_rate",
            "sla_reply_compliance", "sla_fix_compliance", "satisfaction_share")


def pooled(quarterly: pd.DataFrame, by: Sequence[str], metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """``metrics`` (default every pooled metric of the schema) pooled over the rows of each ``by``
    group, one wide row per group in order of appearance; a metric absent from the table (or
    whose denominator is) is left out."""
    metrics = [m for m in (METRICS if metrics is None else metrics)
               if m in quarterly and RATES.get(m, m) in quarterly]
    parts = {}
    for name in metrics:
        count = RATES.get(name)
        if count is None:
            parts[name] = quarterly[name].astype(float)
            continue
        values = quarterly[name].astype(float)
        weight = quarterly[count].astype(float).where(values.notna() & (quarterly[count] > 0), 0.0)
        parts[f"{name}.num"] = values.fillna(0.0) * weight
        parts[f"{name}.den"] = weight
    sums = pd.DataFrame(parts, index=quarterly.index).join(quarterly[list(by)]).groupby(list(by), sort=False).sum()
    out = pd.DataFrame(index=sums.index)
    for name in metrics:
        if name in RATES:
            den = sums[f"{name}.den"]
            out[name] = (sums[f"{name}.num"] / den.where(den > 0)).astype(float)
        else:
            out[name] = sums[name].astype(float)
    return out.reset_index()


def per_quarter(per_replication: pd.DataFrame, quarterly: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Counts and amounts of a :func:`pooled` table divided by the number of quarters pooled
    (of each ``by`` group), so that periods of different length compare."""
    out = per_replication.copy()
    counts = [c for c in COUNTS if c in out]
    if by:
        quarters = quarterly.groupby(list(by), sort=False)["quarter"].nunique().rename("_nq").reset_index()
        n = out[list(by)].merge(quarters, on=list(by), how="left")["_nq"].to_numpy(float)
    else:
        n = quarterly["quarter"].nunique()
    out[counts] = out[counts].div(n, axis=0)
    return out


def summary_table(quarterly: pd.DataFrame, by: Sequence[str] = (),
                  metrics: Sequence[str] = HEADLINE) -> pd.DataFrame:
    """Mean over replications and 95% CI of ``metrics`` (default the headline of a run), all
    ports and quarters of each ``by`` group pooled; counts and amounts per quarter.

    Returns:
        Long table: ``by``, metric, mean, ci_low, ci_high, n; metrics in the order given.

    """
    per_rep = per_quarter(pooled(quarterly, [*by, "replication"]), quarterly, by)
    table = summarise(per_rep, by, [m for m in metrics if m in per_rep])
    order = {m: i for i, m in enumerate(metrics)}
    return table.sort_values([*by, "metric"], key=lambda c: c.map(order) if c.name == "metric" else c,
                             kind="stable").reset_index(drop=True)


def role_utilisation(breakdown: pd.DataFrame) -> pd.DataFrame:
    """Officer utilisation by role (busy / on-shift hours, all ports and quarters pooled): mean
    over replications and its 95% CI (a rate: the interval stays in [0, 1])."""
    hours = breakdown[(breakdown["dimension"] == "officer_role")
                      & breakdown["metric"].isin(["officer_busy_h", "officer_on_shift_h"])]
    sums = hours.pivot_table(index=["replication", "level"], columns="metric", values="value", aggfunc="sum")
    per_rep = (sums["officer_busy_h"] / sums["officer_on_shift_h"]).rename("value").reset_index()
    rows = [(role, *mean_ci("officer_utilization", group["value"].to_numpy()))
            for role, group in per_rep.groupby("level", sort=False)]
    return pd.DataFrame(rows, columns=["role", "mean", "ci_low", "ci_high"])
