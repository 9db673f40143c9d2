"""Summaries of a run and of an experiment, and an experiment's evaluation tables.

Pure functions of saved tables: :func:`evaluate` turns the quarterly tables of the baseline and
each scenario (replications paired by seed) into ``comparison``, ``did``, ``observed_vs_true``
and ``crn_gain``, plus the concatenated ``quarterly`` and ``breakdown`` that figures read.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.compare import ALL, METRICS, comparison_table, crn_gain, observed_vs_true, paired, quarters_of
from sim.analysis.did import cluster_column, did_table


def fmt(value: float) -> str:
    """Readable numbers: thousands separators for counts and money, 4 digits for rates."""
    if value != value:
        return "n/a"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.2f}" if abs(value) >= 10 else f"{value:.4g}"


def run_summary_markdown(cfg, summary: pd.DataFrame, roles: pd.DataFrame | None = None) -> str:
    """summary.md of a run: what was run, the headline metrics and officer utilisation by role
    (``roles``, from :func:`sim.analysis.summary.role_utilisation`) with their 95% CIs."""
    lines = [f"# {cfg.scenario}", "", cfg.description or "", "",
             f"{cfg.run.replications} replication(s), seed {cfg.run.seed}, "
             f"{cfg.world.horizon_quarters} quarters from {cfg.world.start}, all ports pooled; "
             "95% CI across replications (t).", "",
             "| metric | mean | 95% CI |", "|---|---:|---:|"]
    for row in summary.itertuples():
        ci = "n/a" if row.ci_low != row.ci_low else f"{fmt(row.ci_low)} – {fmt(row.ci_high)}"
        lines.append(f"| {row.metric} | {fmt(row.mean)} | {ci} |")
    if roles is not None:
        lines += ["", "Officer utilisation by role (busy / on-shift hours, all ports):", "",
                  "| role | utilisation | 95% CI |", "|---|---:|---:|"]
        for row in roles.itertuples():
            ci = "n/a" if row.ci_low != row.ci_low else f"{fmt(row.ci_low)} – {fmt(row.ci_high)}"
            lines.append(f"| {row.role} | {fmt(row.mean)} | {ci} |")
    return "\n".join(lines) + "\n"


def _stacked(runs: dict[str, dict[str, pd.DataFrame]], name: str) -> pd.DataFrame:
    """One table of all labels; the scenario column holds the label (a scenario or a variant)."""
    frames = [tables[name].assign(scenario=label) for label, tables in runs.items() if name in tables]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def evaluate(runs: dict[str, dict[str, pd.DataFrame]], baseline: str,
             metrics: list[str]) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """The experiment's tables, and why a scenario got no DiD (scenario -> reason)."""
    base = runs[baseline]["quarterly"]
    scenarios = {label: tables["quarterly"] for label, tables in runs.items() if label != baseline}
    did, skipped = did_table(scenarios, list(METRICS))
    tables = {"comparison": comparison_table(base, scenarios), "did": did,
              "observed_vs_true": observed_vs_true(base, scenarios),
              "crn_gain": crn_gain(base, scenarios, metrics),
              "quarterly": _stacked(runs, "quarterly"), "breakdown": _stacked(runs, "breakdown")}
    return tables, skipped


def widest_half_width(runs: dict[str, dict[str, pd.DataFrame]], baseline: str, metric: str,
                      port_group: str) -> float:
    """The widest 95% CI half-width of ``metric``'s paired difference over the scenarios (all
    quarters; infinite while a CI cannot be computed)."""
    base = runs[baseline]["quarterly"]
    widest = 0.0
    for label, tables in runs.items():
        if label == baseline:
            continue
        scen = tables["quarterly"]
        table = paired(base, scen, {ALL: quarters_of(scen)})
        row = table[(table["metric"] == metric) & (table["port_group"] == port_group)]
        half = float((row["ci_high"] - row["ci_low"]).iloc[0] / 2) if len(row) else np.nan
        widest = max(widest, half if half == half else np.inf)
    return widest


def _effects(comparison: pd.DataFrame, metrics: list[str]) -> list[str]:
    lines = ["## Effects: scenario - baseline, all quarters (95% CI of the paired difference)", "",
             "| scenario | metric | ports | baseline | scenario | difference (95% CI) | change |",
             "|---|---|---|---:|---:|---:|---:|"]
    rows = comparison[(comparison["quarter"] == ALL) & comparison["metric"].isin(metrics)
                      & comparison["port_group"].isin([ALL, "pilot"])]
    for r in rows.itertuples():
        lines.append(f"| {r.scenario} | {r.metric} | {r.port_group} | {fmt(r.baseline_mean)} | "
                     f"{fmt(r.scenario_mean)} | {fmt(r.diff)} ({fmt(r.ci_low)} to {fmt(r.ci_high)}) | "
                     f"{r.rel_change:+.1%} |")
    return lines


def _did(did: pd.DataFrame, metrics: list[str], cluster: str, skipped: dict[str, str]) -> list[str]:
    lines = ["", f"## Pilot vs control ports, before vs after (two-way fixed effects DiD, "
                 f"standard errors clustered by {cluster})", "",
             "| scenario | metric | DiD estimate (95% CI) | before the rollout: CIs containing 0 |",
             "|---|---|---:|---:|"]
    for (scenario, metric), rows in did[did["metric"].isin(metrics)].groupby(["scenario", "metric"], sort=False):
        est = rows[rows["term"] == "did"].iloc[0]
        pre = rows[(rows["term"] == "event") & (rows["rel_quarter"] < -1)]
        calm = int(((pre["ci_low"] <= 0) & (pre["ci_high"] >= 0)).sum())
        lines.append(f"| {scenario} | {metric} | {fmt(est.estimate)} ({fmt(est.ci_low)} to "
                     f"{fmt(est.ci_high)}) | {calm} of {len(pre)} |")
    lines += [f"- {scenario}: no DiD ({reason})" for scenario, reason in skipped.items()]
    return lines


def _observed(table: pd.DataFrame) -> list[str]:
    lines = ["", "## What customs observes vs the truth (from the rollout quarter on)", "",
             "| scenario | ports | observed | change | true | change | directions differ |",
             "|---|---|---|---:|---|---:|---|"]
    for r in table.itertuples():
        lines.append(f"| {r.scenario} | {r.port_group} | {r.observed} | {fmt(r.observed_diff)} "
                     f"({r.observed_direction}) | {r.true} | {fmt(r.true_diff)} ({r.true_direction}) | "
                     f"{'yes' if r.directions_differ else 'no'} |")
    return lines


def _crn(table: pd.DataFrame) -> list[str]:
    lines = ["", "## Common random numbers: width of the 95% CI of the effect", "",
             "| scenario | metric | paired (CRN) | unpaired (Welch) | ratio |", "|---|---|---:|---:|---:|"]
    for r in table.itertuples():
        ratio = r.unpaired_width / r.paired_width if r.paired_width > 0 else np.nan
        lines.append(f"| {r.scenario} | {r.metric} | {fmt(r.paired_width)} | {fmt(r.unpaired_width)} | "
                     f"{fmt(ratio)} |")
    return lines


def experiment_summary_markdown(exp, base_cfg, replications: int, tables: dict[str, pd.DataFrame],
                                skipped: dict[str, str]) -> str:
    """summary.md of an experiment: what ran, then effects, DiD, observed vs true, CRN gain."""
    scenarios = ", ".join(s for s in tables["quarterly"]["scenario"].unique() if s != exp.baseline)
    metrics = list(exp.metrics)
    lines = [f"# Experiment {exp.name}", "", *([exp.question, ""] if exp.question else []),
             f"Baseline {exp.baseline} against {scenarios}: {replications} replication(s) each, paired "
             f"by seed (common random numbers, run.seed {base_cfg.run.seed}); "
             f"{base_cfg.world.horizon_quarters} quarters from {base_cfg.world.start}. Tables: "
             "comparison, did, observed_vs_true, crn_gain (.csv/.parquet); every run in "
             "runs/<scenario>/rep_<r>/.", "", *_effects(tables["comparison"], metrics),
             *_did(tables["did"], metrics, cluster_column(tables["quarterly"]), skipped),
             *_observed(tables["observed_vs_true"]), *_crn(tables["crn_gain"])]
    return "\n".join(lines) + "\n"
