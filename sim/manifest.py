"""manifest.json: what produced a run (version, commit, seeds, timing, environment, policies)."""
from __future__ import annotations

import importlib.metadata
import platform
import subprocess
from pathlib import Path

from sim.config import Config
from sim.version import __version__

PACKAGES = ("mesa", "simpy", "numpy", "pandas", "pyarrow", "scipy", "hydra-core", "matplotlib", "optuna", "SALib")


def git_commit(folder: Path) -> str | None:
    """The commit of the source tree, with ``-dirty`` if it has changes; None outside git."""
    try:
        run = lambda *a: subprocess.run(["git", *a], cwd=folder, capture_output=True, text=True,  # noqa: E731
                                        timeout=5)
        head = run("rev-parse", "HEAD")
        if head.returncode:
            return None
        dirty = run("status", "--porcelain", "--untracked-files=no").stdout.strip()
        return head.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def build_manifest(cfg: Config, policies: list[dict], seeds: dict, wall_s: float) -> dict:
    return {
        "tradesim_version": __version__,
        "git_commit": git_commit(Path(__file__).resolve().parent),
        "scenario": cfg.scenario,
        "seeds": seeds,
        "replications": cfg.run.replications,
        "workers": cfg.run.workers,
        "wall_time_s": round(wall_s, 3),
        "versions": versions(),
        "policies_in_order": policies,
    }
