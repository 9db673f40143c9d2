"""What a field of the configuration schema (:mod:`sim.config`) says about itself, and the error
a user mistake raises: :func:`_f` puts type-independent facts (range, unit, meaning, choices,
names it refers to) in the dataclass field's metadata, which :mod:`sim.validation` checks."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Mapping

HOURS, DAYS = 720.0, 3650.0  # upper bounds of a mean duration (a month) and of a lag (ten years): assumption


class ConfigError(ValueError):
    """A user mistake (config, scenario or experiment file, output folder): one line naming the key."""


def _f(default: Any, lo: float | None = None, hi: float | None = None, unit: str = "", doc: str = "",
       open_lo: bool = False, choices: tuple = (), refers: str = "", may_be_empty: bool = False,
       scales: bool = False) -> Any:
    """A schema field and what :mod:`sim.validation` checks: range ``[lo, hi]`` (``(lo, hi]`` with ``open_lo``),
    ``choices``, names under the path ``refers``, and whether a list or mapping ``may_be_empty``. ``scales``:
    a policy's count of servers or volume (officers, officer-days, declarations), which ``world.scale``
    multiplies with the ports' (:func:`scaled_counts`)."""
    meta = dict(lo=lo, hi=hi, unit=unit, doc=doc, open_lo=open_lo, choices=choices, refers=refers,
                may_be_empty=may_be_empty, scales=scales)
    if isinstance(default, (dict, list)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    if dataclasses.is_dataclass(default):
        return field(default_factory=lambda: dataclasses.replace(default), metadata=meta)
    return field(default=default, metadata=meta)


def scaled_counts(params: type, given: Mapping, k: int) -> dict:
    """The fields of ``params`` marked ``scales``, given (else their defaults) times ``k``: an integer stays
    an integer; a value of the wrong type (a fraction for an integer) is left as given, for validation to
    report."""
    out = {}
    for f in dataclasses.fields(params):
        value = given.get(f.name, f.default)
        numbers = (int, float) if isinstance(f.default, float) else (int,)
        if f.metadata.get("scales") and isinstance(value, numbers) and not isinstance(value, bool):
            out[f.name] = value * k
    return out


class Setting:
    """A configurable part of the model (a policy, a kind of disruption event): its name, what it
    does, and its declared ``Params`` (defaults, units, ranges), validated at a config path."""

    name: ClassVar[str]
    description: ClassVar[str]

    @dataclass
    class Params:
        pass

    def __init__(self, params: Any, where: str):
        """``where`` is the config path of the params, for error messages."""
        self.params, self.where = params, where

    def check(self, cfg) -> None:
        """Check the parameters against the rest of the config (raise ConfigError)."""


def registry() -> tuple[dict[str, type], Callable[[type], type]]:
    """A registry of settings by name and its class decorator ``register``."""
    found: dict[str, type] = {}

    def register(cls: type) -> type:
        found[cls.name] = cls
        return cls
    return found, register
