"""The report's Markdown sections built from saved tables: headline metrics per scenario (or
sweep job), pilot and control ports of each scenario, comparison and difference-in-differences."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim import figures as F
from sim.analysis.compare import pilot_ports
from sim.analysis.summary import summary_table
from sim.report import effects
from sim.report.render import md_table, num

HEADLINE = ("release_time_mean_h", "inspection_rate", "hit_rate", "detection_rate", "revenue_leakage")


def _cell(row: pd.Series, scale: float = 1.0) -> str:
    """``mean [ci_low, ci_high]`` of a row of :func:`sim.analysis.summary.summary_table`."""
    ci = "" if not np.isfinite(row["ci_low"]) else f" [{num(row['ci_low'] * scale)}, {num(row['ci_high'] * scale)}]"
    return f"{num(row['mean'] * scale)}{ci}"


def _header() -> list[str]:
    return [f"{F.label(m)[0]} ({F.label(m)[1]}{', per quarter' if F.label(m)[1] == 'million CNY' else ''})"
            for m in HEADLINE]


def headline_tables(quarterly: pd.DataFrame) -> list[str]:
    """Markdown: headline metrics per scenario, and per port group before/after each scenario's rollout."""
    out = ["## Headline metrics", "", "Mean over replications and 95% CI (t; Wilson for rates), all ports and "
           "quarters pooled (rates weighted by their counts); amounts summed over ports, per quarter.", ""]
    table = summary_table(quarterly, ["scenario"], HEADLINE).set_index(["scenario", "metric"])
    rows = [[s, *(_cell(table.loc[(s, m)], F.label(m)[2]) for m in HEADLINE)]
            for s in F.scenario_order(quarterly["scenario"])]
    out += md_table(["scenario", *_header()], rows) + [""]
    first = F.first_pilot_quarter(quarterly)
    if first is None:
        return out
    q = F.with_groups(quarterly)
    q["period"] = np.where(q["quarter"].map(F.quarter_key) < F.quarter_key(first), f"before {first}",
                           f"from {first}")
    table = summary_table(q, ["scenario", "group", "period"], HEADLINE)
    keys = table[["scenario", "group", "period"]].drop_duplicates().sort_values(
        ["scenario", "group", "period"], key=lambda s: s.map(lambda v: (v.startswith("from"), v)))
    table = table.set_index(["scenario", "group", "period", "metric"])
    rows = [[f"{s} · {g} · {p}", *(_cell(table.loc[(s, g, p, m)], F.label(m)[2]) for m in HEADLINE)]
            for s, g, p in keys.itertuples(index=False)]
    own = {s: pilot_ports(r) for s, r in quarterly.groupby("scenario", sort=False)}
    named = "; ".join(f"{s}: {', '.join(p)}" for s, p in own.items() if p)
    out += ["## Pilot and control ports, before and after the rollout", "",
            f"Pilot ports of each scenario ({named}); first pilot quarter {first}. A scenario without a "
            "rollout is grouped by the pilot ports of the scenarios beside it when they share them.", ""]
    return out + md_table(["scenario · ports · period", *_header()], rows) + [""]


def comparison_tables(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Markdown tables of ``comparison.csv`` (quarter "all", key metrics) and of ``did.csv``."""
    out = []
    if "comparison" in tables:
        out += effects.comparison_section(tables["comparison"], F.key_metrics(tables["comparison"]["metric"]))
    if "did" in tables:
        out += effects.did_section(tables["did"], F.key_metrics(tables["did"]["metric"]))
    return out
