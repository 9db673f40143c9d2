"""Calibrated presets: the calibrated values as config presets a user selects.

One small preset per config group the parameters touch (``world``, ``population``), written as
``presets/<group>/<name>.yaml``: it starts from the preset the calibration ran with (its defaults
list names it, so every other value keeps its source) and sets the calibrated values, each with a
comment giving its declared range and source, plus the settings the command line changed in that
group. Select it with ``population=<folder>/presets/population/<name>.yaml`` or copy it into
``configs/population/`` and select ``population=<name>``.
"""
from __future__ import annotations

import dataclasses
from typing import Any

import yaml

from sim.calibration.parameters import Parameter
from sim.config import Config

GROUPS = ("world", "population")


def _nest(flat: dict[str, tuple[float, str]]) -> dict:
    tree: dict = {}
    for path, value in flat.items():
        *parents, leaf = path.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return tree


def _dump(tree: dict, indent: int = 0) -> list[str]:
    """YAML lines of a nested mapping whose leaves are (value, comment)."""
    lines = []
    for key, value in tree.items():
        if isinstance(value, dict):
            lines += [f"{' ' * indent}{key}:", *_dump(value, indent + 2)]
        else:
            text = yaml.safe_dump(value[0], default_flow_style=True).strip().removesuffix("...").strip()
            lines.append(f"{' ' * indent}{key}: {text}" + (f"  # {value[1]}" if value[1] else ""))
    return lines


def _cli_settings(cfg: Config, overrides: list[str], group: str, skip: set[str]) -> dict[str, tuple[Any, str]]:
    """``group.key=value`` settings of the command line (not calibrated ones), with their values in ``cfg``."""
    out = {}
    tree = dataclasses.asdict(cfg)
    for line in overrides:
        key = line.partition("=")[0].lstrip("+")
        if not key.startswith(f"{group}.") or key in skip or "=" not in line:
            continue
        node: Any = tree
        for part in key.split("."):
            node = node[part]
        out[key.removeprefix(f"{group}.")] = (node, "set on the calibration's command line")
    return out


def preset_files(cfg: Config, choices: dict[str, str], params: list[Parameter], values: dict[str, float],
                 name: str, header: str, overrides: list[str]) -> dict[str, str]:
    """``presets/<group>/<name>.yaml`` -> text, for each group the parameters touch."""
    files = {}
    for group in GROUPS:
        mine = [p for p in params if p.path.startswith(f"{group}.")]
        if not mine:
            continue
        flat = _cli_settings(cfg, overrides, group, {p.path for p in mine})
        for p in mine:
            flat[p.path.removeprefix(f"{group}.")] = (float(values[p.name]),
                                                      f"calibrated; declared {p.low:g}-{p.high:g} {p.unit}: {p.source}")
        base = choices.get(group, "default")
        lines = [f"# {line}" if line else "#" for line in header.splitlines()]
        lines += [f"# Starts from {group}={base} (configs/{group}/{base}.yaml gives every other value and its source).",
                  f"# Select it: {group}=<this file>, or copy it into configs/{group}/ and select {group}={name}.",
                  "defaults:", f"  - {base}", "  - _self_", *_dump(_nest(flat))]
        files[f"presets/{group}/{name}.yaml"] = "\n".join(lines) + "\n"
    return files
