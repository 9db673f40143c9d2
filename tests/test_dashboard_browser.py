"""``tradesim dashboard`` in a real browser (headless Chromium driven by Playwright): open a saved
comparison, pick a scenario and a metric, check the chart's rows against comparison.csv, try a bad
lever value (the CLI's message, nothing started), then run a setting to the end, watching a port,
and look at the watched week.

Skipped, with the reason, when solara, playwright or a Chromium executable is missing (Debian:
``apt-get install chromium``; or set TRADESIM_CHROMIUM to the executable). Screenshots go to
``$TRADESIM_ARTEFACTS`` if set (outside the checkout), else under the test's tmp_path.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main
from sim.dashboard.explore import EFFECT_COLUMNS

pytest.importorskip("solara", reason="the dashboard extra is not installed: pip install 'tradesim[dashboard]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the dev extra has it)")
CHROMIUM = os.environ.get("TRADESIM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(  # .ci/run installs chromium, so CI runs this test
    not CHROMIUM, reason="no chromium executable on PATH (apt-get install chromium, or set TRADESIM_CHROMIUM)")
SCENARIO, METRIC, LEVER = "inspection_targeting", "detection_rate", "inspection_rate"


@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Path:
    """A saved smoke comparison: the targeting pilot, 2 replications of run=smoke (2 quarters)."""
    folder = tmp_path_factory.mktemp("dashboard") / "compare"
    code = main(["compare", f"scenarios=[{SCENARIO}]", "run=smoke", "run.replications=2", "placebo=false",
                 "report=false", f"hydra.run.dir={folder}"])
    assert code == 0, "the smoke comparison runs"
    return folder


@pytest.fixture(scope="module")
def server(comparison):
    """``tradesim dashboard DIR out=...`` in its own process; its URL once it answers."""
    out = comparison.parent / "trials"
    proc = subprocess.Popen([sys.executable, "-c", "from sim.cli import entry; entry()", "dashboard",
                             str(comparison), f"out={out}"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert url, f"the command prints the address it serves; got {line!r}"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url.group(0), timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "the dashboard answers within 2 minutes"
                time.sleep(0.5)
        yield url.group(0), out
    finally:
        proc.terminate()
        proc.wait(30)


def pick(page, select: str, value: str) -> None:
    """Choose ``value`` in the Vuetify select with class ``select``."""
    page.locator(f".{select} .v-select__slot").click()
    page.locator(".menuable__content__active .v-list-item", has_text=re.compile(f"^{re.escape(value)}$")).click()
    page.locator(f".{select}", has_text=value).wait_for()


def shown_rows(page) -> pd.DataFrame:
    """The rows of the effect chart's data table as shown on the page."""
    cells = page.eval_on_selector_all(".data-effect table tr", "rows => rows.map(r => "
                                      "Array.from(r.querySelectorAll('th,td')).map(c => c.textContent.trim()))")
    return pd.DataFrame(cells[1:], columns=cells[0])


def test_dashboard_in_a_browser(server, comparison, tmp_path):
    url, out = server
    shots = Path(os.environ.get("TRADESIM_ARTEFACTS") or tmp_path) / "dashboard"
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(60_000)
        page.goto(url)
        pick(page, "pick-scenario", SCENARIO)
        pick(page, "pick-metric", METRIC)
        page.locator(".data-effect td", has_text=re.compile(f"^{METRIC}$")).first.wait_for()
        page.locator(".chart-effect").wait_for()
        saved = pd.read_csv(comparison / "comparison.csv")
        want = saved[(saved["scenario"] == SCENARIO) & (saved["metric"] == METRIC) & (saved["port_group"] == "pilot")]
        got = shown_rows(page)
        assert list(got.columns) == EFFECT_COLUMNS, f"the chart's data has the comparison columns; got {got.columns}"
        assert set(got["scenario"]) == {SCENARIO} and set(got["metric"]) == {METRIC}, "the rows of the choice"
        assert sorted(got["quarter"]) == sorted(want["quarter"].astype(str)), "one row per quarter of comparison.csv"
        merged = got.merge(want.astype({"quarter": str}), on="quarter", suffixes=("", "_csv"))
        for column in ("baseline_mean", "scenario_mean", "diff", "ci_low", "ci_high"):
            shown, saved_values = merged[column].astype(float), merged[f"{column}_csv"].astype(float)
            assert ((shown - saved_values).abs() <= 1e-9 * saved_values.abs().clip(lower=1)).all(), \
                f"{column}: the chart's data equals comparison.csv: {list(shown)} vs {list(saved_values)}"
        page.screenshot(path=str(shots / "explore.png"), full_page=False)

        page.get_by_role("tab", name="Try a setting").click()
        pick(page, "trial-scenario", SCENARIO)
        lever = page.locator(f".lever-{LEVER} input")
        lever.fill("1.5")
        lever.press("Enter")
        page.locator(".trial-run").click()
        error = page.locator(".trial-error")
        error.wait_for()
        assert error.inner_text().strip() == f"tradesim: error: policy.targeting.params.{LEVER}: must be in [0, 1]; " \
                                             "got 1.5", f"a bad lever shows the CLI's line; got {error.inner_text()!r}"
        assert not out.exists() or not any(out.iterdir()), "a bad lever value starts nothing"
        page.screenshot(path=str(shots / "bad_lever.png"))

        lever.fill("0.05")
        lever.press("Enter")
        page.locator(".trial-replications input").fill("1")
        page.locator(".trial-replications input").press("Enter")
        pick(page, "trial-watch-port", "seaport")
        page.locator(".trial-run").click()
        page.locator(".trial-progress").wait_for()
        page.screenshot(path=str(shots / "running.png"))
        page.locator(".trial-done").wait_for(timeout=300_000)
        page.screenshot(path=str(shots / "trial_done.png"))
        page.get_by_role("button", name="Explore these results").click()
        page.get_by_role("tab", name="Watch a port").click()
        page.locator(".chart-week").wait_for()
        page.wait_for_timeout(1000)  # the tab's slide-in, for the screenshot
        shown = page.eval_on_selector_all(".data-week table tbody tr", "rows => rows.length")
        page.screenshot(path=str(shots / "watch.png"))
        browser.close()
    assert shown == 168 * 4, f"the watched week of the trial: 168 hours x 4 roles; got {shown} rows"
    (folder,) = list(out.iterdir())
    ran = pd.read_csv(folder / "comparison.csv")
    assert set(ran["scenario"]) == {f"{SCENARIO}__{LEVER}=0.05"}, "the trial compared the changed scenario"
    assert (shots / "explore.png").stat().st_size > 10_000, "a screenshot of the explore tab was saved"
