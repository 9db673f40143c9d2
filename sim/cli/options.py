"""Command options (``key=value`` that a command reads itself) apart from Hydra overrides, and
the output folder a command writes: the given ``hydra.run.dir`` or a new timestamped one."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

import yaml

from sim.cli.errors import UserError
from sim.cli.runs import given


def split_options(args: list[str], own: tuple[str, ...], command: str, allow_scenario: bool = False
                  ) -> tuple[dict[str, Any], list[str]]:
    """``own`` options (values read as YAML) and the other arguments (Hydra overrides, for every run).
    ``scenario=`` is refused unless ``allow_scenario`` (a command that runs the one config it is given)."""
    options, overrides = {}, []
    for arg in args:
        key, sep, value = arg.partition("=")
        if sep and key in own:
            try:
                options[key] = yaml.safe_load(value)
            except yaml.YAMLError:
                raise UserError(f"{key}: cannot read the value {value!r}") from None
        elif sep and key.lstrip("+") == "scenario" and not allow_scenario:
            raise UserError(f"scenario: {command} runs the scenarios its files name; scenario= would make them all "
                            f"the same (options: {', '.join(own)})")
        elif (not sep and not arg.startswith("~")) or arg.startswith("-"):
            raise UserError(f"{arg}: not an option of tradesim {command} (key=value; options: {', '.join(own)}, "
                            f"or any config override)")
        else:
            overrides.append(arg)
    return options, overrides


def integer(options: dict, key: str, default: int, low: int, high: int) -> int:
    """An integer option in [low, high]."""
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise UserError(f"{key}: must be an integer in [{low}, {high}]; got {value!r}")
    return value


def choice(options: dict, key: str, allowed: tuple, default: Any = None) -> Any:
    value = options.get(key, default)
    if value not in allowed:
        raise UserError(f"{key}: must be one of {', '.join(map(str, allowed))}; got {value!r}")
    return value


def file_option(options: dict, key: str, default: Path) -> Path:
    value = options.get(key, str(default))
    if not isinstance(value, str) or not Path(value).expanduser().is_file():
        raise UserError(f"{key}: no file at {value!r} (a path to a .yaml file)")
    return Path(value).expanduser()


def output_folder(overrides: list[str], parent: Path) -> tuple[Path, bool]:
    """``hydra.run.dir`` if given, else ``parent/<time>`` (made unique if taken); and whether it is new."""
    folder = given(overrides, "hydra.run.dir")
    return (folder, False) if folder else (parent / time.strftime("%Y-%m-%d_%H-%M-%S"), True)


def holds(marker: str, request: dict, what: str, key: str = "hydra.run.dir") -> Callable[[Path], bool]:
    """For :func:`sim.claims.claim`: a folder whose ``marker`` file holds the same request may be
    continued; one that holds another request (or other work) is an error."""
    from sim import output

    def resumable(folder: Path) -> bool:
        path = folder / marker
        if not path.is_file():
            return False
        held = output.read_json(path)
        differ = sorted(k for k in request if held.get(k) != request[k])
        if differ:
            raise UserError(f"{key}: {folder} holds a {what} with other settings ({', '.join(differ)}); "
                            f"resume it with the same command, or choose another folder")
        return True
    return resumable
