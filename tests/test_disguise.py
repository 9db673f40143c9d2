"""Violators hide from what customs checks (sim/behaviour/disguise.py): a way of hiding that keeps
being checked loses favour, a caught trader declares as a new company, and the shift blinds a risk
model trained before it until the model is retrained on labels of the new disguises."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from sim.agents.enterprise import Population
from sim.behaviour.disguise import Guises, Reregistration
from sim.compose import load_config
from sim.learning.strategies import GBMStrategy
from sim.model import SupervisionModel
from sim.policies.risk_learning import observed
from sim.streams import Streams, replication_seeds

SETTINGS = SimpleNamespace(reregister_share=1.0, reregister_lag_days=60, disguise_memory_days=10,
                           disguise_temperature=0.05)  # population.behaviour's disguise settings


def test_a_disguise_that_is_checked_loses_favour():
    guises = Guises(SETTINGS, n_ports=2, choices=2, checked_payoff=0.0)
    ids = np.arange(200)
    choice = ids % 2
    guises.remember(ids, choice, np.full(200, 0.8))
    guises.learn(ids, np.zeros(200, int), checked=choice == 0)  # port 0: every choice-0 declaration checked
    keep = np.exp(-1 / SETTINGS.disguise_memory_days)
    assert guises.values[0] == pytest.approx([keep, keep + (1 - keep) * 0.8]), \
        "a day's memory: the checked choice moves towards 0, the other towards its gain 0.8"
    assert guises.values[1] == pytest.approx([1.0, 1.0]), "another port learned nothing"
    shares = guises.shares()
    assert shares[0, 1] == pytest.approx(1 / (1 + np.exp(-(1 - keep) * 0.8 / 0.05))), "softmax at the temperature"
    assert shares[0, 1] > 0.5 > shares[0, 0], f"violators move away from the checked disguise: {shares[0]}"


def test_guises_keep_only_the_disguised_declarations_whose_outcome_is_not_known_yet():
    guises = Guises(SETTINGS, n_ports=1, choices=2, checked_payoff=0.0)
    guises.remember(np.array([10, 30]), np.array([0, 1]), np.array([0.5, 0.8]))
    guises.remember(np.array([40]), np.array([1]), np.array([0.8]))
    guises.learn(np.array([5, 30, 31, 10]), np.zeros(4, int), checked=np.zeros(4, bool))  # 5, 31: no disguise
    keep = np.exp(-1 / SETTINGS.disguise_memory_days)
    assert guises.values[0] == pytest.approx([keep + (1 - keep) * 0.5, keep + (1 - keep) * 0.8]), \
        "each learned declaration moves its own choice towards its gain"
    assert list(guises.ids) == [40] and list(guises.choice) == [1] and list(guises.gain) == [0.8], \
        "what was learned is forgotten: memory holds the declarations in flight, not the run's"
    before = guises.values.copy()
    guises.learn(np.array([10, 30]), np.zeros(2, int), checked=np.ones(2, bool))
    assert (guises.values == before).all(), "an outcome is learned once"
    with pytest.raises(ValueError, match="ascending"):
        guises.remember(np.array([35]), np.array([0]), np.array([0.5]))


def test_a_caught_trader_declares_as_a_new_company():
    cfg, _ = load_config(["run=smoke"])
    population = Population(cfg, np.random.default_rng(0))
    n = len(population.importer)
    population.lodged[[5, 7]], population.findings[[5, 7]] = [40, 9], [2, 1]
    population.record_at[5] = 100.0
    moves = Reregistration(SETTINGS, population, Streams(np.random.SeedSequence(1)))
    leaving = moves.caught(np.array([5, 5, 7]), 3, "cleared")
    assert list(leaving) == [5, 7], "share 1: every caught trader re-registers, once"
    assert not len(moves.caught(np.array([5]), 4, "cleared")), "one new company at a time"
    moves.reregister(leaving, 63)
    assert list(population.importer[[5, 7]]) == [n, n + 1], "new importer ids, after all used ones"
    assert population.importer[6] == 6, "the others keep theirs"
    population.lodged[5] += 3
    assert [list(r) for r in population.records(np.array([5, 6]))] == [[3, 0], [0, 0]], \
        "the new company's records start at zero"
    assert population.record_at[5] == -np.inf, "no partner agency's record on the new company (the watch list)"


def test_who_re_registers_does_not_depend_on_earlier_findings():
    """Common random numbers: a trader's decision on a day is the same however many findings on
    other traders came before it, that day or earlier; more findings on it make leaving likelier."""
    cfg, _ = load_config(["run=smoke"])
    settings = SimpleNamespace(**{**vars(SETTINGS), "reregister_share": 0.5})

    def leaves(calls: list[np.ndarray], day: int = 5) -> np.ndarray:
        moves = Reregistration(settings, Population(cfg, np.random.default_rng(0)), Streams(np.random.SeedSequence(1)))
        for d, caught in enumerate(calls[:-1]):
            moves.caught(caught, d, "cleared")
        return moves.caught(calls[-1], day, "cleared")

    alone = leaves([np.arange(100, 300)])
    after = leaves([np.arange(300, 400), np.arange(300, 350), np.r_[np.arange(100, 300), np.full(7, 400)]])
    assert 60 < len(alone) < 140, f"share 0.5 of 200 traders: {len(alone)} leave"
    assert set(alone) == set(after) - {400}, "the same traders leave whatever came before"
    twice = leaves([np.repeat(np.arange(100, 300), 2)])
    assert set(alone) <= set(twice) and len(twice) > len(alone), "two findings: 1 - 0.25 instead of 0.5"


def _declared_days(model: SupervisionModel, days: range) -> tuple[pd.DataFrame, np.ndarray]:
    """Declarations of ``days`` as customs sees them, and whether each is a violation."""
    frames, truth_ = [], []
    for day in days:
        truth = model.source.draw_day(day)
        declared = model.source.declare(truth, day * 100_000)
        rows = np.arange(len(truth))
        frames.append(pd.DataFrame(observed(declared, model.population.tier(truth.enterprise), rows)))
        truth_.append(truth.violation >= 0)
    return pd.concat(frames, ignore_index=True), np.concatenate(truth_)


def test_the_shift_blinds_a_model_until_it_is_retrained():
    """A model trained while violators use the lowest-tariff codes and cut only the value ranks
    worse once they use other codes and cut the quantity too; retrained on labels of the new
    disguises, it ranks better again (all labels known here: the mechanism, not selection)."""
    cfg, _ = load_config(["run=smoke", "population.smugglers.networks=0"])
    model = SupervisionModel(cfg, replication_seeds(0, 1)[0])
    source = model.source
    source.codes.values[:], source.cuts.values[:] = [1.0, -9.0, -9.0], [1.0, -9.0]  # before: lowest rate, value cut
    before, before_truth = _declared_days(model, range(0, 50))
    rng = np.random.default_rng(0)
    trained = GBMStrategy(n_estimators=50, learning_rate=0.2).fit(before.iloc[:30_000], before_truth[:30_000], rng)
    auc_before = roc_auc_score(before_truth[30_000:], trained.probability(before.iloc[30_000:]))
    source.codes.values[:], source.cuts.values[:] = [-9.0, 1.0, 1.0], [-9.0, 1.0]  # after: other codes, quantity cut
    after, after_truth = _declared_days(model, range(50, 100))
    half = len(after) // 2
    auc_shifted = roc_auc_score(after_truth[half:], trained.probability(after.iloc[half:]))
    retrained = GBMStrategy(n_estimators=50, learning_rate=0.2).fit(after.iloc[:half], after_truth[:half], rng)
    auc_retrained = roc_auc_score(after_truth[half:], retrained.probability(after.iloc[half:]))
    assert auc_shifted < auc_before - 0.03, f"the shift blinds the model: AUC {auc_before:.3f} -> {auc_shifted:.3f}"
    assert auc_retrained > auc_shifted + 0.02, \
        f"retrained on labels of the new disguises it recovers: {auc_shifted:.3f} -> {auc_retrained:.3f}"
