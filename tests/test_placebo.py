"""Placebo comparisons: with no lever at all, the primary interval (the paired DiD) excludes 0
in at most 7% of comparisons (target 5%) for every reported metric, with 3 and with 5
replications; the regression DiD fitted on one scenario's runs alone does not hold where pilot
and control ports trend apart anyway.

A simulated placebo is the baseline on one seed set against the baseline on another, with a
pilot assignment (seaport from 2025Q1) that changes nothing, in the smallest world that still
has adaptive agents: two ports, run=smoke, four quarters. In the normal suite, 60 comparisons are
drawn from one pool of 16 replications, so they overlap (each is still a valid placebo). A count
of 60 is coarse: at a true rate of exactly 5% it exceeds 4 of 60 (7%) with probability 0.18, so
the normal suite tests the count against the binomial: at most 7 of 60 (11.7%; a true 5% rate
exceeds it with probability 0.025). The slow suite runs 200 comparisons that share no
replication (2,000 replications: each comparison's 2 x n are its own), so the count is binomial
and the issue's bound (7% of 200) holds for the count itself, and 20,000 overlapping comparisons
from the same pool measure the rate to +-0.3 points (the library gives the same intervals).
Comparisons drawn from a small pool are not independent: one unusual replication takes part in
many of them, so their counts scatter more than a binomial's (200 of 20,000 drawn from a pool of
120 gave up to 9.5%), which is why the slow test does not reuse a pool. The regression DiD is also
checked against a constructed world whose pilot port drifts 0.4 h a quarter away from the control
port: there parallel trends fail by design, and the fitted DiD takes the drift for an effect.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from sim.analysis.did import fixed_effects, identified, placebo_regression
from sim.analysis.intervals import t_interval
from sim.analysis.paired_did import cells, did_by_replication, paired_did
from sim.compose import load_config
from sim.experiments.replications import run_replications

WORLD = ["run=smoke", "run.progress=false", "run.agent_snapshots=false", "world.start=2024-07-01",
         "world.horizon_quarters=4", "~world.ports.landport", "~world.ports.parcel_hub",
         "world.ports.seaport.declarations_per_day=40", "world.ports.airport.declarations_per_day=40",
         "population.enterprises=200"]
REPORTED = ["release_time_mean_h", "inspection_rate", "hit_rate", "detection_rate", "revenue_leakage",
            "compliant_inspected"]
LIMIT = 0.07  # the bound on the share of placebo intervals excluding 0 (target 5%)
BINOMIAL_60 = 7 / 60  # P(X >= 8 | n=60, p=0.05) = 0.025: the bound a count of 60 can honestly hold
# 200 independent comparisons x 6 metrics x (3, 5 replications) = 12 binomial counts: at a true 5% rate
# some count exceeds 14 (the 7%) with probability 0.62, and 19 (9.5%) with probability 0.03
BINOMIAL_200_FAMILY = 19 / 200


def pool(replications: int, workers: int = 1) -> pd.DataFrame:
    cfg, _ = load_config([*WORLD, f"run.replications={replications}", f"run.workers={workers}"])
    return run_replications(cfg).quarterly


def with_pilot(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(pilot=(rows["port"] == "seaport") & (rows["quarter"] >= "2025Q1"))


def pick(quarterly: pd.DataFrame, replications: np.ndarray) -> pd.DataFrame:
    """The rows of ``replications``, renumbered 0..n-1 (so that they pair with another set)."""
    rows = quarterly[quarterly["replication"].isin(replications)]
    return rows.assign(replication=rows["replication"].map({r: i for i, r in enumerate(replications)}))


def cluster_robust_did(quarterly: pd.DataFrame, metric: str) -> tuple[float, float]:
    """The regression DiD as tradesim reported it before: TWFE OLS, cluster-robust by replication."""
    q = quarterly.reset_index(drop=True)
    x = pd.concat([fixed_effects(q), q["pilot"].astype(float)], axis=1)
    y = q[metric].astype(float)
    keep = y.notna()
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")  # rank-deficient dummies, as before
        fit = sm.OLS(y[keep], x[keep]).fit(cov_type="cluster", use_t=True,
                                             cov_kwds={"groups": pd.factorize(q.loc[keep, "replication"])[0]})
    low, high = fit.conf_int(0.05).loc["pilot"]
    return low, high


def excludes_zero(table: pd.DataFrame) -> np.ndarray:
    return ((table["ci_low"] > 0) | (table["ci_high"] < 0)).reindex(REPORTED).to_numpy()


def placebo_rates(quarterly: pd.DataFrame, n: int, comparisons: int, seed: int,
                  wild_bootstrap: bool = False) -> pd.DataFrame:
    """Share of comparisons whose interval excludes 0, per metric: the primary paired DiD of the
    baseline against itself on other seeds; the regression DiD on one seed set alone with the
    former cluster-robust errors and (``wild_bootstrap``) with today's wild cluster bootstrap."""
    rng, replications = np.random.default_rng(seed), quarterly["replication"].unique()
    hits = {"paired": 0, "regression_cluster_robust": 0, **({"regression_wild_bootstrap": 0} if wild_bootstrap else {})}
    for _ in range(comparisons):
        chosen = rng.permutation(replications)[:2 * n]
        base, other = pick(quarterly, chosen[:n]), with_pilot(pick(quarterly, chosen[n:]))
        assert identified(other) is None, "the placebo pilot has control ports and quarters before it"
        table = paired_did(base, other, REPORTED, "placebo").set_index(["term", "metric"]).loc["paired_did"]
        hits["paired"] += excludes_zero(table)
        if wild_bootstrap:
            regression = placebo_regression(other, other, REPORTED, "placebo").set_index("metric")
            hits["regression_wild_bootstrap"] += excludes_zero(regression)
        hits["regression_cluster_robust"] += np.array([low > 0 or high < 0 for low, high in
                                                       (cluster_robust_did(other, m) for m in REPORTED)])
    return pd.DataFrame({k: v / comparisons for k, v in hits.items()}, index=REPORTED)


@pytest.fixture(scope="module")
def small_pool():
    return pool(16)


@pytest.mark.parametrize("n", [3, 5])
def test_sixty_placebo_comparisons(small_pool, n):
    rates = placebo_rates(small_pool, n, comparisons=60, seed=n)
    print(f"\nn={n}, share of 60 placebo intervals excluding 0:\n{rates.to_string()}")
    assert (rates["paired"] <= BINOMIAL_60).all(), \
        f"primary interval: a false-positive count of 60 compatible with 5% (at most 7):\n{rates}"


INDEPENDENT = 2000  # replications: 200 comparisons of 2 x 5 that share none (2 x 3 use the first 1,200)


@pytest.fixture(scope="module")
def large_pool():
    return pool(INDEPENDENT, workers=2)  # ~35 CPU-minutes


def independent_rates(quarterly: pd.DataFrame, n: int, comparisons: int) -> pd.Series:
    """Share of ``comparisons`` placebo comparisons whose paired DiD excludes 0, comparison k on
    replications 2nk .. 2n(k+1)-1 alone (the first n the baseline, the others the placebo)."""
    hits = np.zeros(len(REPORTED))
    for k in range(comparisons):
        chosen = np.arange(2 * n * k, 2 * n * (k + 1))
        base, other = pick(quarterly, chosen[:n]), with_pilot(pick(quarterly, chosen[n:]))
        hits += excludes_zero(paired_did(base, other, REPORTED, "placebo").set_index(["term", "metric"])
                              .loc["paired_did"])
    return pd.Series(hits / comparisons, index=REPORTED)


def fast_intervals(quarterly: pd.DataFrame, n: int, comparisons: int, seed: int) -> tuple[np.ndarray, ...]:
    """The seed sets of ``comparisons`` placebo comparisons and their paired-DiD intervals per
    metric, from the per-replication DiDs that :func:`paired_did` pairs (computed once), with the
    same t interval: enough comparisons that the share excluding 0 is the rate, not a count's noise."""
    groups, periods = {"pilot": ["seaport"], "control": ["airport"]}, {"pre": ["2024Q3", "2024Q4"],
                                                                       "post": ["2025Q1", "2025Q2"]}
    per_rep = did_by_replication(cells(with_pilot(quarterly), groups, periods, REPORTED)).unstack("metric")
    chosen = np.array([np.random.default_rng([seed, k]).permutation(len(per_rep))[:2 * n] for k in range(comparisons)])
    values = per_rep[REPORTED].to_numpy()
    d = values[chosen[:, n:]] - values[chosen[:, :n]]             # comparison x replication x metric
    low, high = t_interval(d.mean(axis=1), d.std(axis=1, ddof=1), n)
    return per_rep.index.to_numpy()[chosen], low, high


@pytest.mark.slow
@pytest.mark.parametrize("n", [3, 5])
def test_two_hundred_independent_placebo_comparisons(large_pool, n):
    """200 comparisons sharing no replication: each metric's count of intervals excluding 0 is one
    a true 5% rate gives (at most 19 of 200 in all 12 counts, probability 0.97; whether each holds
    the issue's 7% is printed: a correct 5% interval cannot promise that for 12 counts); 20,000
    overlapping ones from the same pool give the rate (at most 6%: +-0.3 points around a true 5%);
    the library's paired DiD, run on the first 200 of them, gives exactly the same intervals, so the
    rate is the library's. The regression DiD's shares on 200 comparisons are printed for the record."""
    independent = independent_rates(large_pool, n, 200)
    chosen, low, high = fast_intervals(large_pool, n, 20_000, seed=n)
    rates = pd.Series(((low > 0) | (high < 0)).mean(axis=0), index=REPORTED)
    for k in range(200):
        base, other = pick(large_pool, chosen[k, :n]), with_pilot(pick(large_pool, chosen[k, n:]))
        table = paired_did(base, other, REPORTED, "placebo").set_index(["term", "metric"]).loc["paired_did"]
        np.testing.assert_allclose(table.loc[REPORTED, ["ci_low", "ci_high"]].to_numpy(),
                                   np.column_stack([low[k], high[k]]), rtol=1e-9, atol=1e-12,
                                   err_msg=f"comparison {k}: the library's paired DiD is the interval counted")
    regression = placebo_rates(large_pool, n, comparisons=200, seed=100 + n, wild_bootstrap=True)
    print(f"\nn={n}, paired DiD, share of 200 independent placebo intervals excluding 0 (at most {LIMIT:.0%}?):\n"
          f"{pd.DataFrame({'share': independent, 'within_7pct': independent <= LIMIT}).to_string()}\n"
          f"share of 20,000 overlapping ones:\n{rates.to_string()}\n"
          f"200 overlapping comparisons through the library (shares):\n{regression.to_string()}")
    assert (independent <= BINOMIAL_200_FAMILY).all(), \
        f"primary interval: counts of 200 independent placebos a 5% rate gives (at most 19):\n{independent}"
    assert (rates <= 0.06).all(), f"primary interval: a false-positive rate near 5%:\n{rates}"


def drifting_world(replications: int, seed: int) -> pd.DataFrame:
    """Two ports whose gap grows 0.4 h a quarter (non-parallel trends), quarterly shocks shared
    by the ports of a replication, small port noise; no lever anywhere."""
    rng, quarters, rows = np.random.default_rng(seed), ["2024Q3", "2024Q4", "2025Q1", "2025Q2"], []
    for r in range(replications):
        shocks = rng.normal(0, 0.3, len(quarters))
        for port in ("seaport", "airport"):
            for q, quarter in enumerate(quarters):
                value = 10 + shocks[q] + 0.4 * q * (port == "seaport") + rng.normal(0, 0.1)
                rows.append({"scenario": "x", "replication": r, "port": port, "quarter": quarter, "pilot": False,
                             "release_time_mean_h": value, "released": 1000})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("n", [3, 5])
def test_where_trends_differ_the_regression_fails_the_placebo_and_the_paired_did_does_not(n):
    hits = {"paired": 0, "wild_bootstrap": 0, "cluster_robust": 0}
    for k in range(30):
        base, other = drifting_world(n, seed=2 * k), with_pilot(drifting_world(n, seed=2 * k + 1))
        paired = paired_did(base, other, ["release_time_mean_h"], "p").set_index("term").loc["paired_did"]
        regression = placebo_regression(other, other, ["release_time_mean_h"], "p").iloc[0]
        low, high = cluster_robust_did(other, "release_time_mean_h")
        hits["paired"] += paired["ci_low"] > 0 or paired["ci_high"] < 0
        hits["wild_bootstrap"] += regression["ci_low"] > 0 or regression["ci_high"] < 0
        hits["cluster_robust"] += low > 0 or high < 0
    rates = {k: v / 30 for k, v in hits.items()}
    print(f"\nn={n}, drifting world, share of 30 placebo intervals excluding 0: {rates}")
    assert hits["paired"] <= 4, f"the paired DiD holds (P(X >= 5 | 30, 5%) = 0.016): the drift cancels: {rates}"
    assert rates["cluster_robust"] > 0.5 and rates["wild_bootstrap"] > LIMIT, \
        f"the regression on the scenario alone takes the drift (+0.8 h) for an effect: {rates}"
