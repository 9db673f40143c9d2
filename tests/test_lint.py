"""The code style is checked like the behaviour: ruff (configured in pyproject.toml) is clean."""
from __future__ import annotations

import subprocess
import sys

from sim.compose import ROOT


def test_ruff_finds_nothing():
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "sim", "tests"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, f"ruff check sim tests:\n{run.stdout}{run.stderr}"
