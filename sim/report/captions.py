"""Captions of the report's figures, computed from the same tables the figures draw."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim import figures as F
from sim.analysis.summary import pooled
from sim.figures.targeting import burden as burden_table
from sim.figures.targeting import scored
from sim.report.render import num


def _change(quarterly: pd.DataFrame, metric: str, first: str) -> dict[str, tuple[float, float]]:
    """Pooled ``metric`` per port group before and from the quarter ``first``."""
    q = F.with_groups(quarterly)
    q["after"] = q["quarter"].map(F.quarter_key) >= F.quarter_key(first)
    p = pooled(q, ["group", "after"], [metric]).set_index(["group", "after"])[metric]
    return {g: (p.get((g, False), np.nan), p.get((g, True), np.nan)) for g in ("pilot ports", "control ports")}


def _pilot_scenario(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Rows of the first scenario that has pilots (all rows when there is none)."""
    with_pilots = F.scenario_order(quarterly.loc[F.as_bool(quarterly["pilot"]), "scenario"])
    return quarterly[quarterly["scenario"] == with_pilots[0]] if with_pilots else quarterly


def timeseries(q: pd.DataFrame) -> str:
    first, q = F.first_pilot_quarter(q), _pilot_scenario(q)
    if first is None:
        p = pooled(q, ["quarter"], ["release_time_mean_h"]).set_index("quarter")["release_time_mean_h"]
        return (f"Lines are means over replications, bands 95% CIs; mean release time across all ports ranged "
                f"from {num(p.min(), 'h')} ({p.idxmin()}) to {num(p.max(), 'h')} ({p.idxmax()}).")
    ch = _change(q, "release_time_mean_h", first)
    return (f"Lines are means over replications, bands 95% CIs, dashed line the rollout; in {q['scenario'].iat[0]} "
            f"mean release time at pilot ports went from {num(ch['pilot ports'][0], 'h')} before {first} to "
            f"{num(ch['pilot ports'][1], 'h')} from {first} on, at control ports from "
            f"{num(ch['control ports'][0], 'h')} to {num(ch['control ports'][1], 'h')}.")


def experience(q: pd.DataFrame) -> str:
    cols = list(F.EXPERIENCE_SERIES)
    p = pooled(q, ["scenario"], cols).set_index("scenario")
    said = "; ".join(f"{s}: {r['satisfaction_share']:.0%} of surveyed traders satisfied, disputes "
                     f"{r['dispute_return_rate']:.0%} of corrections, replies within the service level "
                     f"{r['sla_reply_compliance']:.0%}, fixes {r['sla_fix_compliance']:.0%}"
                     for s, r in p.loc[F.scenario_order(p.index)].iterrows())
    return f"Lines are means over replications, bands 95% CIs; ratios pooled over ports as sums. {said}."


def observed(q: pd.DataFrame) -> str:
    scenario = F.scenario_order(q["scenario"])[-1]  # the scenario besides the baseline, if any
    q = q[q["scenario"] == scenario]
    p = pooled(q, ["scenario"], ["hit_rate", "detection_rate", "seized", "violations"]).iloc[0]
    cells = q.groupby(["replication", "quarter"]).ngroups
    return (f"Observed (dashed) against true (solid); in {scenario}, {p['hit_rate']:.1%} of inspections "
            f"found a violation, and {p['detection_rate']:.1%} of true violations were detected; "
            f"{num(p['seized'] / cells)} seizures per quarter against {num(p['violations'] / cells)} "
            f"true violations.")


def displacement(q: pd.DataFrame) -> str:
    first, q = F.first_pilot_quarter(q), _pilot_scenario(q)
    if first is None:
        per_port = q.groupby("port")["smuggling_attempts"].sum() / q.groupby(["replication", "quarter"]).ngroups
        return (f"Darker cells mean fewer attempts; most attempts at {per_port.idxmax()} "
                f"({num(per_port.max())} per quarter).")
    q = F.with_groups(q).assign(after=q["quarter"].map(F.quarter_key) >= F.quarter_key(first))
    per = q.groupby(["group", "after"])["smuggling_attempts"].mean()
    if {("pilot ports", False), ("control ports", False), ("control ports", True)} - set(per.index):
        return (f"Numbers are mean attempts per port and quarter; the run has no quarter before the pilot "
                f"({first}) or no control port, so displacement cannot be read from it.")
    return (f"Numbers are mean attempts per port and quarter; at pilot ports they went from "
            f"{num(per[('pilot ports', False)])} to {num(per[('pilot ports', True)])} from {first} on, at "
            f"control ports from {num(per[('control ports', False)])} to {num(per[('control ports', True)])} "
            f"(a rise there would suggest displacement).")


def trs(b: pd.DataFrame) -> str:
    hours = F.step_hours(b, "trs_step_by_channel")
    hours = hours[hours["scenario"] == F.scenario_order(hours["scenario"])[0]]  # the baseline if present
    totals = hours.groupby("group")["hours"].sum()
    slow = totals.idxmax()
    steps = hours[hours["group"] == slow].set_index("step")["hours"].sort_values(ascending=False)
    return (f"Bars add up to the mean release time of each group; {slow}-channel declarations take "
            f"{num(totals[slow], 'h')}, the largest steps being {F.step_name(steps.index[0])} "
            f"({num(steps.iloc[0], 'h')})" + (f" and {F.step_name(steps.index[1])} ({num(steps.iloc[1], 'h')})"
                                              if len(steps) > 1 else "")
            + f", against {num(totals.min(), 'h')} in the {totals.idxmin()} channel." + _holders(b))


def _holders(b: pd.DataFrame) -> str:
    """Who holds the goods for how long (``trs_holder`` rows, weighted by each cell's releases), if present."""
    base = b[b["scenario"] == F.scenario_order(b["scenario"])[0]]
    rows = base[base["dimension"] == "trs_holder"]
    if rows.empty:
        return ""
    cell = [k for k in ("replication", "port", "quarter") if k in base]
    released = base[(base["dimension"] == "direction") & (base["metric"] == "released")].groupby(cell)["value"].sum()
    rows = rows.join(released.rename("released"), on=cell)
    hours = (rows["value"] * rows["released"]).groupby(rows["level"], sort=False).sum() \
        / rows["released"].groupby(rows["level"], sort=False).sum()
    names = {"trader": "the trader", "customs": "customs", "agency": "other agencies"}
    return " Per released declaration the goods wait " + ", ".join(
        f"{num(h, 'h')} with {names.get(who, who)}" for who, h in hours.items()) + "."


def distribution(b: pd.DataFrame) -> str:
    pct = F.release_percentiles(b)
    parts = []
    for direction, target in F.TARGETS_H.items():
        over = pct[(pct["direction"] == direction) & (pct["p50"] > target)]["channel"].unique()
        parts.append(f"{direction} medians exceed the {target:g} h target in the "
                     f"{', '.join(over) if len(over) else 'no'} channel{'s' if len(over) != 1 else ''}")
    return "Percentiles are averaged over ports, quarters and replications; " + "; ".join(parts) + "."


def frontier(q: pd.DataFrame) -> str:
    p = F.frontier_points(q).pivot(index="scenario", columns="metric", values="mean")
    return (f"Better is up and to the left on the left panel, down and to the left on the right; least burden on "
            f"compliant traders: "
            f"{p['compliant_burden'].idxmin()}, highest detection: {p['detection_rate'].idxmax()}, "
            f"fastest release: {p['release_time_mean_h'].idxmin()}.")


def forest(c: pd.DataFrame) -> str:
    c = c[(c["quarter"].astype(str) == "all") & ~c["scenario"].map(F.is_baseline)
          & c["metric"].isin(F.key_metrics(c["metric"]))]
    c = c[c["port_group"] == ("pilot" if (c["port_group"] == "pilot").any() else "all")]
    r = c.loc[c["rel_change"].abs().idxmax()]
    sure = "excludes" if r["ci_low"] > 0 or r["ci_high"] < 0 else "includes"
    return (f"Markers left of the zero line mean the scenario lowers the metric; the largest relative change is "
            f"{r['metric']} in {r['scenario']} ({r['rel_change']:+.1%}; the 95% CI {sure} zero).")


def reforms(c: pd.DataFrame) -> str:
    rows = F.reform_rows(c)
    moved = rows.groupby(["scenario", "metric"], sort=False)["diff"].size().reset_index()
    listed = "; ".join(f"{s}: {', '.join(g['metric'])}" for s, g in moved.groupby("scenario", sort=False))
    return (f"Shown are the reform metrics with a 95% CI excluding zero in at least one quarter ({listed}); a "
            f"difference above the zero line means the scenario raises the metric in that quarter.")


def event(d: pd.DataFrame) -> str:
    e = d[(d["term"] == "event") & (d["rel_quarter"].astype(float) < -1)]
    pre = ((e["ci_low"] > 0) | (e["ci_high"] < 0)).sum()
    return (f"Coefficients left of the dashed line test for pre-trends ({pre} of {len(e)} pre-rollout "
            f"coefficients have a CI excluding zero); those to the right are the effect by quarter since rollout.")


def heatmap(c: pd.DataFrame) -> str:
    rows = F.headline_effects(c)
    rows = rows[~rows["scenario"].map(F.is_baseline) & rows["metric"].isin(F.key_metrics(rows["metric"]))]
    found = rows[rows["finding"] == "effect"]
    text = (f"Cells: relative change of each metric against the baseline at the scenario's pilot ports (all "
            f"ports without a rollout), all quarters; {len(found)} of {len(rows)} effects are findings "
            f"(framed) after the Benjamini-Hochberg adjustment")
    if len(found):
        r = found.loc[found["rel_change"].abs().idxmax()]
        text += f", the largest {r['metric']} in {r['scenario']} ({r['rel_change']:+.1%})"
    return text + "."


def grid(c: pd.DataFrame) -> str:
    points, keys = F.grid_points(c)
    metric = F.key_metrics(points["metric"], limit=4)[0]
    rows = points[points["metric"] == metric]
    r = rows.loc[rows["diff"].abs().idxmax()]
    setting = ", ".join(f"{k} = {r[k]}" for k in keys)
    title, unit, scale = F.diff_label(metric)
    return (f"Paired differences against the baseline over the grid ({', '.join(keys)}); the largest effect on "
            f"{title.lower()} is {num(r['diff'] * scale, unit)} at {setting} in {r['family']}.")


def model(q: pd.DataFrame) -> str:
    """Caption of :func:`sim.figures.targeting.model_quality`: AUC by quarter per scenario."""
    p = pooled(scored(q), ["scenario", "quarter"], ["model_auc"]).sort_values("quarter", key=lambda s: s.map(
        F.quarter_key))
    parts = [f"{s}: {' → '.join(f'{v:.2f}' for v in g['model_auc'])}" for s, g in p.groupby("scenario")]
    return ("Measured against the truth of every scored declaration (customs sees only what it checked); AUC by "
            f"quarter, {'; '.join(parts)}.")


def burden(b: pd.DataFrame, q: pd.DataFrame) -> str:
    """Caption of :func:`sim.figures.targeting.burden_by_group`: each scenario's disparities."""
    t = burden_table(b, q).drop_duplicates(["scenario", "dimension"])
    parts = [f"{s}: " + ", ".join(f"{r.dimension.replace('_', ' ')} {r.disparity:.2f}" for r in g.itertuples())
             for s, g in t.groupby("scenario")]
    where = "pilot ports in pilot quarters" if F.first_pilot_quarter(q) else "all ports and quarters"
    return (f"Inspected share of compliant declarations at the {where}, mean over replications with 95% CIs; "
            f"disparity (highest over lowest group, the numbers at each panel's right): {'; '.join(parts)}.")
