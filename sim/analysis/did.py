"""Pilot versus control, before versus after: the evaluator's regression difference-in-differences.

Fitted on one scenario's own port x quarter x replication rows, i.e. on what an evaluation
team would see (no baseline run, no ground truth of the counterfactual). Two-way fixed effects
by ordinary least squares:

    y[r, p, q] = unit[r, p] + time[r, q] + beta * pilot[r, p, q] + e

with a unit per replication x port and a period per replication x quarter (replications are
separate worlds: each has its own port levels and its own quarterly shocks), and ``pilot`` the
table's pilot column. The event study replaces ``beta * pilot`` by one coefficient per quarter
relative to each pilot port's first rollout quarter, the quarter before (-1) being the
reference, fixed at 0.

Inference: replications are the clusters (independent worlds; ports within a world are not,
smugglers move between them), and there are few of them, so intervals and p-values come from
the restricted wild cluster bootstrap with Webb weights (:mod:`sim.analysis.wild_bootstrap`),
never from cluster-robust standard errors, which are too small with fewer than about 30
clusters (Cameron, Gelbach and Miller 2008). With a single replication the ports are the
clusters (a rough guide only). The ``inference`` column says which. A scenario whose pilot has
no pre-rollout quarter or no control port is not identified and gets no rows.

This regression attributes to the lever any difference in trends between pilot and control
ports that the world has anyway; :mod:`sim.analysis.paired_did` gives the primary estimate.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.compare import as_bool
from sim.analysis.wild_bootstrap import Projection, WildClusterTest

DID_COLUMNS = ["scenario", "metric", "term", "rel_quarter", "estimate", "ci_low", "ci_high", "n", "p_value",
               "inference"]
FEW_CLUSTERS = 30  # below this, cluster-robust standard errors are too small (Cameron et al. 2008)
REFERENCE = -1  # the event-study reference period: the quarter before the rollout


def quarter_index(labels: pd.Series) -> pd.Series:
    """Quarter labels ("2025Q3") as consecutive integers (year * 4 + quarter - 1)."""
    parts = labels.astype(str).str.extract(r"^(\d{4})Q([1-4])$").astype(int)
    return parts[0] * 4 + parts[1] - 1


def event_time(quarterly: pd.DataFrame) -> pd.Series:
    """Quarters since each pilot port's first rollout quarter (NaN at control ports)."""
    index = quarter_index(quarterly["quarter"])
    first = index.where(as_bool(quarterly["pilot"])).groupby(quarterly["port"]).transform("min")
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


def inference_note(clusters: pd.Series, by: str) -> str:
    """What the intervals of a fit are, for the ``inference`` column."""
    g = clusters.nunique()
    few = f"; {g} < {FEW_CLUSTERS} clusters, so no cluster-robust standard errors" if g < FEW_CLUSTERS else ""
    return f"wild cluster bootstrap (restricted, Webb weights), {g} clusters by {by}{few}"


def fit(y: pd.Series, regressors: pd.DataFrame, clusters: pd.Series, terms: list[str],
        cache: dict | None = None) -> pd.DataFrame:
    """OLS coefficients of ``terms`` with wild cluster bootstrap intervals and p-values (of 0).

    Args:
        y: Outcome; rows where it is missing are dropped.
        regressors: Every regressor (fixed effects and ``terms``).
        clusters: Cluster per row.
        terms: Coefficients reported.
        cache: Optional dict reused across outcomes: the projections of the other regressors.

    """
    keep = y.notna().to_numpy()
    cache = {} if cache is None else cache
    rows = []
    for term in terms:
        key = (term, keep.tobytes())
        if key not in cache:
            cache[key] = Projection.of(regressors.loc[keep, regressors.columns != term].to_numpy(float))
        test = WildClusterTest(y[keep].to_numpy(float), regressors.loc[keep, term].to_numpy(float),
                               None, clusters[keep].to_numpy(), cache[key])
        low, high = test.interval()
        rows.append({"estimate": test.beta, "ci_low": low, "ci_high": high, "n": int(keep.sum()),
                     "p_value": test.p_value(0.0)})
    return pd.DataFrame(rows, index=terms)


def event_dummies(rel: pd.Series) -> pd.DataFrame:
    """One indicator per quarter relative to the rollout at pilot ports, but the reference."""
    steps = sorted(int(k) for k in rel.dropna().unique() if k != REFERENCE)
    return pd.DataFrame({f"rel_{k}": (rel == k).astype(float) for k in steps}, index=rel.index)


def _regression(quarterly: pd.DataFrame, metrics: list[str], events: bool) -> list[pd.DataFrame]:
    """Per metric: the DiD term (``did``) and, with ``events``, the event study (``event``)."""
    quarterly = quarterly.reset_index(drop=True)
    effects = fixed_effects(quarterly)
    by = cluster_column(quarterly)
    clusters, note = quarterly[by], inference_note(quarterly[by], by)
    treated = as_bool(quarterly["pilot"]).astype(float).rename("pilot")
    dummies = event_dummies(event_time(quarterly))
    did_x, event_x = pd.concat([effects, treated], axis=1), pd.concat([effects, dummies], axis=1)
    rows, cache = [], {}
    for metric in metrics:
        y = quarterly[metric].astype(float).replace([np.inf, -np.inf], np.nan)
        if not all((y.notna() & (treated == arm)).any() for arm in (0.0, 1.0)):
            continue  # measured only under the policy (a targeting model's AUC): nothing to compare
        did = fit(y, did_x, clusters, ["pilot"], cache).assign(term="did", rel_quarter=pd.NA)
        rows.append(did.assign(metric=metric, inference=note))
        if events:
            event = fit(y, event_x, clusters, list(dummies.columns), cache).assign(term="event")
            event["rel_quarter"] = [int(c.removeprefix("rel_")) for c in dummies.columns]
            reference = pd.DataFrame({"term": ["event"], "rel_quarter": [REFERENCE], "estimate": [0.0],
                                      "ci_low": [0.0], "ci_high": [0.0], "n": [int(did["n"].iloc[0])]})
            rows += [event.assign(metric=metric, inference=note),
                     reference.assign(metric=metric, inference="reference quarter, fixed at 0")]
    return rows


def _ordered(rows: list[pd.DataFrame], scenario: str, metrics: list[str]) -> pd.DataFrame:
    table = pd.concat(rows, ignore_index=True).assign(scenario=scenario)
    table["rel_quarter"] = table["rel_quarter"].astype("Int64")
    order = table["term"].eq("event").astype(int) * 1000 + table["rel_quarter"].fillna(-999).astype(float)
    metric_order = table["metric"].map({m: i for i, m in enumerate(metrics)})
    return table.assign(_m=metric_order, _o=order).sort_values(["_m", "_o"], kind="stable") \
        .drop(columns=["_m", "_o"]).reindex(columns=DID_COLUMNS).reset_index(drop=True)


def did_scenario(quarterly: pd.DataFrame, metrics: list[str], scenario: str) -> pd.DataFrame:
    """did.csv rows of one scenario: the regression DiD estimate and the event study of each metric."""
    return _ordered(_regression(quarterly, metrics, events=True), scenario, metrics)


def with_assignment(baseline: pd.DataFrame, scenario: pd.DataFrame) -> pd.DataFrame:
    """The baseline's rows with the scenario's pilot column (by port and quarter): what an
    evaluator would see at the same ports with no lever at all."""
    pilot = as_bool(scenario["pilot"]).groupby([scenario["port"], scenario["quarter"]]).any()
    keys = pd.MultiIndex.from_arrays([baseline["port"], baseline["quarter"]])
    return baseline.assign(pilot=pilot.reindex(keys, fill_value=False).to_numpy())


def placebo_regression(baseline: pd.DataFrame, scenario: pd.DataFrame, metrics: list[str],
                       name: str) -> pd.DataFrame:
    """The regression DiD of the baseline with the scenario's pilot assignment (term ``placebo_did``)."""
    rows = _regression(with_assignment(baseline, scenario), metrics, events=False)
    return _ordered(rows, name, metrics).assign(term="placebo_did")


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
