"""The report of a run, sweep or comparison folder: every figure that applies, report.md and report.html.

Reads only saved tables (``quarterly``, ``breakdown``, ``agents``, ``comparison``, ``did``, as
.parquet or .csv, or spread over ``runs/*/``); never imports or runs the model. The figure plan
is data (:mod:`sim.report.plan`), captions are computed from the tables
(:mod:`sim.report.captions`), sections and summaries are Markdown (:mod:`sim.report.sections`,
:mod:`sim.report.effects`, :mod:`sim.report.summaries`), rendered to HTML by
:mod:`sim.report.render`; :mod:`sim.output` writes every file. The same folder gives the same bytes.

A sweep folder's table (one ``job`` column) is reported per job: each job is its own scenario.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim import figures as F
from sim import output
from sim.analysis.sweep import job_labels
from sim.report.plan import PlannedFigure, plan
from sim.report.render import to_html
from sim.report.sections import comparison_tables, headline_tables

TABLES = ("quarterly", "breakdown", "agents", "comparison", "did")


def _read(path: Path) -> pd.DataFrame | None:
    """A table from ``path`` with suffix .parquet or .csv (parquet preferred), else None."""
    for suffix, reader in ((".parquet", pd.read_parquet), (".csv", pd.read_csv)):
        if path.with_suffix(suffix).is_file():
            return reader(path.with_suffix(suffix))
    return None


def load_tables(folder: Path) -> dict[str, pd.DataFrame]:
    """The tables present in ``folder`` (or concatenated from ``folder/runs/*/``), not empty;
    a sweep's jobs labelled in the scenario column (``job 0: run.seed=1``)."""
    tables = {}
    for name in TABLES:
        table = _read(folder / name)
        if table is None:
            parts = [t for run in sorted(folder.glob("runs/*/")) if (t := _read(run / name)) is not None]
            table = pd.concat(parts, ignore_index=True) if parts else None
        if table is not None and len(table):
            if "quarter" in table:
                table["quarter"] = table["quarter"].astype(str)
            if "job" in table and "scenario" in table:
                table["scenario"] = job_labels(table)
            tables[name] = table
    return tables


def report_markdown(folder: Path, tables: dict[str, pd.DataFrame], drawn: list[PlannedFigure],
                    skipped: list[str]) -> str:
    """report.md: what the folder holds, headline and effect tables, every figure with its caption."""
    q = tables.get("quarterly")
    lines = [f"# tradesim report: {folder.resolve().name}", ""]
    if q is not None:
        quarters = F.quarters_sorted(q["quarter"])
        lines += [f"Scenarios: {', '.join(F.scenario_order(q['scenario']))}; {q['replication'].nunique()} "
                  f"replication(s); quarters {quarters[0]}–{quarters[-1]}; ports: "
                  f"{', '.join(dict.fromkeys(q['port']))}.", "", *headline_tables(q)]
    lines += comparison_tables(tables) + ["## Figures", ""]
    for figure in drawn:
        lines += [f"### {figure.title}", "", f"![{figure.title}](figures/{figure.name}.png)", "",
                  f"{figure.caption()} ([PDF](figures/{figure.name}.pdf))", ""]
    if skipped:
        lines += ["## Figures not drawn", "", *(f"- {s}" for s in skipped), ""]
    return "\n".join(lines)


def build_report(folder: Path) -> Path:
    """Draw every applicable figure into ``folder/figures`` and write report.md and report.html.

    Args:
        folder: A run folder (quarterly, breakdown, agents), a sweep folder or a comparison
            folder (plus comparison.csv, did.csv, and the tables of all scenarios, possibly under ``runs/``).

    Returns:
        The path of ``report.md``.

    Raises:
        FileNotFoundError: If the folder holds none of the known tables.

    """
    folder = Path(folder)
    tables = load_tables(folder)
    if not tables:
        raise FileNotFoundError(f"{folder}: no quarterly, breakdown, comparison or did table found")
    drawn, skipped = plan(tables)
    images = {f"{figure.name}.{ext}": content for figure in drawn
              for ext, content in F.figure_bytes(figure.draw()).items()}
    output.replace_files(folder / "figures", images)
    text = report_markdown(folder, tables, drawn, skipped)
    output.replace_files(folder, {"report.md": text, "report.html": to_html(text, folder.resolve().name)})
    return folder / "report.md"
