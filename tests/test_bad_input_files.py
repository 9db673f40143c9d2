"""User files are data: bad scenario and experiment files (and compare requests) are refused with
one line naming the file or key, before any work, and nothing is written (tests/badinput.py).

Ids starting ``why-`` are the examples listed under "Why" in issue 11.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from sim.experiments.definitions import parse_experiment, variants
from sim.experiments.jobs import plan
from tests.badinput import refused

HEADER = "# @package _global_\n"
TARGETING = "policy:\n  targeting:\n    params: {mode: hybrid, auc: 0.85}\n"


def scenario(text, key, *allowed, id):
    return pytest.param(text, key, allowed, id=id)


SCENARIOS = [
    scenario(HEADER + "polcy: {}\n", "polcy", "world, population, policy", id="unknown-top-key"),
    scenario(HEADER + "hydra:\n  callbacks:\n    x: {_target_: os.system}\n", "hydra", "world, population",
             id="why-hydra-callbacks"),
    scenario(HEADER + "_target_: os.system\n", "_target_", "world, population", id="top-level-target"),
    scenario(HEADER + "policy:\n  inspection:\n    params: {_target_: os.system}\n", "_target_", "run code",
             id="nested-target"),
    scenario(HEADER + "world: {horizon_quarters: '${oc.env:HOME}'}\n", "world.horizon_quarters", "interpolation",
             id="env-interpolation"),
    scenario(HEADER + "description: ${oc.env:USER}\n", "description", "interpolation", id="env-in-description"),
    scenario(HEADER + "description: ${hydra:runtime.cwd}\n", "description", "interpolation",
             id="hydra-resolver"),
    scenario(HEADER + "defaults:\n  - override /hydra/launcher: joblib\n", "defaults", "override /GROUP",
             id="defaults-hydra-group"),
    scenario(HEADER + "defaults:\n  - override /world: ../../etc\n", "defaults", "existing preset",
             id="defaults-path"),
    scenario(HEADER + "defaults:\n  - override /world: mars\n", "defaults", "existing preset",
             id="defaults-unknown-preset"),
    scenario(HEADER + "defaults:\n  - /world: national\n", "defaults", "override /GROUP", id="defaults-not-override"),
    scenario(HEADER + "defaults: 5\n", "defaults", "list", id="defaults-scalar"),
    scenario("# @package hydra\nrun: {dir: /tmp/elsewhere}\n", "@package", "_global_", id="package-hydra"),
    scenario("# @package _global_.hydra\ncallbacks: {}\n", "@package", "_global_", id="package-global-hydra"),
    scenario(HEADER + "policy: [unclosed\n", "not valid YAML", "line 3", id="why-malformed-yaml"),
    scenario(HEADER + "world:\n  horizon_quarters: 4\n   warmup_days: 7\n", "not valid YAML", "line",
             id="bad-indentation"),
    scenario(HEADER + "- a\n- b\n", "mapping", "list", id="list-not-mapping"),
    scenario("just text\n", "mapping", "str", id="scalar-not-mapping"),
    scenario(b"\xff\xfe\x00bad", "cannot read", "", id="not-utf8"),
    scenario(HEADER + "scenario: ../../evil\n", "scenario", "plain name", id="why-scenario-name-traversal"),
    scenario(HEADER + "scenario: .hidden\n", "scenario", "plain name", id="scenario-name-hidden"),
    scenario(HEADER + "world: {horizon: 4}\n", "world.horizon", "horizon_quarters", id="why-bad-key-in-file"),
    scenario(HEADER + "world: {ports: {seaport: {declarations_per_day: 1.0e12}}}\n",
             "world.ports.seaport.declarations_per_day", "[0, 1000000]", id="huge-volume-in-file"),
    scenario(HEADER + TARGETING + "    rollout: {waves: [{from: 2025Q1, prots: [seaport]}]}\n",
             "policy.targeting.rollout.waves[0].prots", "from, ports", id="why-misspelt-wave-key"),
    scenario(HEADER + TARGETING + "    rollout: {from: 2025Q1, waves: [{from: 2025Q1, ports: [seaport]}]}\n",
             "policy.targeting.rollout.from", "beside waves", id="from-beside-waves"),
    scenario(HEADER + TARGETING + "    rollout: {waves: []}\n", "policy.targeting.rollout.waves", "non-empty",
             id="no-waves"),
    scenario(HEADER + TARGETING + "    rollout: {waves: [{from: 2025Q1, ports: []}]}\n",
             "policy.targeting.rollout.waves[0].ports", "non-empty", id="wave-without-ports"),
    scenario(HEADER + TARGETING + "    rollout: {waves: [2025Q1]}\n", "policy.targeting.rollout.waves[0]", "mapping",
             id="wave-not-mapping"),
    scenario(HEADER + TARGETING + "    rollout: {from: 25Q1}\n", "policy.targeting.rollout.from", "YYYYQn",
             id="from-short-year"),
    scenario(HEADER + TARGETING + "    rollout: {from: 2025Q1, until: 2024Q4}\n", "policy.targeting.rollout.until",
             "after from", id="until-before-from"),
    scenario(HEADER + "policy:\n  credit_tier:\n    params: {aeo: low}\n", "policy.credit_tier.params.aeo",
             "a number", id="string-multiplier"),
    scenario(HEADER + "policy:\n  targeting:\n    params: {auc: .inf}\n", "policy.targeting.params.auc", "finite",
             id="inf-auc-in-file"),
    scenario(HEADER + "population: {credit: {aeo_threshold: 20}}\n", "population.credit.aeo_threshold",
             "start_general", id="aeo-threshold-below-dishonest"),
    scenario(HEADER + "policy:\n  inspection:\n    params: {physical_rate: 1.5}\n",
             "policy.inspection.params.physical_rate", "[0, 1]", id="rate-above-1-in-file"),
    scenario(HEADER + "policy:\n  not_a_policy:\n    params: {}\n", "policy.not_a_policy", "inspection",
             id="unknown-policy-in-file"),
    scenario(HEADER + "policy:\n  inspection:\n    params: {treshold: 0.6}\n", "policy.inspection.params.treshold",
             "document_rate", id="unknown-parameter-in-file"),
]


@pytest.mark.parametrize("text, key, allowed", SCENARIOS)
def test_bad_scenario_file_is_refused(capsys, tmp_path, text, key, allowed):
    path = tmp_path / "my_scenario.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    refused(capsys, tmp_path, ["run", f"scenario={path}", "run=smoke", f"hydra.run.dir={tmp_path / 'out'}"],
            key, allowed)


def test_a_scenario_file_with_hydra_callbacks_is_refused_in_a_sweep(capsys, tmp_path):
    """``hydra.callbacks`` in a scenario file was instantiated by ``run -m``: refused first."""
    path = tmp_path / "evil.yaml"
    path.write_text(HEADER + "hydra:\n  callbacks:\n"
                    "    x: {_target_: builtins.exec, _args_: ['open(\"pwned\", \"w\")']}\n")
    refused(capsys, tmp_path, ["run", "-m", f"scenario={path}", "run.seed=1,2", "run=smoke",
                               f"hydra.sweep.dir={tmp_path / 'sweep'}"], "hydra", ("world, population",))
    assert not Path("pwned").exists(), "no code ran"


def experiment(text, key, *allowed, id):
    return pytest.param(text, key, allowed, id=id)


EXP = "name: mine\nscenarios: [inspection_targeting]\n"
EXPERIMENTS = [
    experiment("scenario: [inspection_targeting]\n", "scenario", "scenarios", id="singular-scenario-key"),
    experiment(EXP + "overrides: ['hydra.searchpath=[pkg://os]']\n", "overrides", "world, population",
               id="why-hydra-searchpath"),
    experiment(EXP + "overrides: ['+hydra.callbacks.x._target_=os.system']\n", "overrides", "hydra",
               id="hydra-callbacks-override"),
    experiment(EXP + "overrides: ['hydra.run.dir=/tmp/elsewhere']\n", "overrides", "hydra", id="hydra-run-dir"),
    experiment(EXP + "overrides: ['hydra/launcher=joblib']\n", "overrides", "hydra", id="launcher-override"),
    experiment(EXP + "overrides: ['world.horizon_quarters=${oc.env:X}']\n", "overrides", "interpolation",
               id="env-override"),
    experiment(EXP + "overrides: ['scenario=baseline_2024']\n", "overrides", "world, population",
               id="scenario-override"),
    experiment(EXP + "overrides: ['world=../x']\n", "overrides", "plain name", id="preset-path-override"),
    experiment(EXP + "overrides: ['world.horizon_quarters=[unclosed']\n", "overrides", "cannot read",
               id="unparsable-override"),
    experiment(EXP + "grid: {hydra.run.dir: [a, b]}\n", "grid", "hydra", id="grid-hydra-key"),
    experiment(EXP + "grid: {policy.targeting.params.auc: ['../../x']}\n", "grid", "plain name",
               id="why-grid-value-traversal"),
    experiment(EXP + "grid: {policy.targeting.params.auc: []}\n", "grid", "non-empty", id="grid-no-values"),
    experiment(EXP + "grid: {policy.targeting.params.auc: [[0.5, 0.6]]}\n", "grid", "numbers", id="grid-list-value"),
    experiment(EXP + "grid: [a, b]\n", "grid", "mapping", id="grid-not-mapping"),
    experiment("name: ../../evil\nscenarios: [inspection_targeting]\n", "name", "plain name",
               id="why-experiment-name-traversal"),
    experiment("name: a/b\nscenarios: [inspection_targeting]\n", "name", "plain name", id="experiment-name-slash"),
    experiment("name: x\nscenarios: []\n", "scenarios", "non-empty", id="no-scenarios"),
    experiment("name: x\nscenarios: [no_such_scenario]\n", "no_such_scenario", "inspection_targeting",
               id="scenario-unknown"),
    experiment("name: x\nscenarios: [missing/file.yaml]\n", "scenarios", "no scenario file",
               id="scenario-file-missing"),
    experiment("name: x\nscenarios: [inspection_targeting, inspection_targeting]\n", "scenarios", "once",
               id="scenario-twice"),
    experiment("name: x\nscenarios: [baseline_2024]\n", "scenarios", "once", id="baseline-as-scenario"),
    experiment(EXP + "baseline: ../x.yaml\n", "baseline", "no scenario file", id="baseline-file-missing"),
    experiment(EXP + "metrics: [detection_rat]\n", "metrics", "detection_rate", id="metric-misspelt"),
    experiment(EXP + "replications: 0\n", "replications", "[1, 10000]", id="zero-replications"),
    experiment(EXP + "replications: many\n", "replications", "auto", id="replications-word"),
    experiment(EXP + "replications: true\n", "replications", "integer", id="replications-bool"),
    experiment(EXP + "replications: 1000000000\n", "replications", "[1, 10000]", id="replications-1e9"),
    experiment(EXP + "replications: auto\nauto: {metric: x}\n", "auto.metric", "detection_rate", id="auto-metric"),
    experiment(EXP + "_target_: os.system\n", "_target_", "run code", id="target-in-experiment"),
    experiment(EXP + "question: ${oc.env:HOME}\n", "question", "interpolation", id="env-question"),
    experiment("name: x\nscenarios: [inspection_targeting\n", "not valid YAML", "line", id="malformed-experiment"),
    experiment("- name: x\n", "mapping", "list", id="experiment-list"),
    experiment("name: x\nscenarios: [evil.yaml]\n", "hydra", "world, population", id="bad-scenario-file-inside"),
]


@pytest.mark.parametrize("text, key, allowed", EXPERIMENTS)
def test_bad_experiment_file_is_refused(capsys, tmp_path, text, key, allowed):
    (tmp_path / "evil.yaml").write_text(HEADER + "hydra: {callbacks: {}}\n")
    path = tmp_path / "my_experiment.yaml"
    path.write_text(text)
    refused(capsys, tmp_path, ["compare", f"experiment={path}", "report=false", f"hydra.run.dir={tmp_path / 'out'}"],
            key, allowed)


@pytest.mark.parametrize("args, key, allowed", [
    pytest.param([], "compare needs", ("experiment=NAME",), id="compare-nothing"),
    pytest.param(["experiment=smoke_pilot", "scenarios=[inspection_targeting]"], "compare needs", ("not both",),
                 id="experiment-and-scenarios"),
    pytest.param(["experiment=smoke_pilot", "scenario=inspection_targeting"], "scenario", ("scenarios=",),
                 id="why-compare-with-scenario"),
    pytest.param(["experiment=no_such"], "experiment", ("smoke_pilot",), id="experiment-unknown"),
    pytest.param(["experiment=../experiments/smoke_pilot"], "experiment", ("smoke_pilot",), id="experiment-relative"),
    pytest.param(["scenarios=[no_such]"], "no_such", ("inspection_targeting",), id="compare-scenario-unknown"),
    pytest.param(["scenarios=[baseline_2024]"], "scenarios", ("once",), id="compare-baseline-against-itself"),
    pytest.param(["experiment=smoke_pilot", "auto.metric=hit_rate"], "auto.metric", ("run.replications=auto",),
                 id="auto-without-auto"),
    pytest.param(["experiment=smoke_pilot", "run.seed=abc"], "run.seed", (), id="compare-bad-override"),
    pytest.param(["experiment=[unclosed"], "experiment", ("cannot read",), id="compare-unreadable-option"),
    pytest.param(["experiment=smoke_pilot", "hydra.run.dir=/proc/tradesim"], "hydra.run.dir", ("cannot write",),
                 id="compare-proc-folder"),
])
def test_bad_compare_request_is_refused(capsys, tmp_path, args, key, allowed):
    given = [] if any(a.startswith("hydra.run.dir=") for a in args) else [f"hydra.run.dir={tmp_path / 'out'}"]
    refused(capsys, tmp_path, ["compare", *args, "report=false", *given], key, allowed)


def test_compare_refuses_a_folder_of_another_experiment_and_resume_of_nothing(capsys, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "experiment.json").write_text('{"name": "sandbox_pilot"}\n')
    refused(capsys, tmp_path, ["compare", "experiment=smoke_pilot", f"hydra.run.dir={other}"], "sandbox_pilot",
            ("another",))
    refused(capsys, tmp_path, ["compare", "experiment=smoke_pilot", "resume=true", f"hydra.run.dir={tmp_path / 'e'}"],
            "resume", ("nothing to resume",))


def test_scenario_paths_cannot_lead_output_out_of_the_folder(tmp_path):
    """Whatever a scenario file is called or where it is, its runs' folders are under the root."""
    elsewhere = tmp_path / "a" / "b"
    elsewhere.mkdir(parents=True)
    (tmp_path / "a" / "c").mkdir()
    (elsewhere / "pilot.yaml").write_text(HEADER + TARGETING)
    exp = parse_experiment({"scenarios": ["../b/../b/pilot.yaml"], "grid": {"run.seed": [1, 2]}}, "compare",
                           tmp_path / "a" / "c")
    root = tmp_path / "root"
    jobs = plan({label: None for label in variants(exp)}, 2, root)
    assert {job.label for job in jobs} == {"baseline_2024", "pilot__seed=1", "pilot__seed=2"}, "labels are names"
    assert all(job.folder.resolve().is_relative_to(root.resolve()) for job in jobs), "every run folder is inside"
