"""Paired comparisons of scenarios against the baseline on common random numbers (CRN).

Replication r of every scenario draws the same random numbers
(``SeedSequence(run.seed).spawn(n)[r]``), so the effect of a scenario is estimated replication
by replication, as the paired difference scenario - baseline, and its 95% CI is the Student-t
interval of those differences (scipy.stats). The noise the two runs share cancels, which is
why a paired CI is narrower than the unpaired (Welch) one on the same runs.

Ports and quarters are pooled within a group by :func:`sim.analysis.summary.pooled`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.summary import AVERAGED, COUNTS, METRICS, RATES, pooled, t_interval  # noqa: F401 (re-exported)

ALL = "all"
COMPARISON_COLUMNS = ["scenario", "metric", "quarter", "port_group", "baseline_mean", "scenario_mean",
                      "diff", "ci_low", "ci_high", "rel_change", "n_pairs"]
# (observed by customs, true) pairs shown side by side in observed_vs_true.csv
OBSERVED_TRUE = (("hit_rate", "detection_rate"), ("seized", "violations"),
                 ("smuggling_seized", "smuggling_attempts"))


def pilot_ports(quarterly: pd.DataFrame) -> list[str]:
    """Ports where the pilot column is ever true, in table order."""
    return list(dict.fromkeys(quarterly.loc[quarterly["pilot"].astype(bool), "port"]))


def port_groups(quarterly: pd.DataFrame) -> dict[str, list[str]]:
    """"all" ports, and, for a scenario with a rollout, its "pilot" and "control" ports."""
    ports = list(dict.fromkeys(quarterly["port"]))
    pilot = pilot_ports(quarterly)
    groups = {ALL: ports}
    if pilot:
        groups["pilot"] = pilot
    if pilot and len(pilot) < len(ports):
        groups["control"] = [p for p in ports if p not in pilot]
    return groups


def by_replication(quarterly: pd.DataFrame, groups: dict[str, list[str]],
                   periods: dict[str, list[str]]) -> pd.DataFrame:
    """Long table: port_group, period, replication, metric, value (pooled within the cell)."""
    cells = []
    for group, ports in groups.items():
        for period, quarters in periods.items():
            rows = quarterly[quarterly["port"].isin(ports) & quarterly["quarter"].isin(quarters)]
            cells.append(rows.assign(port_group=group, period=period))
    table = pooled(pd.concat(cells, ignore_index=True), ["port_group", "period", "replication"])
    return table.melt(id_vars=["port_group", "period", "replication"], value_vars=list(METRICS),
                      var_name="metric", value_name="value")


def paired_stats(base_values: pd.DataFrame, scen_values: pd.DataFrame) -> pd.DataFrame:
    """Mean paired difference and its t CI from two :func:`by_replication` tables."""
    keys = ["port_group", "period", "metric"]
    pairs = base_values.merge(scen_values, on=[*keys, "replication"], suffixes=("_base", "_scen"))
    pairs = pairs.dropna(subset=["value_base", "value_scen"])
    pairs["diff"] = pairs["value_scen"] - pairs["value_base"]
    table = pairs.groupby(keys, sort=False).agg(
        baseline_mean=("value_base", "mean"), scenario_mean=("value_scen", "mean"),
        diff=("diff", "mean"), sd=("diff", "std"), n_pairs=("diff", "size")).reset_index()
    table["ci_low"], table["ci_high"] = t_interval(table["diff"], table["sd"], table["n_pairs"])
    base_mean = table["baseline_mean"]
    table["rel_change"] = table["diff"] / base_mean.where(base_mean != 0)
    return table.drop(columns="sd")


def paired(base: pd.DataFrame, scen: pd.DataFrame, periods: dict[str, list[str]]) -> pd.DataFrame:
    """Paired differences scenario - baseline by port group (the scenario's), period, metric."""
    groups = port_groups(scen)
    return paired_stats(by_replication(base, groups, periods), by_replication(scen, groups, periods))


def quarters_of(quarterly: pd.DataFrame) -> list[str]:
    return sorted(quarterly["quarter"].unique())


def comparison_table(baseline: pd.DataFrame, scenarios: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """comparison.csv: every scenario against the baseline, by metric, quarter and port group."""
    frames = []
    for name, scen in scenarios.items():
        quarters = quarters_of(scen)
        periods = {ALL: quarters, **{q: [q] for q in quarters}}
        table = paired(baseline, scen, periods).rename(columns={"period": "quarter"})
        frames.append(table.assign(scenario=name))
    table = pd.concat(frames, ignore_index=True)[COMPARISON_COLUMNS]
    order = {m: i for i, m in enumerate(METRICS)}
    table["_order"] = table["metric"].map(order)
    return table.sort_values(["scenario", "_order", "port_group", "quarter"], kind="stable") \
        .drop(columns="_order").reset_index(drop=True)


def unpaired_ci(baseline: np.ndarray, scenario: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Welch's t interval of the difference of means, ignoring the pairing by replication."""
    test = stats.ttest_ind(scenario, baseline, equal_var=False)
    ci = test.confidence_interval(level)
    return float(ci.low), float(ci.high)


def crn_gain(baseline: pd.DataFrame, scenarios: dict[str, pd.DataFrame],
             metrics: list[str]) -> pd.DataFrame:
    """Width of the paired (CRN) and the unpaired CI of each scenario's effect on ``metrics``,
    all ports and quarters pooled."""
    rows = []
    for name, scen in scenarios.items():
        cell = ({ALL: list(dict.fromkeys(scen["port"]))}, {ALL: quarters_of(scen)})
        base_values, scen_values = by_replication(baseline, *cell), by_replication(scen, *cell)
        table = paired_stats(base_values, scen_values).set_index("metric")
        for metric in metrics:
            low, high = unpaired_ci(base_values.loc[base_values["metric"] == metric, "value"].dropna(),
                                    scen_values.loc[scen_values["metric"] == metric, "value"].dropna())
            rows.append({"scenario": name, "metric": metric, "diff": table.at[metric, "diff"],
                         "paired_width": table.at[metric, "ci_high"] - table.at[metric, "ci_low"],
                         "unpaired_width": high - low})
    return pd.DataFrame(rows, columns=["scenario", "metric", "diff", "paired_width", "unpaired_width"])


def direction(low: pd.Series, high: pd.Series) -> pd.Series:
    """"up" / "down" when the 95% CI excludes 0, else "no change"."""
    return pd.Series(np.where(low > 0, "up", np.where(high < 0, "down", "no change")), index=low.index)


def observed_vs_true(baseline: pd.DataFrame, scenarios: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """observed_vs_true.csv: what customs observes next to the truth, per scenario and port
    group, over the quarters from the first rollout quarter on (all quarters without one)."""
    frames = []
    for name, scen in scenarios.items():
        quarters = quarters_of(scen)
        started = sorted(scen.loc[scen["pilot"].astype(bool), "quarter"].unique())
        window = [q for q in quarters if not started or q >= started[0]]
        label = f"{window[0]}-{window[-1]}" if started else ALL
        table = paired(baseline, scen, {label: window}).set_index(["port_group", "metric"])
        for observed, true in OBSERVED_TRUE:
            obs, tru = table.xs(observed, level="metric"), table.xs(true, level="metric")
            side = pd.DataFrame({"scenario": name, "quarters": label, "observed": observed,
                                 "true": true}, index=obs.index)
            for prefix, part in (("observed", obs), ("true", tru)):
                for col, src in (("baseline", "baseline_mean"), ("scenario", "scenario_mean"),
                                 ("diff", "diff"), ("ci_low", "ci_low"), ("ci_high", "ci_high")):
                    side[f"{prefix}_{col}"] = part[src]
                side[f"{prefix}_direction"] = direction(part["ci_low"], part["ci_high"])
            side["directions_differ"] = side["observed_direction"] != side["true_direction"]
            frames.append(side.reset_index())
    table = pd.concat(frames, ignore_index=True)
    return table[["scenario", "port_group", *(c for c in table.columns if c not in ("scenario", "port_group"))]]
