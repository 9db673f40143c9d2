"""Rollout schedules: from, until, ports, and staggered waves (unit tests)."""
from __future__ import annotations

import pytest

from sim.calendar import Calendar
from sim.config import ConfigError
from sim.policies.base import Rollout
from sim.validation import check_rollout

PORTS = ["a", "b", "c"]
CAL = Calendar("2024-01-01", 8, 14)  # 2024Q1..2025Q4 are quarter indices 1..8


def covered(spec: dict) -> dict[str, list[str]]:
    active = Rollout(spec, CAL, PORTS).active
    return {port: [CAL.labels[q - 1] for q in range(1, 9) if active[i, q]] for i, port in enumerate(PORTS)}


def test_no_rollout_is_everywhere_always_and_not_a_pilot():
    rollout = Rollout({}, CAL, PORTS)
    assert rollout.active.all() and not rollout.is_pilot, "a baseline setting applies everywhere, always"


def test_from_until_and_ports():
    got = covered({"from": "2024Q3", "until": "2025Q2", "ports": ["b"]})
    assert got["b"] == ["2024Q3", "2024Q4", "2025Q1"], "from is inclusive, until exclusive"
    assert got["a"] == [] and got["c"] == [], "only the listed ports"


def test_staggered_waves():
    got = covered({"waves": [{"from": "2024Q2", "ports": ["a"]}, {"from": "2025Q1", "ports": ["b", "c"]}]})
    assert got["a"][0] == "2024Q2" and got["b"][0] == "2025Q1" and got["c"][0] == "2025Q1", "each wave starts on time"
    assert len(got["a"]) == 7 and len(got["b"]) == 4, "and runs to the horizon"


@pytest.mark.parametrize("spec, message", [
    ({"from": "2025Q5"}, "policy.x.rollout.from: must be a quarter written YYYYQn, like 2025Q3"),
    ({"from": "25Q1"}, "policy.x.rollout.from: must be a quarter written YYYYQn"),
    ({"from": "2026Q1"}, "policy.x.rollout.from: must be inside the horizon 2024Q1..2025Q4"),
    ({"from": "2025Q1", "until": "2024Q4"}, "policy.x.rollout.until: must be after from"),
    ({"until": "2026Q2"}, r"policy.x.rollout.until: must be inside the horizon 2024Q1..2025Q4 \(or"),
    ({"ports": []}, "policy.x.rollout.ports: must be all, a port name or a non-empty list"),
    ({"waves": []}, "policy.x.rollout.waves: must be a non-empty list"),
    ({"waves": [{"from": "2025Q1", "prots": ["a"]}]}, "policy.x.rollout.waves[0].prots: unknown wave key"),
    ({"from": "2025Q1", "waves": [{"from": "2025Q1"}]}, "policy.x.rollout.from: not allowed beside waves"),
    ({"ports": ["z"]}, "policy.x.rollout.ports: unknown port 'z'"),
    ({"when": "2025Q1"}, "policy.x.rollout.when: unknown rollout key"),
    ({"waves": [{"from": "2025Q1", "ports": ["q"]}]}, "policy.x.rollout.waves[0].ports: unknown port 'q'"),
])
def test_bad_rollouts_name_the_key(spec, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        check_rollout("policy.x.rollout", spec, CAL, PORTS)


def test_until_right_after_the_horizon_is_allowed():
    check_rollout("policy.x.rollout", {"from": "2025Q1", "until": "2026Q1"}, CAL, PORTS)
    assert covered({"from": "2025Q1", "until": "2026Q1"})["a"] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"], \
        "until the quarter after the horizon covers to the end"
