"""Mesa agents are views on the array state: what an analyst reads through AgentSet operations
agrees with the arrays the clearance path updates."""
from __future__ import annotations

import numpy as np
import pytest

from sim.agents.enterprise import TIERS, Enterprise, TradersModel
from sim.agents.officer import Officer
from sim.compose import load_config
from sim.model import SupervisionModel
from sim.streams import replication_seeds


@pytest.fixture(scope="module")
def model():
    cfg, _ = load_config(["run=smoke", "world.horizon_quarters=1"])
    model = SupervisionModel(cfg, replication_seeds(cfg.run.seed, 1)[0])
    model.run()
    return model


def test_enterprise_tiers_seen_through_agentset_match_the_scores(model):
    enterprises = model.agents_by_type[Enterprise]
    pop = model.population
    assert len(enterprises) == len(pop.score), "one mesa agent per enterprise row (fronts included)"
    counts = enterprises.groupby("credit_tier").count()
    tiers = pop.tier(slice(None))
    for t, name in enumerate(TIERS):
        assert counts.get(name, 0) == int(np.sum(tiers == t)), f"{name} tier count agrees with the scores"
    moved = enterprises.select(lambda a: a.perceived_risk != model.cfg.population.behaviour.prior_risk)
    assert len(moved) > 0, "traders who declared have learned a perceived risk"
    assert all(0 <= a.credit_score <= 100 for a in enterprises), "scores stay in [0, 100]"
    assert {a.business_model for a in enterprises} <= set(pop.model_names), "business models by name"


def test_officers_carry_their_checks_findings_and_skill(model):
    officers = model.agents_by_type[Officer]
    staff = sum(sum(port.staff.values()) for port in model.ports)
    assert len(officers) == staff, "one agent per officer on the roster"
    by_role = officers.groupby("role")
    checks = by_role.map(lambda group: sum(a.checks for a in group))
    assert all(checks[role] > 0 for role in ("document", "nii", "physical")), f"every role checked: {checks}"
    assert all(a.findings <= a.checks for a in officers), "no officer finds more than they check"
    skill = np.array([a.skill for a in officers])
    assert 0.8 < skill.mean() < 1.2 and skill.std() > 0, f"skills vary around 1: mean {skill.mean():.3f}"


def test_trader_agents_are_built_only_when_read():
    cfg, _ = load_config(["run=smoke", "world.horizon_quarters=1"])
    model = SupervisionModel(cfg, replication_seeds(cfg.run.seed, 1)[0])
    registered = super(TradersModel, model).agents_by_type  # mesa's own registry, not the model's view
    assert Enterprise not in registered, "no trader agent is built before anyone reads the agents"
    assert len(model.agents_by_type[Enterprise]) == len(model.population.score), "built on first read"
    assert len(model.agents_by_type[Enterprise]) == len(model.population.score), "and only once"
