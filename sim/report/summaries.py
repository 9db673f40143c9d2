"""summary.md of a run and of an experiment, as text (written by :mod:`sim.output`)."""
from __future__ import annotations

import pandas as pd

from sim.report import effects
from sim.report.render import md_table, num
from sim.report.resilience import resilience_section


def _rows(table: pd.DataFrame, name: str) -> list[list[str]]:
    return [[getattr(r, name), num(r.mean), "n/a" if r.ci_low != r.ci_low else f"{num(r.ci_low)} – {num(r.ci_high)}"]
            for r in table.itertuples()]


def run_summary_markdown(cfg, summary: pd.DataFrame, roles: pd.DataFrame | None = None,
                         resilience: pd.DataFrame | None = None, phases: pd.DataFrame | None = None) -> str:
    """summary.md of a run: what was run, the headline metrics and officer utilisation by role
    (``roles``, from :func:`sim.analysis.summary.role_utilisation`) with their 95% CIs, and the
    disruption events' measures (``resilience``, ``phases``: :mod:`sim.analysis.resilience`)."""
    lines = [f"# {cfg.scenario}", "", cfg.description or "", "",
             f"{cfg.run.replications} replication(s), seed {cfg.run.seed}, "
             f"{cfg.world.horizon_quarters} quarters from {cfg.world.start}, all ports pooled; "
             "95% CI across replications (t; Wilson with the effective sample size for rates).", "",
             *md_table(["metric", "mean", "95% CI"], _rows(summary, "metric"))]
    if roles is not None:
        lines += ["", "Officer utilisation by role (busy / on-shift hours, all ports):", "",
                  *md_table(["role", "utilisation", "95% CI"], _rows(roles, "role"))]
    lines += ["", *resilience_section(resilience, phases)] if resilience is not None else []
    return "\n".join(lines).rstrip("\n") + "\n"


def experiment_summary_markdown(exp, base_cfg, replications: int, tables: dict[str, pd.DataFrame],
                                skipped: dict[str, str], plan_note: str = "") -> str:
    """summary.md of an experiment: what ran, effects, DiD with placebos, observed vs true, CRN gain."""
    scenarios = ", ".join(s for s in tables["quarterly"]["scenario"].unique() if s != exp.baseline)
    metrics = list(exp.metrics)
    primary = (f"Primary metric (declared): {exp.primary_metric}; every other effect is exploratory."
               if exp.primary_metric else "No primary metric declared: every effect is exploratory (BH-adjusted).")
    lines = [f"# Experiment {exp.name}", "", *([exp.question, ""] if exp.question else []),
             f"Baseline {exp.baseline} against {scenarios}: {replications} replication(s) each, paired "
             f"by seed (common random numbers, run.seed {base_cfg.run.seed}); "
             f"{base_cfg.world.horizon_quarters} quarters from {base_cfg.world.start}. Tables: "
             "comparison, did, observed_vs_true, crn_gain (.csv/.parquet); every run in "
             "runs/<scenario>/rep_<r>/. " + primary, "", *([plan_note, ""] if plan_note else []),
             *effects.comparison_section(tables["comparison"], metrics),
             *effects.did_section(tables["did"], metrics, skipped),
             *effects.observed_section(tables["observed_vs_true"]), *effects.crn_section(tables["crn_gain"]),
             *resilience_section(tables.get("resilience"), tables.get("event_phases"))]
    return "\n".join(lines) + "\n"
