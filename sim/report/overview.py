"""The top of a report: its title (from the experiment or the scenario) and the executive summary,
one table that fits a screen: scenario x headline metrics with 95% CIs and significance."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sim import figures as F
from sim import output
from sim.analysis.summary import summary_table
from sim.report.render import md_table, num

# the headline metrics of the executive summary (the effect tables below hold the rest)
EXECUTIVE = ("release_time_mean_h", "inspection_rate", "hit_rate", "detection_rate", "revenue_leakage")
MARKS = ("**Bold**: a finding (significant after the Benjamini-Hochberg adjustment over this compare's "
         "effects, and at least 1% of the baseline level); ≈: significant but below 1% (negligible); "
         "plain: no evidence of a change. Shares in percentage points, amounts in million CNY per quarter "
         "summed over the pilot ports.")


def title(folder: Path, tables: dict[str, pd.DataFrame]) -> tuple[str, str]:
    """The report's title and its subtitle: the experiment's name and question, or the scenario's
    name and description, or (a sweep, an unknown folder) the folder's name."""
    folder = Path(folder)
    if (folder / "experiment.json").is_file():
        exp = output.read_json(folder / "experiment.json")
        return f"Experiment {exp.get('name', folder.name)}", str(exp.get("question") or "")
    if (folder / "config.yaml").is_file():
        cfg = yaml.safe_load((folder / "config.yaml").read_text()) or {}
        return f"Scenario {cfg.get('scenario', folder.name)}", str(cfg.get("description") or "")
    q = tables.get("quarterly")
    if q is not None and "job" in q:
        return f"Sweep {folder.resolve().name}", f"{q['job'].nunique()} jobs, each reported as its own scenario"
    return f"tradesim report: {folder.resolve().name}", ""


def _level(row: pd.Series, scale: float) -> str:
    low, high = row["ci_low"] * scale, row["ci_high"] * scale
    return num(row["mean"] * scale) + ("" if not np.isfinite(low) else f" [{num(low)}, {num(high)}]")


def _effect(row: pd.Series, metric: str, quarters: int) -> str:
    """A paired difference [95% CI] in the metric's unit (shares in points, amounts per quarter)."""
    _, unit, scale = F.diff_label(metric)
    per = 1 / quarters if unit == "million CNY" else 1.0
    text = f"{num(row['diff'] * scale * per)}"
    if np.isfinite(row["ci_low"]):
        text += f" [{num(row['ci_low'] * scale * per)}, {num(row['ci_high'] * scale * per)}]"
    mark = row.get("finding", "")
    return f"**{text}**" if mark == "effect" else f"≈ {text}" if mark == "negligible" else text


def executive_summary(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Markdown of :func:`executive_table`."""
    intro, header, rows, note = executive_table(tables)
    return [intro, "", *md_table(header, rows), "", *([note, ""] if note else [])]


def executive_table(tables: dict[str, pd.DataFrame]) -> tuple[str, list[str], list[list[str]], str]:
    """The baseline's level and each scenario's effect (comparison) or each scenario's level (a run
    or a sweep) on the headline metrics, with 95% CIs: (introduction, header, rows, note on the
    marks); a finding's cell is **bold**, a negligible one starts with ≈."""
    q, c = tables.get("quarterly"), tables.get("comparison")
    metrics = [m for m in EXECUTIVE if q is None or m in q]
    levels = summary_table(q, ["scenario"], metrics).set_index(["scenario", "metric"]) if q is not None else None
    head = [f"{F.label(m)[0]} ({F.diff_label(m)[1] if c is not None else F.label(m)[1]})" for m in metrics]
    if c is None or levels is None:
        rows = [[F.scenario_label(s), *(_level(levels.loc[(s, m)], F.label(m)[2]) if (s, m) in levels.index
                                        else "n/a" for m in metrics)]
                for s in F.scenario_order(q["scenario"])] if levels is not None else []
        return ("Mean over replications [95% CI], all ports and quarters pooled (amounts per quarter).",
                ["scenario", *head], rows, "")
    effects = F.headline_effects(c).set_index(["scenario", "metric"])
    quarters = q["quarter"].nunique()
    base = [s for s in F.scenario_order(q["scenario"]) if F.is_baseline(s)]
    rows = [[f"{F.scenario_label(s)} (level, all ports)",
             *(_level(levels.loc[(s, m)], F.label(m)[2]) for m in metrics)] for s in base]
    for s in dict.fromkeys(effects.index.get_level_values(0)):
        if F.is_baseline(s):
            continue
        rows.append([F.scenario_label(s), *(_effect(effects.loc[(s, m)], m, quarters) if (s, m) in effects.index
                                            else "n/a" for m in metrics)])
    return ("Baseline level, then each scenario's effect against it: paired difference over all quarters at the "
            "scenario's pilot ports (all ports without a rollout) [95% CI].", ["scenario", *head], rows, MARKS)
