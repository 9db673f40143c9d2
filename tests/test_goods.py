"""Goods drawn from the fitted public data (sim/goods.py), and the declarations as customs sees
them (records.Declared): what a violation changes on the declaration, and what it does not."""
from __future__ import annotations

import numpy as np
import pytest

from sim.compose import load_config
from sim.goods import UNIFORMS, Goods
from sim.learning.attributes import load_attributes
from sim.model import SupervisionModel
from sim.streams import replication_seeds


@pytest.fixture(scope="module")
def goods():
    cfg, _ = load_config(["run=smoke", "run.progress=false"])
    partner = np.random.default_rng(0).integers(0, len(cfg.population.partner_countries), 5000)
    return cfg, Goods(cfg.population, partner, np.random.default_rng(1))


def test_draws_follow_the_fitted_file(goods):
    cfg, g = goods
    a, rng, n = load_attributes(), np.random.default_rng(2), 200_000
    enterprise = rng.integers(0, 5000, n)
    drawn = g.draw(enterprise, rng.random((n, UNIFORMS)), rng.standard_normal(n))
    shares = np.bincount(drawn["chapter"], minlength=len(g.chapters)) / n
    fitted = np.array([a["hs_chapter"]["top"][ch] for ch in g.chapters])
    assert np.abs(shares - fitted).max() < 0.02, "chapters by the file's shares (traders' main chapters mixed in)"
    same = np.mean(drawn["origin"] == drawn["departure"])
    assert abs(same - a["departure_same_as_origin"]) < 0.02, f"shipped from the origin: {same:.3f}"
    eu = [g.countries.index(c) for c in cfg.population.partner_countries["eu"].countries]
    in_eu = g.region[enterprise] == list(cfg.population.partner_countries).index("eu")
    assert np.isin(drawn["origin"][in_eu], eu).all(), "an EU trader's goods come from EU countries"
    chapter_number = np.array([int(ch) for ch in g.chapters])[drawn["chapter"]]
    assert np.array_equal(drawn["hs6"] // 10_000, chapter_number), "each HS6 code lies in its chapter"
    code = drawn["hs6"] == np.bincount(drawn["hs6"]).argmax()
    assert np.ptp(drawn["tax_pct"][code]) == 0, "one tariff rate per HS6 code"
    assert abs(np.mean(np.exp(drawn["log_odds"]))) == pytest.approx(1.0, abs=0.1), \
        "the goods' odds factors average about 1: traders keep their calibrated propensity"


def test_a_traders_goods_concentrate_in_its_main_chapter(goods):
    _, g = goods
    rng, n = np.random.default_rng(3), 20_000
    drawn = g.draw(np.zeros(n, np.int64), rng.random((n, UNIFORMS)), rng.standard_normal(n))
    share = np.mean(drawn["chapter"] == g.main_chapter[0])
    assert share >= 0.7, f"goods_focus 0.7 of a trader's declarations in its main chapter (plus chance): {share:.3f}"


@pytest.fixture(scope="module")
def day():
    cfg, _ = load_config(["run=smoke", "run.progress=false"])
    model = SupervisionModel(cfg, replication_seeds(cfg.run.seed, 1)[0])
    truth = model.source.draw_day(0) + model.smugglers.declarations(0)
    return model, truth, model.source.declare(truth, 1000)


def test_declared_shows_what_each_violation_falsifies(day):
    model, truth, declared = day
    kinds = list(model.cfg.population.violations)
    under = truth.violation == kinds.index("undervaluation")
    honest = truth.violation < 0
    assert under.any() and honest.any(), "the day has undervaluations and honest declarations"
    assert np.allclose(declared.value[under], truth.value[under] * (1 - 0.35)), "declared value 35% lower"
    assert np.allclose(declared.value[honest], truth.value[honest]), "honest declarations as they are"
    assert np.array_equal(declared.hs6[honest], truth.hs6[honest]), "honest codes as they are"
    mis = truth.violation == kinds.index("misclassification")
    switched = mis & (declared.hs6 != truth.hs6)
    assert switched.any(), "some misclassifications declare another code"
    assert np.all(model.goods.tax_pct(declared.hs6[switched]) < model.goods.tax_pct(truth.hs6[switched])), \
        "the declared code has a lower tariff rate"
    assert list(declared.id) == list(range(1000, 1000 + len(truth))), "declarations numbered in order"
    attempt = truth.smuggler >= 0
    assert not declared.high_risk[attempt].any(), "smuggling attempts are declared as (not high-risk) cover goods"
    gap = np.log(declared.value[attempt] / truth.value[attempt])
    methods = list(model.cfg.population.smugglers.concealments.values())
    assert np.allclose(gap, [methods[c].value_gap for c in truth.concealment[attempt]]), \
        "an attempt's declared unit value is off by its concealment's value_gap"
