"""The simulated risk model of targeting (binormal scores with a given AUC) against data.

The public synthetic customs declarations (../shared/data/customs-declarations, from
Jeong et al., arXiv 2208.02484) are used to check that the binormal model turns a classifier's
AUC into the precision it actually reaches among the top-scored declarations.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.compose import ROOT
from sim.policies.targeting import precision_at, risk_shift

DATA = ROOT.parent / "shared" / "data" / "customs-declarations"


def empirical_auc(score: np.ndarray, positive: np.ndarray) -> float:
    """ROC AUC as the Mann-Whitney U statistic over (positive, negative) pairs."""
    u = stats.mannwhitneyu(score[positive], score[~positive]).statistic
    return float(u / (positive.sum() * (~positive).sum()))


@pytest.mark.parametrize("auc", [0.6, 0.75, 0.9])
def test_simulated_scores_have_the_requested_auc(auc):
    rng = np.random.default_rng(7)
    positive = rng.random(200_000) < 0.03
    score = rng.standard_normal(len(positive)) + risk_shift(auc) * positive
    assert abs(empirical_auc(score, positive) - auc) < 0.01, f"scores drawn for AUC {auc} have it"


def test_precision_grows_with_auc_and_is_the_base_rate_without_signal():
    assert precision_at(0.5, 0.2, 0.05) == pytest.approx(0.2, abs=1e-6), "AUC 0.5 = random selection"
    values = [precision_at(a, 0.216, 0.05) for a in (0.6, 0.7, 0.8, 0.9)]
    assert values == sorted(values), f"precision at 5% rises with the AUC: {values}"
    # The paper's LightGBM reaches 0.76 / 0.64 at 5% / 10% inspected: about AUC 0.8 here.
    assert precision_at(0.8, 0.216, 0.05) == pytest.approx(0.76, abs=0.05), "AUC 0.8 ~ LightGBM at 5%"
    assert precision_at(0.8, 0.216, 0.10) == pytest.approx(0.64, abs=0.05), "AUC 0.8 ~ LightGBM at 10%"


@pytest.mark.skipif(not (DATA / "train.csv").is_file(), reason=f"public data set not found at {DATA}")
def test_binormal_model_predicts_the_precision_of_a_model_fitted_on_public_data():
    import statsmodels.api as sm
    train, valid = (pd.read_csv(DATA / f"{part}.csv") for part in ("train", "valid"))
    prior = train["Fraud"].mean()

    def features(d: pd.DataFrame) -> np.ndarray:
        cols = [np.log1p(d["Item Price"].fillna(0).clip(lower=0)), np.log1p(d["Net Mass"].fillna(0).clip(lower=0)),
                d["Tax Rate"].fillna(0)]
        for key in ("Importer ID", "Declarant ID", "HS6 Code", "Country of Origin", "Office ID"):
            seen = train.groupby(key)["Fraud"].agg(["sum", "count"])
            rate = (seen["sum"] + 20 * prior) / (seen["count"] + 20)  # smoothed target encoding
            cols.append(stats.logistic.ppf(d[key].map(rate).fillna(prior).clip(1e-4, 1 - 1e-4)))
        return sm.add_constant(np.column_stack(cols))

    model = sm.Logit(train["Fraud"].to_numpy(), features(train)).fit(disp=0)
    score, fraud = model.predict(features(valid)), valid["Fraud"].to_numpy() == 1
    auc = empirical_auc(score, fraud)
    assert 0.55 < auc < 0.9, f"a simple model finds signal in the data (AUC {auc:.3f})"
    for share in (0.05, 0.10):
        top = np.argsort(-score, kind="stable")[: int(share * len(score))]
        measured, predicted = fraud[top].mean(), precision_at(auc, fraud.mean(), share)
        assert abs(measured - predicted) < 0.06, \
            f"precision at {share:.0%}: measured {measured:.3f}, binormal model {predicted:.3f} (AUC {auc:.3f})"
