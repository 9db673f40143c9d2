"""Intervals across replications: rates stay in [0, 1] and agree with t away from the bounds;
figures and tables use the same interval; a coverage check on known truths (slow)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.intervals import mean_ci, rate_interval, summarise, t_interval, wilson_interval
from sim.analysis.summary import summary_table
from sim.compose import load_config
from sim.experiments.replications import run_replications
from tests.test_queueing import mmc_wq


def test_wilson_interval_matches_the_textbook_formula():
    low, high = wilson_interval(0.2, 100, 1.959963984540054)
    assert (float(low), float(high)) == pytest.approx((0.1333, 0.2888), abs=1e-4), \
        "Wilson 95% interval of 20/100 (Agresti and Coull 1998, Table 1 style)"
    low, high = wilson_interval(0.0, 50, 1.96)
    assert low == 0 and high == pytest.approx(1.96 ** 2 / (50 + 1.96 ** 2), rel=1e-9), "0/n: [0, z²/(n+z²)]"


def test_rate_interval_stays_in_range_where_t_leaves_it():
    values = np.array([0.0, 0.0, 0.004, 0.0, 0.001])  # a rare rate: t goes below 0
    t_low, _ = t_interval(values.mean(), values.std(ddof=1), len(values))
    low, high = rate_interval(values.mean(), values.std(ddof=1), len(values))
    assert t_low < 0, "the t interval leaves the possible range here"
    assert 0 <= low <= values.mean() <= high <= 1, f"the rate interval does not: {low}, {high}"


def test_rate_interval_is_the_t_interval_away_from_the_bounds():
    rng = np.random.default_rng(1)
    values = rng.normal(0.5, 0.01, 10)
    t_low, t_high = t_interval(values.mean(), values.std(ddof=1), 10)
    low, high = rate_interval(values.mean(), values.std(ddof=1), 10)
    assert (low, high) == pytest.approx((t_low, t_high), abs=2e-5), "same as t in the middle of [0, 1]"


def test_without_spread_the_trials_give_the_width():
    low, high = rate_interval(0.0, 0.0, 5, trials=1000)
    assert low == 0 and 0 < high < 0.02, f"no violations in 1,000 trials: a Wilson upper bound above 0: {high}"


def test_only_rates_use_the_rate_interval():
    values = np.array([0.001, 0.0, 0.0, 0.002])
    assert mean_ci("inspection_rate", values)[1] >= 0, "a rate: Wilson, in range"
    assert mean_ci("release_time_mean_h", values)[1] < 0, "a time: plain t (may be negative)"


def test_summary_and_figure_bands_use_the_same_interval():
    rows = pd.DataFrame({"replication": np.repeat(range(4), 2), "scenario": "x", "port": ["a", "b"] * 4,
                         "quarter": "2025Q1", "hit_rate": [0.0, 0.0, 0.01, 0.0, 0.0, 0.0, 0.0, 0.02],
                         "inspections": [100.0] * 8})
    table = summary_table(rows, metrics=("hit_rate",)).iloc[0]
    per_rep = rows.groupby("replication").apply(lambda r: (r["hit_rate"] * r["inspections"]).sum()
                                                / r["inspections"].sum(), include_groups=False)
    band = summarise(pd.DataFrame({"hit_rate": per_rep}), [], ["hit_rate"]).iloc[0]
    assert (table["ci_low"], table["ci_high"]) == pytest.approx((band["ci_low"], band["ci_high"])), \
        "summary.md and figure bands give the same interval"
    assert table["ci_low"] >= 0, "and it stays in range"


def coverage(samples: np.ndarray, truth: float, name: str) -> tuple[float, np.ndarray]:
    """Share of the rows of ``samples`` (repetitions x replications) whose 95% interval covers ``truth``."""
    bounds = np.array([mean_ci(name, row)[1:] for row in samples])
    return float(np.mean((bounds[:, 0] <= truth) & (truth <= bounds[:, 1]))), bounds


# M/M/4 at rho = 0.8 with a quarter of the validation world's arrivals (0.8 / h, 4 h service):
# a quarter of simulated time per replication keeps 1,000 replications to minutes
QUEUE = ["scenario=queue_validation", "world=queue_only", "policy=all_document", "world.horizon_quarters=1",
         "world.warmup_days=10", "run.agent_snapshots=false", "run.progress=false",
         "world.ports.queue.declarations_per_day=19.2", "world.service.document_h=4.0"]
REPETITIONS, PER_INTERVAL = 200, 5


@pytest.mark.slow
def test_coverage_on_known_truths_is_93_to_97_percent():
    """200 repetitions each: a rare rate (binomial, p = 0.02, 2,000 trials per replication, 5
    replications), and the simulated M/M/4 mean wait against Erlang C (5 replications of a quarter)."""
    rng = np.random.default_rng(1)
    rate, _ = coverage(rng.binomial(2000, 0.02, (REPETITIONS, PER_INTERVAL)) / 2000, 0.02, "hit_rate")
    print(f"\nrare rate: {rate:.1%} of {REPETITIONS} intervals cover p = 0.02")
    assert 0.93 <= rate <= 0.97, f"rate interval coverage {rate:.1%}"
    cfg, _ = load_config([*QUEUE, f"run.replications={REPETITIONS * PER_INTERVAL}"])
    b = run_replications(cfg).breakdown
    waits = b[(b["dimension"] == "trs_step") & (b["level"] == "document_review_wait")
              & (b["metric"] == "hours_per_released")].sort_values("replication")["value"].to_numpy()
    truth = mmc_wq(0.8, 0.25, 4)
    wait, bounds = coverage(waits.reshape(REPETITIONS, PER_INTERVAL), truth, "release_time_mean_h")
    print(f"M/M/4 wait: {wait:.1%} of {REPETITIONS} t intervals cover the Erlang C mean {truth:.4f} h "
          f"(missed low {np.mean(bounds[:, 1] < truth):.1%}, high {np.mean(bounds[:, 0] > truth):.1%}; "
          f"mean of all replications {waits.mean():.4f} h)")
    assert 0.93 <= wait <= 0.97, f"t interval coverage of the M/M/c mean wait {wait:.1%}"


def test_t_quantile_matches_scipy():
    low, high = t_interval(1.0, 2.0, 4)
    assert high - 1.0 == pytest.approx(stats.t.ppf(0.975, 3) * 2.0 / 2.0), "t(0.975, n-1) * sd / sqrt(n)"
