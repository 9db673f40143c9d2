"""Typed configuration schema, registered with Hydra by :mod:`sim.compose`; :mod:`sim.validation` checks it.

The schema says what each setting *is* (type, unit, range, meaning, names it refers to: ``_f``
puts them in the field's metadata). The *values*, defaults included, live only in the YAML presets
(``configs/``) and scenarios, each with its source or assumption: every field here is ``MISSING``,
so a preset that forgets one fails naming the key. Upper bounds are sanity limits, 10-100 times
the largest real value (assumption): a typo (``1e9`` replications) is refused, not run out of memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from omegaconf import MISSING

from sim.behaviour_settings import Behaviour
from sim.redress.schema import Redress, Satisfaction
from sim.run_config import RunConfig
from sim.schema import DAYS, HOURS, ConfigError, _f  # noqa: F401 (ConfigError re-exported: sim.config is where callers find it)

VIOLATIONS, MODELS = "population.violations", "population.business_models"


@dataclass
class Staff:
    """Officers on duty per shift, by role."""
    document: int = _f(MISSING, 0, 10_000, unit="officers", doc="document review officers")
    nii: int = _f(MISSING, 0, 10_000, unit="officers", doc="NII image analysts")
    physical: int = _f(MISSING, 0, 10_000, unit="officers", doc="physical inspection officers")


@dataclass
class PortConfig:
    """One customs port or supervision zone."""
    kind: str = _f(MISSING, refers="world.kinds",
                   doc="sea | air | land | parcel: sets transfer, inspection and pick-up times (world.kinds)")
    declarations_per_day: float = _f(MISSING, 0, 1e6, unit="declarations/day",
                                     doc="China's busiest customs districts: ~1e5 a day")
    import_share: float = _f(MISSING, 0, 1, doc="share of the port's declarations that are imports")
    business_mix: Dict[str, float] = _f(MISSING, 0, 1, may_be_empty=True,
                                        doc="share of the port's declarations by business model (names of "
                                        "population.business_models; sums to 1; empty: a port without traffic)")
    open_hour: float = _f(MISSING, 0, 24, unit="h", doc="officers' shift start (hour of day)")
    close_hour: float = _f(MISSING, 0, 24, unit="h", doc="shift end; open 0, close 24 = round the clock")
    officers: Staff = _f(Staff())
    scanners: int = _f(MISSING, 0, 1_000, unit="NII scanners")
    bays: int = _f(MISSING, 0, 10_000, unit="inspection bays")


@dataclass
class PortKind:
    """What a kind of port (sea, air, land, parcel) does to the times of handling goods."""
    transfer_h: float = _f(MISSING, 0, HOURS, unit="h", doc="moving goods to the scanner or bay")
    physical_h: float = _f(MISSING, 0, HOURS, unit="h", doc="physical inspection in a bay")
    pickup_h: float = _f(MISSING, 0, HOURS, unit="h", doc="release to removal of the goods by the trader's haulier")
    documents_lead_h: float = _f(MISSING, 0, HOURS, unit="h", doc="mean time the trader holds the shipping documents "
                                 "before the goods arrive: when a local declaration's preparation can start")


@dataclass
class ServiceTimes:
    """Mean service times of the clearance steps (hours) and their variability."""
    screening_h: float = _f(MISSING, 0, HOURS, unit="h", doc="automated screening and risk assessment")
    document_h: float = _f(MISSING, 0, HOURS, unit="h", doc="document review by an officer")
    nii_scan_h: float = _f(MISSING, 0, HOURS, unit="h", doc="NII scanner occupancy per declaration")
    nii_image_h: float = _f(MISSING, 0, HOURS, unit="h", doc="image analysis by an NII analyst")
    payment_h: float = _f(MISSING, 0, HOURS, unit="h", doc="duty payment after assessment, dutiable imports")
    correction_h: float = _f(MISSING, 0, HOURS, unit="h", doc="correction and fine after a non-seizure finding")
    agency_check_h: float = _f(MISSING, 0, HOURS, unit="h", doc="a separate inspection by another agency")
    permit_h: float = _f(MISSING, 0, HOURS, unit="h", doc="another agency's work on a permit or licence (office hours)")
    cv: float = _f(MISSING, 0, 10, doc="coefficient of variation of service times; 1 = exponential")


@dataclass
class Agencies:
    """Other agencies' (quarantine, licensing) working hours for permits."""
    open_hour: float = _f(MISSING, 0, 24, unit="h", doc="agencies' office opening (hour of day)")
    close_hour: float = _f(MISSING, 0, 24, unit="h", doc="agencies' office closing")


@dataclass
class WorldConfig:
    """Ports, calendar and process times."""
    start: str = _f(MISSING, doc="first day of the first reported quarter (ISO date)")
    horizon_quarters: int = _f(MISSING, 1, 40, unit="quarters")
    warmup_days: int = _f(MISSING, 0, 365, unit="days", doc="simulated, then dropped from metrics")
    arrival_profile: str = _f(MISSING, doc="flat | daytime (70% of arrivals 8-20 h)", choices=("flat", "daytime"))
    ports: Dict[str, PortConfig] = _f(MISSING)
    kinds: Dict[str, PortKind] = _f(MISSING)
    service: ServiceTimes = _f(ServiceTimes())
    agencies: Agencies = _f(Agencies())
    events: List[Any] = _f(MISSING, may_be_empty=True, doc="disruptions (sim.events.EventSpec)")
    scale: int = _f(MISSING, 1, 100, doc="multiplies every port's declarations, officers, scanners and "
                    "bays, the population's enterprises and smuggling networks and the policies' counts "
                    "(utilisation stays the same; events' counts are not scaled); applied when the config "
                    "is composed, so a saved config holds the scaled values and scale 1")


@dataclass
class BusinessModel:
    """A business model's trade, paperwork and compliance profile."""
    share: float = _f(MISSING, 0, 1, doc="share of enterprises")
    import_share: float = _f(MISSING, 0, 1, doc="share of its declarations that are imports, before the port's "
                             "import share adjusts it (0 or 1: export or import only)")
    value_median: float = _f(MISSING, 0, 1e9, unit="CNY", open_lo=True)
    value_sigma: float = _f(MISSING, 0, 5, doc="log-normal sigma of declared value")
    duty_rate: float = _f(MISSING, 0, 1, doc="mean ad valorem duty+VAT-at-border rate on imports")
    violation_prob: float = _f(MISSING, 0, 1, doc="mean probability a declaration is an intentional "
                               "violation, at the prior perceived risk")
    error_prob: float = _f(MISSING, 0, 1, doc="probability of an unintentional error (misclassification)")
    parcels: float = _f(MISSING, 1, 10_000, unit="parcels/declaration", doc="parcels batched per declaration")
    prelodge: float = _f(MISSING, 0, 1, doc="share lodged before the goods arrive (advance declaration)")
    prep_h: float = _f(MISSING, 0, HOURS, unit="h", doc="mean work to prepare and enter a declaration after arrival")
    manual: bool = _f(MISSING, doc="prepared by brokers in office hours (false: automated, round the clock)")
    import_permit_share: float = _f(MISSING, 0, 1, doc="share of its imports that need another agency's permit "
                                    "or licence (quarantine, licences)")
    export_permit_share: float = _f(MISSING, 0, 1, doc="share of its exports that need one (export licences, "
                                    "certificates)")
    expected_release_h: float = _f(MISSING, 0, HOURS, unit="h", open_lo=True,
                                   doc="release time its traders expect (satisfaction, delay complaints)")
    dispute_odds: float = _f(MISSING, 0, 100, doc="its traders' odds of disputing a correction, x")


@dataclass
class Trader:
    """The trader's side of clearance: advance declarations, office hours, re-entry, guarantees."""
    lead_h: float = _f(MISSING, 0, HOURS, unit="h", doc="mean lead of an advance declaration before arrival")
    office_open_hour: float = _f(MISSING, 0, 24, unit="h", doc="brokers' office opening (hour of day)")
    office_close_hour: float = _f(MISSING, 0, 24, unit="h", doc="brokers' office closing")
    reentry_h: float = _f(MISSING, 0, HOURS, unit="h",
                          doc="mean time to re-enter the data into one other agency's system")
    guarantee_share: float = _f(MISSING, 0, 1, doc="share of dutiable imports released against a guarantee")


@dataclass
class ViolationType:
    """A kind of violation: how much duty it evades and how easily it is found."""
    share: float = _f(MISSING, 0, 1, doc="share among violations")
    evaded_fraction: float = _f(MISSING, 0, 1, doc="share of the true duty that is evaded")
    seized: bool = _f(MISSING, doc="found -> seizure and case (else correction and fine)")
    detect_document: float = _f(MISSING, 0, 1)
    detect_nii: float = _f(MISSING, 0, 1)
    detect_physical: float = _f(MISSING, 0, 1)
    detect_audit: float = _f(MISSING, 0, 1)
    falsifies: str = _f(MISSING, choices=("value", "code", "none"),
                        doc="what the violation changes on the declaration: the declared value (lower by the "
                        "evaded fraction), the HS code (the chapter's code of the lowest rate), or nothing")
    dispute_prob: float = _f(MISSING, 0, 1, doc="chance a trader disputes a correction of this type (at odds 1)")


@dataclass
class Credit:
    """Enterprise credit: a score in [0, 100] that sets the tier (AEO / general / dishonest)."""
    aeo_share: float = _f(MISSING, 0, 1, doc="initial share of AEO-certified traders (by size)")
    dishonest_share: float = _f(MISSING, 0, 1, doc="initial share of dishonest-tier traders")
    aeo_threshold: float = _f(MISSING, 0, 100, doc="score at or above which a trader is AEO tier")
    dishonest_threshold: float = _f(MISSING, 0, 100, doc="score below which a trader is dishonest")
    start_aeo: float = _f(MISSING, 0, 100)
    start_general: float = _f(MISSING, 0, 100)
    start_dishonest: float = _f(MISSING, 0, 100)
    clean_gain: float = _f(MISSING, 0, 100, doc="score gained per declaration released without a finding")
    violation_penalty: float = _f(MISSING, 0, 100, doc="score lost per intentional violation found")
    error_penalty: float = _f(MISSING, 0, 100, doc="score lost per unintentional error found")
    agency_penalty: float = _f(MISSING, 0, 100, doc="score lost per violation a partner agency reports")


@dataclass
class Agency:
    """A partner agency (tax, market regulation, FX) that shares violation records."""
    detect_prob: float = _f(MISSING, 0, 1, doc="share of violations customs missed that it finds")
    sees: List[str] = _f(MISSING, doc="violation types its own records reveal", refers=VIOLATIONS)
    lag_days: float = _f(MISSING, 0, DAYS, unit="days", doc="delay before customs receives its record (data exchange "
                         "outside the single window)")
    single_window_lag_days: float = _f(MISSING, 0, DAYS, unit="days", doc="the same through the single window")


@dataclass
class PartnerCountry:
    """A trading partner: its share of trade and of AEO-certified counterparts."""
    share: float = _f(MISSING, 0, 1)
    aeo_share: float = _f(MISSING, 0, 1, doc="share of counterparts there that are AEO-certified")
    countries: List[str] = _f(MISSING, may_be_empty=True, doc="ISO codes of its countries among the origins of "
                              "sim/data/declaration_attributes.json (empty: any country)")
    shares_intel: bool = _f(MISSING, doc="its customs shares seizure intelligence with ours when the "
                            "intl_risk_sharing policy is on (a mutual administrative assistance agreement)")
    intel_detection: float = _f(MISSING, 0, 1, doc="share of the intentional violations shipped from there that its "
                                "customs detects on its side and reports")
    intel_quality: float = _f(MISSING, 0, 1, doc="share of its reports that name the right trader (the rest name "
                              "another trader of the region)")
    intel_lag_days: float = _f(MISSING, 0, DAYS, unit="days", doc="delay before its report reaches our customs")


@dataclass
class Concealment:
    """A smuggling method: how much it lowers the chance that each check finds it."""
    nii_factor: float = _f(MISSING, 0, 1)
    physical_factor: float = _f(MISSING, 0, 1)
    value_gap: float = _f(MISSING, -10, 0, doc="declared unit value of the cover goods against a normal one, log "
                          "(the contraband's weight shows in the declared mass unless it is concealed)")


@dataclass
class Smugglers:
    """Organised networks that move contraband through front companies and learn."""
    networks: int = _f(MISSING, 0, 10_000, unit="networks")
    fronts_per_network: int = _f(MISSING, 1, 1_000, unit="front companies")
    attempts_per_week: float = _f(MISSING, 0, 1e5, unit="declarations/week", doc="per network")
    cover_per_week: float = _f(MISSING, 0, 1e5, unit="declarations/week", doc="clean cover declarations per front")
    covers: List[str] = _f(MISSING, doc="business models fronts pose as", refers=MODELS)
    value_median: float = _f(MISSING, 0, 1e9, unit="CNY", open_lo=True)
    duty_rate: float = _f(MISSING, 0, 1, doc="duty and taxes evaded on the contraband")
    violation: str = _f(MISSING, doc="the violation type of an attempt", refers=VIOLATIONS)
    learning_rate: float = _f(MISSING, 0, 1, doc="weight of each outcome in the learned values")
    temperature: float = _f(MISSING, 0, 100, doc="softmax temperature of choices", open_lo=True)
    seizure_loss: float = _f(MISSING, 0, 1_000, doc="payoff of a seizure relative to -1 x a success")
    switch_cost: float = _f(MISSING, 0, 1_000, doc="cost of moving to another port (new routes, logistics), in "
                            "units of one success's payoff")
    route_setup_weeks: float = _f(MISSING, 0, 520, unit="weeks", doc="time to set up a route at another port "
                                  "(the old one is used meanwhile)")
    prior_seizure_risk: float = _f(MISSING, 0, 1, doc="share of attempts a network expects to lose at the start")
    deterrence_elasticity: float = _f(MISSING, 0, 100, doc="elasticity of the attempt volume to the seizure risk "
                                      "a network has learned")
    risk_memory: float = _f(MISSING, 0, 1, doc="weight of each outcome in the learned seizure risk")
    max_volume_factor: float = _f(MISSING, 1, 100,
                                  doc="most the attempt volume can grow when the learned risk is low")
    concealments: Dict[str, Concealment] = _f(MISSING)


@dataclass
class PopulationConfig:
    """The enterprises that lodge declarations."""
    enterprises: int = _f(MISSING, 1, 10_000_000, unit="enterprises",
                          doc="China has ~600,000 registered foreign-trade enterprises")
    size_alpha: float = _f(MISSING, 0, 100, doc="Pareto tail index of enterprise size", open_lo=True)
    honesty_cv: float = _f(MISSING, 0, 10, doc="heterogeneity of violation propensity across enterprises")
    business_models: Dict[str, BusinessModel] = _f(MISSING)
    violations: Dict[str, ViolationType] = _f(MISSING)
    audit_rate: float = _f(MISSING, 0, 1, doc="share of released declarations audited post-clearance")
    audit_lag_days: float = _f(MISSING, 0, DAYS, unit="days", doc="release to audit finding")
    nii_escalation: float = _f(MISSING, 0, 1, doc="share of clean NII images still sent to physical")
    error_type: str = _f(MISSING, doc="violation type of unintentional errors", refers=VIOLATIONS)
    disclosure_prob: float = _f(MISSING, 0, 1, doc="chance a trader discloses its own error before checks")
    high_risk_goods_share: float = _f(MISSING, 0, 1, doc="share of declarations of high-risk goods")
    goods_focus: float = _f(MISSING, 0, 1, doc="share of a trader's declarations in its main HS chapter")
    foreign_invested_share: float = _f(MISSING, 0, 1, doc="share of enterprises that are foreign-invested")
    traders_per_declarant: float = _f(MISSING, 1, 1e6, unit="enterprises",
                                      doc="enterprises per customs broker (declarant) who lodges for them")
    agency_check_share: float = _f(MISSING, 0, 1, doc="share of goods another agency must inspect too")
    trader: Trader = _f(Trader())
    officer_skill_cv: float = _f(MISSING, 0, 10, doc="spread of officers' skill (multiplies detection)")
    behaviour: Behaviour = _f(Behaviour())
    credit: Credit = _f(Credit())
    agencies: Dict[str, Agency] = _f(MISSING, may_be_empty=True, doc="none: no partner agency shares records")
    partner_countries: Dict[str, PartnerCountry] = _f(MISSING, may_be_empty=True,
                                                      doc="none: no trade with AEO counterparts abroad")
    smugglers: Smugglers = _f(Smugglers())
    redress: Redress = _f(Redress())
    satisfaction: Satisfaction = _f(Satisfaction())


@dataclass
class PolicySpec:
    """One policy: its parameters and where and when it applies. The key in ``policy:`` names the
    policy, unless ``name`` does (one policy twice: e.g. other rates at pilot ports)."""
    name: Optional[str] = None
    params: Optional[Dict[str, Any]] = _f({}, may_be_empty=True, doc="the policy's Params; absent ones default")
    rollout: Optional[Dict[str, Any]] = _f({}, may_be_empty=True, doc="none: everywhere, always (baseline)")


@dataclass
class Config:
    """The root config: what Hydra composes and :func:`sim.validation.validate` checks."""
    scenario: str = _f(MISSING, doc="the scenario's name: letters, digits, _ . - (it names folders)")
    description: str = _f("", doc="one line: what the scenario is (free text, not a parameter)")
    world: WorldConfig = field(default_factory=WorldConfig)
    population: PopulationConfig = field(default_factory=PopulationConfig)
    policy: Dict[str, Any] = _f(MISSING, doc="key -> PolicySpec fields; at least the baseline inspection")
    run: RunConfig = field(default_factory=RunConfig)
