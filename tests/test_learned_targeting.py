"""Learned targeting inside the simulation: it trains only on what customs observed, when it
observed it (checks at release or seizure, audits when they report), never on the truth; it is
deterministic at any worker count; and it ranks better than chance once trained."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from sim.clearance import Cleared
from sim.cli import main
from sim.compose import load_config
from sim.learning.features import prepare
from sim.ledger import QuarterlyLedger
from sim.model import LOOKAHEAD_H, SupervisionModel
from sim.policies.risk_learning import COLUMNS, LearnedRisk
from sim.records import GREEN, RELEASED
from sim.streams import replication_seeds

DECLARED = set().union(*(getattr(prepare(pd.DataFrame({c: [1] for c in [*COLUMNS.values(), "tier"]})), side).columns
                         for side in ("keys", "amounts")))  # everything a fit may derive from declared data
LEARNED = ["scenario=learned_targeting", "run=smoke", "policy.targeting.params.retrain_every_days=20",
           "+policy.targeting.params.min_frauds=5"]


def simulate(monkeypatch) -> tuple[list, pd.DataFrame, float]:
    """Run learned targeting; return every fit (day, ids, labels, columns), each settled
    declaration's observable outcomes and truth, and the audit lag (h)."""
    fits, parts = [], []
    fit = LearnedRisk.fit

    def recording_fit(self, day, rng):
        frame, labels, ids = self.training_set(day)
        done = fit(self, day, rng)
        if done:
            fits.append((day, ids, labels, list(frame.keys.columns) + list(frame.amounts.columns)))
        return done

    record = QuarterlyLedger.record

    def recording(self, c: Cleared):
        parts.append(c)
        record(self, c)

    monkeypatch.setattr(LearnedRisk, "fit", recording_fit)
    monkeypatch.setattr(QuarterlyLedger, "record", recording)
    cfg, _ = load_config(["run.progress=false", *LEARNED])
    model = SupervisionModel(cfg, replication_seeds(cfg.run.seed, 1)[0])
    model.run()
    released = lambda c: c.status == RELEASED  # noqa: E731
    table = pd.DataFrame({
        "id": np.concatenate([c.declared("id") for c in parts]),
        "checked": np.concatenate([c.decision("channel") != GREEN for c in parts]),
        "found": np.concatenate([c.detected for c in parts]),
        "audited": np.concatenate([c.decision("audited") & released(c) & ~c.detected for c in parts]),
        "audit_found": np.concatenate([c.audit_found for c in parts]),
        "at": np.concatenate([c.event_time for c in parts]),
        "violation": np.concatenate([c.truth("violation") >= 0 for c in parts])}).set_index("id")
    return fits, table, model.clearance.decider.audit_lag_h


def check_observed(fits: list, table: pd.DataFrame, audit_lag_h: float) -> None:
    """Every label a fit used is an outcome customs had observed by then (raises AssertionError)."""
    assert fits, "the model was fitted at least once"
    for day, ids, labels, columns in fits:
        assert set(columns) <= DECLARED, f"only what is prepared from declared data: {set(columns) - DECLARED}"
        known = ~np.isnan(labels)
        assert 0 < known.mean() < 0.5, f"labels of a minority of the declarations seen: {known.mean():.3f}"
        t = table.loc[ids[known]]
        now = day * 24.0 - LOOKAHEAD_H
        by_check = t["checked"].to_numpy() & (t["at"].to_numpy() <= now) & (labels[known] == t["found"].to_numpy())
        by_audit = t["audited"].to_numpy() & (t["at"].to_numpy() + audit_lag_h <= now) \
            & (labels[known] == t["audit_found"].to_numpy())
        assert np.all(by_check | by_audit), (
            f"fit on day {day}: {int(np.sum(~(by_check | by_audit)))} of {known.sum()} labels are not outcomes "
            f"customs had observed (a check at release or seizure, an audit report) by then")
        missed = t["violation"].to_numpy() & (labels[known] == 0)
        assert missed.any(), f"fit on day {day}: violations a check missed are labelled clean, as customs saw them"


def test_labels_only_from_checked_or_audited_declarations_when_observed(monkeypatch):
    check_observed(*simulate(monkeypatch))


def test_the_check_fails_when_truth_leaks_into_the_labels(monkeypatch):
    lesson = Cleared.lesson

    def leaky(self, idx):
        out = lesson(self, idx)
        out["found"] = out["violation"] >= 0  # the truth instead of what the check found
        return out

    monkeypatch.setattr(Cleared, "lesson", leaky)
    with pytest.raises(AssertionError, match="not outcomes"):
        check_observed(*simulate(monkeypatch))


@pytest.mark.slow  # four smoke replications with fits: ~24 CPU-s
def test_learned_targeting_is_the_same_at_one_and_two_workers(tmp_path):
    tables = {}
    for workers in (1, 2):
        folder = tmp_path / f"w{workers}"
        assert main(["run", *LEARNED, "run.replications=2", f"run.workers={workers}",
                     f"hydra.run.dir={folder}"]) == 0, "the run succeeds"
        tables[workers] = (folder / "quarterly.csv").read_bytes()
    assert tables[1] == tables[2], "quarterly.csv identical at run.workers=1 and 2"
    q = pd.read_csv(tmp_path / "w1" / "quarterly.csv")
    pilot = q[(q.quarter == "2025Q1") & q.port.isin(["seaport", "parcel_hub"])]
    assert pilot["model_auc"].notna().all() and (pilot["model_scored"] > 0).all(), \
        f"the model is scored at the pilot ports: {pilot[['port', 'model_scored', 'model_auc']]}"
    assert q.loc[~q.port.isin(["seaport", "parcel_hub"]), "model_scored"].eq(0).all(), "nothing scored elsewhere"


def test_the_risk_model_metric_recovers_the_configured_auc():
    """The abstract risk mode draws scores of a known AUC: the measured AUC must match it."""
    from tests.helpers import run
    q = run("scenario=inspection_targeting", "run=smoke").quarterly
    pilot = q[q.model_scored > 0]
    auc = np.average(pilot.model_auc, weights=pilot.model_scored)
    assert abs(auc - 0.85) < 0.02, f"measured AUC {auc:.3f} against the configured 0.85"


def test_auc_and_drift_on_hand_made_scores():
    from sklearn.metrics import roc_auc_score

    from sim.scoring import FRESH_DAYS, ScoreRecord, auc
    rng = np.random.default_rng(0)
    score, positive = np.round(rng.normal(size=500), 1), rng.random(500) < 0.2  # rounded: ties
    assert auc(score, positive) == pytest.approx(roc_auc_score(positive, score)), "AUC as scikit-learn, ties too"
    assert np.isnan(auc(score, np.zeros(500, bool))), "undefined without positives"
    record = ScoreRecord(n_ports=1, n_quarters=2)
    violation = np.tile([0, -1, -1, -1], 4)  # 0: a violation, -1: none
    perfect, reversed_ = np.tile([1.0, 0.0, 0.0, 0.0], 2), np.tile([0.0, 1.0, 1.0, 1.0], 2)
    age = np.r_[np.zeros(8), np.full(8, FRESH_DAYS + 1)]  # fresh model ranks perfectly, stale one backwards
    record.add(np.zeros(16, int), np.ones(16, int), np.r_[perfect, reversed_], violation, np.full(16, -1), age)
    out = record.metrics()
    assert out["model_drift"][0, 1] == pytest.approx(-1.0), "AUC 0 when stale minus 1 when fresh"
    assert out["model_auc"][0, 1] == pytest.approx(0.5) and np.isnan(out["model_auc"][0, 0]), "per port-quarter"


def test_the_no_disguise_counterfactual_is_learned_targeting_but_for_the_disguises():
    """scenarios/learned_targeting_no_disguise.yaml copies learned_targeting's policy block: the two
    composed configs differ only in the population's behaviour (the disguises) and their names."""
    learned, _ = load_config(["scenario=learned_targeting"])
    plain, _ = load_config(["scenario=learned_targeting_no_disguise"])
    assert plain.population.behaviour != learned.population.behaviour, "the disguises are switched off"
    same = dataclasses.replace(plain, scenario=learned.scenario, description=learned.description,
                               population=dataclasses.replace(plain.population,
                                                              behaviour=learned.population.behaviour))
    assert same == learned, "everything else (policy block, rollout, world, run) is learned_targeting's"
