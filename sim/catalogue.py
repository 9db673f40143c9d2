"""`tradesim list`: scenarios, policies and config presets with one-line descriptions."""
from __future__ import annotations

from pathlib import Path

import yaml

from sim.policies import REGISTRY


def _first_comment(path: Path) -> str:
    """The first comment line of a YAML file that is not a Hydra directive."""
    for line in path.read_text().splitlines():
        text = line.lstrip("# ").strip()
        if line.startswith("#") and text and not text.startswith("@package"):
            return text
    return ""


def _scenario_line(path: Path) -> str:
    data = yaml.safe_load(path.read_text()) or {}
    return data.get("description") or _first_comment(path)


def catalogue(root: Path) -> str:
    lines = ["scenarios (scenario=NAME):"]
    for path in sorted((root / "scenarios").glob("*.yaml")):
        lines.append(f"  {path.stem:<28} {_scenario_line(path)}")
    lines.append("policies (policy.NAME.params / policy.NAME.rollout):")
    for name, cls in sorted(REGISTRY.items()):
        lines.append(f"  {name:<28} {cls.description}")
    for group in ("world", "population", "policy", "run"):
        lines.append(f"{group} presets ({group}=NAME):")
        for path in sorted((root / "configs" / group).glob("*.yaml")):
            lines.append(f"  {path.stem:<28} {_first_comment(path)}")
    return "\n".join(lines)
