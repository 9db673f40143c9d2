"""What a field of the configuration schema (:mod:`sim.config`) says about itself, and the error
a user mistake raises: :func:`_f` puts type-independent facts (range, unit, meaning, choices,
names it refers to) in the dataclass field's metadata, which :mod:`sim.validation` checks."""
from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any


class ConfigError(ValueError):
    """A user mistake (config, scenario or experiment file, output folder): one line naming the key."""


def _f(default: Any, lo: float | None = None, hi: float | None = None, unit: str = "", doc: str = "",
       open_lo: bool = False, choices: tuple = (), refers: str = "", may_be_empty: bool = False) -> Any:
    """A schema field and what :mod:`sim.validation` checks: range ``[lo, hi]`` (``(lo, hi]`` with ``open_lo``),
    ``choices``, names under the path ``refers``, and whether a list or mapping ``may_be_empty``."""
    meta = dict(lo=lo, hi=hi, unit=unit, doc=doc, open_lo=open_lo, choices=choices, refers=refers,
                may_be_empty=may_be_empty)
    if isinstance(default, (dict, list)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    if dataclasses.is_dataclass(default):
        return field(default_factory=lambda: dataclasses.replace(default), metadata=meta)
    return field(default=default, metadata=meta)
