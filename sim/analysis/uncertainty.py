"""Effects with parameter uncertainty: ``tradesim compare ... uncertainty=K``.

Besides the runs at the configured (nominal) parameter values, the baseline and every scenario
run at K parameter sets drawn from the declared ranges (labels ``<run>__p<k>``), each paired by
replication (common random numbers). For each effect two intervals are reported, labelled:

- ``replications``: the paired 95% t interval over the nominal runs' replications (stochastic
  uncertainty only; the interval of ``comparison.csv``);
- ``replications+parameters``: the same centre, half-width sqrt(h_rep^2 + h_par^2), where h_par =
  t(K-1) * sd_k * sqrt(1 + 1/K) is the 95% prediction half-width of the effect at a new parameter
  set drawn from the declared ranges, sd_k the standard deviation of the K sets' mean effects.
  sd_k holds some replication noise too, so the combination is conservative; it is never
  narrower than the replication-only interval.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sim.analysis.compare import ALL, paired, quarters_of

SET = "__p"  # label of a run at parameter set k: <run>__p<k>
COLUMNS = ["scenario", "metric", "port_group", "quarter", "interval", "diff", "ci_low", "ci_high", "width",
           "n_replications", "n_parameter_sets"]
INTERVALS = ("replications", "replications+parameters")


def set_label(label: str, k: int) -> str:
    return f"{label}{SET}{k}"


def _effects(baseline: pd.DataFrame, scenario: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    table = paired(baseline, scenario, {ALL: quarters_of(scenario)})
    return table[table["metric"].isin(metrics)].set_index(["port_group", "metric"])


def uncertainty_table(runs: dict[str, dict[str, pd.DataFrame]], baseline: str, scenarios: list[str], k: int,
                      metrics: list[str]) -> pd.DataFrame:
    """uncertainty.csv: for every scenario, metric and port group, the two intervals (see the module)."""
    rows = []
    for scenario in scenarios:
        nominal = _effects(runs[baseline]["quarterly"], runs[scenario]["quarterly"], metrics)
        per_set = pd.concat([_effects(runs[set_label(baseline, i)]["quarterly"],
                                      runs[set_label(scenario, i)]["quarterly"], metrics)["diff"].rename(i)
                             for i in range(k)], axis=1)
        sd = per_set.std(axis=1, ddof=1)
        h_par = stats.t.ppf(0.975, k - 1) * sd * np.sqrt(1 + 1 / k) if k > 1 else sd * np.nan
        for (group, metric), r in nominal.iterrows():
            h_rep = (r["ci_high"] - r["ci_low"]) / 2
            h_all = float(np.hypot(h_rep, h_par[(group, metric)]))
            for interval, half in zip(INTERVALS, (h_rep, h_all)):
                rows.append({"scenario": scenario, "metric": metric, "port_group": group, "quarter": ALL,
                             "interval": interval, "diff": r["diff"], "ci_low": r["diff"] - half,
                             "ci_high": r["diff"] + half, "width": 2 * half, "n_replications": r["n_pairs"],
                             "n_parameter_sets": k if interval != "replications" else 0})
    return pd.DataFrame(rows, columns=COLUMNS)
