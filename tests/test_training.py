"""Officer training: a course raises an officer's potential skill and practice realises it;
officers on courses are off duty (capacity falls while they train, skill is higher after)."""
from __future__ import annotations

import mesa
import numpy as np
import pytest

from sim.agents.officer import Roster
from tests.helpers import run


def roster() -> Roster:
    staff = [{"document": 2, "nii": 1, "physical": 2}]
    return Roster(mesa.Model(rng=np.random.default_rng(1)), staff, ["port"], 0.3, np.random.default_rng(2))


def test_an_untrained_officer_keeps_the_same_skill():
    r = roster()
    before = r.skill["physical"].copy()
    for u in np.linspace(0, 1, 50):
        r.check("physical", 0, 0.5, u)
    assert np.array_equal(r.skill["physical"], before), "without a course, checks do not change skill"


def test_a_course_shows_in_skill_as_it_is_practised():
    r = roster()
    s0 = r.skill["physical"][1]
    r.train("physical", 1, gain=0.5, ceiling=2.0, practice_checks=10.0)
    potential = s0 + 0.5 * (2.0 - s0)
    assert r.skill["physical"][1] == s0, "a course alone changes no skill yet"
    assert r.potential["physical"][1] == pytest.approx(potential), "potential closes half the gap to the ceiling"
    for k in range(1, 21):
        r.check("physical", 1, 0.1, 0.99)
        expected = potential - (potential - s0) * 0.9 ** k
        assert r.skill["physical"][1] == pytest.approx(expected), f"after {k} checks a tenth of the gap per check"
    assert r.skill["physical"][0] == roster().skill["physical"][0], "the other officer is untouched"


def test_each_officer_practises_at_the_rate_of_its_own_course():
    """Two courses with different practice_checks (two training entries): a later course does not
    change how fast an officer trained earlier realises its gain."""
    r = roster()
    s0 = r.skill["physical"][1]
    r.train("physical", 1, gain=0.5, ceiling=2.0, practice_checks=10.0)
    r.train("document", 0, gain=0.5, ceiling=2.0, practice_checks=1000.0)
    potential = r.potential["physical"][1]
    r.check("physical", 1, 0.1, 0.99)
    assert r.skill["physical"][1] == pytest.approx(potential - (potential - s0) * 0.9), \
        "the physical officer closes a tenth of its gap (its course's 10 checks), not a thousandth"


def test_a_trained_officer_finds_more_with_the_same_draws():
    u = np.random.default_rng(3).random(2000)
    found = {}
    for trained in (False, True):
        r = roster()
        if trained:
            r.train("document", 0, gain=0.5, ceiling=2.0, practice_checks=1.0)
        found[trained] = sum(r.check("document", 0, 0.3, x) for x in u)
    assert found[True] > 1.2 * found[False], f"training raises the finds: {found}"


@pytest.fixture(scope="module")
def trained():
    return run("run=smoke", "scenario=officer_training")


def test_courses_cost_on_shift_hours_at_the_pilot_ports_and_raise_their_skill(smoke_baseline, trained):
    key = ["port", "quarter"]
    base = smoke_baseline.quarterly.set_index(key)["officer_on_shift_h"]
    now = trained.quarterly.set_index(key)["officer_on_shift_h"]
    lost = base - now
    for port in ("seaport", "landport"):
        assert lost[(port, "2024Q4")] == 0, f"{port}: nothing changes before the programme"
        # 6 courses of 10 days, one officer at a time: 60 officer-days of the port's shift
        shift = {"seaport": 12, "landport": 10}[port]
        assert 0.8 * 60 * shift < lost[(port, "2025Q1")] < 1.1 * 60 * shift, \
            f"{port}: the courses' officer-hours are off shift ({lost[(port, '2025Q1')]:.0f} h)"
    assert lost[("airport", "2025Q1")] == 0, "control ports keep their officers"
    a = trained.agents
    skill = a[a["metric"] == "officer_skill_mean"].set_index(["port", "quarter"])["value"]
    assert skill[("seaport", "2025Q1")] > 1.1 * skill[("seaport", "2024Q4")], "trained officers' skill rises"
    assert skill[("airport", "2025Q1")] == skill[("airport", "2024Q4")], "untrained ports' skill stays"
