"""Tidy result tables as figures read them: labels and units, orderings, pooling, confidence intervals.

Pure pandas; nothing here draws. Rates are pooled weighted by the counts they are rates of
(:data:`WEIGHTS`), counts and amounts are summed.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from sim.analysis.summary import AVERAGED, RATES, t_interval

BASELINE = "baseline_2024"
TARGETS_H = {"import": 12.0, "export": 8.0}  # 2024 release-time targets
CHANNELS = ("green", "document", "nii", "physical")
DIRECTIONS = ("import", "export")
STEPS = ("lodging", "screening", "document_review_wait", "document_review", "nii_wait", "nii",
         "physical_wait", "physical", "agency_check", "duty_payment")
# metric -> (title, unit, scale applied before plotting)
LABELS = {
    "release_time_mean_h": ("Mean release time", "hours", 1.0),
    "release_time_p50_h": ("Median release time", "hours", 1.0),
    "release_time_p90_h": ("90th percentile release time", "hours", 1.0),
    "release_time_import_mean_h": ("Mean release time, import", "hours", 1.0),
    "release_time_export_mean_h": ("Mean release time, export", "hours", 1.0),
    "revenue_leakage": ("Revenue leakage", "million CNY", 1e-6),
    "revenue_due": ("Revenue due", "million CNY", 1e-6),
    "revenue_collected": ("Revenue collected", "million CNY", 1e-6),
    "officer_utilization": ("Officer utilisation", "share", 1.0),
    "compliant_burden": ("Compliant declarations inspected", "per 1,000 declarations", 1.0),
}
# rate -> the count it is a rate of (pooling = weighted mean = ratio of sums); "mean": plain mean;
# every other column is a count or an amount and is summed.
WEIGHTS = {**RATES, **{metric: "mean" for metric in AVERAGED}}  # how each metric pools
DEFAULT_SERIES = ("release_time_mean_h", "inspection_rate", "hit_rate", "detection_rate")
# metrics drawn by default from comparison.csv / did.csv, which hold many more
KEY_METRICS = ("release_time_mean_h", "inspection_rate", "hit_rate", "detection_rate", "compliant_inspected",
               "revenue_leakage", "smuggling_attempts")


def label(metric: str) -> tuple[str, str, float]:
    """Title, unit and plotting scale of a metric (rates are shares, ``_h`` hours)."""
    if metric in LABELS:
        return LABELS[metric]
    unit = "hours" if metric.endswith("_h") else "share" if metric.endswith(("_rate", "_share")) \
        else "count"
    return metric.replace("_", " ").capitalize(), unit, 1.0


def diff_label(metric: str) -> tuple[str, str, float]:
    """Like :func:`label`, for differences: shares become percentage points."""
    title, unit, scale = label(metric)
    return (title, "percentage points", 100 * scale) if unit == "share" else (title, unit, scale)


def quarter_key(quarter: str) -> tuple:
    """Sort key putting labels like ``2025Q3`` in time order (others after, alphabetically)."""
    match = re.fullmatch(r"(\d{4})Q([1-4])", str(quarter))
    return (0, int(match[1]), int(match[2]), "") if match else (1, 0, 0, str(quarter))


def quarters_sorted(labels: Iterable) -> list[str]:
    """Unique quarter labels in time order."""
    return sorted({str(q) for q in labels}, key=quarter_key)


def is_baseline(name: str) -> bool:
    """Whether a scenario is the baseline (``baseline_2024`` or any ``baseline*``)."""
    return str(name) == BASELINE or str(name).startswith("baseline")


def scenario_order(names: Iterable) -> list[str]:
    """Unique scenario names, baselines first, then alphabetically."""
    return sorted({str(n) for n in names}, key=lambda n: (not is_baseline(n), n))


def as_bool(values: pd.Series) -> pd.Series:
    """A pilot-like column as booleans, also when read back as text."""
    if values.dtype == bool:
        return values
    if pd.api.types.is_numeric_dtype(values):
        return values.fillna(0).astype(float) != 0
    return values.astype(str).str.strip().str.lower().isin(["true", "1", "yes"])


def pilot_ports(quarterly: pd.DataFrame) -> list[str]:
    """Ports that are pilot in at least one quarter of any scenario."""
    return sorted(quarterly.loc[as_bool(quarterly["pilot"]), "port"].astype(str).unique())


def first_pilot_quarter(quarterly: pd.DataFrame) -> str | None:
    """The earliest quarter in which any port is pilot, or None without pilots."""
    pilots = quarterly.loc[as_bool(quarterly["pilot"]), "quarter"]
    return quarters_sorted(pilots)[0] if len(pilots) else None


def with_groups(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Add ``group``: "pilot ports" (ever pilot) / "control ports", or "all ports" without pilots."""
    ports = pilot_ports(quarterly)
    if not ports:
        return quarterly.assign(group="all ports")
    return quarterly.assign(group=np.where(quarterly["port"].astype(str).isin(ports),
                                           "pilot ports", "control ports"))


def pool(table: pd.DataFrame, by: Sequence[str], metrics: Sequence[str]) -> pd.DataFrame:
    """Pool rows over everything but ``by``: rates weighted by their counts, the rest summed.

    Args:
        table: A ``quarterly``-like table.
        by: Columns kept.
        metrics: Columns pooled (see :data:`WEIGHTS`).

    Returns:
        One row per ``by`` combination, sorted.

    """
    parts = {}
    for m in metrics:
        values, how = table[m].astype(float), WEIGHTS.get(m)
        if how is None:
            parts[m] = values
            continue
        w = pd.Series(1.0, index=table.index) if how == "mean" else table[how].astype(float)
        ok = values.notna() & (w > 0)
        parts[m], parts[f"{m}__w"] = (values * w).where(ok, 0.0), w.where(ok, 0.0)
    frame = pd.concat([table[list(by)].astype(str), pd.DataFrame(parts)], axis=1)
    out = frame.groupby(list(by), sort=True).sum()
    for m in metrics:
        if f"{m}__w" in out:
            out[m] = out[m] / out.pop(f"{m}__w").replace(0.0, np.nan)
    return out[list(metrics)].reset_index()


def mean_ci(frame: pd.DataFrame, by: Sequence[str], metrics: Sequence[str],
            level: float = 0.95) -> pd.DataFrame:
    """Mean and Student-t confidence interval of ``metrics`` across the rows of each ``by`` group.

    Returns:
        Long table: ``by``, metric, mean, ci_low, ci_high, n (interval NaN when n < 2).

    """
    long = frame.melt(id_vars=list(by), value_vars=list(metrics), var_name="metric").dropna()
    out = long.groupby([*by, "metric"], sort=True)["value"].agg(["mean", "std", "count"]).reset_index()
    low, high = t_interval(out["mean"], out["std"].to_numpy(float), out["count"], level)
    return out.assign(ci_low=low, ci_high=high, n=out["count"]).drop(columns=["std", "count"])


def key_metrics(available: Iterable[str], limit: int = 8) -> list[str]:
    """The :data:`KEY_METRICS` among ``available``, else the first ``limit`` in order of appearance."""
    available = list(dict.fromkeys(available))
    return [m for m in KEY_METRICS if m in available] or available[:limit]
