"""Property-based: a config with any one setting changed to any value is either refused with one
line naming that setting (or the rule it breaks), or valid; and a valid one runs with its
invariants intact. Configs are built from mappings (sim.compose.from_mapping), as Hydra builds
them, so hundreds of them take seconds."""
from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.compose import from_mapping, load_config
from sim.config import ConfigError
from sim.experiments.replications import run_replication

SMALL = ["run=smoke", "world.horizon_quarters=1", "world.warmup_days=3", "population.enterprises=300",
         *(f"world.ports.{p}.declarations_per_day={v}" for p, v in
           (("seaport", 30), ("airport", 20), ("landport", 10), ("parcel_hub", 20)))]
BASE = dataclasses.asdict(load_config(SMALL)[0])


def leaves(node, path=()):
    """Paths to every scalar setting (list items included)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from leaves(value, (*path, i))
    else:
        yield path


LEAVES = sorted(leaves(BASE), key=str)


def value_at(data, path):
    for key in path:
        data = data[key]
    return data


def with_value(path, value):
    data = copy.deepcopy(BASE)
    value_at(data, path[:-1])[path[-1]] = value
    return data


def dotted(path) -> str:
    return ".".join(str(k) for k in path).replace(".0", "[0]") if path else ""


def names_the_mistake(message: str, path) -> bool:
    """The one line names the changed setting, a mapping holding it, or (for a rule across
    settings) mentions it; memory is about run.workers and the world's size."""
    named = message.split(": ", 1)[0]
    keys = [str(k) for k in path]
    where = ".".join(keys)
    return (where.startswith(named) or named.startswith(".".join(keys[:-1])) or keys[-1] in message
            or "memory" in message)


NASTY = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**13, 10**13), st.booleans(),
                  st.text(max_size=6), st.none(), st.lists(st.integers(0, 3), max_size=2),
                  st.sampled_from(["2025Q1", "25Q1", "all", "../x", "${oc.env:HOME}", "seaport", "1e9"]))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(LEAVES), value=NASTY)
def test_any_value_anywhere_is_refused_in_one_line_naming_it_or_is_valid(path, value):
    try:
        cfg = from_mapping(with_value(path, value))
    except ConfigError as exc:
        message = str(exc)
        assert "\n" not in message and "Traceback" not in message, f"one line: {message!r}"
        assert names_the_mistake(message, path), f"{dotted(path)}={value!r}: the line names it: {message!r}"
        return
    changed = value_at(dataclasses.asdict(cfg), path)
    if isinstance(changed, float):
        assert math.isfinite(changed), f"{dotted(path)}={value!r} accepted a non-finite number"


def in_range(path):
    """A valid-looking value for a numeric setting: drawn within its range (a rule across
    settings may still refuse it)."""
    base = value_at(BASE, path)
    if isinstance(base, bool):
        return st.booleans()
    if isinstance(base, int):
        return st.integers(0, max(4, 2 * base))
    return st.floats(0.0, max(1.0, 2 * base), allow_nan=False)


NUMBERS = [p for p in LEAVES if isinstance(value_at(BASE, p), (int, float)) and p[0] != "run"]


@st.composite
def changes(draw):
    paths = draw(st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=3, unique=True))
    return {p: draw(in_range(p)) for p in paths}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(change=changes())
def test_a_valid_config_runs_and_its_invariants_hold(change):
    data = copy.deepcopy(BASE)
    for path, value in change.items():
        value_at(data, path[:-1])[path[-1]] = value
    try:
        cfg = from_mapping(data)
    except ConfigError as exc:
        assert any(names_the_mistake(str(exc), p) for p in change), f"{change}: names a change: {exc}"
        return
    q = run_replication(cfg, 0).quarterly
    counts = q[["declarations", "released", "seized", "in_process", "inspections", "violations", "detected"]]
    assert np.isfinite(counts.to_numpy(float)).all() and (counts >= 0).all().all(), f"{change}: counts are counts"
    assert (q.in_process_start + q.declarations - q.released - q.seized == q.in_process).all(), \
        f"{change}: no declaration is lost"
    for rate in ("inspection_rate", "hit_rate", "violation_rate", "detection_rate", "officer_utilization"):
        values = q[rate].dropna()
        assert ((values >= 0) & (values <= 1)).all(), f"{change}: {rate} within [0, 1]"
    assert (q.revenue_collected <= q.revenue_due + 1e-6).all(), f"{change}: collects no more than is due"
