"""The report of a run or comparison folder: every figure that applies, report.md and report.html.

Reads only saved tables (``quarterly``, ``breakdown``, ``agents``, ``comparison``, ``did``, as
.parquet or .csv, or spread over ``runs/*/``); never imports or runs the model. Output is
deterministic: the same folder gives the same bytes, written via temporary names.
"""
from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from sim import figures as F

TABLES = ("quarterly", "breakdown", "agents", "comparison", "did")
HEADLINE = ("release_time_mean_h", "inspection_rate", "hit_rate", "detection_rate", "revenue_leakage")
TITLES = {
    "timeseries": "Headline metrics by quarter",
    "forest": "Paired differences against the baseline",
    "event_study": "Event study around the rollout",
    "trs_decomposition": "Where the release time goes (Time Release Study)",
    "release_time_distribution": "Release-time distribution against the 2024 targets",
    "observed_vs_true": "What customs observes vs what is true",
    "displacement": "Smuggling attempts by port and quarter",
    "tradeoff_frontier": "Trade-offs between scenarios",
}


def _read(path: Path) -> pd.DataFrame | None:
    """A table from ``path`` with suffix .parquet or .csv (parquet preferred), else None."""
    for suffix, reader in ((".parquet", pd.read_parquet), (".csv", pd.read_csv)):
        if path.with_suffix(suffix).is_file():
            return reader(path.with_suffix(suffix))
    return None


def load_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The tables present in ``folder`` (or concatenated from ``folder/runs/*/``).

    Args:
        folder: A run folder or a comparison folder.

    Returns:
        Mapping table name -> DataFrame, only for tables found and not empty.

    """
    tables = {}
    for name in TABLES:
        table = _read(folder / name)
        if table is None:
            parts = [t for run in sorted(folder.glob("runs/*/")) if (t := _read(run / name)) is not None]
            table = pd.concat(parts, ignore_index=True) if parts else None
        if table is not None and len(table):
            if "quarter" in table:
                table["quarter"] = table["quarter"].astype(str)
            tables[name] = table
    return tables


def _num(value: float, unit: str = "") -> str:
    """Readable numbers: thousands separators for large values, 3-4 significant digits otherwise."""
    if value is None or not np.isfinite(value):
        return "n/a"
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.3g}"
    return f"{text} {unit}".strip()


def _pct(value: float) -> str:
    """A relative change as a signed percentage, n/a when undefined."""
    return f"{value:+.1%}" if value is not None and np.isfinite(value) else "n/a"


def _cell(row: pd.Series, scale: float = 1.0) -> str:
    """``mean [ci_low, ci_high]`` of a row of :func:`sim.figures.mean_ci`."""
    ci = "" if not np.isfinite(row["ci_low"]) else f" [{_num(row['ci_low'] * scale)}, {_num(row['ci_high'] * scale)}]"
    return f"{_num(row['mean'] * scale)}{ci}"


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Markdown table lines (first column left-aligned, the rest right-aligned)."""
    return ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|",
            *("| " + " | ".join(r) + " |" for r in rows)]


def headline(quarterly: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Headline metrics per ``by`` across replications: all ports and quarters pooled, leakage per quarter."""
    per_rep = F.pool(quarterly, [*by, "replication"], HEADLINE)
    n_quarters = quarterly.groupby(by)["quarter"].nunique().rename("nq").reset_index().astype({k: str for k in by})
    per_rep = per_rep.merge(n_quarters, on=by)
    per_rep["revenue_leakage"] /= per_rep.pop("nq")
    return F.mean_ci(per_rep, by, HEADLINE)


def headline_tables(quarterly: pd.DataFrame) -> list[str]:
    """Markdown: headline metrics per scenario, and per port group before/after rollout with pilots."""
    header = [f"{F.label(m)[0]} ({F.label(m)[1]}{', per quarter' if m == 'revenue_leakage' else ''})"
              for m in HEADLINE]
    out = ["## Headline metrics", "", "Mean over replications and 95% CI (t), all ports and quarters "
           "pooled (rates weighted by their counts); revenue leakage summed over ports, per quarter.", ""]
    table = headline(quarterly, ["scenario"]).set_index(["scenario", "metric"])
    rows = [[s, *(_cell(table.loc[(s, m)], F.label(m)[2]) for m in HEADLINE)]
            for s in F.scenario_order(quarterly["scenario"])]
    out += _md_table(["scenario", *header], rows) + [""]
    first = F.first_pilot_quarter(quarterly)
    if first is not None:
        q = F.with_groups(quarterly)
        q["period"] = np.where(q["quarter"].map(F.quarter_key) < F.quarter_key(first), f"before {first}",
                               f"from {first}")
        table = headline(q, ["scenario", "group", "period"])
        keys = table[["scenario", "group", "period"]].drop_duplicates().sort_values(
            ["scenario", "group", "period"], key=lambda s: s.map(lambda v: (v.startswith("from"), v)))
        table = table.set_index(["scenario", "group", "period", "metric"])
        rows = [[f"{s} · {g} · {p}", *(_cell(table.loc[(s, g, p, m)], F.label(m)[2]) for m in HEADLINE)]
                for s, g, p in keys.itertuples(index=False)]
        out += ["## Pilot and control ports, before and after the rollout", "",
                f"Pilot ports: {', '.join(F.pilot_ports(quarterly))}; first pilot quarter {first}.", ""]
        out += _md_table(["scenario · ports · period", *header], rows) + [""]
    return out


def comparison_tables(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Markdown tables of ``comparison.csv`` (quarter "all") and the DiD estimates of ``did.csv``."""
    out = []
    if "comparison" in tables:
        c = tables["comparison"]
        c = c[(c["quarter"].astype(str) == "all") & c["metric"].isin(F.key_metrics(c["metric"]))]
        c = c.assign(_g=c["port_group"].map({"pilot": 0, "control": 1, "all": 2}),
                     _m=c["metric"].map({m: i for i, m in enumerate(F.key_metrics(c["metric"]))}))
        rows = [[f"{r.scenario} · {r.port_group}", r.metric, _num(r.baseline_mean), _num(r.scenario_mean),
                 f"{_num(r.diff)} [{_num(r.ci_low)}, {_num(r.ci_high)}]", _pct(r.rel_change), str(r.n_pairs)]
                for r in c.sort_values(["scenario", "_g", "_m"]).itertuples()]
        out += ["## Comparison with the baseline", "", "Paired differences scenario − baseline over "
                "replications with common random numbers, all quarters pooled (counts and amounts are "
                "totals over the quarters); 95% CI; key metrics only, see comparison.csv for all.", ""]
        out += _md_table(["scenario · ports", "metric", "baseline", "scenario", "difference [95% CI]",
                          "relative", "pairs"], rows) + [""]
    if "did" in tables and (tables["did"]["term"] == "did").any():
        d = tables["did"]
        rows = [[r.scenario, r.metric, f"{_num(r.estimate)} [{_num(r.ci_low)}, {_num(r.ci_high)}]", str(r.n)]
                for r in d[d["term"] == "did"].itertuples()]
        out += ["## Difference-in-differences", ""]
        out += _md_table(["scenario", "metric", "estimate [95% CI]", "n"], rows) + [""]
    return out


def _change(quarterly: pd.DataFrame, metric: str, first: str) -> dict[str, tuple[float, float]]:
    """Pooled ``metric`` per port group before and from the quarter ``first``."""
    q = F.with_groups(quarterly)
    q["after"] = (q["quarter"].map(F.quarter_key) >= F.quarter_key(first)).astype(str)
    p = F.pool(q, ["group", "after"], [metric]).set_index(["group", "after"])[metric]
    return {g: (p.get((g, "False"), np.nan), p.get((g, "True"), np.nan)) for g in ("pilot ports", "control ports")}


def _pilot_scenario(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Rows of the first scenario that has pilots (all rows when there is none)."""
    with_pilots = F.scenario_order(quarterly.loc[F.as_bool(quarterly["pilot"]), "scenario"])
    return quarterly[quarterly["scenario"] == with_pilots[0]] if with_pilots else quarterly


def say_timeseries(q: pd.DataFrame) -> str:
    first, q = F.first_pilot_quarter(q), _pilot_scenario(q)
    if first is None:
        p = F.pool(q, ["quarter"], ["release_time_mean_h"]).set_index("quarter")["release_time_mean_h"]
        return (f"Lines are means over replications, bands 95% CIs; mean release time across all ports ranged "
                f"from {_num(p.min(), 'h')} ({p.idxmin()}) to {_num(p.max(), 'h')} ({p.idxmax()}).")
    ch = _change(q, "release_time_mean_h", first)
    return (f"Lines are means over replications, bands 95% CIs, dashed line the rollout; in {q['scenario'].iat[0]} "
            f"mean release time at pilot ports went from {_num(ch['pilot ports'][0], 'h')} before {first} to "
            f"{_num(ch['pilot ports'][1], 'h')} from {first} on, at control ports from "
            f"{_num(ch['control ports'][0], 'h')} to {_num(ch['control ports'][1], 'h')}.")


def say_observed(q: pd.DataFrame) -> str:
    scenario = F.scenario_order(q["scenario"])[-1]  # the scenario besides the baseline, if any
    q = q[q["scenario"] == scenario]
    p = F.pool(q, ["scenario"], ["hit_rate", "detection_rate", "seized", "violations"]).iloc[0]
    cells = q.groupby(["replication", "quarter"]).ngroups
    return (f"Observed (dashed) against true (solid); in {scenario}, {p['hit_rate']:.1%} of inspections "
            f"found a violation, and {p['detection_rate']:.1%} of true violations were detected; "
            f"{_num(p['seized'] / cells)} seizures per quarter against {_num(p['violations'] / cells)} "
            f"true violations.")


def say_displacement(q: pd.DataFrame) -> str:
    first, q = F.first_pilot_quarter(q), _pilot_scenario(q)
    if first is None:
        per_port = q.groupby("port")["smuggling_attempts"].sum() / q.groupby(["replication", "quarter"]).ngroups
        return (f"Darker cells mean fewer attempts; most attempts at {per_port.idxmax()} "
                f"({_num(per_port.max())} per quarter).")
    q = F.with_groups(q).assign(after=q["quarter"].map(F.quarter_key) >= F.quarter_key(first))
    per = q.groupby(["group", "after"])["smuggling_attempts"].mean()
    return (f"Numbers are mean attempts per port and quarter; at pilot ports they went from "
            f"{_num(per[('pilot ports', False)])} to {_num(per[('pilot ports', True)])} from {first} on, at "
            f"control ports from {_num(per[('control ports', False)])} to {_num(per[('control ports', True)])} "
            f"(a rise there would suggest displacement).")


def say_trs(b: pd.DataFrame) -> str:
    hours = F.step_hours(b, "trs_step_by_channel")
    hours = hours[hours["scenario"] == F.scenario_order(hours["scenario"])[0]]  # the baseline if present
    totals = hours.groupby("group")["hours"].sum()
    slow = totals.idxmax()
    step = hours[hours["group"] == slow].set_index("step")["hours"].drop("lodging", errors="ignore")
    return (f"Bars add up to the mean release time of each group; {slow}-channel declarations take "
            f"{_num(totals[slow], 'h')}, the largest step after lodging being {step.idxmax().replace('_', ' ')} "
            f"({_num(step.max(), 'h')}), against {_num(totals.min(), 'h')} in the {totals.idxmin()} channel.")


def say_distribution(b: pd.DataFrame) -> str:
    pct = F.release_percentiles(b)
    parts = []
    for direction, target in F.TARGETS_H.items():
        over = pct[(pct["direction"] == direction) & (pct["p50"] > target)]["channel"].unique()
        parts.append(f"{direction} medians exceed the {target:g} h target in the "
                     f"{', '.join(over) if len(over) else 'no'} channel{'s' if len(over) != 1 else ''}")
    return "Percentiles are averaged over ports, quarters and replications; " + "; ".join(parts) + "."


def say_frontier(q: pd.DataFrame) -> str:
    p = F.frontier_points(q).pivot(index="scenario", columns="metric", values="mean")
    return (f"Better is up and to the left on the left panel, down and to the left on the right; least burden on "
            f"compliant traders: "
            f"{p['compliant_burden'].idxmin()}, highest detection: {p['detection_rate'].idxmax()}, "
            f"fastest release: {p['release_time_mean_h'].idxmin()}.")


def say_forest(c: pd.DataFrame) -> str:
    c = c[(c["quarter"].astype(str) == "all") & ~c["scenario"].map(F.is_baseline)
          & c["metric"].isin(F.key_metrics(c["metric"]))]
    c = c[c["port_group"] == ("pilot" if (c["port_group"] == "pilot").any() else "all")]
    r = c.loc[c["rel_change"].abs().idxmax()]
    sure = "excludes" if r["ci_low"] > 0 or r["ci_high"] < 0 else "includes"
    return (f"Markers left of the zero line mean the scenario lowers the metric; the largest relative change is "
            f"{r['metric']} in {r['scenario']} ({r['rel_change']:+.1%}; the 95% CI {sure} zero).")


def say_event(d: pd.DataFrame) -> str:
    e = d[(d["term"] == "event") & (d["rel_quarter"].astype(float) < -1)]
    pre = ((e["ci_low"] > 0) | (e["ci_high"] < 0)).sum()
    return (f"Coefficients left of the dashed line test for pre-trends ({pre} of {len(e)} pre-rollout "
            f"coefficients have a CI excluding zero); those to the right are the effect by quarter since rollout.")


def per_scenario(q: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """(file suffix, title suffix, rows): the whole table, or, with several scenarios besides the
    baseline, each of them together with the baseline (pilot ports are then that scenario's)."""
    others = [s for s in F.scenario_order(q["scenario"]) if not F.is_baseline(s)]
    if len(others) < 2:
        return [("", "", q)]
    base = q["scenario"].map(F.is_baseline)
    return [(f"_{re.sub(r'[^A-Za-z0-9_.-]+', '_', s)}", f": {s}", q[base | (q["scenario"] == s)]) for s in others]


def plan(tables: dict[str, pd.DataFrame]) -> tuple[list[tuple[str, str, Callable, Callable]], list[str]]:
    """The figures that apply to ``tables`` (name, title, draw, caption) and why the others were skipped."""
    colours = F.scenario_colours(pd.concat([t["scenario"] for t in tables.values() if "scenario" in t]))
    q, b, c, d = (tables.get(k) for k in ("quarterly", "breakdown", "comparison", "did"))
    has = lambda t, col, value: t is not None and (t[col].astype(str) == value).any()  # noqa: E731
    drawn, skipped = [], []

    def add(name: str, ok: bool, draw: Callable, say: Callable, why: str, suffix: tuple = ("", "")) -> None:
        if ok:
            drawn.append((name + suffix[0], TITLES[name] + suffix[1], draw, say))
        else:
            skipped.append(f"`{name}`: {why}")

    subsets = per_scenario(q) if q is not None else [("", "", None)]
    for *suffix, rows in subsets:
        add("timeseries", q is not None, partial(F.timeseries, rows, colours=colours),
            partial(say_timeseries, rows), "no quarterly table", suffix)
    add("forest", has(c, "quarter", "all"), partial(F.forest, c, colours=colours), partial(say_forest, c),
        "no comparison.csv")
    add("event_study", has(d, "term", "event"), partial(F.event_study, d, colours=colours), partial(say_event, d),
        "no did.csv with event-study terms")
    add("trs_decomposition", has(b, "dimension", "trs_step_by_channel"), partial(F.trs_decomposition, b),
        partial(say_trs, b), "no TRS steps in the breakdown table")
    add("release_time_distribution", has(b, "dimension", "release_time_by_group"),
        partial(F.release_time_distribution, b, colours=colours), partial(say_distribution, b),
        "no release-time percentiles in the breakdown table")
    for *suffix, rows in subsets:
        add("observed_vs_true", q is not None, partial(F.observed_vs_true, rows, colours=colours),
            partial(say_observed, rows), "no quarterly table", suffix)
    for *suffix, rows in subsets:
        add("displacement", q is not None and rows["smuggling_attempts"].sum() > 0, partial(F.displacement, rows),
            partial(say_displacement, rows), "no smuggling attempts recorded", suffix)
    add("tradeoff_frontier", q is not None and q["scenario"].nunique() > 1,
        partial(F.tradeoff_frontier, q, colours=colours), partial(say_frontier, q), "needs at least two scenarios")
    return drawn, list(dict.fromkeys(skipped))


def _write(path: Path, text: str) -> None:
    """Write ``text`` via a temporary name."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def build_report(folder: Path) -> Path:
    """Draw every applicable figure into ``folder/figures`` and write report.md and report.html.

    Args:
        folder: A run folder (quarterly, breakdown, agents) or a comparison folder (plus
            comparison.csv, did.csv, and the tables of all scenarios, possibly under ``runs/``).

    Returns:
        The path of ``report.md``.

    Raises:
        FileNotFoundError: If the folder holds none of the known tables.

    """
    folder = Path(folder)
    tables = load_tables(folder)
    if not tables:
        raise FileNotFoundError(f"{folder}: no quarterly, breakdown, comparison or did table found")
    (folder / "figures").mkdir(exist_ok=True)
    drawn, skipped = plan(tables)
    q = tables.get("quarterly")
    lines = [f"# tradesim report: {folder.resolve().name}", ""]
    if q is not None:
        lines += [f"Scenarios: {', '.join(F.scenario_order(q['scenario']))}; {q['replication'].nunique()} "
                  f"replication(s); quarters {F.quarters_sorted(q['quarter'])[0]}–"
                  f"{F.quarters_sorted(q['quarter'])[-1]}; ports: {', '.join(dict.fromkeys(q['port']))}.", ""]
        lines += headline_tables(q)
    lines += comparison_tables(tables) + ["## Figures", ""]
    for name, title, draw, say in drawn:
        F.save(draw(), folder / "figures" / name)
        lines += [f"### {title}", "", f"![{title}](figures/{name}.png)", "",
                  f"{say()} ([PDF](figures/{name}.pdf))", ""]
    if skipped:
        lines += ["## Figures not drawn", "", *(f"- {s}" for s in skipped), ""]
    text = "\n".join(lines)
    _write(folder / "report.md", text)
    _write(folder / "report.html", to_html(text, folder.resolve().name))
    return folder / "report.md"


def _inline(text: str) -> str:
    """Escape HTML, then render `code`, images and links of one markdown line."""
    text = html.escape(text, quote=False)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"!\[([^\]]*)\]\(([^)]+)\)", r'<img src="\2" alt="\1">', text)
    return re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', text)


def to_html(markdown: str, title: str) -> str:
    """Minimal HTML for the markdown subset the report uses (headings, tables, lists, images)."""
    body, table = [], []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip("|").split("|")])
            continue
        if table:
            head, *rows = [r for r in table if not set("".join(r)) <= set("-:")]
            body.append("<table><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head) + "</tr>"
                        + "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in r) + "</tr>" for r in rows)
                        + "</table>")
            table = []
        if match := re.match(r"(#{1,6}) (.*)", line):
            level = len(match[1])
            body.append(f"<h{level}>{_inline(match[2])}</h{level}>")
        elif line.startswith("- "):
            body.append(f"<ul><li>{_inline(line[2:])}</li></ul>")
        elif line.strip():
            body.append(f"<p>{_inline(line)}</p>")
    style = ("body{font-family:sans-serif;max-width:60em;margin:auto}img{max-width:100%}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
             "td:first-child,th:first-child{text-align:left}")
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
