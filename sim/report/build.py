"""The report of a run, sweep or comparison folder: every figure that applies, report.md, a
self-contained report.html (figures embedded) and optionally report.pdf.

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
from sim.report.overview import executive_summary, executive_table, title
from sim.report.plan import PlannedFigure, plan
from sim.report.render import Section, to_html, to_markdown
from sim.report.resilience import report_section
from sim.report.sections import comparison_tables, headline_tables

TABLES = ("quarterly", "breakdown", "agents", "comparison", "did", "events", "event_backlog", "resilience",
          "event_phases")


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


def split_sections(lines: list[str], fold: bool = True) -> list[Section]:
    """Markdown lines cut at their ``## `` headings into sections."""
    sections: list[Section] = []
    for line in lines:
        if line.startswith("## "):
            sections.append(Section(line[3:].strip(), "", fold))
        elif sections:
            sections[-1] = Section(sections[-1].title, sections[-1].markdown + line + "\n", fold)
    return sections


def _figure(figure: PlannedFigure, level: str = "###") -> str:
    return f"{level} {figure.title}\n\n![{figure.title}](figures/{figure.name}.png)\n\n{figure.caption()}\n"


def report_sections(tables: dict[str, pd.DataFrame], drawn: list[PlannedFigure],
                    skipped: list[str]) -> list[Section]:
    """The report: the executive summary and the figures of the whole folder (open), then one
    folded section per scenario with its own pages, the detail tables and what was not drawn."""
    q = tables.get("quarterly")
    what = ""
    if q is not None:
        quarters = F.quarters_sorted(q["quarter"])
        what = (f"Scenarios: {', '.join(F.scenario_order(q['scenario']))}; {q['replication'].nunique()} "
                f"replication(s); quarters {quarters[0]}–{quarters[-1]}; ports: {', '.join(dict.fromkeys(q['port']))}.")
    sections = [Section("Summary", "\n".join([what, "", *executive_summary(tables), "Every figure is also saved "
                                               "as vector graphics in `figures/<name>.pdf`."]))]
    overview = [f for f in drawn if not f.scenario]
    if overview:
        sections.append(Section("Figures", "\n".join(_figure(f) for f in overview)))
    for scenario in dict.fromkeys(f.scenario for f in drawn if f.scenario):
        pages = [f for f in drawn if f.scenario == scenario]
        sections.append(Section(f"Scenario: {F.scenario_label(scenario)} ({scenario})",
                                "\n".join(_figure(f) for f in pages), fold=True))
    details = (headline_tables(q) if q is not None else []) + comparison_tables(tables) + report_section(tables)
    sections += split_sections(details)
    if skipped:
        sections.append(Section("Figures not drawn", "\n".join(f"- {s}" for s in skipped), fold=True))
    return sections


def build_report(folder: Path, pdf: bool = False) -> Path:
    """Draw every applicable figure into ``folder/figures`` and write report.md, a self-contained
    report.html (figures embedded) and, with ``pdf``, report.pdf.

    Args:
        folder: A run folder (quarterly, breakdown, agents), a sweep folder or a comparison
            folder (plus comparison.csv, did.csv, and the tables of all scenarios, possibly under ``runs/``).
        pdf: Also write report.pdf (title page with the executive summary, then every figure).

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
    figures = {figure.name: figure.draw() for figure in drawn}
    images = {f"{name}.{ext}": content for name, fig in figures.items()
              for ext, content in F.figure_bytes(fig).items()}
    output.replace_files(folder / "figures", images)
    heading, subtitle = title(folder, tables)
    sections = report_sections(tables, drawn, skipped)
    files = {"report.md": to_markdown(heading, subtitle, sections),
             "report.html": to_html(heading, subtitle, sections,
                                    {f"figures/{n}": b for n, b in images.items() if n.endswith(".png")})}
    if pdf:
        from sim.report.pdf import report_pdf
        files["report.pdf"] = report_pdf(heading, subtitle, executive_table(tables),
                                         [(f, figures[f.name]) for f in drawn])
    output.replace_files(folder, files)
    return folder / "report.md"
