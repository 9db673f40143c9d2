"""Bad config values given on the command line of ``tradesim run``: each is refused before any
work with one line naming the key (see tests/badinput.py); none needs a simulation.

Ids starting ``why-`` are the examples listed under "Why" in issue 11.
"""
from __future__ import annotations

import pytest

from tests.badinput import refused

SEA = "world.ports.seaport"
CREDIT = "population.credit"
TARGETING = "policy.targeting"
PILOT = ["scenario=inspection_targeting"]  # targeting at seaport and parcel_hub from 2025Q1 (horizon 2024Q1-2025Q4)


def case(overrides, key, *allowed, id):
    return pytest.param(overrides, key, allowed, id=id)


CASES = [
    # --- keys that do not exist --------------------------------------------------------------
    case(["world.horizon=4"], "world.horizon", "horizon_quarters", id="unknown-world-key"),
    case(["population.behavior.rationality=2"], "population.behavior", "behaviour", id="misspelt-behaviour"),
    case([f"{CREDIT}.aeo_treshold=70"], f"{CREDIT}.aeo_treshold", "aeo_threshold", id="misspelt-credit-key"),
    case(["run.worker=2"], "run.worker", "workers", id="misspelt-run-key"),
    case(["population.smugglers.network=3"], "population.smugglers.network", "networks", id="misspelt-smugglers"),
    case([f"{SEA}.officer.document=2"], f"{SEA}.officer", "officers", id="misspelt-port-officers"),
    case(["+world.service.scan_h=1"], "world.service.scan_h", "nii_scan_h", id="added-unknown-service-key"),
    case(["+population.agencies.tax.speed=2"], "population.agencies.tax.speed", "lag_days", id="added-agency-key"),
    # --- types -------------------------------------------------------------------------------
    case(["run.replications=two"], "run.replications", id="replications-word"),
    case(["run.replications=2.5"], "run.replications", id="replications-fraction"),
    case(["run.workers=true"], "run.workers", id="workers-bool"),
    case([f"{SEA}.declarations_per_day=lots"], f"{SEA}.declarations_per_day", id="volume-word"),
    case([f"{CREDIT}.aeo_threshold=[80]"], f"{CREDIT}.aeo_threshold", id="threshold-list"),
    case([f"{SEA}.kind=5"], f"{SEA}.kind", "sea, air, land, parcel", id="port-kind-number"),
    case([f"{SEA}.kind=ocean"], f"{SEA}.kind", "sea, air, land, parcel", id="port-kind-unknown"),
    case(["world.arrival_profile=night"], "world.arrival_profile", "flat, daytime", id="arrival-profile-unknown"),
    case(["run.progress=maybe"], "run.progress", id="progress-word"),
    case([f"{SEA}.officers=3"], f"{SEA}.officers", id="officers-scalar"),
    case([*PILOT, f"{TARGETING}.params.auc=high"], f"{TARGETING}.params.auc", "a number", id="why-string-auc"),
    case(["policy.inspection.params.document_rate=abc"], "policy.inspection.params.document_rate", "a number",
         id="policy-rate-word"),
    case(["policy.inspection.params.document_rate=true"], "policy.inspection.params.document_rate", "a number",
         id="policy-rate-bool"),
    case(["scenario=sandbox_cbec", "policy.sandbox.params.daily_cap=1.5"], "policy.sandbox.params.daily_cap",
         "an integer", id="policy-int-fraction"),
    case(["scenario=sandbox_cbec", "policy.sandbox.params.business_models=cbec_9710"],
         "policy.sandbox.params.business_models", "a list", id="policy-list-scalar"),
    case(["scenario=credit_zero_inspection", "+policy.credit_pilot.params.aeo_priority=2"],
         "policy.credit_pilot.params.aeo_priority", "true or false", id="policy-bool-number"),
    case([*PILOT, f"{TARGETING}.params.mode=5"], f"{TARGETING}.params.mode", "a string", id="policy-mode-number"),
    # --- non-finite numbers ------------------------------------------------------------------
    case([f"{SEA}.declarations_per_day=inf"], f"{SEA}.declarations_per_day", "finite", id="why-inf-volume"),
    case([f"{SEA}.declarations_per_day=nan"], f"{SEA}.declarations_per_day", "finite", id="nan-volume"),
    case(["world.service.document_h=inf"], "world.service.document_h", "finite", id="inf-service-time"),
    case(["population.behaviour.rationality=-inf"], "population.behaviour.rationality", "finite",
         id="minus-inf-rationality"),
    case(["policy.inspection.params.physical_rate=nan"], "policy.inspection.params.physical_rate", "finite",
         id="nan-policy-rate"),
    case([f"{CREDIT}.clean_gain=.inf"], f"{CREDIT}.clean_gain", "Float", id="yaml-inf-gain"),
    case([*PILOT, f"{TARGETING}.params.auc=inf"], f"{TARGETING}.params.auc", "finite", id="inf-auc"),
    # --- ranges, upper bounds, memory ----------------------------------------------------------
    case(["run.replications=1000000000"], "run.replications", "[1, 10000]", id="why-1e9-replications"),
    case([f"{SEA}.officers.document=100000000"], f"{SEA}.officers.document", "[0, 10000]", id="why-1e8-officers"),
    case([f"{SEA}.declarations_per_day=1e12"], f"{SEA}.declarations_per_day", "[0, 1000000]",
         id="why-1e12-declarations"),
    case(["population.enterprises=100000000"], "population.enterprises", "[1, 10000000]", id="enterprises-1e8"),
    case(["run.workers=100000"], "run.workers", "[1, 1024]", id="workers-1e5"),
    case(["world.horizon_quarters=41"], "world.horizon_quarters", "[1, 40]", id="horizon-41"),
    case(["world.warmup_days=-1"], "world.warmup_days", "[0, 365]", id="negative-warmup"),
    case(["world.kinds.sea.documents_lead_h=-2"], "world.kinds.sea.documents_lead_h", "[0, 720]",
         id="negative-documents-lead"),
    case(["world.scale=0"], "world.scale", "[1, 100]", id="scale-zero"),
    case(["world.scale=1.5"], "world.scale", id="scale-fraction"),
    case([f"{SEA}.bays=9000", "world.scale=2"], f"{SEA}.bays", "[0, 10000]", "world.scale=2", id="scaled-past-bound"),
    case(["population.business_models.general_trade.value_median=0"],
         "population.business_models.general_trade.value_median", "(0,", id="zero-value-open-bound"),
    case(["population.smugglers.temperature=0"], "population.smugglers.temperature", "(0,", id="zero-temperature"),
    case(["run.seed=-1"], "run.seed", id="negative-seed"),
    case(["population.behaviour.prior_risk=1.2"], "population.behaviour.prior_risk", "[0, 1]", id="risk-above-1"),
    case([*PILOT, f"{TARGETING}.params.auc=0.4"], f"{TARGETING}.params.auc", "[0.5, 1]", id="auc-below-half"),
    case(["run.replications=1024", "run.workers=1024", "population.enterprises=10000000"], "run.workers",
         "GB of memory", id="memory-too-big"),
    # --- rules across fields -------------------------------------------------------------------
    case([f"{CREDIT}.aeo_threshold=20"], f"{CREDIT}.aeo_threshold", "start_general", id="why-aeo-below-dishonest"),
    case([f"{CREDIT}.dishonest_threshold=95"], f"{CREDIT}.start_general", "dishonest_threshold",
         id="dishonest-above-general-start"),
    case([f"{CREDIT}.start_aeo=70"], f"{CREDIT}.start_aeo", "aeo_threshold", id="aeo-start-below-threshold"),
    case([f"{CREDIT}.aeo_share=0.6", f"{CREDIT}.dishonest_share=0.5"], CREDIT, "at most 1", id="tier-shares-over-1"),
    case(["population.violations.misclassification.share=0.9"], "population.violations", "sum to 1",
         id="violation-shares"),
    case(["population.partner_countries.eu.share=0.5"], "population.partner_countries", "sum to 1",
         id="partner-shares"),
    case(["world.ports.airport.open_hour=12", "world.ports.airport.close_hour=6"], "world.ports.airport.close_hour",
         "open_hour", id="airport-closes-before-opening"),
    case(["world.start=2024-13-01"], "world.start", "ISO date", id="start-month-13"),
    case(["world.start=tomorrow"], "world.start", "ISO date", id="start-word"),
    case(["world.start=2024-05-01"], "world.start", "first day of a quarter", id="start-mid-quarter"),
    case(["population.enterprises=2"], "population.enterprises", "at least", id="fewer-traders-than-ports"),
    case([f"{p}.declarations_per_day=0" for p in ("world.ports.seaport", "world.ports.airport",
                                                   "world.ports.landport", "world.ports.parcel_hub")],
         "world.ports", "declarations_per_day > 0", id="no-traffic-anywhere"),
    case(["population.behaviour.high_risk_odds=10"], "population.behaviour.high_risk_odds", "below 1",
         id="high-risk-odds"),
    case([f"{SEA}.bays=0"], f"{SEA}.bays", "at least 1", id="zero-bays"),
    case(["policy.inspection.params.document_rate=0.9", "policy.inspection.params.nii_rate=0.2"],
         "policy.inspection.params", "at most 1", id="inspection-rates-sum"),
    # --- names that refer to other entries -----------------------------------------------------
    case(["population.error_type=typo"], "population.error_type", "misclassification", id="error-type-unknown"),
    case(["population.smugglers.violation=drugs"], "population.smugglers.violation", "prohibited_goods",
         id="smuggled-violation-unknown"),
    case(["population.smugglers.covers=[general_trade,typo]"], "population.smugglers.covers[1]", "general_trade",
         id="cover-model-unknown"),
    case(["population.agencies.tax.sees=[underdeclaration]"], "population.agencies.tax.sees[0]", "undervaluation",
         id="agency-sees-unknown"),
    case(["scenario=aeo_mutual_recognition", "policy.aeo_mutual_recognition.params.partners=[mars]"],
         "policy.aeo_mutual_recognition.params.partners", "mars", id="partner-unknown"),
    case(["scenario=sandbox_cbec", "policy.sandbox.params.business_models=[cbec_9999]"],
         "policy.sandbox.params.business_models", "cbec_9999", id="sandbox-model-unknown"),
    case(["scenario=first_violation_no_penalty", "policy.first_violation_no_penalty.params.minor_types=[x]"],
         "policy.first_violation_no_penalty.params.minor_types", "'x'", id="minor-type-unknown"),
    # --- empty where empty means nothing -------------------------------------------------------
    case(["population.smugglers.covers=[]"], "population.smugglers.covers", "not be empty", id="no-covers"),
    case(["population.agencies.tax.sees=[]"], "population.agencies.tax.sees", "not be empty", id="agency-sees-none"),
    case(["scenario=sandbox_cbec", "policy.sandbox.params.business_models=[]"],
         "policy.sandbox.params.business_models", "not be empty", id="sandbox-no-models"),
    case(["scenario=aeo_mutual_recognition", "policy.aeo_mutual_recognition.params.partners=[]"],
         "policy.aeo_mutual_recognition.params.partners", "not be empty", id="no-partners"),
    case(["~policy.inspection", "~policy.watch_list"], "policy", "not be empty", id="no-policy-at-all"),
    # --- rollouts ------------------------------------------------------------------------------
    case([*PILOT, f"{TARGETING}.rollout.from=25Q1"], f"{TARGETING}.rollout.from", "YYYYQn", id="why-from-25Q1"),
    case([*PILOT, f"{TARGETING}.rollout.from=2025q1"], f"{TARGETING}.rollout.from", "YYYYQn", id="from-lowercase"),
    case([*PILOT, f"{TARGETING}.rollout.from=2025Q0"], f"{TARGETING}.rollout.from", "YYYYQn", id="from-quarter-0"),
    case([*PILOT, f"{TARGETING}.rollout.from=2025"], f"{TARGETING}.rollout.from", "YYYYQn", id="from-year-only"),
    case([*PILOT, f"{TARGETING}.rollout.from=2030Q1"], f"{TARGETING}.rollout.from", "inside the horizon",
         id="from-after-horizon"),
    case([*PILOT, f"{TARGETING}.rollout.from=2023Q4"], f"{TARGETING}.rollout.from", "inside the horizon",
         id="from-before-horizon"),
    case([*PILOT, f"+{TARGETING}.rollout.until=2024Q4"], f"{TARGETING}.rollout.until", "after from",
         id="why-until-before-from"),
    case([*PILOT, f"+{TARGETING}.rollout.until=2025Q1"], f"{TARGETING}.rollout.until", "after from",
         id="until-equals-from"),
    case([*PILOT, f"{TARGETING}.rollout.ports=[]"], f"{TARGETING}.rollout.ports", "non-empty", id="why-no-ports"),
    case([*PILOT, f"{TARGETING}.rollout.ports=[seaport,atlantis]"], f"{TARGETING}.rollout.ports", "atlantis",
         id="rollout-port-unknown"),
    case([*PILOT, f"+{TARGETING}.rollout.when=2025Q1"], f"{TARGETING}.rollout.when", "from, until, ports, waves",
         id="rollout-key-unknown"),
    case([*PILOT, f"+{TARGETING}.rollout.waves=[{{from: 2025Q2, ports: [airport]}}]"], f"{TARGETING}.rollout.from",
         "beside waves", id="waves-beside-from"),
    # --- policy entries ------------------------------------------------------------------------
    case(["+policy.extra.params.x=1"], "policy.extra", "inspection", id="policy-entry-unknown"),
    case(["+policy.pilot={name: inspectoin, params: {}}"], "policy.pilot", "inspection", id="policy-name-misspelt"),
    case(["+policy.pilot={params: {document_rate: 0.1}}"], "policy.pilot", "known", id="policy-entry-without-name"),
    case(["+policy.pilot={name: inspection, rolout: {}}"], "policy.pilot.rolout", "rollout", id="policy-spec-key"),
    case(["+policy.pilot=5"], "policy.pilot", "mapping", id="policy-entry-scalar"),
    case(["+policy.pilot={name: inspection, params: 5}"], "policy.pilot.params", "mapping", id="policy-params-scalar"),
    case([*PILOT, f"{TARGETING}.params.mode=smart"], f"{TARGETING}.params.mode", "random", id="targeting-mode"),
    case([*PILOT, f"{TARGETING}.params.capacity_shar=0.5"], f"{TARGETING}.params.capacity_shar", "capacity_share",
         id="policy-param-misspelt"),
    case(["scenario=learned_targeting_fair", f"{TARGETING}.params.fairness.max_ratio=0.8"],
         f"{TARGETING}.params.fairness.max_ratio", "at least 1", id="fairness-cap-below-one"),
    case(["scenario=learned_targeting_fair", f"{TARGETING}.params.fairness.group=age"],
         f"{TARGETING}.params.fairness.group", "size_class, business_model", id="fairness-group-unknown"),
    case(["scenario=learned_targeting_fair", f"{TARGETING}.params.fairness.scope=nation"],
         f"{TARGETING}.params.fairness.scope", "port, covered", id="fairness-scope-unknown"),
    case([*PILOT, f"+{TARGETING}.params.explore_by=uncertainty"], f"{TARGETING}.params.explore_by", "learned",
         id="uncertainty-needs-learned"),
    case(["scenario=learned_targeting", f"+{TARGETING}.params.objective=profit"], f"{TARGETING}.params.objective",
         "fraud, revenue", id="targeting-objective"),
    case(["population.partner_countries.eu.countries=[DE,XX]"], "population.partner_countries.eu.countries",
         "DE", id="partner-country-unknown"),
    case(["population.violations.undervaluation.falsifies=price"], "population.violations.undervaluation.falsifies",
         "value, code, none", id="violation-falsifies"),
    case(["scenario=credit_zero_inspection", "policy.credit_pilot.params.aeo_priority=true"],
         "policy.credit_pilot.params.aeo_priority", "+policy.credit_pilot.params.aeo_priority",
         id="policy-param-not-set-needs-plus"),
    # --- presets and scenarios -----------------------------------------------------------------
    case(["world=../scenario/baseline_2024"], "world", "plain name", id="preset-path-traversal"),
    case(["world=mars"], "world", "national", id="preset-unknown"),
    case(["run=fast"], "run", "smoke", id="run-preset-unknown"),
    case(["population=../../etc/passwd"], "population", "plain name", id="population-path"),
    case(["scenario=../scenarios/baseline_2024"], "scenario", "no scenario file", id="scenario-relative-path"),
    case(["scenario=no/such/file.yaml"], "scenario", "no scenario file", id="scenario-file-missing"),
    case(["scenario=.hidden"], "scenario", "plain name", id="scenario-hidden-name"),
    case(["hydra/launcher=joblib"], "hydra/launcher", "run.executor (local, ray, slurm)", id="launcher-refused"),
]


@pytest.mark.parametrize("overrides, key, allowed", CASES)
def test_bad_config_value_is_refused_before_any_work(capsys, tmp_path, overrides, key, allowed):
    refused(capsys, tmp_path, ["run", "run=smoke", f"hydra.run.dir={tmp_path / 'out'}", *overrides], key, allowed)
