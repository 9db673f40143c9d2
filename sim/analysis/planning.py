"""Replication planning: how many replications a target precision needs, and when the
replication means themselves are too skewed for a t interval.

From a pilot run (a few replications of every scenario, paired by seed), the SD ``s`` of the
paired differences of the primary metric gives the replications a 95% CI half-width ``h``
needs: the smallest n with ``t(0.975, n - 1) * s / sqrt(n) <= h`` (the t quantile matters at
small n; the usual n ~ (1.96 s / h)^2 is too small there). The target is met for that metric
only: every other metric's interval is as wide as n makes it.

A queue whose offered load is near its capacity (utilisation rho near 1) has heavy-tailed
waits, and a quarter's mean wait is then right-skewed across replications: the t interval
misses low more often than it should (at rho = 0.95, 10 replications of a quarter miss low
about 6% of the time instead of 2.5%, measured on the M/M/c validation world). Longer
horizons (more quarters) make each replication's mean closer to normal; more replications do
not remove the skew from each of them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.compare import ALL, by_replication, port_groups, quarters_of
from sim.analysis.intervals import t_quantile

HIGH_LOAD = 0.9   # utilisation from which a role is "near capacity" (assumption: waits grow like 1/(1-rho))
SKEWED = 1.0      # |sample skewness| of the per-replication differences flagged (assumption, a common rule)
MAX_REPLICATIONS = 10_000


def needed(sd: float, half_width: float, level: float = 0.95) -> int:
    """The smallest n >= 2 whose t interval of a mean with SD ``sd`` has half-width <= ``half_width``."""
    if not sd > 0:
        return 2
    n = np.arange(2, MAX_REPLICATIONS + 1)
    ok = t_quantile(n, level) * sd / np.sqrt(n) <= half_width
    return int(n[ok][0]) if ok.any() else MAX_REPLICATIONS


def paired_differences(base: pd.DataFrame, scen: pd.DataFrame, metric: str, port_group: str) -> np.ndarray:
    """Per replication: scenario - baseline of ``metric`` over all quarters in ``port_group``."""
    groups = {k: v for k, v in port_groups(scen).items() if k == port_group}
    if not groups:
        return np.array([])
    cell = {ALL: quarters_of(scen)}
    b, s = by_replication(base, groups, cell), by_replication(scen, groups, cell)
    pairs = b[b["metric"] == metric].merge(s[s["metric"] == metric], on="replication", suffixes=("_b", "_s"))
    return (pairs["value_s"] - pairs["value_b"]).dropna().to_numpy(float)


def plan_table(base: pd.DataFrame, scenarios: dict[str, pd.DataFrame], metric: str, port_group: str,
               half_width: float) -> pd.DataFrame:
    """Per scenario: replications so far, SD of the paired differences, half-width now, the
    replications needed for ``half_width``, and the skewness of the differences."""
    rows = []
    for name, scen in scenarios.items():
        diffs = paired_differences(base, scen, metric, port_group)
        n, sd = len(diffs), diffs.std(ddof=1) if len(diffs) > 1 else np.nan
        now = t_quantile(n) * sd / np.sqrt(n) if n > 1 else np.nan
        skew = float(stats.skew(diffs, bias=False)) if n > 2 and sd > 0 else np.nan
        rows.append({"scenario": name, "metric": metric, "port_group": port_group, "replications": n, "sd": sd,
                     "half_width": float(now), "target": half_width,
                     "needed": needed(sd, half_width) if sd == sd else np.nan, "skewness": skew})
    return pd.DataFrame(rows)


def high_load(breakdown: pd.DataFrame) -> pd.DataFrame:
    """Roles at ports whose mean utilisation is at least :data:`HIGH_LOAD` (port, role, utilisation)."""
    rows = breakdown[(breakdown["dimension"] == "officer_role") & (breakdown["metric"] == "officer_utilization")]
    util = rows.groupby(["port", "level"], sort=False)["value"].mean().rename("utilization").reset_index()
    return util[util["utilization"] >= HIGH_LOAD].rename(columns={"level": "role"}).reset_index(drop=True)


def advice(plan: pd.DataFrame, loads: pd.DataFrame) -> list[str]:
    """Plain sentences about the plan: replications needed, skew, load near capacity."""
    lines = []
    for r in plan.itertuples():
        lines.append(f"{r.scenario}: {r.metric} ({r.port_group} ports) has a 95% CI half-width of "
                     f"{r.half_width:.4g} with {r.replications} replications (SD of the paired differences "
                     f"{r.sd:.4g}); ±{r.target:g} needs {r.needed} replications")
        if abs(r.skewness) > SKEWED:
            lines.append(f"{r.scenario}: the paired differences are skewed (skewness {r.skewness:.2f}): the t "
                         "interval is less reliable; prefer longer horizons (world.horizon_quarters)")
    for r in loads.itertuples():
        lines.append(f"{r.port} {r.role} officers are {r.utilization:.0%} busy: near capacity, mean waits are "
                     "right-skewed across replications and t intervals miss low more often; prefer longer "
                     "horizons to more replications")
    return lines
