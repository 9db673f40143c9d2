"""Measuring a target on saved tables: a metric pooled over chosen ports and quarters, per
replication, as a level or as a paired effect against another run.

Pure functions of ``quarterly`` and ``breakdown`` tables (never the model), used by
``tradesim calibrate``, ``validate`` and ``sensitivity``. Pooling is the ministry's (ratio of
sums, :func:`sim.analysis.summary.pooled`); a split (one level of a ``breakdown`` dimension,
e.g. ``business_model: cbec_9610``) pools its rate by the count it is a rate of.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.summary import METRICS, mean_ci, pooled

SPLITS = ("direction", "business_model", "credit_tier", "channel")
SPLIT_WEIGHTS = {"inspection_rate": "declarations", "violation_rate": "declarations",
                 "release_time_mean_h": "released"}  # split metric -> the count it is a rate of
SPLIT_COUNTS = ("declarations", "released", "smuggling_attempts")
SPLIT_METRICS = (*SPLIT_WEIGHTS, *SPLIT_COUNTS)
EFFECTS = {"difference": "scenario - baseline", "relative": "scenario / baseline - 1",
           "speedup": "baseline / scenario - 1"}  # paired by replication
PLACES = ("all", "pilot", "control")


def cells(quarterly: pd.DataFrame, ports, quarters) -> pd.DataFrame:
    """The (port, quarter) cells a target pools: ``ports`` all | pilot | control | a list,
    ``quarters`` all | pilot (quarters where the run's rollout covers some port) | a list."""
    flagged = quarterly[quarterly["pilot"].astype(bool)]
    every_port = list(dict.fromkeys(quarterly["port"]))
    pilot = set(flagged["port"])
    chosen_ports = {"all": every_port, "pilot": [p for p in every_port if p in pilot],
                    "control": [p for p in every_port if p not in pilot]}.get(ports) if isinstance(ports, str) \
        else list(ports)
    chosen_quarters = {"all": sorted(quarterly["quarter"].unique()),
                       "pilot": sorted(flagged["quarter"].unique())}.get(quarters) if isinstance(quarters, str) \
        else list(quarters)
    grid = quarterly.loc[quarterly["port"].isin(chosen_ports) & quarterly["quarter"].isin(chosen_quarters),
                         ["port", "quarter"]]
    return grid.drop_duplicates().reset_index(drop=True)


def _in(table: pd.DataFrame, where: pd.DataFrame) -> pd.DataFrame:
    return table.merge(where, on=["port", "quarter"], how="inner")


def per_replication(tables: dict[str, pd.DataFrame], metric: str, where: pd.DataFrame,
                    split: tuple[str, str] | None = None) -> pd.Series:
    """``metric`` pooled over the cells ``where``, one value per replication (index)."""
    if split is None:
        rows = _in(tables["quarterly"], where)
        return pooled(rows, ["replication"]).set_index("replication")[metric].astype(float)
    b = tables["breakdown"]
    b = _in(b[(b["dimension"] == split[0]) & (b["level"] == split[1])], where)
    wide = b.pivot_table(index=["replication", "port", "quarter"], columns="metric", values="value",
                         aggfunc="first")
    if metric in SPLIT_COUNTS:
        return wide[metric].groupby(level="replication").sum().astype(float)
    weight = wide[SPLIT_WEIGHTS[metric]].where(wide[metric].notna(), 0.0)
    sums = (wide[metric].fillna(0.0) * weight).groupby(level="replication").sum()
    total = weight.groupby(level="replication").sum()
    return (sums / total.where(total > 0)).astype(float)


def paired_effect(scenario: pd.Series, baseline: pd.Series, kind: str) -> pd.Series:
    """The effect ``kind`` (see :data:`EFFECTS`) replication by replication (common random numbers)."""
    s, b = scenario.align(baseline, join="inner")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {"difference": s - b, "relative": s / b - 1.0, "speedup": b / s - 1.0}[kind]
    return out.replace([np.inf, -np.inf], np.nan)


def measure(runs: dict[str, dict[str, pd.DataFrame]], run: str, metric: str, ports, quarters,
            split: tuple[str, str] | None = None, baseline: str | None = None,
            effect: str | None = None) -> pd.Series:
    """The values of one target per replication: ``metric`` in ``run`` over its cells, or (with
    ``baseline`` and ``effect``) the paired effect of ``run`` against ``baseline`` on the same cells."""
    where = cells(runs[run]["quarterly"], ports, quarters)
    values = per_replication(runs[run], metric, where, split)
    if baseline is None:
        return values
    return paired_effect(values, per_replication(runs[baseline], metric, where, split), effect or "difference")


def summary(values: pd.Series, metric: str | None = None) -> dict[str, float]:
    """Mean over replications, its 95% interval and the number of replications: the interval of
    ``metric``'s level (sim.analysis.intervals: Wilson for rates, t otherwise) or, without it (a
    paired effect, which may be negative), the t interval."""
    mean, low, high = mean_ci(metric or "effect", values.to_numpy())
    return {"simulated": mean, "lo": low, "hi": high, "n": int(values.notna().sum())}


__all__ = ["EFFECTS", "METRICS", "PLACES", "SPLITS", "SPLIT_METRICS", "cells", "measure", "paired_effect",
           "per_replication", "summary"]
