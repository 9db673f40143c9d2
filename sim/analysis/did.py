"""Pilot versus control, before versus after: the evaluator's difference-in-differences.

Fitted on one scenario's own port x quarter x replication rows, i.e. on what an evaluation
team would see (no baseline run, no ground truth of the counterfactual). Two-way fixed effects
by ordinary least squares (statsmodels):

    y[r, p, q] = unit[r, p] + time[r, q] + beta * pilot[r, p, q] + e

with a unit per replication x port and a period per replication x quarter (replications are
separate worlds: each has its own port levels and its own quarterly shocks), and ``pilot`` the
table's pilot column. The event study replaces ``beta * pilot`` by one coefficient per quarter
relative to each pilot port's first rollout quarter, the quarter before (-1) being the
reference, fixed at 0.

Standard errors are cluster-robust by replication (replications are independent; ports within a
world are not: smugglers move between them), with t intervals on G - 1 degrees of freedom. With
a single replication they are clustered by port instead, which with a few ports is only a rough
guide. A scenario whose pilot has no pre-rollout quarter or no control port is not identified
and gets no rows.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm

DID_COLUMNS = ["scenario", "metric", "term", "rel_quarter", "estimate", "ci_low", "ci_high", "n"]
REFERENCE = -1  # the event-study reference period: the quarter before the rollout


def quarter_index(labels: pd.Series) -> pd.Series:
    """Quarter labels ("2025Q3") as consecutive integers (year * 4 + quarter - 1)."""
    parts = labels.astype(str).str.extract(r"^(\d{4})Q([1-4])$").astype(int)
    return parts[0] * 4 + parts[1] - 1


def event_time(quarterly: pd.DataFrame) -> pd.Series:
    """Quarters since each pilot port's first rollout quarter (NaN at control ports)."""
    index = quarter_index(quarterly["quarter"])
    first = index.where(quarterly["pilot"].astype(bool)).groupby(quarterly["port"]).transform("min")
    return index - first


def identified(quarterly: pd.DataFrame) -> str | None:
    """Why the DiD cannot be fitted on this table, or None when it can."""
    rel = event_time(quarterly)
    if rel.isna().all():
        return "no port is ever under the pilot"
    if rel.notna().all():
        return "every port is under the pilot: no control port"
    if not (rel == REFERENCE).any():
        return "the pilot starts in the first reported quarter: no quarter before it"
    return None


def cluster_column(quarterly: pd.DataFrame) -> str:
    """Cluster by replication when there are several, else by port."""
    return "replication" if quarterly["replication"].nunique() > 1 else "port"


def fixed_effects(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Constant plus unit (replication x port) and period (replication x quarter) dummies."""
    rep = quarterly["replication"].astype(str)
    units = pd.get_dummies(rep + ":" + quarterly["port"].astype(str), prefix="unit", drop_first=True)
    periods = pd.get_dummies(rep + ":" + quarterly["quarter"].astype(str), prefix="period",
                             drop_first=True)
    return pd.concat([pd.Series(1.0, index=quarterly.index, name="const"), units, periods],
                     axis=1).astype(float)


def fit(y: pd.Series, regressors: pd.DataFrame, clusters: pd.Series, terms: list[str]) -> pd.DataFrame:
    """OLS with cluster-robust t intervals; the rows of ``terms`` (estimate, ci_low, ci_high, n)."""
    keep = y.notna()
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")  # a metric constant in every cell (e.g. all zero) has se 0
        result = sm.OLS(y[keep], regressors[keep]).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(clusters[keep])[0]}, use_t=True)
        ci = result.conf_int(0.05)
    return pd.DataFrame({"estimate": result.params[terms], "ci_low": ci.loc[terms, 0],
                         "ci_high": ci.loc[terms, 1], "n": int(keep.sum())})


def event_dummies(rel: pd.Series) -> pd.DataFrame:
    """One indicator per quarter relative to the rollout at pilot ports, but the reference."""
    steps = sorted(int(k) for k in rel.dropna().unique() if k != REFERENCE)
    return pd.DataFrame({f"rel_{k}": (rel == k).astype(float) for k in steps}, index=rel.index)


def did_scenario(quarterly: pd.DataFrame, metrics: list[str], scenario: str) -> pd.DataFrame:
    """did.csv rows of one scenario: the DiD estimate and the event study of each metric."""
    quarterly = quarterly.reset_index(drop=True)
    effects = fixed_effects(quarterly)
    clusters = quarterly[cluster_column(quarterly)]
    treated = quarterly["pilot"].astype(float).rename("pilot")
    events = event_dummies(event_time(quarterly))
    did_x, event_x = pd.concat([effects, treated], axis=1), pd.concat([effects, events], axis=1)
    rows = []
    for metric in metrics:
        y = quarterly[metric].astype(float)
        did = fit(y, did_x, clusters, ["pilot"]).assign(term="did", rel_quarter=pd.NA)
        event = fit(y, event_x, clusters, list(events.columns)).assign(term="event")
        event["rel_quarter"] = [int(c.removeprefix("rel_")) for c in events.columns]
        reference = pd.DataFrame({"term": ["event"], "rel_quarter": [REFERENCE], "estimate": [0.0],
                                  "ci_low": [0.0], "ci_high": [0.0], "n": [int(did["n"].iloc[0])]})
        rows += [did.assign(metric=metric), event.assign(metric=metric), reference.assign(metric=metric)]
    table = pd.concat(rows, ignore_index=True).assign(scenario=scenario)
    table["rel_quarter"] = table["rel_quarter"].astype("Int64")
    order = table["term"].eq("event").astype(int) * 1000 + table["rel_quarter"].fillna(-999)
    metric_order = table["metric"].map({m: i for i, m in enumerate(metrics)})
    return table.assign(_m=metric_order, _o=order).sort_values(["_m", "_o"], kind="stable") \
        .drop(columns=["_m", "_o"])[DID_COLUMNS].reset_index(drop=True)


def did_table(scenarios: dict[str, pd.DataFrame], metrics: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """did.csv for every identified scenario, and why the others were left out."""
    frames, skipped = [], {}
    for name, quarterly in scenarios.items():
        reason = identified(quarterly)
        if reason:
            skipped[name] = reason
        else:
            frames.append(did_scenario(quarterly, metrics, name))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=DID_COLUMNS)
    return table, skipped
