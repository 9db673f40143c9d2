"""`tradesim report`: a sweep folder is reported per job with each job's own numbers; several
scenarios each keep their own pilot ports; the HTML is rendered from the Markdown."""
from __future__ import annotations

import base64
import re
import shutil

import pandas as pd
import pytest

from sim.cli import main
from sim.report.build import build_report
from tests.test_figures import make_breakdown, make_quarterly

SAME_UNITS = ("Mean release time", "Inspection rate", "Hit rate", "Detection rate")


def headline_rows(text: str) -> dict[str, list[str]]:
    """The first Markdown table after '## Headline metrics': first cell -> the other cells."""
    block = text.split("\n## Headline metrics\n", 1)[1].split("\n\n")[1]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in block.splitlines()]
    return {r[0]: r[1:] for r in [rows[0], *rows[2:]]}


def summary_means(summary_md: str) -> dict[str, str]:
    return {m: mean for m, mean in re.findall(r"^\| (\w+) \| ([^|]+) \|", summary_md, flags=re.M)}


def test_a_sweep_is_reported_per_job_with_each_jobs_own_numbers(tmp_path):
    sweep = tmp_path / "sweep"
    assert main(["run", "-m", "run.seed=1,2,3", "run=smoke", f"hydra.sweep.dir={sweep}"]) == 0, "the sweep runs"
    assert main(["report", str(sweep)]) == 0, "and is reported"
    rows = headline_rows((sweep / "report.md").read_text())
    header = rows.pop("scenario")
    assert len(rows) == 3, f"one headline row per job, not one pooled scenario: {list(rows)}"
    for job in ("0", "1", "2"):
        label = next(name for name in rows if name.startswith(f"job {job}:"))
        own = summary_means((sweep / job / "summary.md").read_text())
        for column, cell in zip(header, rows[label]):
            metric = {"Mean release time (hours)": "release_time_mean_h", "Inspection rate (share)": "inspection_rate",
                      "Hit rate (share)": "hit_rate", "Detection rate (share)": "detection_rate"}.get(column)
            if metric:
                assert cell.split(" [")[0] == own[metric].strip(), \
                    f"job {job}, {metric}: report {cell} vs the job's summary.md {own[metric]}"
        leakage = float(rows[label][header.index("Revenue leakage (million CNY, per quarter)")].split(" [")[0])
        assert leakage == pytest.approx(float(own["revenue_leakage"].replace(",", "")) / 1e6, rel=5e-3), \
            f"job {job}: leakage per quarter equals the job's own (4 digits shown), not three jobs pooled"


def test_each_scenario_keeps_its_own_pilot_ports(tmp_path):
    base = make_quarterly(scenarios=["baseline_2024"], pilots=False)
    a = make_quarterly(scenarios=["pilot_inspection"]).assign(scenario="sea_pilot")
    b = make_quarterly(scenarios=["pilot_inspection"]).assign(scenario="air_pilot")
    b["pilot"] = (b["port"] == "airport") & (b["quarter"] >= "2025Q1")
    folder = tmp_path / "two"
    folder.mkdir()
    pd.concat([base, a, b], ignore_index=True).to_csv(folder / "quarterly.csv", index=False)
    make_breakdown().to_parquet(folder / "breakdown.parquet", index=False)
    text = build_report(folder, pdf=True).read_text()
    assert "air_pilot: airport" in text and "sea_pilot: seaport" in text, "each scenario names its own pilot ports"
    groups = [line.split("|")[1].strip() for line in text.splitlines() if "· pilot ports ·" in line]
    assert "air_pilot · pilot ports · from 2025Q1" in groups and "sea_pilot · pilot ports · from 2025Q1" in groups, \
        f"pilot vs control per scenario: {groups}"
    assert not any(g.startswith("baseline_2024 · pilot") for g in groups), \
        "the baseline has no single pilot assignment when the scenarios' differ: reported for all ports"
    for name in ("timeseries_air_pilot", "timeseries_sea_pilot"):
        assert (folder / "figures" / f"{name}.png").is_file(), f"{name}: one figure per scenario with the baseline"
    html = (folder / "report.html").read_text()
    assert "<table>" in html and "<summary>Headline metrics</summary>" in html and "<img " in html, \
        "Markdown rendered, detail tables folded"
    assert_self_contained(folder, tmp_path)


def assert_self_contained(folder, tmp_path) -> None:
    """report.html copied alone to another folder still shows every figure; report.pdf has a title
    page, the list of figures and one page per figure."""
    alone = tmp_path / "mailed" / "report.html"
    alone.parent.mkdir()
    shutil.copy(folder / "report.html", alone)
    html = alone.read_text()
    figures = sorted((folder / "figures").glob("*.png"))
    sources = re.findall(r'<img [^>]*src="([^"]+)"', html)
    assert len(sources) == len(figures) > 0, f"every figure in the page: {len(sources)} of {len(figures)}"
    assert all(s.startswith("data:image/png;base64,") and base64.b64decode(s.split(",", 1)[1])[:4] == b"\x89PNG"
               for s in sources), "figures embedded as PNG data, not linked"
    local = re.findall(r'(?:src|href)="(?!data:|https?:|#)([^"]*)"', html)
    assert not local, f"no link to a file next to the page: {local[:3]}"
    assert html.count("<title>") == 1 and "<title>tradesim report: two</title>" in html, "titled from the folder"
    data = (folder / "report.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert data[:5] == b"%PDF-" and pages >= 2 + len(figures), \
        f"title page, figure list and {len(figures)} figure pages; got {pages} pages"
