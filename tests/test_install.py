"""A built wheel ships the library (configs, scenarios, experiments) as package data: installed
without the source folder, tradesim runs from any folder."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from sim.compose import ROOT

SOURCES = ("sim", "configs", "experiments", "scenarios", "pyproject.toml", "README.md")


@pytest.mark.slow
def test_a_wheel_runs_without_the_source_folder(tmp_path):
    source = tmp_path / "source"
    for name in SOURCES:  # a copy: building writes build/ and *.egg-info next to the sources
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, source / name, **({"symlinks": True, "ignore": shutil.ignore_patterns("__pycache__")}
                                            if copy is shutil.copytree else {}))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path / "dist"), str(source)], capture_output=True, text=True)
    assert built.returncode == 0, f"the wheel builds: {built.stderr[-800:]}"
    wheel = next((tmp_path / "dist").glob("tradesim-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in ("sim/library/configs/config.yaml", "sim/library/configs/scenario/baseline_2024.yaml",
                    "sim/library/configs/world/default.yaml", "sim/library/experiments/smoke_pilot.yaml",
                    "sim/style/tradesim.mplstyle"):
        assert shipped in names, f"{shipped} in the wheel"
    site, work = tmp_path / "site", tmp_path / "elsewhere"
    zipfile.ZipFile(wheel).extractall(site)
    work.mkdir()
    code = ("import sys, sim; assert sim.__file__.startswith(sys.argv[1]), sim.__file__; "
            "from sim.cli import main; sys.exit(main(sys.argv[2:]))")
    for args in (["run", "run=smoke"], ["list", "experiments"]):
        ran = subprocess.run([sys.executable, "-c", code, str(site), *args], cwd=work, capture_output=True,
                             text=True, env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"})
        assert ran.returncode == 0, f"tradesim {' '.join(args)} from the wheel alone: {ran.stderr[-800:]}"
    assert "smoke_pilot" in ran.stdout, "the shipped experiments are listed"
    assert list((work / "results" / "runs" / "baseline_2024").glob("*/manifest.json")), \
        "the run wrote its folder under the current folder"
