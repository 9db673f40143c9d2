"""Regression baseline: the saved tables of a few smoke runs (tests/baselines/) are reproduced
exactly. A change that is meant to change results updates them with
``python tests/baselines/update.py`` and says why in its commit message."""
from __future__ import annotations

import pytest

from tests.baselines.update import TABLES, cases, compute, differences, saved


@pytest.mark.parametrize("case", sorted(cases()))
def test_results_match_the_saved_baseline(case):
    now, before = compute(cases()[case]), saved(case)
    for name in TABLES:
        diffs = differences(now[name], before[name])
        assert not diffs, (f"{case}/{name}.csv changed ({len(diffs)}+ cells), e.g. {diffs[:3]}; if the change "
                           f"is intended run python tests/baselines/update.py and say why in the commit")
