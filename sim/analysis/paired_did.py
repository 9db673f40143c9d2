"""The primary effect estimate: the paired difference-in-differences per replication.

Replication r of a scenario and of the baseline share their random numbers (CRN), so each
replication gives one exact comparison:

    D[r] = DiD[r](scenario) - DiD[r](baseline),
    DiD[r](x) = (x[pilot, post] - x[pilot, pre]) - (x[control, post] - x[control, pre]),

with ``x[group, period]`` the metric pooled over the group's ports and the period's quarters
(counts and amounts per quarter), pilot ports and the first rollout quarter taken from the
scenario, and the baseline cut the same way. Whatever trends pilot and control ports have
anyway cancel with the baseline's, so no parallel-trends assumption is needed. The D[r] are
independent across replications; their mean gets a Student-t interval and p-value. Beside it:

- ``paired_effect``: scenario - baseline at the pilot ports after the rollout (the true effect
  on the piloted ports, displacement to the control ports not subtracted);
- ``placebo_seeds``: the same estimate for the baseline against itself on other seeds, which
  must find nothing (a check of the interval, not of the lever);
- ``pretrend``: the scenario's own pilot - control gap per quarter before the rollout, its
  linear trend per replication, with a t interval; ``flag`` says when it excludes 0 (what an
  evaluator's DiD would then pick up).

``baseline_mean`` is the baseline's level at the pilot ports after the rollout, the yardstick of
an effect's size (see :func:`sim.analysis.multiplicity.findings`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.compare import COUNTS, as_bool, by_replication, paired_p_value, port_groups, quarters_of
from sim.analysis.did import quarter_index
from sim.analysis.intervals import t_interval

COLUMNS = ["scenario", "metric", "term", "estimate", "ci_low", "ci_high", "n", "p_value", "inference", "flag",
           "baseline_mean"]
INFERENCE = "t interval across replications (paired by seed)"


def design(scenario: pd.DataFrame) -> tuple[dict[str, list[str]], dict[str, list[str]]] | None:
    """Pilot and control ports, pre and post quarters of a scenario; None when not identified."""
    groups = port_groups(scenario)
    started = sorted(scenario.loc[as_bool(scenario["pilot"]), "quarter"].unique())
    quarters = quarters_of(scenario)
    if "control" not in groups or not started or started[0] == quarters[0]:
        return None
    periods = {"pre": [q for q in quarters if q < started[0]], "post": [q for q in quarters if q >= started[0]]}
    return {k: groups[k] for k in ("pilot", "control")}, periods


def cells(quarterly: pd.DataFrame, groups: dict, periods: dict, metrics: list[str]) -> pd.DataFrame:
    """Wide table (replication, metric) x (group, period): pooled values, counts per quarter."""
    long = by_replication(quarterly, groups, periods, metrics)
    quarters = long["period"].map({k: len(v) for k, v in periods.items()})
    long = long.assign(value=long["value"] / np.where(long["metric"].isin(COUNTS), quarters, 1))
    return long.pivot_table(index=["replication", "metric"], columns=["port_group", "period"], values="value",
                            aggfunc="first", dropna=False)


def did_by_replication(wide: pd.DataFrame) -> pd.Series:
    """DiD[r] per (replication, metric) from :func:`cells`."""
    return (wide[("pilot", "post")] - wide[("pilot", "pre")]) - (wide[("control", "post")] - wide[("control", "pre")])


def summarise_pairs(values: pd.Series, metrics: list[str], term: str, scenario: str) -> pd.DataFrame:
    """Mean over replications of per-(replication, metric) ``values``, t interval and p-value."""
    stats = values.dropna().groupby(level="metric").agg(["mean", "std", "size"]).reindex(metrics)
    low, high = t_interval(stats["mean"], stats["std"], stats["size"])
    return pd.DataFrame({"scenario": scenario, "metric": metrics, "term": term, "estimate": stats["mean"].to_numpy(),
                         "ci_low": np.asarray(low), "ci_high": np.asarray(high),
                         "n": stats["size"].fillna(0).astype(int).to_numpy(),
                         "p_value": paired_p_value(stats["mean"], stats["std"], stats["size"]),
                         "inference": INFERENCE, "flag": ""})


def pretrend(scenario: pd.DataFrame, groups: dict, periods: dict, metrics: list[str], name: str) -> pd.DataFrame:
    """Linear trend of the pilot - control gap before the rollout, per replication (needs 2+ quarters)."""
    pre = periods["pre"]
    if len(pre) < 2:
        return pd.DataFrame(columns=COLUMNS)
    wide = cells(scenario, groups, {q: [q] for q in pre}, metrics)
    gap = wide["pilot"] - wide["control"]
    x = quarter_index(pd.Series(pre)).to_numpy(float)
    x = (x - x.mean()) / ((x - x.mean()) ** 2).sum()
    slope = pd.Series(gap[pre].to_numpy(float) @ x, index=gap.index)
    table = summarise_pairs(slope, metrics, "pretrend", name)
    table["flag"] = np.where((table["ci_low"] > 0) | (table["ci_high"] < 0), "pre-trend", "")
    table["inference"] = "t interval across replications of the pre-rollout slope (per quarter)"
    return table


def paired_did(baseline: pd.DataFrame, scenario: pd.DataFrame, metrics: list[str], name: str,
               other_seeds: pd.DataFrame | None = None) -> pd.DataFrame | None:
    """paired_did, paired_effect, placebo_seeds (with ``other_seeds``: the baseline on other
    seeds) and pretrend rows of one scenario; None when its pilot is not identified."""
    shape = design(scenario)
    if shape is None:
        return None
    groups, periods = shape
    scen, base = cells(scenario, groups, periods, metrics), cells(baseline, groups, periods, metrics)
    both = scen.index.intersection(base.index)
    rows = [summarise_pairs(did_by_replication(scen.loc[both]) - did_by_replication(base.loc[both]),
                            metrics, "paired_did", name),
            summarise_pairs(scen.loc[both, ("pilot", "post")] - base.loc[both, ("pilot", "post")],
                            metrics, "paired_effect", name)]
    if other_seeds is not None:
        other = cells(other_seeds, groups, periods, metrics)
        pairs = other.index.intersection(base.index)
        rows.append(summarise_pairs(did_by_replication(other.loc[pairs]) - did_by_replication(base.loc[pairs]),
                                    metrics, "placebo_seeds", name))
    rows.append(pretrend(scenario, groups, periods, metrics, name))
    level = base.loc[both, ("pilot", "post")].groupby(level="metric").mean()
    table = pd.concat([r for r in rows if len(r)], ignore_index=True)
    return table.assign(baseline_mean=table["metric"].map(level))[COLUMNS]
