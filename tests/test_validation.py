"""The schema holds no values (the YAML presets do), and validation reads the schema generically."""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass

import pytest
from omegaconf import MISSING

from sim.compose import load_config
from sim.config import Config, ConfigError, _f
from sim.validation import check_tree, validate

FREE_TEXT = {"description"}  # not a parameter: a scenario may leave it out


def schema_fields(schema=Config, path=""):
    """(path, field) of every field of the schema tree, through nested dataclasses and mappings."""
    hints = typing.get_type_hints(schema)
    for f in dataclasses.fields(schema):
        where = f"{path}.{f.name}" if path else f.name
        yield where, f
        kind = hints[f.name]
        inner = typing.get_args(kind)[-1] if typing.get_origin(kind) in (dict, list) else kind
        if dataclasses.is_dataclass(inner):
            yield from schema_fields(inner, where)


def holds_a_value(f: dataclasses.Field) -> bool:
    """A default other than MISSING; a nested group (a dataclass instance) is structure, not a value."""
    if f.default_factory is not dataclasses.MISSING:
        return not dataclasses.is_dataclass(f.default_factory())
    return f.default is not MISSING


def test_the_schema_has_no_default_values():
    defaults = [where for where, f in schema_fields() if f.name not in FREE_TEXT and holds_a_value(f)]
    assert not defaults, (f"schema fields with a default value {defaults}: defaults belong in the YAML presets "
                          f"(configs/), with their source; declare the field as _f(MISSING, lo, hi, ...)")
    assert holds_a_value(dataclasses.fields(Example)[0]), "a field with a default would be found"


def test_every_number_comes_from_a_preset():
    cfg, _ = load_config([])
    assert cfg.world.service.permit_h == 9.0, "the preset's value (the schema holds none)"
    assert cfg.population.disclosure_prob == 0.1 and cfg.population.behaviour.high_risk_odds == 2.0, \
        "the parameters that were schema defaults now come from configs/"


@dataclass
class Example:
    rate: float = _f(0.5, 0, 1)
    count: int = _f(2, 1, 10, unit="things")
    mode: str = _f("a", choices=("a", "b"))
    names: typing.List[str] = _f(["x"], refers="known")
    flag: bool = _f(True)


@pytest.mark.parametrize("value, message", [
    ({"rate": 1.5}, "example.rate: must be in [0, 1]; got 1.5"),
    ({"rate": float("inf")}, "example.rate: must be a finite number; got inf"),
    ({"rate": float("nan")}, "example.rate: must be a finite number; got nan"),
    ({"rate": "0.5"}, "example.rate: must be a number; got '0.5'"),
    ({"rate": True}, "example.rate: must be a number; got True"),
    ({"count": 2.5}, "example.count: must be an integer; got 2.5"),
    ({"count": 11}, "example.count: must be in [1, 10] things; got 11"),
    ({"mode": "c"}, "example.mode: must be one of a, b; got 'c'"),
    ({"names": []}, "example.names: must not be empty (empty means nothing here)"),
    ({"names": "x"}, "example.names: must be a list; got 'x'"),
    ({"names": ["y"]}, "example.names[0]: unknown name 'y'; known (known): x"),
    ({"flag": "yes"}, "example.flag: must be true or false; got 'yes'"),
    ({"colour": 1}, "example.colour: unknown key; allowed here: rate, count, mode, names, flag"),
])
def test_the_schema_metadata_is_what_is_checked(value, message):
    with pytest.raises(ConfigError) as caught:
        check_tree("example", Example, value, {}, {"known": {"x": 1}})
    assert str(caught.value) == message, "one line naming the key, what is allowed and what was given"


def test_validate_checks_a_config_built_in_python():
    cfg, _ = load_config(["run=smoke"])
    assert validate(cfg) is cfg, "a valid config passes"
    bad = dataclasses.replace(cfg, run=dataclasses.replace(cfg.run, workers=0))
    with pytest.raises(ConfigError, match=r"run.workers: must be in \[1, 1024\] processes; got 0"):
        validate(bad)
