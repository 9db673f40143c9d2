"""Explore a results folder: the data behind each chart and the chart, from saved tables only.

Every chart is one of :mod:`sim.figures`' functions (the report's), drawn on rows chosen here;
the rows are returned too, so the page can show them and export them as CSV.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from sim import figures as F
from sim import output
from sim.report.build import load_tables
from sim.report.plan import plan

# comparison.csv columns shown and exported with the effect chart, in this order
EFFECT_COLUMNS = ["scenario", "metric", "port_group", "quarter", "baseline_mean", "scenario_mean", "diff", "ci_low",
                  "ci_high", "rel_change", "n_pairs"]


@dataclass(frozen=True)
class Folder:
    """The saved tables of one run, sweep or comparison folder."""
    path: Path
    tables: dict[str, pd.DataFrame]

    @property
    def scenarios(self) -> list[str]:
        """Scenarios compared with the baseline (those of comparison.csv), else those of the quarterly table."""
        table = self.tables.get("comparison", self.tables.get("quarterly"))
        return F.scenario_order(table["scenario"]) if table is not None else []

    @property
    def metrics(self) -> list[str]:
        """Metrics of comparison.csv, the key ones first; else the report's default series."""
        c = self.tables.get("comparison")
        return list(dict.fromkeys([*F.key_metrics(c["metric"]), *c["metric"]])) if c is not None \
            else list(F.DEFAULT_SERIES)

    @property
    def port_groups(self) -> list[str]:
        c = self.tables.get("comparison")
        return list(dict.fromkeys(c["port_group"])) if c is not None else ["all"]


def open_folder(path: Path) -> Folder:
    """The tables of ``path`` as ``tradesim report`` reads them.

    Raises:
        FileNotFoundError: If the folder holds none of the known tables.

    """
    tables = load_tables(Path(path))
    if not tables:
        raise FileNotFoundError(f"{path}: no quarterly, breakdown, comparison or did table found")
    return Folder(Path(path), tables)


def effect_rows(folder: Folder, scenario: str, metric: str, port_group: str) -> pd.DataFrame:
    """The comparison rows of one scenario and metric at one port group: every quarter, then "all"."""
    c = folder.tables["comparison"]
    rows = c[(c["scenario"] == scenario) & (c["metric"] == metric) & (c["port_group"] == port_group)]
    order = {q: i for i, q in enumerate([*F.quarters_sorted(rows["quarter"][rows["quarter"] != "all"]), "all"])}
    return rows.sort_values("quarter", key=lambda s: s.map(order))[EFFECT_COLUMNS].reset_index(drop=True)


def effect_figure(folder: Folder, scenario: str, metric: str, port_group: str) -> Figure:
    """The forest plot of :func:`sim.figures.forest` for one scenario and metric (all quarters pooled)."""
    c = folder.tables["comparison"]
    return F.forest(c[c["scenario"] == scenario], port_group=port_group, metrics=[metric])


def series_rows(folder: Folder, scenario: str) -> pd.DataFrame:
    """Quarterly rows of the baseline and ``scenario`` (the timeseries chart's input)."""
    q = folder.tables["quarterly"]
    return q[q["scenario"].map(F.is_baseline) | (q["scenario"] == scenario)]


def series_figure(folder: Folder, scenario: str, metric: str) -> Figure:
    """Pilot vs control ports by quarter, baseline and ``scenario``, mean and 95% CI (:func:`F.timeseries`)."""
    return F.timeseries(series_rows(folder, scenario), metrics=[metric])


def report_figures(folder: Folder) -> dict[str, tuple[str, object]]:
    """Every figure ``tradesim report`` draws for this folder: name -> (title, draw)."""
    drawn, _ = plan(folder.tables)
    return {figure.name: (figure.title, figure.draw) for figure in drawn}


def watch_tables(path: Path) -> dict[str, pd.DataFrame]:
    """The ``watch`` tables of a folder (``tradesim run``'s, or each scenario's under ``runs/``), by scenario."""
    path, out = Path(path), {}
    for folder in [path, *sorted(path.glob("runs/*/rep_0"))]:
        if (folder / "watch.parquet").exists():
            table = output.read_tables(folder, ("watch",))["watch"]
            out[str(table["scenario"].iloc[0]) if folder == path else folder.parent.name] = table
    return out


def week_figure(watch: pd.DataFrame) -> Figure:
    """The watched port's week (:func:`sim.figures.port_week`)."""
    return F.port_week(watch)


def png(figure: Figure) -> bytes:
    """The PNG the report saves for ``figure``."""
    return F.figure_bytes(figure)["png"]
