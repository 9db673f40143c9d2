"""An experiment's evaluation tables, as pure functions of the runs' saved tables.

:func:`evaluate` turns the quarterly tables of the baseline and each scenario (replications
paired by seed) into ``comparison``, ``did``, ``observed_vs_true`` and ``crn_gain``, plus the
concatenated ``quarterly`` and ``breakdown`` that figures read. ``did`` holds, per scenario and
metric, the primary paired DiD (:mod:`sim.analysis.paired_did`) beside the evaluator's
regression DiD and event study (:mod:`sim.analysis.did`), the placebos and the pre-trend check;
p-values are adjusted for multiplicity by :mod:`sim.analysis.multiplicity`.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.compare import ALL, METRICS, comparison_table, crn_gain, observed_vs_true, paired, quarters_of
from sim.analysis.did import DID_COLUMNS, did_table, placebo_regression
from sim.analysis.multiplicity import adjust, findings
from sim.analysis.paired_did import paired_did
from sim.analysis.resilience import phase_table, resilience_table

DID_OUTPUT = [*DID_COLUMNS, "p_adjusted", "role", "finding", "flag", "baseline_mean"]


def _stacked(runs: dict[str, dict[str, pd.DataFrame]], name: str) -> pd.DataFrame:
    """One table of all labels; the scenario column holds the label (a scenario or a variant)."""
    frames = [tables[name].assign(scenario=label) for label, tables in runs.items() if name in tables]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return table[["scenario", *(c for c in table.columns if c != "scenario")]] if len(table) else table


def comparison_with_roles(base: pd.DataFrame, scenarios: dict[str, pd.DataFrame],
                          primary_metric: str | None) -> pd.DataFrame:
    """comparison.csv: paired differences, with p_adjusted and role over the quarter-"all" rows."""
    table = comparison_table(base, scenarios)
    family = table["quarter"] == ALL
    has_pilot = table.groupby("scenario")["port_group"].transform(lambda g: (g == "pilot").any())
    headline_group = np.where(has_pilot, "pilot", ALL)
    primary = (table["metric"] == primary_metric) & (table["port_group"] == headline_group)
    table = adjust(table, family, primary)
    return table.assign(finding=findings(table.assign(estimate=table["diff"]), table["baseline_mean"]))


def did_all(base: pd.DataFrame, scenarios: dict[str, pd.DataFrame], metrics: list[str],
            primary_metric: str | None, other_seeds: pd.DataFrame | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """did.csv: per identified scenario the paired DiD and its companions, the regression DiD
    with its event study and its placebo on the baseline; why the others have none."""
    regression, skipped = did_table(scenarios, metrics)
    frames = [regression]
    for name, scen in scenarios.items():
        if name in skipped:
            continue
        frames.append(placebo_regression(base, scen, metrics, name))
        paired_rows = paired_did(base, scen, metrics, name, other_seeds)
        if paired_rows is not None:
            frames.append(paired_rows)
    frames = [f for f in frames if len(f)]
    if not frames:  # no scenario is identified
        return pd.DataFrame(columns=DID_OUTPUT), skipped
    table = pd.concat(frames, ignore_index=True)
    table["flag"] = table["flag"].fillna("") if "flag" in table else ""
    family = table["term"] == "paired_did"
    table = adjust(table, family, family & (table["metric"] == primary_metric))
    table["finding"] = findings(table, table["baseline_mean"])
    order = {m: i for i, m in enumerate(metrics)}
    table = table.assign(_s=table["scenario"].map({s: i for i, s in enumerate(scenarios)}),
                         _m=table["metric"].map(order))
    table = table.sort_values(["_s", "_m"], kind="stable").drop(columns=["_s", "_m"])
    return table.reindex(columns=DID_OUTPUT).reset_index(drop=True), skipped


def evaluate(runs: dict[str, dict[str, pd.DataFrame]], baseline: str, metrics: list[str],
             primary_metric: str | None = None, other_seeds: str | None = None
             ) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """The experiment's tables, and why a scenario got no DiD (scenario -> reason).

    Args:
        runs: Label -> its tables (``quarterly``, ``breakdown``, ...), replications paired by seed.
        baseline: The baseline's label.
        metrics: The experiment's headline metrics (for ``crn_gain``).
        primary_metric: The declared primary metric, if any.
        other_seeds: The label of the baseline run on other seeds (placebo), if it ran.

    """
    base = runs[baseline]["quarterly"]
    placebo = runs[other_seeds]["quarterly"] if other_seeds else None
    scenarios = {label: tables["quarterly"] for label, tables in runs.items() if label not in (baseline, other_seeds)}
    did, skipped = did_all(base, scenarios, list(METRICS), primary_metric, placebo)
    shown = {label: tables for label, tables in runs.items() if label != other_seeds}
    tables = {"comparison": comparison_with_roles(base, scenarios, primary_metric), "did": did,
              "observed_vs_true": observed_vs_true(base, scenarios),
              "crn_gain": crn_gain(base, scenarios, metrics),
              "quarterly": _stacked(shown, "quarterly"), "breakdown": _stacked(shown, "breakdown"),
              "agents": _stacked(shown, "agents")}
    events = _stacked(shown, "events")
    if len(events):  # disruption events: their rows, hourly backlog, and resilience with CIs
        backlog = _stacked(shown, "event_backlog")
        tables.update(events=events, event_backlog=backlog, resilience=resilience_table(events, baseline),
                      event_phases=phase_table(backlog, events))
    return tables, skipped


def widest_half_width(runs: dict[str, dict[str, pd.DataFrame]], baseline: str, metric: str,
                      port_group: str, other_seeds: str | None = None) -> float:
    """The widest 95% CI half-width of ``metric``'s paired difference over the scenarios (all
    quarters; infinite while a CI cannot be computed)."""
    base = runs[baseline]["quarterly"]
    widest = 0.0
    for label, tables in runs.items():
        if label in (baseline, other_seeds):
            continue
        scen = tables["quarterly"]
        table = paired(base, scen, {ALL: quarters_of(scen)})
        row = table[(table["metric"] == metric) & (table["port_group"] == port_group)]
        half = float((row["ci_high"] - row["ci_low"]).iloc[0] / 2) if len(row) else np.nan
        widest = max(widest, half if half == half else np.inf)
    return widest

