"""The restricted wild cluster bootstrap (Webb weights) of the regression DiD: same p-values as
the wildboottest package, intervals that invert the test, sensible size with few clusters."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from sim.analysis.wild_bootstrap import WildClusterTest, webb_weights


def clustered_data(clusters: int, effect: float, seed: int, rows_per_cluster: int = 12):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(clusters), rows_per_cluster)
    x = rng.normal(size=g.size) + rng.normal(size=clusters)[g]
    z = rng.normal(size=g.size)
    y = effect * x + 0.5 * z + rng.normal(size=g.size) + rng.normal(size=clusters)[g]
    return y, x, np.column_stack([np.ones(g.size), z]), g


def test_webb_weights_are_enumerated_for_few_clusters():
    weights = webb_weights(3)
    assert weights.shape == (216, 3), "6^3 weight vectors for 3 clusters"
    assert np.allclose(weights.mean(axis=0), 0) and np.allclose((weights ** 2).mean(axis=0), 1), \
        "Webb weights have mean 0 and variance 1"
    assert webb_weights(5).shape == (7776, 5), "up to 5 clusters every weight vector"
    assert webb_weights(8).shape == (1999, 8), "beyond 5 clusters, 1,999 draws"


@pytest.mark.parametrize("clusters", [4, 5, 8])
def test_p_values_match_the_wildboottest_package(clusters):
    wildboottest = pytest.importorskip("wildboottest.wildboottest")
    y, x, others, g = clustered_data(clusters, 0.2, seed=clusters)
    model = sm.OLS(y, pd.DataFrame({"const": others[:, 0], "x": x, "z": others[:, 1]}))
    theirs = wildboottest.wildboottest(model, param="x", cluster=g, B=29999, weights_type="webb", seed=1,
                                       show=False)["p-value"].iloc[0]
    test = WildClusterTest(y, x, others, g)
    assert test.beta == pytest.approx(model.fit().params["x"]), "the coefficient is the OLS one (FWL)"
    assert test.p_value(0.0) == pytest.approx(theirs, abs=0.015), \
        f"same p-value as wildboottest (up to Monte Carlo error of 1,999 draws): {test.p_value(0.0)} vs {theirs}"


def test_the_interval_inverts_the_test():
    y, x, others, g = clustered_data(6, 0.3, seed=11)
    test = WildClusterTest(y, x, others, g)
    low, high = test.interval()
    assert low < test.beta < high, "the estimate is inside its interval"
    for bound in (low, high):
        inside = test.p_value(bound + 1e-3 * (test.beta - bound))
        outside = test.p_value(bound - 1e-2 * (test.beta - bound))
        assert inside > 0.05 >= outside, f"p crosses 0.05 at the bound {bound}: {inside}, {outside}"


def test_rejection_rate_under_the_null_is_near_five_percent_with_five_clusters():
    rejections = [WildClusterTest(*clustered_data(5, 0.0, seed=s)).p_value(0.0) <= 0.05 for s in range(300)]
    share = float(np.mean(rejections))
    assert 0.02 <= share <= 0.09, f"size of a 5% test with 5 clusters: {share:.1%} of 300 (binomial sd 1.3%)"
