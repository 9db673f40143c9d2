"""Markdown of the effect tables (``comparison``, ``did``, ``observed_vs_true``, ``crn_gain``),
shared by an experiment's summary.md and the report: raw and adjusted significance side by side."""
from __future__ import annotations

import pandas as pd

from sim.report.render import ci, md_table, num, pct

ALPHA = 0.05
MARKS = ("p: two-sided p-value; p (BH): adjusted for the false discovery rate over the effects of this "
         "compare (Benjamini-Hochberg), or unadjusted for the declared primary metric (role primary); "
         "* p < 0.05, † p (BH) < 0.05. Finding: effect when † and at least 1% of the baseline level, "
         "negligible when † but smaller (real, too small to act on).")


def _p(value, adjusted: bool = False) -> str:
    if not isinstance(value, (int, float)) or value != value:
        return ""
    mark = ("†" if adjusted else "*") if value < ALPHA else ""
    return f"{value:.3g}{mark}"


def comparison_section(comparison: pd.DataFrame, metrics: list[str]) -> list[str]:
    """Paired differences scenario - baseline over all quarters, pilot (or all) ports (a
    comparison.csv of an older version, without p-values, too)."""
    comparison = comparison.reindex(columns=list(dict.fromkeys([*comparison, "p_value", "p_adjusted", "role",
                                                                  "finding"])))
    comparison[["role", "finding"]] = comparison[["role", "finding"]].astype(object).fillna("")
    c = comparison[(comparison["quarter"].astype(str) == "all") & comparison["metric"].isin(metrics)
                   & comparison["port_group"].isin(["all", "pilot"])]
    c = c.assign(_m=c["metric"].map({m: i for i, m in enumerate(metrics)}),
                 _g=c["port_group"].map({"pilot": 0, "all": 1}))
    rows = [[f"{r.scenario} · {r.port_group}", r.metric, num(r.baseline_mean), num(r.scenario_mean),
             f"{num(r.diff)} ({ci(r.ci_low, r.ci_high)})", pct(r.rel_change), _p(r.p_value),
             _p(r.p_adjusted, adjusted=True), r.role, r.finding, str(r.n_pairs)]
            for r in c.sort_values(["scenario", "_g", "_m"], kind="stable").itertuples()]
    return ["## Effects: scenario − baseline, all quarters (paired by seed)", "",
            "Mean paired difference over replications with common random numbers and its 95% t interval; "
            "counts and amounts are totals over the quarters. " + MARKS, "",
            *md_table(["scenario · ports", "metric", "baseline", "scenario", "difference (95% CI)", "change",
                       "p", "p (BH)", "role", "finding", "pairs"], rows), ""]


def _term(did: pd.DataFrame, term: str) -> pd.DataFrame:
    return did[did["term"] == term].set_index(["scenario", "metric"])


def did_section(did: pd.DataFrame, metrics: list[str], skipped: dict[str, str] | None = None) -> list[str]:
    """The primary paired DiD beside the paired truth, then what an evaluator would find."""
    did = did[did["metric"].isin(metrics)]
    if "paired_did" not in set(did["term"]):  # a did.csv of an older version: the regression only
        rows = [[r.scenario, r.metric, f"{num(r.estimate)} ({ci(r.ci_low, r.ci_high)})"]
                for r in did[did["term"] == "did"].itertuples()]
        return ["## Difference-in-differences (regression)", "",
                *md_table(["scenario", "metric", "estimate (95% CI)"], rows), ""] if rows else []
    primary, truth = _term(did, "paired_did"), _term(did, "paired_effect")
    rows = [[s, m, f"{num(r.estimate)} ({ci(r.ci_low, r.ci_high)})", _p(r.p_value), _p(r.p_adjusted, True),
             r.role, r.finding, _cell(truth, (s, m))] for (s, m), r in primary.iterrows()]
    out = ["## Difference-in-differences, paired by seed (the primary estimate)", "",
           "Per replication, (pilot − control ports, after − before the rollout) of the scenario minus the same of "
           "the baseline; 95% t interval across replications. Beside it, the paired truth: scenario − baseline "
           "at the pilot ports after the rollout. " + MARKS, "",
           *md_table(["scenario", "metric", "paired DiD (95% CI)", "p", "p (BH)", "role", "finding",
                      "paired effect at pilot ports (95% CI)"], rows), ""]
    return out + _evaluator(did) + [f"- {s}: no DiD ({why})" for s, why in (skipped or {}).items()]


def _cell(table: pd.DataFrame, key) -> str:
    if key not in table.index:
        return "n/a"
    r = table.loc[key]
    return f"{num(r['estimate'])} ({ci(r['ci_low'], r['ci_high'])})"


def _evaluator(did: pd.DataFrame) -> list[str]:
    """Regression DiD on the scenario alone, its placebos and the pre-trend check."""
    reg, base, seeds, trend = (_term(did, t) for t in ("did", "placebo_did", "placebo_seeds", "pretrend"))
    rows = []
    for key in _term(did, "paired_did").index:
        flag = trend.loc[key, "flag"] if key in trend.index else ""
        rows.append([*key, _cell(reg, key), _cell(base, key), _cell(seeds, key),
                     _cell(trend, key) + (f" **{flag}**" if isinstance(flag, str) and flag else "")])
    notes = sorted(set(did.loc[did["term"] == "did", "inference"].dropna()))
    return ["### What an evaluator would find", "",
            "Regression DiD: two-way fixed effects on the scenario's own runs (no baseline), as an evaluation "
            "team would fit it; placebo: the same regression on the baseline with the scenario's pilot ports "
            "(what it finds with no lever at all); other seeds: the paired DiD of the baseline against itself "
            "on other seeds (must find nothing); pre-trend: the slope per quarter of the pilot − control gap "
            "before the rollout, flagged when its CI excludes 0. Inference: " + "; ".join(notes) + ".", "",
            *md_table(["scenario", "metric", "regression DiD (95% CI)", "placebo: baseline, same ports",
                       "placebo: other seeds", "pre-trend slope"], rows), ""]


def observed_section(table: pd.DataFrame) -> list[str]:
    rows = [[r.scenario, r.port_group, r.observed, f"{num(r.observed_diff)} ({r.observed_direction})", r.true,
             f"{num(r.true_diff)} ({r.true_direction})", "yes" if r.directions_differ else "no"]
            for r in table.itertuples()]
    return ["## What customs observes vs the truth (from the rollout quarter on)", "",
            *md_table(["scenario", "ports", "observed", "change", "true", "change", "directions differ"], rows), ""]


def crn_section(table: pd.DataFrame) -> list[str]:
    rows = [[r.scenario, r.metric, num(r.paired_width), num(r.unpaired_width),
             num(r.ratio) + (" (floored)" if r.ratio_floored else "")] for r in table.itertuples()]
    return ["## Common random numbers: width of the 95% CI of the effect", "",
            "The ratio is given only when both widths are positive; a paired width below 1/10,000 of the "
            "unpaired one is floored there.", "",
            *md_table(["scenario", "metric", "paired (CRN)", "unpaired (Welch)", "ratio"], rows), ""]
