"""Typed configuration schema, registered with Hydra's ConfigStore, and its validation.

Every field declares its unit and allowed range once, in ``field(metadata=...)``; Hydra
rejects unknown keys through the schema and :func:`validate` checks ranges before a run
starts, raising :class:`ConfigError` with one line naming the key and what is allowed.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


class ConfigError(ValueError):
    """A user mistake in a config: the message is one line naming the key."""


def _f(default: Any, lo: float | None = None, hi: float | None = None, unit: str = "",
       doc: str = "", integer: bool = False, open_lo: bool = False) -> Any:
    """A schema field with its range, unit and meaning (read by :func:`validate`)."""
    meta = {"lo": lo, "hi": hi, "unit": unit, "doc": doc, "open_lo": open_lo}
    if isinstance(default, (dict, list)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    if dataclasses.is_dataclass(default):
        return field(default_factory=lambda: dataclasses.replace(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass
class Staff:
    """Officers on duty per shift, by role."""
    document: int = _f(4, 0, unit="officers", doc="document review officers")
    nii: int = _f(2, 0, unit="officers", doc="NII image analysts")
    physical: int = _f(4, 0, unit="officers", doc="physical inspection officers")


@dataclass
class PortConfig:
    """One customs port or supervision zone."""
    kind: str = _f("sea", doc="sea | air | land | parcel: sets transfer, inspection and pick-up times (world.kinds)")
    declarations_per_day: float = _f(100.0, 0, unit="declarations/day")
    import_share: float = _f(0.55, 0, 1, doc="share of the port's declarations that are imports")
    business_mix: Dict[str, float] = _f({}, doc="share of the port's declarations by business model "
                                            "(names of population.business_models; sums to 1)")
    open_hour: float = _f(8.0, 0, 24, unit="h", doc="officers' shift start (hour of day)")
    close_hour: float = _f(20.0, 0, 24, unit="h", doc="shift end; open 0, close 24 = round the clock")
    officers: Staff = _f(Staff())
    scanners: int = _f(1, 0, unit="NII scanners")
    bays: int = _f(2, 0, unit="inspection bays")


@dataclass
class PortKind:
    """What a kind of port (sea, air, land, parcel) does to the times of handling goods."""
    transfer_h: float = _f(3.0, 0, unit="h", doc="moving goods to the scanner or bay")
    physical_h: float = _f(2.5, 0, unit="h", doc="physical inspection in a bay")
    pickup_h: float = _f(6.0, 0, unit="h", doc="release to removal of the goods by the trader's haulier")


@dataclass
class ServiceTimes:
    """Mean service times of the clearance steps (hours) and their variability."""
    screening_h: float = _f(0.05, 0, unit="h", doc="automated screening and risk assessment")
    document_h: float = _f(1.0, 0, unit="h", doc="document review by an officer")
    nii_scan_h: float = _f(0.2, 0, unit="h", doc="NII scanner occupancy per declaration")
    nii_image_h: float = _f(0.3, 0, unit="h", doc="image analysis by an NII analyst")
    payment_h: float = _f(2.0, 0, unit="h", doc="duty payment after assessment, dutiable imports")
    correction_h: float = _f(8.0, 0, unit="h", doc="correction and fine after a non-seizure finding")
    agency_check_h: float = _f(6.0, 0, unit="h", doc="a separate inspection by another agency")
    permit_h: float = _f(8.0, 0, unit="h", doc="another agency's work on a permit or licence (office hours)")
    cv: float = _f(1.0, 0, unit="", doc="coefficient of variation of service times; 1 = exponential")


@dataclass
class Agencies:
    """Other agencies' (quarantine, licensing) working hours for permits."""
    open_hour: float = _f(8.0, 0, 24, unit="h", doc="agencies' office opening (hour of day)")
    close_hour: float = _f(18.0, 0, 24, unit="h", doc="agencies' office closing")


@dataclass
class WorldConfig:
    """Ports, calendar and process times."""
    start: str = _f("2024-01-01", doc="first day of the first reported quarter (ISO date)")
    horizon_quarters: int = _f(8, 1, 40, unit="quarters")
    warmup_days: int = _f(14, 0, 365, unit="days", doc="simulated, then dropped from metrics")
    arrival_profile: str = _f("flat", doc="flat | daytime (70% of arrivals 8-20 h)")
    ports: Dict[str, PortConfig] = _f({})
    kinds: Dict[str, PortKind] = _f({})
    service: ServiceTimes = _f(ServiceTimes())
    agencies: Agencies = _f(Agencies())


@dataclass
class BusinessModel:
    """A business model's trade, paperwork and compliance profile."""
    share: float = _f(0.0, 0, 1, doc="share of enterprises")
    import_share: float = _f(0.5, 0, 1, doc="share of its declarations that are imports, before the port's "
                             "import share adjusts it (0 or 1: export or import only)")
    value_median: float = _f(60000.0, 0, unit="CNY", open_lo=True)
    value_sigma: float = _f(1.2, 0, doc="log-normal sigma of declared value")
    duty_rate: float = _f(0.06, 0, 1, doc="mean ad valorem duty+VAT-at-border rate on imports")
    violation_prob: float = _f(0.02, 0, 1, doc="mean probability a declaration is an intentional "
                               "violation, at the prior perceived risk")
    error_prob: float = _f(0.01, 0, 1, doc="probability of an unintentional error (misclassification)")
    parcels: float = _f(1.0, 1, unit="parcels/declaration", doc="parcels batched per declaration")
    prelodge: float = _f(0.4, 0, 1, doc="share lodged before the goods arrive (advance declaration)")
    prep_h: float = _f(3.0, 0, unit="h", doc="mean work to prepare and enter a declaration after arrival")
    manual: bool = _f(True, doc="prepared by brokers in office hours (false: automated, round the clock)")
    import_permit_share: float = _f(0.2, 0, 1, doc="share of its imports that need another agency's permit "
                                    "or licence (quarantine, licences)")
    export_permit_share: float = _f(0.05, 0, 1, doc="share of its exports that need one (export licences, "
                                    "certificates)")


@dataclass
class Trader:
    """The trader's side of clearance: advance declarations, office hours, re-entry, guarantees."""
    lead_h: float = _f(12.0, 0, unit="h", doc="mean lead of an advance declaration before arrival")
    office_open_hour: float = _f(8.0, 0, 24, unit="h", doc="brokers' office opening (hour of day)")
    office_close_hour: float = _f(20.0, 0, 24, unit="h", doc="brokers' office closing")
    reentry_h: float = _f(1.0, 0, unit="h", doc="mean time to re-enter the data into one other agency's system")
    guarantee_share: float = _f(0.3, 0, 1, doc="share of dutiable imports released against a guarantee")


@dataclass
class ViolationType:
    """A kind of violation: how much duty it evades and how easily it is found."""
    share: float = _f(0.0, 0, 1, doc="share among violations")
    evaded_fraction: float = _f(0.3, 0, 1, doc="share of the true duty that is evaded")
    seized: bool = _f(False, doc="found -> seizure and case (else correction and fine)")
    detect_document: float = _f(0.3, 0, 1)
    detect_nii: float = _f(0.1, 0, 1)
    detect_physical: float = _f(0.7, 0, 1)
    detect_audit: float = _f(0.5, 0, 1)


@dataclass
class Behaviour:
    """How enterprises decide to violate (an inspection game) and learn the risk of checks.

    A trader violates with probability sigmoid(rationality * u), u = 1 - caught * (1 + m) -
    moral cost, where caught = perceived check probability * detection_given_check (+ the
    audit's known catch rate) and m = penalty_multiple (fine / evaded duty). With zero moral
    cost and infinite rationality this is the inspection game: violate iff caught < g/(g+f).
    """
    rationality: float = _f(8.0, 0, doc="logit sensitivity to the payoff (large = fully rational)")
    penalty_multiple: float = _f(1.0, 0, doc="fine as a multiple of the evaded duty (f = m g)")
    calibrate_honesty: bool = _f(True, doc="moral cost set so each trader violates at its "
                                 "propensity when perceived risk = prior_risk; false = no moral cost")
    prior_risk: float = _f(0.12, 0, 1, doc="perceived check probability before experience")
    detection_given_check: float = _f(0.5, 0, 1, doc="perceived chance that a check finds a violation")
    learning_rate: float = _f(0.05, 0, 1, doc="weight of each own declaration in perceived risk")
    peer_weight: float = _f(0.3, 0, 1, doc="weight of the port's recent check rate (peers)")
    peer_memory_days: float = _f(30.0, 1, unit="days", doc="memory of the port's check rate")
    high_risk_odds: float = _f(2.0, 1, doc="odds multiplier of violating on high-risk goods")


@dataclass
class Credit:
    """Enterprise credit: a score in [0, 100] that sets the tier (AEO / general / dishonest)."""
    aeo_share: float = _f(0.05, 0, 1, doc="initial share of AEO-certified traders (by size)")
    dishonest_share: float = _f(0.03, 0, 1, doc="initial share of dishonest-tier traders")
    aeo_threshold: float = _f(80.0, 0, 100, doc="score at or above which a trader is AEO tier")
    dishonest_threshold: float = _f(30.0, 0, 100, doc="score below which a trader is dishonest")
    start_aeo: float = _f(90.0, 0, 100)
    start_general: float = _f(60.0, 0, 100)
    start_dishonest: float = _f(20.0, 0, 100)
    clean_gain: float = _f(0.1, 0, doc="score gained per declaration released without a finding")
    violation_penalty: float = _f(25.0, 0, doc="score lost per intentional violation found")
    error_penalty: float = _f(5.0, 0, doc="score lost per unintentional error found")
    agency_penalty: float = _f(15.0, 0, doc="score lost per violation a partner agency reports")


@dataclass
class Agency:
    """A partner agency (tax, market regulation, FX) that shares violation records."""
    detect_prob: float = _f(0.1, 0, 1, doc="share of violations customs missed that it finds")
    sees: List[str] = _f([], doc="violation types its own records reveal")
    lag_days: float = _f(30.0, 0, unit="days", doc="delay before customs receives its record (data exchange "
                         "outside the single window)")
    single_window_lag_days: float = _f(1.0, 0, unit="days", doc="the same through the single window")


@dataclass
class PartnerCountry:
    """A trading partner: its share of trade and of AEO-certified counterparts."""
    share: float = _f(0.0, 0, 1)
    aeo_share: float = _f(0.0, 0, 1, doc="share of counterparts there that are AEO-certified")


@dataclass
class Concealment:
    """A smuggling method: how much it lowers the chance that each check finds it."""
    nii_factor: float = _f(1.0, 0, 1)
    physical_factor: float = _f(1.0, 0, 1)


@dataclass
class Smugglers:
    """Organised networks that move contraband through front companies and learn."""
    networks: int = _f(6, 0, unit="networks")
    fronts_per_network: int = _f(3, 1, unit="front companies")
    attempts_per_week: float = _f(3.0, 0, unit="declarations/week", doc="per network")
    cover_per_week: float = _f(4.0, 0, unit="declarations/week", doc="clean cover declarations per front")
    covers: List[str] = _f(["general_trade"], doc="business models fronts pose as")
    value_median: float = _f(200000.0, 0, unit="CNY", open_lo=True)
    duty_rate: float = _f(0.3, 0, 1, doc="duty and taxes evaded on the contraband")
    violation: str = _f("prohibited_goods", doc="the violation type of an attempt")
    learning_rate: float = _f(0.2, 0, 1, doc="weight of each outcome in the learned values")
    temperature: float = _f(0.25, 0, doc="softmax temperature of choices", open_lo=True)
    seizure_loss: float = _f(3.0, 0, doc="payoff of a seizure relative to -1 x a success")
    switch_cost: float = _f(1.0, 0, doc="cost of moving to another port (new routes, logistics), in "
                            "units of one success's payoff")
    prior_seizure_risk: float = _f(0.05, 0, 1, doc="share of attempts a network expects to lose at the start")
    deterrence_elasticity: float = _f(0.5, 0, doc="elasticity of the attempt volume to the seizure risk "
                                      "a network has learned")
    risk_memory: float = _f(0.05, 0, 1, doc="weight of each outcome in the learned seizure risk")
    max_volume_factor: float = _f(3.0, 1, doc="most the attempt volume can grow when the learned risk is low")
    concealments: Dict[str, Concealment] = _f({})


@dataclass
class PopulationConfig:
    """The enterprises that lodge declarations."""
    enterprises: int = _f(2000, 1, unit="enterprises")
    size_alpha: float = _f(1.3, 0, doc="Pareto tail index of enterprise size", open_lo=True)
    honesty_cv: float = _f(1.0, 0, doc="heterogeneity of violation propensity across enterprises")
    business_models: Dict[str, BusinessModel] = _f({})
    violations: Dict[str, ViolationType] = _f({})
    audit_rate: float = _f(0.01, 0, 1, doc="share of released declarations audited post-clearance")
    audit_lag_days: float = _f(90.0, 0, unit="days", doc="release to audit finding")
    nii_escalation: float = _f(0.3, 0, 1, doc="share of clean NII images still sent to physical")
    error_type: str = _f("misclassification", doc="violation type of unintentional errors")
    disclosure_prob: float = _f(0.1, 0, 1, doc="chance a trader discloses its own error before checks")
    high_risk_goods_share: float = _f(0.15, 0, 1, doc="share of declarations of high-risk goods")
    agency_check_share: float = _f(0.04, 0, 1, doc="share of goods another agency must inspect too")
    trader: Trader = _f(Trader())
    officer_skill_cv: float = _f(0.15, 0, doc="spread of officers' skill (multiplies detection)")
    behaviour: Behaviour = _f(Behaviour())
    credit: Credit = _f(Credit())
    agencies: Dict[str, Agency] = _f({})
    partner_countries: Dict[str, PartnerCountry] = _f({})
    smugglers: Smugglers = _f(Smugglers())


@dataclass
class PolicySpec:
    """One policy: its parameters and where and when it applies.

    The key in ``policy:`` names the policy, unless ``name`` does (to use one policy twice,
    e.g. a baseline inspection rate everywhere and a different one at pilot ports).
    """
    name: Optional[str] = None
    params: Dict[str, Any] = field(default_factory=dict)
    rollout: Dict[str, Any] = field(default_factory=dict)


@dataclass
class RunConfig:
    """How many replications, which seed, how many processes."""
    replications: int = _f(3, 1, unit="replications")
    seed: int = _f(2024, 0)
    workers: int = _f(1, 1, unit="processes")
    progress: bool = _f(True, doc="progress bar on stderr when a run takes over 2 s")
    agent_snapshots: bool = _f(True, doc="write the agents table (agent state at quarter ends)")


@dataclass
class Config:
    """The root config: what Hydra composes and :func:`validate` checks."""
    scenario: str = "baseline_2024"
    description: str = ""
    world: WorldConfig = field(default_factory=WorldConfig)
    population: PopulationConfig = field(default_factory=PopulationConfig)
    policy: Dict[str, Any] = field(default_factory=dict)  # key -> PolicySpec fields
    run: RunConfig = field(default_factory=RunConfig)


def check_keys(node: Any, schema: Any, path: str = "") -> None:
    """Reject keys that the schema does not declare (Hydra's ``+key=`` would add them silently)."""
    if not dataclasses.is_dataclass(schema) or not isinstance(node, dict):
        return
    hints = typing.get_type_hints(schema)
    for key, value in node.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in hints:
            allowed = ", ".join(f.name for f in dataclasses.fields(schema))
            raise ConfigError(f"{where}: unknown key; allowed here: {allowed}")
        kind = hints[key]
        if typing.get_origin(kind) is dict and isinstance(value, dict):
            item = typing.get_args(kind)[1]
            for name, sub in value.items():
                check_keys(sub, item, f"{where}.{name}")
        else:
            check_keys(value, kind, where)


def register_schemas() -> None:
    """Register the schema so Hydra rejects keys that do not exist."""
    from hydra.core.config_store import ConfigStore
    ConfigStore.instance().store(name="tradesim_schema", node=Config)


CHOICES = {"kind": ("sea", "air", "land", "parcel"), "arrival_profile": ("flat", "daytime")}


def _check_field(path: str, f: dataclasses.Field, value: Any) -> None:
    if f.name in CHOICES and value not in CHOICES[f.name]:
        raise ConfigError(f"{path}: must be one of {', '.join(CHOICES[f.name])}; got {value!r}")
    lo, hi = f.metadata.get("lo"), f.metadata.get("hi")
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return
    unit = f" {f.metadata['unit']}" if f.metadata.get("unit") else ""
    allowed = (f"in [{lo}, {hi}]" if hi is not None else
               f"> {lo}" if f.metadata.get("open_lo") else f">= {lo}")
    if (lo is not None and (value < lo or (f.metadata.get("open_lo") and value == lo))) or \
            (hi is not None and value > hi) or value != value:
        raise ConfigError(f"{path}: must be {allowed}{unit}; got {value}")


def _walk(path: str, obj: Any) -> None:
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            sub = f"{path}.{f.name}" if path else f.name
            _check_field(sub, f, value)
            _walk(sub, value)
    elif isinstance(obj, dict):
        for key, value in obj.items():
            _walk(f"{path}.{key}", value)


def _shares_sum_to_one(path: str, items: Dict[str, Any]) -> None:
    if not items:
        raise ConfigError(f"{path}: must list at least one entry")
    total = sum(item.share for item in items.values())
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(f"{path}: the shares must sum to 1; they sum to {total:.4g}")


def validate(cfg: Config) -> Config:
    """Check ranges and cross-field rules; return ``cfg`` or raise :class:`ConfigError`."""
    _walk("", cfg)
    try:
        start = dt.date.fromisoformat(cfg.world.start)
    except ValueError:
        raise ConfigError(f"world.start: must be an ISO date like 2024-01-01; got {cfg.world.start!r}")
    if start.day != 1 or start.month not in (1, 4, 7, 10):
        raise ConfigError(f"world.start: must be the first day of a quarter; got {cfg.world.start}")
    if not cfg.world.ports:
        raise ConfigError("world.ports: the world needs at least one port")
    for name, port in cfg.world.ports.items():
        if port.close_hour <= port.open_hour:
            raise ConfigError(f"world.ports.{name}.close_hour: must be after open_hour "
                              f"({port.open_hour}); got {port.close_hour}")
        if port.declarations_per_day > 0:
            for role in ("document", "nii", "physical"):
                if getattr(port.officers, role) < 1:
                    raise ConfigError(f"world.ports.{name}.officers.{role}: is 0 but the port "
                                      f"receives declarations; give it at least 1")
            for res in ("scanners", "bays"):
                if getattr(port, res) < 1:
                    raise ConfigError(f"world.ports.{name}.{res}: is 0 but the port receives "
                                      f"declarations; give it at least 1")
    pop = cfg.population
    if pop.high_risk_goods_share * pop.behaviour.high_risk_odds >= 1:
        raise ConfigError(f"population.behaviour.high_risk_odds: times high_risk_goods_share must be below 1; "
                          f"got {pop.behaviour.high_risk_odds} x {pop.high_risk_goods_share}")
    busy = sum(p.declarations_per_day > 0 for p in cfg.world.ports.values())
    if cfg.population.enterprises < busy:
        raise ConfigError(f"population.enterprises: must be at least the number of ports with "
                          f"traffic ({busy}); got {cfg.population.enterprises}")
    _shares_sum_to_one("population.business_models", cfg.population.business_models)
    _shares_sum_to_one("population.violations", cfg.population.violations)
    return cfg

