"""User files (scenario and experiment files) are data, never code: what they may contain.

A scenario file may set only the simulator's own groups (``world``, ``population``, ``policy``,
``run``) and ``scenario``, ``description``, plus ``defaults`` in the documented form
(``- override /world: national``). Nowhere in a user file: ``hydra``, Hydra's instantiation keys
(``_target_`` and the like), interpolation (``${...}``, which can read the environment), or an
override of anything but the simulator's groups. Each mistake is one ConfigError line.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from sim.config import ConfigError

GROUPS = ("world", "population", "policy", "run")
SCENARIO_KEYS = (*GROUPS, "scenario", "description", "defaults")
OVERRIDE_DEFAULT = re.compile(r"override /(world|population|policy|run)")
PACKAGE = re.compile(r"#\s*@package\s+(\S*)")


def read_yaml(path: Path, what: str) -> dict:
    """The mapping in a user's YAML file, or one line saying why it cannot be read."""
    try:
        text = Path(path).read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read this {what} ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}: not valid YAML ({where}{problem})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a {what} must be a mapping of keys; got {type(data).__name__}")
    return data


def check_data(where: str, node: Any) -> None:
    """No key Hydra would instantiate or treat specially, no interpolation, anywhere in ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            text = str(key)
            if text.startswith("_") and text.endswith("_"):
                raise ConfigError(f"{where}.{text}: keys like _target_ are not allowed in user files "
                                  f"(they would make Hydra run code)")
            check_data(f"{where}.{text}", value)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            check_data(f"{where}[{i}]", value)
    elif isinstance(node, str) and "${" in node:
        raise ConfigError(f"{where}: interpolation ${{...}} is not allowed in user files (it can read the "
                          f"environment); write the value; got {node!r}")


def check_defaults(where: str, defaults: Any, config_dir: Path) -> None:
    """Only ``- override /GROUP: PRESET`` (an existing preset of a simulator group) and ``_self_``."""
    if defaults is None:
        return
    if not isinstance(defaults, list):
        raise ConfigError(f"{where}.defaults: must be a list of '- override /GROUP: PRESET'; got {defaults!r}")
    for item in defaults:
        if item == "_self_":
            continue
        (key, value), = item.items() if isinstance(item, dict) and len(item) == 1 else [(None, None)]
        match = OVERRIDE_DEFAULT.fullmatch(str(key))
        if not match or not isinstance(value, str) or "/" in value or \
                not (config_dir / match[1] / f"{value}.yaml").is_file():
            raise ConfigError(f"{where}.defaults: only '- override /GROUP: PRESET' with GROUP one of "
                              f"{', '.join(GROUPS)} and an existing preset is allowed; got {item!r}")


def check_scenario_file(path: Path, config_dir: Path) -> dict:
    """The data of a scenario file, checked to be data only."""
    data = read_yaml(path, "scenario file")
    for line in Path(path).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            break
        header = PACKAGE.match(line)
        if header and header[1] != "_global_":
            raise ConfigError(f"{path}: the only package header allowed is '# @package _global_'; got {line!r}")
    for key in data:
        if key not in SCENARIO_KEYS:
            raise ConfigError(f"{path}: {key}: not allowed in a scenario file; allowed: {', '.join(SCENARIO_KEYS)}")
    check_defaults(str(path), data.get("defaults"), config_dir)
    check_data(str(path), {k: v for k, v in data.items() if k != "defaults"})
    return data


def check_preset_file(path: Path, group: str, config_dir: Path) -> dict:
    """The data of a preset file of ``group`` (e.g. a calibrated preset): the group's keys, and
    ``defaults`` naming only an existing preset of the same group (which it starts from) and ``_self_``."""
    data = read_yaml(path, f"{group} preset file")
    for item in data.get("defaults") or []:
        if item != "_self_" and not (isinstance(item, str) and "/" not in item and
                                     (config_dir / group / f"{item}.yaml").is_file()):
            raise ConfigError(f"{path}.defaults: only the name of a preset of configs/{group}/ and _self_ are "
                              f"allowed; got {item!r}")
    if not isinstance(data.get("defaults", []), list):
        raise ConfigError(f"{path}.defaults: must be a list (a preset of configs/{group}/ and _self_)")
    check_data(str(path), {k: v for k, v in data.items() if k != "defaults"})
    return data


def check_overrides(where: str, overrides: list[str], keys: tuple[str, ...] = GROUPS) -> None:
    """Overrides written in a user file may set only keys under ``keys`` (or select their presets)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException
    for line in overrides:
        try:
            parsed = OverridesParser.create().parse_override(str(line))
        except HydraException as exc:
            raise ConfigError(f"{where}: cannot read the override {line!r} ({str(exc).splitlines()[0]})") from None
        top = re.split(r"[./]", parsed.key_or_group.lstrip("+~"))[0]
        if top not in keys or parsed.package is not None:
            raise ConfigError(f"{where}: {line!r}: may set only {', '.join(keys)}; hydra and other keys are "
                              f"not allowed in user files")
        if "${" in str(line):
            raise ConfigError(f"{where}: {line!r}: interpolation ${{...}} is not allowed in user files")
        if parsed.key_or_group in GROUPS and "/" in str(parsed.value()):
            raise ConfigError(f"{where}: {line!r}: a preset is a plain name")
