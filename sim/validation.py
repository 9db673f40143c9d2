"""Validation of a config: everything that can be checked before a run starts, in one place.

* The schema (sim/config.py) is read generically: keys, types, finite numbers, ranges, choices,
  non-empty lists and mappings, and names that must exist elsewhere in the config all come from
  the fields' types and ``_f(...)`` metadata, so a new field is checked without code here.
* Rules that span fields are listed as data (:data:`ORDERED`, :data:`SHARES`, ...) or, where they
  need a sentence, written out in :func:`check_rules`.
* Policy entries: each policy's ``Params`` is read the same way as the schema; rollouts are
  checked here (strict ``YYYYQn`` quarters inside the horizon, ``until`` after ``from``, known
  ports, wave keys); then each policy's own ``check(cfg)`` runs.
* Events (``world.events``): each entry and its kind's ``Params`` the same way, then the rules of
  :mod:`sim.events` (inside the horizon, known ports, no overlap at a port, the kind's own).

Every failure is a :class:`~sim.config.ConfigError` with one line: the key, what is allowed, and
what was given.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import typing
from typing import Any, Union

import numpy as np

from sim import watch
from sim.calendar import Calendar
from sim.config import Config, ConfigError, PolicySpec
from sim.events import EventSpec, check_event_rules, kind_of
from sim.goods import check_countries
from sim.policies import ORDER, REGISTRY, PolicyStack
from sim.policies.base import covered_ports
from sim.sizing import check_memory

QUARTER = re.compile(r"\d{4}Q[1-4]")
ROLLOUT_KEYS, WAVE_KEYS = ("from", "until", "ports", "waves"), ("from", "ports")
KINDS = {float: "a number", int: "an integer", bool: "true or false", str: "a string"}

# Keys in increasing order within a mapping, with the comparison that must hold between neighbours.
ORDERED = {"population.credit": ("start_dishonest", "<", "dishonest_threshold", "<=", "start_general", "<",
                                 "aeo_threshold", "<=", "start_aeo"),
           "population.trader": ("office_open_hour", "<", "office_close_hour"),
           "world.agencies": ("open_hour", "<", "close_hour")}
SHARES = ("population.business_models", "population.violations", "population.partner_countries")  # sum to 1
AT_MOST_ONE = {"population.credit": ("aeo_share", "dishonest_share")}  # shares of one whole


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _allowed(meta: dict) -> str:
    lo, hi, unit = meta.get("lo"), meta.get("hi"), f" {meta['unit']}" if meta.get("unit") else ""
    if hi is None:
        return f"{'>' if meta.get('open_lo') else '>='} {_number(lo)}{unit}"
    if lo is None:
        return f"<= {_number(hi)}{unit}"
    return f"in {'(' if meta.get('open_lo') else '['}{_number(lo)}, {_number(hi)}]{unit}"


def _scalar(where: str, hint: type, value: Any, meta: dict, root: dict) -> None:
    """Type, finiteness, choices and range of one value."""
    numeric = hint in (int, float)
    ok = isinstance(value, (int, float) if hint is float else hint) and not (numeric and isinstance(value, bool))
    if not ok:
        raise ConfigError(f"{where}: must be {KINDS[hint]}; got {value!r}")
    if hint is float and not math.isfinite(value):
        raise ConfigError(f"{where}: must be a finite number; got {value!r}")
    choices = meta.get("choices")
    if choices and value not in choices:
        raise ConfigError(f"{where}: must be one of {', '.join(map(str, choices))}; got {value!r}")
    lo, hi = meta.get("lo"), meta.get("hi")
    below = lo is not None and (value < lo or (meta.get("open_lo") and value == lo))
    if numeric and (below or (hi is not None and value > hi)):
        raise ConfigError(f"{where}: must be {_allowed(meta)}; got {value!r}")
    if meta.get("refers"):
        _refers(where, value, meta, root)


def _entry(root: dict, path: str) -> Any:
    node = root
    for part in path.split("."):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node


def _refers(where: str, name: Any, meta: dict, root: dict) -> None:
    """A name that must be a key of the mapping at the config path ``meta['refers']``."""
    known = list(_entry(root, meta["refers"]))
    if name not in known:
        raise ConfigError(f"{where}: unknown name {name!r}; known ({meta['refers']}): {', '.join(known)}")


def _mapping(where: str, schema: type, value: Any, root: dict) -> None:
    """A mapping against a dataclass: no unknown key, each given key checked (absent ones are
    MISSING for the config, which Hydra reports, or the policy's default for its parameters)."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where or 'config'}: must be a mapping; got {value!r}")
    fields = {f.name: f for f in dataclasses.fields(schema)}
    hints = typing.get_type_hints(schema)
    for key, item in value.items():
        at = f"{where}.{key}" if where else str(key)
        if key not in fields:
            raise ConfigError(f"{at}: unknown key; allowed here: {', '.join(fields) or 'none'}")
        check_tree(at, hints[key], item, dict(fields[key].metadata), root)


def check_tree(where: str, hint: Any, value: Any, meta: dict, root: dict) -> None:
    """Check ``value`` (plain YAML data) against the type ``hint`` and the field metadata ``meta``."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        _mapping(where, hint, value, root)
    elif hint is Any:
        return
    elif origin is Union:
        if value is not None:
            check_tree(where, next(a for a in args if a is not type(None)), value, meta, root)
    elif origin in (dict, list):
        if not isinstance(value, origin):
            raise ConfigError(f"{where}: must be a {'mapping' if origin is dict else 'list'}; got {value!r}")
        if not value and not meta.get("may_be_empty"):
            raise ConfigError(f"{where}: must not be empty (empty means nothing here)")
        items = value.items() if origin is dict else enumerate(value)
        for key, item in items:
            at = f"{where}.{key}" if origin is dict else f"{where}[{key}]"
            check_tree(at, args[-1], item, {} if dataclasses.is_dataclass(args[-1]) else meta, root)
    else:
        _scalar(where, hint, value, meta, root)


def check_rules(cfg: Config, root: dict) -> None:
    """The rules that span fields."""
    for path, chain in ORDERED.items():
        node = _entry(root, path)
        for low, op, high in zip(chain[0::2], chain[1::2], chain[2::2]):
            a, b = node[low], node[high]
            if not (a < b if op == "<" else a <= b):
                raise ConfigError(f"{path}.{high}: must be {'above' if op == '<' else 'at least'} {low} "
                                  f"({_number(a)}); got {_number(b)} (order: {' '.join(chain)})")
    for path in SHARES:
        items = _entry(root, path)
        total = sum(item["share"] for item in items.values())
        if items and abs(total - 1.0) > 1e-6:
            raise ConfigError(f"{path}: the shares must sum to 1; they sum to {total:.4g}")
    for path, keys in AT_MOST_ONE.items():
        node = _entry(root, path)
        if sum(node[k] for k in keys) > 1:
            raise ConfigError(f"{path}: {' + '.join(keys)} must be at most 1; got {sum(node[k] for k in keys):.4g}")
    _check_world(cfg)
    pop = cfg.population
    if pop.high_risk_goods_share * pop.behaviour.high_risk_odds >= 1:
        raise ConfigError(f"population.behaviour.high_risk_odds: times high_risk_goods_share must be below 1; "
                          f"got {pop.behaviour.high_risk_odds} x {pop.high_risk_goods_share}")
    busy = sum(p.declarations_per_day > 0 for p in cfg.world.ports.values())
    if pop.enterprises < busy:
        raise ConfigError(f"population.enterprises: must be at least the number of ports with "
                          f"traffic ({busy}); got {pop.enterprises}")
    _check_mixes(cfg)
    check_countries(cfg.population)
    check_events(cfg, root)
    watch.check(cfg, Calendar(cfg.world.start, cfg.world.horizon_quarters, 0).days)
    check_name("scenario", cfg.scenario)
    check_memory(cfg)


def _check_world(cfg: Config) -> None:
    try:
        start = dt.date.fromisoformat(cfg.world.start)
    except ValueError:
        raise ConfigError(f"world.start: must be an ISO date like 2024-01-01; got {cfg.world.start!r}") from None
    if start.day != 1 or start.month not in (1, 4, 7, 10):
        raise ConfigError(f"world.start: must be the first day of a quarter; got {cfg.world.start}")
    if not any(p.declarations_per_day > 0 for p in cfg.world.ports.values()):
        raise ConfigError("world.ports: no port receives declarations; give one declarations_per_day > 0")
    for name, port in cfg.world.ports.items():
        where = f"world.ports.{name}"
        if port.close_hour <= port.open_hour:
            raise ConfigError(f"{where}.close_hour: must be after open_hour ({port.open_hour}); got {port.close_hour}")
        if port.declarations_per_day > 0:
            needs = {f"officers.{r}": getattr(port.officers, r) for r in ("document", "nii", "physical")}
            needs.update(scanners=port.scanners, bays=port.bays)
            for key, count in needs.items():
                if count < 1:
                    raise ConfigError(f"{where}.{key}: is 0 but the port receives declarations; give it at least 1")


def _check_mixes(cfg: Config) -> None:
    """Each port's business mix (known models, summing to 1), the import shares it allows, and
    enough traders of each model for the ports whose mix includes it."""
    from sim.agents.enterprise import import_probabilities, model_counts, port_mix
    mix = port_mix(cfg)
    import_probabilities(cfg, mix)
    counts = model_counts(cfg.population)
    volume = np.array([p.declarations_per_day for p in cfg.world.ports.values()])
    for b, model in enumerate(cfg.population.business_models):
        ports = int(((mix[:, b] > 0) & (volume > 0)).sum())
        if counts[b] < ports:
            raise ConfigError(f"population.enterprises: {counts[b]} {model} trader(s) for the {ports} ports whose "
                              f"business_mix includes it; raise enterprises or {model}'s share")


def check_name(where: str, name: Any) -> str:
    """A name that becomes part of a folder name: no path separator, not hidden, not too long."""
    text = str(name)
    if not text or "/" in text or "\\" in text or "\0" in text or text.startswith(".") or len(text) > 100:
        raise ConfigError(f"{where}: must be a plain name (no / or \\, not starting with '.', at most 100 "
                          f"characters); got {text[:120]!r}")
    return text


def check_quarter(where: str, label: Any, calendar: Calendar, after_end: bool = False) -> int:
    """The reported-quarter index of a ``YYYYQn`` label inside the horizon (or the quarter right
    after it, for an exclusive end)."""
    if not isinstance(label, str) or not QUARTER.fullmatch(label):
        raise ConfigError(f"{where}: must be a quarter written YYYYQn, like 2025Q3; got {label!r}")
    first = calendar.labels[0]
    index = (int(label[:4]) - int(first[:4])) * 4 + int(label[-1]) - int(first[-1]) + 1
    if not 1 <= index <= calendar.n_quarters + after_end:
        end = f"{calendar.labels[-1]} (or the quarter after it)" if after_end else calendar.labels[-1]
        raise ConfigError(f"{where}: must be inside the horizon {first}..{end}; got {label}")
    return index


def _check_keys(where: str, spec: Any, allowed: tuple[str, ...], what: str) -> None:
    if not isinstance(spec, dict):
        raise ConfigError(f"{where}: must be a mapping with keys {', '.join(allowed)}; got {spec!r}")
    for key in spec:
        if key not in allowed:
            raise ConfigError(f"{where}.{key}: unknown {what} key; allowed: {', '.join(allowed)}")


def check_rollout(where: str, spec: Any, calendar: Calendar, ports: list[str]) -> None:
    """Keys, quarters, ports and waves of one rollout."""
    _check_keys(where, spec, ROLLOUT_KEYS, "rollout")
    waves = spec.get("waves")
    if waves is not None:
        if not isinstance(waves, list) or not waves:
            raise ConfigError(f"{where}.waves: must be a non-empty list of {{from:, ports:}}; got {waves!r}")
        beside = [k for k in ("from", "ports") if k in spec]
        if beside:
            raise ConfigError(f"{where}.{beside[0]}: not allowed beside waves; give each wave its from and ports")
    until = spec.get("until")
    end = check_quarter(f"{where}.until", until, calendar, after_end=True) if until is not None else None
    for i, wave in enumerate(waves or [spec]):
        at = f"{where}.waves[{i}]" if waves is not None else where
        if waves is not None:
            _check_keys(at, wave, WAVE_KEYS, "wave")
        start = wave.get("from")
        if start is not None and check_quarter(f"{at}.from", start, calendar) >= (end or math.inf):
            raise ConfigError(f"{where}.until: must be after from ({start}); got {until}")
        covered_ports(f"{at}.ports", wave.get("ports"), ports)


def check_policies(cfg: Config, root: dict) -> None:
    """Every policy entry: a known policy, typed parameters, a valid rollout, the policy's own rules."""
    calendar = Calendar(cfg.world.start, cfg.world.horizon_quarters, cfg.world.warmup_days)
    ports = list(cfg.world.ports)
    for key, entry in cfg.policy.items():
        where = f"policy.{key}"
        check_tree(where, PolicySpec, entry, {}, root)
        name = entry.get("name") or key
        if name not in REGISTRY:
            raise ConfigError(f"{where}: unknown policy {name!r}; known: {', '.join(sorted(REGISTRY))}")
        check_params(f"{where}.params", REGISTRY[name].Params, entry.get("params") or {}, f"policy {name!r}", root)
        check_rollout(f"{where}.rollout", entry.get("rollout") or {}, calendar, ports)
    PolicyStack(cfg.policy, calendar, ports, ORDER).check(cfg)


def check_params(where: str, params: type, given: dict, owner: str, root: dict) -> None:
    """Parameters of a policy or an event kind: known names, typed and in range (absent ones default)."""
    defaults = dataclasses.asdict(params())
    for param in given:
        if param not in defaults:
            raise ConfigError(f"{where}.{param}: unknown parameter of {owner}; allowed: "
                              f"{', '.join(sorted(defaults)) or 'none'}")
    check_tree(where, params, {**defaults, **given}, {}, root)


def check_events(cfg: Config, root: dict) -> None:
    """Every entry of world.events: its keys and its kind's parameters, then the events' rules."""
    for where, entry in ((f"world.events[{i}]", e) for i, e in enumerate(cfg.world.events)):
        check_tree(where, EventSpec, entry, {}, root)
        kind = kind_of(where, entry)
        check_params(f"{where}.params", kind.Params, entry.get("params") or {}, f"event kind {kind.name!r}", root)
    check_event_rules(cfg)


def check_plain(plain: dict) -> None:
    """The schema checks of a plain (YAML-like) config mapping."""
    check_tree("", Config, plain, {}, plain)


def validate(cfg: Config) -> Config:
    """Check everything that can be checked before a run; return ``cfg`` or raise ConfigError."""
    check_plain(root := dataclasses.asdict(cfg))
    check_rules(cfg, root)
    check_policies(cfg, root)
    return cfg
