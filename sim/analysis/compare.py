"""Paired comparisons of scenarios against the baseline on common random numbers (CRN).

Replication r of every scenario draws the same random numbers
(``SeedSequence(run.seed).spawn(n)[r]``), so the effect of a scenario is estimated replication
by replication, as the paired difference scenario - baseline, and its 95% CI is the Student-t
interval of those differences (scipy.stats), with the matching two-sided p-value. The noise the
two runs share cancels, which is why a paired CI is narrower than the unpaired (Welch) one on
the same runs.

Ports and quarters are pooled within a group by :func:`sim.analysis.summary.pooled`. A
scenario's pilot ports are the ports where its own ``pilot`` column is ever true
(:func:`pilot_ports`), the one definition every table, figure and report uses.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.intervals import t_interval
from sim.analysis.summary import COUNTS, METRICS, RATES, pooled  # noqa: F401 (re-exported)

ALL = "all"
COMPARISON_COLUMNS = ["scenario", "metric", "quarter", "port_group", "baseline_mean", "scenario_mean",
                      "diff", "ci_low", "ci_high", "rel_change", "n_pairs", "p_value"]
# (observed by customs, true) pairs shown side by side in observed_vs_true.csv
OBSERVED_TRUE = (("hit_rate", "detection_rate"), ("seized", "violations"),
                 ("smuggling_seized", "smuggling_attempts"))
RATIO_CAP = 1e4  # crn_gain: a paired width below 1/RATIO_CAP of the unpaired one is floored there


def as_bool(values: pd.Series) -> pd.Series:
    """A pilot-like column as booleans, also when read back as text."""
    if values.dtype == bool:
        return values
    if pd.api.types.is_numeric_dtype(values):
        return values.fillna(0).astype(float) != 0
    return values.astype(str).str.strip().str.lower().isin(["true", "1", "yes"])


def pilot_ports(quarterly: pd.DataFrame) -> list[str]:
    """Ports where the pilot column is ever true, in table order (one scenario's table)."""
    return list(dict.fromkeys(quarterly.loc[as_bool(quarterly["pilot"]), "port"]))


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


def scenario_port_groups(quarterly: pd.DataFrame) -> pd.Series:
    """Per row: "pilot" or "control" by the row's own scenario's pilot ports, "all" for a
    scenario without a rollout, unless the scenarios that have one share the same pilot ports,
    which such a scenario (the baseline) then takes too, for comparison."""
    own = {s: pilot_ports(rows) for s, rows in quarterly.groupby("scenario", sort=False)}
    shared = {tuple(sorted(p)) for p in own.values() if p}
    common = list(shared.pop()) if len(shared) == 1 else []
    pilots = quarterly["scenario"].map(lambda s: own[s] or common)
    inside = [port in ports for port, ports in zip(quarterly["port"], pilots)]
    group = np.where(inside, "pilot", "control")
    return pd.Series(np.where(pilots.map(len) > 0, group, ALL), index=quarterly.index)


def by_replication(quarterly: pd.DataFrame, groups: dict[str, list[str]],
                   periods: dict[str, list[str]], metrics: list[str] | None = None) -> pd.DataFrame:
    """Long table: port_group, period, replication, metric, value (pooled within the cell), for
    ``metrics`` (default every pooled metric)."""
    cells = []
    for group, ports in groups.items():
        for period, quarters in periods.items():
            rows = quarterly[quarterly["port"].isin(ports) & quarterly["quarter"].isin(quarters)]
            cells.append(rows.assign(port_group=group, period=period))
    table = pooled(pd.concat(cells, ignore_index=True), ["port_group", "period", "replication"], metrics)
    return table.melt(id_vars=["port_group", "period", "replication"], value_vars=[m for m in METRICS if m in table],
                      var_name="metric", value_name="value")


def paired_p_value(diff, sd, n) -> np.ndarray:
    """Two-sided one-sample t-test p-value of mean paired differences (1 or 0 without spread)."""
    diff, sd, n = (np.asarray(v, dtype=float) for v in (diff, sd, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 2 * stats.t.sf(np.abs(diff) / (sd / np.sqrt(n)), np.where(n >= 2, n - 1, np.nan))
    exact = (sd == 0) & (n >= 2)
    return np.where(exact, np.where(diff == 0, 1.0, 0.0), p)


def paired_stats(base_values: pd.DataFrame, scen_values: pd.DataFrame) -> pd.DataFrame:
    """Mean paired difference, its t CI and p-value from two :func:`by_replication` tables."""
    keys = ["port_group", "period", "metric"]
    pairs = base_values.merge(scen_values, on=[*keys, "replication"], suffixes=("_base", "_scen"))
    pairs = pairs.dropna(subset=["value_base", "value_scen"])
    pairs["diff"] = pairs["value_scen"] - pairs["value_base"]
    table = pairs.groupby(keys, sort=False).agg(
        baseline_mean=("value_base", "mean"), scenario_mean=("value_scen", "mean"),
        diff=("diff", "mean"), sd=("diff", "std"), n_pairs=("diff", "size")).reset_index()
    table["ci_low"], table["ci_high"] = t_interval(table["diff"], table["sd"], table["n_pairs"])
    table["p_value"] = paired_p_value(table["diff"], table["sd"], table["n_pairs"])
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


def crn_ratio(paired_width, unpaired_width) -> tuple[np.ndarray, np.ndarray]:
    """Unpaired / paired CI width, only where both are positive, the paired width floored at
    1 / :data:`RATIO_CAP` of the unpaired one (so no ratio exceeds the cap); and where it was."""
    paired_width, unpaired_width = (np.asarray(v, dtype=float) for v in (paired_width, unpaired_width))
    both = (paired_width > 0) & (unpaired_width > 0)
    floor = unpaired_width / RATIO_CAP
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(both, unpaired_width / np.maximum(paired_width, floor), np.nan)
    return ratio, both & (paired_width < floor)


def crn_gain(baseline: pd.DataFrame, scenarios: dict[str, pd.DataFrame],
             metrics: list[str]) -> pd.DataFrame:
    """Width of the paired (CRN) and the unpaired CI of each scenario's effect on ``metrics``,
    all ports and quarters pooled, and their ratio (:func:`crn_ratio`)."""
    rows = []
    for name, scen in scenarios.items():
        cell = ({ALL: list(dict.fromkeys(scen["port"]))}, {ALL: quarters_of(scen)})
        base_values, scen_values = by_replication(baseline, *cell), by_replication(scen, *cell)
        table = paired_stats(base_values, scen_values).set_index("metric")
        for metric in metrics:
            if metric not in table.index:  # no pair: measured in one of the two only (a model's AUC)
                continue
            low, high = unpaired_ci(base_values.loc[base_values["metric"] == metric, "value"].dropna(),
                                    scen_values.loc[scen_values["metric"] == metric, "value"].dropna())
            rows.append({"scenario": name, "metric": metric, "diff": table.at[metric, "diff"],
                         "paired_width": table.at[metric, "ci_high"] - table.at[metric, "ci_low"],
                         "unpaired_width": high - low})
    table = pd.DataFrame(rows, columns=["scenario", "metric", "diff", "paired_width", "unpaired_width"])
    table["ratio"], table["ratio_floored"] = crn_ratio(table["paired_width"], table["unpaired_width"])
    return table


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
