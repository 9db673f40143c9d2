"""``world.scale=K``: K times every port's declarations, officers, scanners and bays, and K times
the traders and smuggling networks who lodge them, so volume grows and utilisation stays the same
(the benchmark's volume knob)."""
from __future__ import annotations

import dataclasses

import pytest

from sim.compose import from_mapping, load_config
from sim.experiments.replications import run_replications


def test_scale_multiplies_volume_and_servers_and_the_saved_config_reruns_as_it_ran():
    base, _ = load_config([])
    big, _ = load_config(["world.scale=3"])
    for name, p in base.world.ports.items():
        q = big.world.ports[name]
        assert q.declarations_per_day == 3 * p.declarations_per_day, f"{name}: 3 x the declarations"
        assert dataclasses.astuple(q.officers) == tuple(3 * n for n in dataclasses.astuple(p.officers)), \
            f"{name}: 3 x the officers of each role"
        assert (q.scanners, q.bays) == (3 * p.scanners, 3 * p.bays), f"{name}: 3 x the scanners and bays"
    assert big.population.enterprises == 3 * base.population.enterprises, "3 x the traders, each as active"
    assert big.population.smugglers.networks == 3 * base.population.smugglers.networks, "3 x the networks"
    assert dataclasses.replace(big.population, enterprises=base.population.enterprises,
                               smugglers=base.population.smugglers) == base.population, \
        "nothing else of the population changes"
    assert big.world.scale == 1, "the config holds the scaled ports, so scale is 1 once applied"
    assert from_mapping(dataclasses.asdict(big)) == big, "a saved scaled config is not scaled again"


def test_utilisation_stays_the_same_at_twice_the_scale():
    runs = {k: run_replications(load_config(["run=smoke", "run.progress=false", "world.horizon_quarters=1",
                                             f"world.scale={k}"])[0]).breakdown for k in (1, 2)}
    declared = {k: b.query("dimension == 'direction' and metric == 'declarations'")["value"].sum()
                for k, b in runs.items()}
    assert declared[2] / declared[1] == pytest.approx(2, rel=0.05), f"twice the declarations: {declared}"
    role = lambda b, metric: b.query(f"dimension == 'officer_role' and metric == '{metric}'").groupby(  # noqa: E731
        "level")["value"].sum()
    use = {k: role(b, "officer_busy_h") / role(b, "officer_on_shift_h") for k, b in runs.items()}
    # the same servers' load in expectation (lambda E[S] / c), and the same load per trader (twice the
    # traders), so credit and behaviour move as fast as at scale 1
    assert use[2].to_numpy() == pytest.approx(use[1].to_numpy(), rel=0.15), \
        f"utilisation by role at scale 2 {dict(use[2])} vs scale 1 {dict(use[1])}"


@pytest.mark.parametrize("scenario, key, param, default", [
    ("local_declaration", "local_declaration", "keep_document", 1),  # given in the scenario
    ("officer_training", "training", "budget_days", 60.0),  # the policy's default
    ("sandbox_cbec", "sandbox", "daily_cap", 200),
])
def test_scale_multiplies_the_policies_counts(scenario, key, param, default):
    """A policy's count of officers, officer-days or declarations (a field marked ``scales``) is
    K times as large, so the policy takes the same share of the K times larger ports."""
    base, _ = load_config([f"scenario={scenario}"])
    big, _ = load_config([f"scenario={scenario}", "world.scale=2"])
    assert (base.policy[key].get("params") or {}).get(param, default) == default, f"{param}: {default} at scale 1"
    value = big.policy[key]["params"][param]
    assert value == 2 * default and type(value) is type(default), f"{param}: 2 x {default!r}, got {value!r}"
    assert from_mapping(dataclasses.asdict(big)) == big, "a saved scaled config is not scaled again"
    others = {k: v for k, v in big.policy[key]["params"].items() if k != param}
    assert others == {k: v for k, v in (base.policy[key].get("params") or {}).items() if k != param}, \
        "the policy's other parameters (shares, rates, days) do not change"
