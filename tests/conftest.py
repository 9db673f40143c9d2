"""Shared fixtures, and a suite that leaves the checkout as it found it.

Tests write only under pytest's tmp paths: no bytecode (also in the processes the tests start),
no pytest cache (``-p no:cacheprovider`` in pyproject.toml), hypothesis's files in a temporary
folder; and at the
end of the session ``git status`` (ignored files included) must be what it was at the start.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402
from hypothesis.configuration import set_hypothesis_home_dir  # noqa: E402

from sim.compose import ROOT, load_config  # noqa: E402

HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="tradesim-hypothesis-")  # its caches, outside the checkout
set_hypothesis_home_dir(HYPOTHESIS_HOME)
settings.register_profile("tradesim", database=None, deadline=None)
settings.load_profile("tradesim")


def checkout_status() -> set[str] | None:
    """``git status`` of the checkout, ignored files listed one by one (the venv and the browser
    test's screenshots in CI, results/ci-artefacts, left out); None outside a git checkout."""
    try:
        run = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all", "--", ".",
                              ":(exclude).venv", ":(exclude)results/ci-artefacts"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return set(run.stdout.splitlines()) if run.returncode == 0 else None


def pytest_sessionstart(session):
    session.config.checkout_before = checkout_status()


def pytest_sessionfinish(session, exitstatus):
    """Fail the session if the tests changed the checkout (a file written outside tmp paths)."""
    shutil.rmtree(HYPOTHESIS_HOME, ignore_errors=True)
    before, after = getattr(session.config, "checkout_before", None), checkout_status()
    if before is None or after is None or after == before:
        return
    changed = sorted(after ^ before)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.ensure_newline()
        reporter.write_line(f"FAILED: the test suite changed the checkout (write under tmp_path only): {changed[:20]}",
                            red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def compose():
    """Compose a validated Config from Hydra overrides, as `tradesim run` does."""
    def _compose(*overrides: str):
        cfg, _ = load_config(list(overrides))
        return cfg
    return _compose


@pytest.fixture(scope="session")
def smoke_baseline():
    """The baseline in the smoke setting (2024Q4, 2025Q1): what the reforms' direction tests
    compare with (tests/test_training.py, test_local_declaration.py, test_intl_risk_sharing.py)."""
    from tests.helpers import run
    return run("run=smoke")
