"""The engine against M/M/c queueing theory (scenario=queue_validation).

The validation scenario (world=queue_only, policy=all_document, no smugglers) is one port open
round the clock with Poisson arrivals, ``c`` document officers, exponential service (cv = 1) and
no lodging, screening or payment delay; with every declaration sent to document review it is an
M/M/c queue. For rho = 0.8 and rho = 0.9 (c = 4, mean service 1 h) we run REPLICATIONS (10)
replications with a fixed seed and check, each against a 95% Student-t confidence interval
across replications:

* the mean wait in the document-review queue against Erlang C, Wq = C(c, a) / (c mu - lambda);
* the mean sojourn (arrival to release) against Wq + 1 / mu;
* that no other TRS step takes time (else the sojourn is not Wq + 1 / mu);
* Little's law for the servers: mean busy officers (utilisation x c) = lambda x E[S], both
  measured, plus the measured service time, arrival rate and utilisation against the inputs.

Every CI must also be narrow (half-width bounded), so a broken model cannot pass by noise.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from sim.calendar import Calendar
from sim.compose import load_config
from sim.experiments.replications import run_replications
from tests.helpers import t_ci

REPLICATIONS = 10
SEED = 2024
PORT = "queue"
# The M/M/c preset; world and policy are named explicitly although the scenario sets them too.
PRESET = ["scenario=queue_validation", "world=queue_only", "policy=all_document"]
QUEUE_STEPS = ("document_review_wait", "document_review")
# declarations_per_day for each utilisation rho with c = 4 officers at 1 h mean service.
LOADS = {0.8: 76.8, 0.9: 86.4}


def erlang_c(c: int, a: float) -> float:
    """Erlang C: probability that an arrival to an M/M/c queue has to wait.

    ``c`` servers, offered load ``a = lambda / mu`` (in Erlangs, needs ``a < c``)::

        C(c, a) = (a^c / c!) * c / (c - a)
                  / (sum_{k=0}^{c-1} a^k / k!  +  (a^c / c!) * c / (c - a))
    """
    if not 0 <= a < c:
        raise ValueError(f"Erlang C needs 0 <= a < c; got a={a}, c={c}")
    tail = a ** c / math.factorial(c) * c / (c - a)
    head = sum(a ** k / math.factorial(k) for k in range(c))
    return tail / (head + tail)


def mmc_wq(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of an M/M/c queue: Wq = C(c, lambda / mu) / (c mu - lambda)."""
    return erlang_c(c, lam / mu) / (c * mu - lam)



def test_erlang_c_textbook_values():
    # M/M/2 with a = 1 (rho = 0.5): C = (1/2 * 2) / (1 + 1 + 1) = 1/3, Lq = Wq = 1/3 (mu = 1).
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, rel=1e-12), f"C(2, 1) = {erlang_c(2, 1.0)}, expected 1/3"
    assert mmc_wq(1.0, 1.0, 2) == pytest.approx(1 / 3, rel=1e-12), \
        f"M/M/2 Wq(lambda=1, mu=1) = {mmc_wq(1.0, 1.0, 2)}, expected 1/3"
    # M/M/3 with a = 2: C = (8/6 * 3) / (1 + 2 + 2 + 4) = 4/9.
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9, rel=1e-12), f"C(3, 2) = {erlang_c(3, 2.0)}, expected 4/9"
    # M/M/1: the probability of waiting is rho and Wq = rho / (mu - lambda).
    assert erlang_c(1, 0.7) == pytest.approx(0.7, rel=1e-12), f"C(1, 0.7) = {erlang_c(1, 0.7)}, expected 0.7"
    assert mmc_wq(0.7, 1.0, 1) == pytest.approx(0.7 / 0.3, rel=1e-12), \
        f"M/M/1 Wq(0.7, 1) = {mmc_wq(0.7, 1.0, 1)}, expected 7/3"
    # The rho = 0.8 case below: c = 4, a = 3.2 -> C = 0.59643, Wq = 0.74554 h.
    assert erlang_c(4, 3.2) == pytest.approx(0.596432, abs=1e-6), f"C(4, 3.2) = {erlang_c(4, 3.2)}"


@dataclass
class QueueRun:
    """Per-replication estimates from one M/M/c run (arrays indexed by replication)."""
    rho: float
    lam: float            # configured arrivals per hour
    mu: float             # configured service rate per hour
    c: int
    wq: np.ndarray        # pooled mean wait in the document-review queue, h
    service: np.ndarray   # pooled mean document-review service time, h
    sojourn: np.ndarray   # pooled mean arrival-to-release time, h
    lam_obs: np.ndarray   # declarations / horizon hours
    busy: np.ndarray      # mean busy document officers (utilisation x c)
    visits: np.ndarray    # released declarations that went through document review
    released: np.ndarray  # released declarations
    horizon_h: float      # length of the reported horizon, h
    other_steps_h: dict   # TRS step -> hours per released declaration, steps outside the queue


def _pooled_step(steps: pd.DataFrame, level: str) -> tuple[pd.Series, pd.Series]:
    """Per replication: sum(mean_h_when_visited x visits) / sum(visits) over quarters, and visits."""
    s = steps[steps.level == level].pivot_table(index=["replication", "quarter"], columns="metric",
                                                values="value")
    visits = s["visits"].groupby(level="replication").sum()
    hours = (s["mean_h_when_visited"].fillna(0.0) * s["visits"]).groupby(level="replication").sum()
    return hours / visits, visits


# Each case runs 10 one-year replications: 10-25 s on two cores, so both are marked slow.
@pytest.fixture(scope="module", params=[pytest.param(rho, marks=pytest.mark.slow, id=f"rho={rho}")
                                        for rho in sorted(LOADS)])
def mmc(request) -> QueueRun:
    """Run the M/M/c preset at utilisation ``request.param``; per-replication estimates."""
    rho = request.param
    cfg, _ = load_config([*PRESET, f"world.ports.{PORT}.declarations_per_day={LOADS[rho]}",
                          f"run.replications={REPLICATIONS}", f"run.seed={SEED}",
                          "run.progress=false", "run.workers=2"])
    world, port = cfg.world, cfg.world.ports[PORT]
    # The preset must still be an M/M/c queue, or the theory below does not apply.
    assert list(world.ports) == [PORT], f"queue_only should have the single port {PORT!r}: {list(world.ports)}"
    assert (port.open_hour, port.close_hour) == (0, 24), \
        f"queue port must be open 24 h, got {port.open_hour}-{port.close_hour}"
    assert world.arrival_profile == "flat", f"arrivals must be flat (Poisson), got {world.arrival_profile}"
    assert world.service.cv == 1.0, f"service must be exponential (cv=1), got cv={world.service.cv}"
    c, lam, mu = port.officers.document, port.declarations_per_day / 24.0, 1.0 / world.service.document_h
    assert lam / (c * mu) == pytest.approx(rho), f"load {lam / (c * mu)} is not rho={rho}"

    res = run_replications(cfg)
    b, q = res.breakdown, res.quarterly
    assert (q.port == PORT).all() and q.replication.nunique() == REPLICATIONS, \
        f"expected {REPLICATIONS} replications of port {PORT!r}"
    steps = b[b.dimension == "trs_step"]
    wq, visits = _pooled_step(steps, "document_review_wait")
    service, _ = _pooled_step(steps, "document_review")
    step_h = steps[steps.metric == "hours_per_released"].merge(
        q[["replication", "quarter", "released"]], on=["replication", "quarter"])
    step_h = (step_h.value.fillna(0.0) * step_h.released).groupby(step_h.level).sum() / q.released.sum()
    other_steps_h = {k: float(v) for k, v in step_h.items() if k not in QUEUE_STEPS}
    by_rep = q.groupby("replication")
    released = by_rep.released.sum()
    sojourn = (q.release_time_mean_h * q.released).groupby(q.replication).sum() / released
    calendar = Calendar(world.start, world.horizon_quarters, world.warmup_days)
    horizon_h = calendar.end_h  # the reported horizon runs from 0 h (after the warm-up) to end_h
    lam_obs = by_rep.declarations.sum() / horizon_h
    util = b[(b.dimension == "officer_role") & (b.level == "document") & (b.metric == "officer_utilization")]
    assert len(util) == REPLICATIONS * world.horizon_quarters, \
        f"expected one document utilisation row per replication x quarter, got {len(util)}"
    # Quarters differ in length by a day or two; weight by hours so this is busy-hours / on-shift hours.
    weights = util.quarter.map(dict(zip(calendar.labels, np.diff(calendar.edges))))
    busy = (util.value * weights).groupby(util.replication).sum() / horizon_h * c
    reps = sorted(q.replication.unique())
    as_array = lambda s: s.reindex(reps).to_numpy(dtype=float)  # noqa: E731
    return QueueRun(rho, lam, mu, c, as_array(wq), as_array(service), as_array(sojourn),
                    as_array(lam_obs), as_array(busy), as_array(visits), as_array(released),
                    horizon_h, other_steps_h)


def test_every_released_declaration_was_reviewed(mmc):
    assert np.array_equal(mmc.visits, mmc.released), \
        f"rho={mmc.rho}: document-review visits {mmc.visits} != released {mmc.released}; not an M/M/c run"
    assert np.all(mmc.released > 0.9 * mmc.lam * 24 * 365), \
        f"rho={mmc.rho}: too few releases per replication: {mmc.released}"


def test_no_delay_outside_the_document_queue(mmc):
    assert mmc.other_steps_h, f"rho={mmc.rho}: no TRS steps besides {QUEUE_STEPS} in the breakdown"
    delays = {k: round(v, 4) for k, v in mmc.other_steps_h.items() if abs(v) > 1e-9}
    assert not delays, \
        f"rho={mmc.rho}: TRS steps outside document review take time in the M/M/c preset " \
        f"(hours per released declaration): {delays}"


def test_mean_wait_matches_erlang_c(mmc):
    wq = mmc_wq(mmc.lam, mmc.mu, mmc.c)
    mean, lo, hi = t_ci(mmc.wq)
    assert (hi - lo) / 2 < 0.25 * wq, \
        f"95% CI of Wq [{lo:.3f}, {hi:.3f}] too wide (half-width {(hi - lo) / 2:.3f} >= 25% of " \
        f"Erlang-C Wq {wq:.3f}) at rho={mmc.rho}"
    assert lo <= wq <= hi, \
        f"Erlang-C Wq {wq:.3f} h outside 95% CI [{lo:.3f}, {hi:.3f}] (mean {mean:.3f}) at rho={mmc.rho}"


def test_mean_sojourn_is_wait_plus_service(mmc):
    wq = mmc_wq(mmc.lam, mmc.mu, mmc.c)
    w = wq + 1.0 / mmc.mu
    mean, lo, hi = t_ci(mmc.sojourn)
    assert (hi - lo) / 2 < 0.25 * wq, \
        f"95% CI of mean sojourn [{lo:.3f}, {hi:.3f}] too wide (half-width >= 25% of Wq {wq:.3f}) " \
        f"at rho={mmc.rho}"
    assert lo <= w <= hi, \
        f"M/M/c sojourn Wq + 1/mu = {w:.3f} h outside 95% CI [{lo:.3f}, {hi:.3f}] of " \
        f"release_time_mean_h (mean {mean:.3f}) at rho={mmc.rho}"


def test_service_time_is_one_hour(mmc):
    mean, lo, hi = t_ci(mmc.service)
    assert (hi - lo) / 2 < 0.02 / mmc.mu, \
        f"95% CI of mean service [{lo:.4f}, {hi:.4f}] too wide at rho={mmc.rho}"
    assert lo <= 1.0 / mmc.mu <= hi, \
        f"mean service 1/mu = {1 / mmc.mu:.3f} h outside 95% CI [{lo:.4f}, {hi:.4f}] at rho={mmc.rho}"


def test_littles_law_for_busy_officers(mmc):
    # L = lambda W for the servers: mean busy officers = observed arrival rate x observed service.
    # Both sides count the same work up to the horizon edges: services straddling 0 h or the end
    # belong to one side only. That is at most about c services of mean 1/mu at each edge, so the
    # CI is widened by this allowance (9e-4 busy officers here, 0.03% of lambda x E[S]). See also
    # test_busy_time_counts_services_running_at_the_horizon.
    little = mmc.lam_obs * mmc.service
    edge = 2 * mmc.c / mmc.mu / mmc.horizon_h
    mean, lo, hi = t_ci(mmc.busy - little)
    assert (hi - lo) / 2 < 0.01 * mmc.rho * mmc.c, \
        f"95% CI of busy - lambda*E[S] [{lo:.4f}, {hi:.4f}] too wide at rho={mmc.rho}"
    assert lo - edge <= 0.0 <= hi + edge, \
        f"Little's law broken at rho={mmc.rho}: busy officers {mmc.busy.mean():.4f} vs lambda_obs x E[S] " \
        f"{little.mean():.4f}; 95% CI of the difference [{lo:.5f}, {hi:.5f}] is further than the " \
        f"horizon-edge allowance {edge:.5f} from 0"
    # ... and both sides agree with the inputs: arrival rate lambda and utilisation rho.
    mean, lo, hi = t_ci(mmc.lam_obs)
    assert (hi - lo) / 2 < 0.02 * mmc.lam and lo <= mmc.lam <= hi, \
        f"arrival rate {mmc.lam:.3f}/h outside (or too wide) 95% CI [{lo:.4f}, {hi:.4f}] at rho={mmc.rho}"
    mean, lo, hi = t_ci(mmc.busy / mmc.c)
    assert (hi - lo) / 2 < 0.02 * mmc.rho and lo <= mmc.rho <= hi, \
        f"utilisation rho={mmc.rho} outside (or too wide) 95% CI [{lo:.4f}, {hi:.4f}] of document " \
        f"officer utilisation"


def _document_busy_hours(horizon_quarters: int) -> pd.Series:
    """Document-officer busy hours per quarter of replication 0 (queue_only, rho = 0.8)."""
    cfg, _ = load_config([*PRESET, "run.replications=1", f"run.seed={SEED}", "run.progress=false", "run.workers=1",
                          f"world.horizon_quarters={horizon_quarters}"])
    world = cfg.world
    calendar = Calendar(world.start, world.horizon_quarters, world.warmup_days)
    b = run_replications(cfg).breakdown
    util = b[(b.dimension == "officer_role") & (b.level == "document")
             & (b.metric == "officer_utilization")].set_index("quarter").value
    hours = pd.Series(np.diff(calendar.edges), index=calendar.labels)
    return util * world.ports[PORT].officers.document * hours


def test_busy_time_counts_services_running_at_the_horizon():
    # Common random numbers: a 5-quarter run replays the 4-quarter run exactly up to the end of
    # 2024Q4, so the busy officer-hours of 2024Q4 must be the same in both.
    short, long = _document_busy_hours(4), _document_busy_hours(5)
    missing = long.loc[short.index] - short
    assert np.allclose(missing.to_numpy(), 0.0, atol=1e-6), \
        f"busy officer-hours missing from the 4-quarter run, per quarter: {missing.round(3).to_dict()}"
