"""International risk-information sharing: partner customs' reports reach customs after their
lag, flag the reported trader for inspection (through the check probabilities, not detection),
name the wrong trader as often as their quality says, and the smugglers move away."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from sim.calendar import HOURS_PER_DAY
from sim.policies.base import Context
from sim.policies.intl_risk_sharing import IntlRiskSharing
from sim.records import Screening
from tests.helpers import run

# regions: 0 shares intel (lag 10 days), 1 does not
REGIONS = {"partner": dict(shares_intel=True, intel_detection=1.0, intel_quality=1.0, intel_lag_days=10.0),
           "other": dict(shares_intel=False, intel_detection=1.0, intel_quality=1.0, intel_lag_days=10.0)}
REGION_OF = np.array([0, 0, 0, 1, 1])  # five traders


def policy(quality: float = 1.0) -> tuple[IntlRiskSharing, SimpleNamespace]:
    regions = {k: SimpleNamespace(**{**v, "intel_quality": quality if v["shares_intel"] else 1.0})
               for k, v in REGIONS.items()}
    env = SimpleNamespace(now=0.0)
    world = SimpleNamespace(cfg=SimpleNamespace(population=SimpleNamespace(partner_countries=regions)),
                            population=SimpleNamespace(partner=REGION_OF, importer=np.arange(len(REGION_OF))),
                            ports=[SimpleNamespace(env=env)])
    p = IntlRiskSharing(IntlRiskSharing.Params(), "policy.intl_risk_sharing.params")
    p.on_start(world)
    return p, env


def day(enterprise, intentional, at: float, seed: int = 0):
    """A day's declarations (what the policy reads of truth and screening) lodged at ``at``."""
    enterprise = np.asarray(enterprise)
    n = len(enterprise)
    truth = SimpleNamespace(enterprise=enterprise, intentional=np.asarray(intentional), lodged=np.full(n, at),
                            day=int(at // HOURS_PER_DAY))
    screening = Screening(tier=np.zeros(n, int), partner_aeo=np.zeros(n, bool), record_age_h=np.full(n, np.inf),
                          declared=SimpleNamespace(region=REGION_OF[enterprise]))
    ctx = Context(np.ones(n, bool), rng=lambda name: np.random.default_rng([seed, len(name)]))
    return truth, screening, ctx


def test_a_report_flags_the_trader_only_after_its_lag_and_for_watch_days():
    p, env = policy()
    p.screen(*day([0, 3], [True, True], at=0.0))  # trader 0 (partner) and 3 (not) violate
    for t, flagged in ((5 * HOURS_PER_DAY, False), (11 * HOURS_PER_DAY, True), (200 * HOURS_PER_DAY, False)):
        env.now = t
        truth, screening, ctx = day([0, 1, 3], [False, False, False], at=t)
        p.screen(truth, screening, ctx)
        assert screening.intel[0] == flagged, f"at day {t / 24:g} the reported trader is flagged: {flagged}"
        assert not screening.intel[1:].any(), "traders nobody reported, and trade with non-sharing partners: no flag"
        if flagged:
            assert screening.p_physical[0] >= 0.15 and screening.p_nii[0] >= 0.15, \
                "a flagged trader's check chances are raised to the policy's rates"
            assert screening.detect_factor[0] == 1.0, "intelligence acts on selection, never on detection"


def test_a_trader_that_re_registers_leaves_the_reports_on_its_old_company_behind():
    for reregistered_at in (5, 15):  # days: while the report is on its way, and after it arrived
        p, env = policy()
        p.screen(*day([0], [True], at=0.0))  # trader 0 violates; the report arrives on day 10
        env.now = 12 * HOURS_PER_DAY
        truth, screening, ctx = day([0], [False], at=env.now)
        if reregistered_at < 12:
            p.importer[0] = 99  # a new company (Population.reregister)
        p.screen(truth, screening, ctx)
        assert screening.intel[0] == (reregistered_at > 12), "flagged only while it declares as the reported company"
        p.importer[0] = 99
        env.now = 20 * HOURS_PER_DAY
        truth, screening, ctx = day([0], [False], at=env.now)
        p.screen(truth, screening, ctx)
        assert not screening.intel[0], f"re-registered on day {reregistered_at}: the new company is not flagged"


def test_errors_are_not_reported():
    p, env = policy()
    p.screen(*day([0, 1], [False, False], at=0.0))
    env.now = 20 * HOURS_PER_DAY
    truth, screening, ctx = day([0, 1], [False, False], at=env.now)
    p.screen(truth, screening, ctx)
    assert not screening.intel.any(), "only intentional violations are reported by partner customs"


def test_a_report_of_low_quality_names_another_trader_of_the_region():
    p, env = policy(quality=0.0)
    p.screen(*day([0] * 20, [True] * 20, at=0.0))
    env.now = 11 * HOURS_PER_DAY
    truth, screening, ctx = day([0, 1, 2, 3, 4], [False] * 5, at=env.now)
    p.screen(truth, screening, ctx)
    assert not screening.intel[0], "with quality 0 the violator itself is never named"
    assert screening.intel[1:3].any(), "another trader of the same region is named instead"
    assert not screening.intel[3:].any(), "never a trader of another region"


@pytest.fixture(scope="module")
def pair(smoke_baseline):
    """Smoke runs (2024Q4, 2025Q1) without and with sharing from the first quarter."""
    shared = run("run=smoke", "scenario=intl_risk_sharing", "policy.intl_risk_sharing.rollout.from=2024Q4")
    return smoke_baseline.quarterly, shared.quarterly


def test_sharing_raises_detection_of_partner_trade_and_moves_smugglers_away(pair):
    base, shared = (q.sum(numeric_only=True) for q in pair)
    assert base["intel_flagged"] == 0 and shared["intel_flagged"] > 100, "reports flag traders under the policy"
    rate = lambda s: s["partner_detected"] / s["partner_violations"]  # noqa: E731
    assert rate(shared) > 1.2 * rate(base), f"detection of partner trade rises: {rate(base):.3f} -> {rate(shared):.3f}"
    late = [q[q["quarter"] == "2025Q1"].sum(numeric_only=True) for q in pair]
    share = lambda s: s["partner_smuggling_attempts"] / s["smuggling_attempts"]  # noqa: E731
    assert share(late[1]) < share(late[0]), f"smugglers move away from intel partners: {share(late[0]):.3f} -> " \
                                            f"{share(late[1]):.3f}"
