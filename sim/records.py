"""The records a day's declarations travel in: structures of numpy arrays, no object per row.

- :class:`Truth` — what the declarations *are*: who, where, when the goods arrive, the goods
  (HS code, countries, value, mass, duty rate), the trader's own process times, and the ground
  truth (violation, evaded duty). Drawn by the generator; prevention policies (traceability,
  classification help) may still remove a would-be violation and a policy on where traders lodge
  (local declaration) may move the lodging earlier, then :meth:`Truth.freeze` makes it read-only.
- :class:`Declared` — what customs *sees*: the declaration as lodged (a violation may show in
  it: a low declared value or tax rate) and what customs' own records say about the trader. Built
  from the frozen truth; what risk targeting may learn from.
- :class:`Screening` — what customs knows and decides when it screens them: the declared data,
  the trader's credit tier, then check probabilities, audit and disclosure chances, flags such as
  priority or deferred payment, and targeting's risk score. The only record policies write.
- :func:`take_rows` — some rows of any of these records (a smaller copy).
- :data:`STAMPS` — the named Time Release Study timestamps of one declaration, and
  :data:`STEPS` the steps between them with who holds the goods meanwhile.
"""
from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field

import numpy as np

IMPORT, EXPORT = 0, 1
DIRECTIONS = ("import", "export")
NO_VIOLATION = -1
GREEN, DOCUMENT, NII, PHYSICAL = 0, 1, 2, 3
CHANNELS = ("green", "document", "nii", "physical")
IN_PROCESS, RELEASED, SEIZED = 0, 1, 2
SMALL, MEDIUM, LARGE = 0, 1, 2
SIZE_CLASSES = ("small", "medium", "large")
# Trader groups whose burden (inspections of their compliant declarations) is compared.
BURDEN_GROUPS = ("size_class", "business_model", "origin_region", "ownership", "tenure")
NEW_TRADER_DECLARATIONS = 20  # fewer past declarations: a new trader (reporting convention; assumption 10-50)
# Compliant declarations a group needs before its burden is compared with others' (assumption: ~20
# inspections at the 2024 rate of 4.3%; 200-2,000): fewer give too few inspections to compare.
MIN_GROUP_DECLARATIONS = 500


def take_rows(record, rows: np.ndarray, n: int):
    """A copy of a per-declaration record (a dataclass whose arrays have one entry per
    declaration, ``n`` of them) holding only ``rows``: every array is indexed (nested records
    too), other fields (a day number, a lag, a random-stream factory) are shared. An array of any
    other length is an error, not a silent share."""
    out = copy.copy(record)
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, np.ndarray):
            if len(value) != n:
                raise ValueError(f"{type(record).__name__}.{f.name}: {len(value)} entries, not one per "
                                 f"declaration ({n})")
            setattr(out, f.name, value[rows])
        elif dataclasses.is_dataclass(value):
            setattr(out, f.name, take_rows(value, rows, n))
    return out


@dataclass
class Truth:
    """One day's declarations as they are (read-only once frozen)."""
    day: int
    port: np.ndarray
    enterprise: np.ndarray
    direction: np.ndarray
    business_model: np.ndarray
    arrival: np.ndarray          # goods arrive (h)
    lodged: np.ndarray           # the trader lodges the declaration (h; before arrival if pre-lodged)
    prelodged: np.ndarray        # lodged before arrival (advance declaration)
    reentry_h: np.ndarray        # trader's time to re-enter the data for each other agency's system
    value: np.ndarray
    duty: np.ndarray
    hs6: np.ndarray              # HS6 code of the goods (sim/goods.py)
    origin: np.ndarray           # counterpart country (index into Goods.countries)
    departure: np.ndarray        # country the goods are shipped from (index into Goods.countries)
    mass: np.ndarray             # net mass (value / unit value; only its spread is meaningful)
    duty_rate: np.ndarray        # duty rate of the goods' HS code (a smuggling attempt: of its cover goods)
    violation: np.ndarray        # violation type index, or NO_VIOLATION
    evaded: np.ndarray           # duty evaded (CNY)
    intentional: np.ndarray      # a decision, not an error
    high_risk: np.ndarray        # high-risk goods (rule-based targeting, traceability)
    agency_check: np.ndarray     # another agency must inspect the goods too (e.g. quarantine)
    permit: np.ndarray           # another agency must grant a permit or licence before release
    smuggler: np.ndarray = None  # network index, -1 for ordinary trade
    concealment: np.ndarray = None      # the smuggling network's concealment method, -1 for none
    nii_factor: np.ndarray = None       # concealment: scales the chance an NII scan finds it
    physical_factor: np.ndarray = None  # concealment: scales the chance a physical check finds it
    prep_work_h: np.ndarray = None      # the trader's work to prepare the declaration (h; 0: none drawn)

    def __post_init__(self) -> None:
        n = len(self.port)
        if self.smuggler is None:
            self.smuggler = np.full(n, -1, np.int16)
        if self.concealment is None:
            self.concealment = np.full(n, -1, np.int8)
        for name in ("nii_factor", "physical_factor"):
            if getattr(self, name) is None:
                setattr(self, name, np.ones(n))
        if self.prep_work_h is None:
            self.prep_work_h = np.zeros(n)

    def __len__(self) -> int:
        return len(self.port)

    def __add__(self, other: "Truth") -> "Truth":
        """The rows of this record followed by those of ``other`` (same day)."""
        arrays = {f.name: np.concatenate([getattr(self, f.name), getattr(other, f.name)])
                  for f in dataclasses.fields(self) if f.name != "day"}
        return Truth(day=self.day, **arrays)

    def prevent(self, rows: np.ndarray) -> None:
        """A prevention policy stops the would-be violations ``rows`` (a mask) from happening."""
        self.violation[rows] = NO_VIOLATION
        self.evaded[rows] = 0.0
        self.intentional[rows] = False

    def freeze(self) -> None:
        """Make every array read-only: from screening on, the truth is what it is."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                value.flags.writeable = False


@dataclass
class Declared:
    """What customs sees of a day's declarations when it screens them (arrays per declaration).

    ``importer`` is the declaring enterprise's registration (its row, or a new id once it has
    re-registered: :mod:`sim.behaviour.disguise`); the registration fields (``size_class``,
    ``foreign_invested``, ``region``) and the history (``past_declarations``, ``past_findings``:
    what customs' records held when it was lodged) are customs' own data on the trader.
    """
    id: np.ndarray               # declaration number: unique within a run, in the order drawn
    port: np.ndarray             # the customs office
    transport: np.ndarray        # mode of transport: the port's kind (index into world.kinds)
    importer: np.ndarray         # the registration of the enterprise that declares
    declarant: np.ndarray        # the customs broker who lodged it
    business_model: np.ndarray
    direction: np.ndarray
    prelodged: np.ndarray
    hs6: np.ndarray
    origin: np.ndarray           # country index (Goods.countries)
    departure: np.ndarray
    value: np.ndarray            # declared value (CNY)
    mass: np.ndarray
    tax_rate: np.ndarray         # declared duty rate (%): 0 for exports
    high_risk: np.ndarray        # declared as goods under risk control
    size_class: np.ndarray       # SMALL, MEDIUM, LARGE (sim.agents.enterprise)
    foreign_invested: np.ndarray
    region: np.ndarray           # the trader's partner region (population.partner_countries)
    past_declarations: np.ndarray
    past_findings: np.ndarray

    def __len__(self) -> int:
        return len(self.id)


@dataclass
class Screening:
    """What customs knows and decides for each declaration of a day; policies adjust it in place."""
    tier: np.ndarray             # credit tier when screened (AEO, general, dishonest)
    partner_aeo: np.ndarray      # the foreign counterpart is an AEO
    record_age_h: np.ndarray     # hours since customs received a partner agency's record on the trader (inf: none)
    declared: Declared | None = None  # the declarations as customs sees them
    p_document: np.ndarray = field(init=False)
    p_nii: np.ndarray = field(init=False)
    p_physical: np.ndarray = field(init=False)
    p_audit: np.ndarray = field(init=False)        # chance of a post-clearance audit
    p_disclose: np.ndarray = field(init=False)     # chance an error is voluntarily disclosed
    detect_factor: np.ndarray = field(init=False)  # scales every check's chance of finding
    joint: np.ndarray = field(init=False)          # other agencies join customs' inspection
    pay_deferred: np.ndarray = field(init=False)   # duty paid later (consolidated), no wait
    priority: np.ndarray = field(init=False)       # served first in every queue
    single_window: np.ndarray = field(init=False)  # one data submission shared with every agency
    risk_score: np.ndarray = field(init=False)     # the score targeting ranked by (NaN: not scored)
    targeted: np.ndarray = field(init=False)       # selected by targeting for an NII scan or physical inspection
    model_age_d: np.ndarray = field(init=False)    # days since the scoring model was trained (NaN: no trained model)
    intel: np.ndarray = field(init=False)          # flagged by a partner customs' shared seizure intelligence
    office: np.ndarray = field(init=False)         # port index of the inland office that reviews it (-1: its port)
    handover_h: np.ndarray = field(init=False)     # the inland office's decision reaching the port (h)

    def __post_init__(self) -> None:
        n = len(self.tier)
        self.p_document, self.p_nii, self.p_physical, self.p_audit, self.p_disclose = (np.zeros(n) for _ in range(5))
        self.detect_factor = np.ones(n)
        self.joint, self.pay_deferred, self.priority, self.single_window = (np.zeros(n, bool) for _ in range(4))
        self.risk_score, self.model_age_d = np.full(n, np.nan), np.full(n, np.nan)
        self.targeted, self.intel = np.zeros(n, bool), np.zeros(n, bool)
        self.office, self.handover_h = np.full(n, -1, np.int64), np.zeros(n)

    def __len__(self) -> int:
        return len(self.tier)


@dataclass(frozen=True)
class Step:
    """A Time Release Study step: the time between two timestamps, and who holds the goods."""
    name: str
    label: str
    holder: str  # trader | customs | agency


# The timestamps of one declaration, in order; the step i is the time from STAMPS[i] to STAMPS[i + 1]
# (each clipped to [arrival, release], so steps add up to the release time).
STAMPS = ("arrival", "lodged", "screened", "document_start", "document_end", "at_inspection", "nii_start",
          "nii_end", "physical_start", "physical_end", "agency_inspected", "permit_ready", "corrected",
          "released")
STEPS = (
    Step("document_preparation", "Document preparation and data entry", "trader"),
    Step("screening", "Automated screening", "customs"),
    Step("document_review_wait", "Waiting for document review", "customs"),
    Step("document_review", "Document review", "customs"),
    Step("transfer", "Transfer to the scanner or bay", "customs"),
    Step("nii_wait", "Waiting for the NII scan", "customs"),
    Step("nii", "NII scan and image analysis", "customs"),
    Step("physical_wait", "Waiting for physical inspection", "customs"),
    Step("physical", "Physical inspection", "customs"),
    Step("agency_inspection", "Other agency's inspection", "agency"),
    Step("agency_permit", "Waiting for an agency permit", "agency"),
    Step("correction", "Correction and fine", "trader"),
    Step("duty_payment", "Duty payment", "trader"),
)
STEP_NAMES = tuple(s.name for s in STEPS)
HOLDERS = ("trader", "customs", "agency")
S = dict(zip(STAMPS, range(len(STAMPS))))  # stamp name -> column of a timestamp matrix
assert len(STEPS) == len(STAMPS) - 1


def trader_group(declared: Declared, name: str) -> np.ndarray:
    """Each declaration's level (an index) in the trader grouping ``name`` of :data:`BURDEN_GROUPS`."""
    if name == "size_class":
        return declared.size_class.astype(np.int64)
    if name == "business_model":
        return declared.business_model.astype(np.int64)
    if name == "origin_region":
        return declared.region.astype(np.int64)
    if name == "ownership":
        return declared.foreign_invested.astype(np.int64)
    if name == "tenure":
        return (declared.past_declarations < NEW_TRADER_DECLARATIONS).astype(np.int64)
    raise ValueError(f"unknown trader grouping {name!r}; known: {', '.join(BURDEN_GROUPS)}")


def group_levels(name: str, business_models: list[str], regions: list[str]) -> list[str]:
    """The level names of a trader grouping (business models and partner regions from the config)."""
    return {"size_class": list(SIZE_CLASSES), "business_model": list(business_models),
            "origin_region": list(regions) or ["any"], "ownership": ["domestic", "foreign_invested"],
            "tenure": ["established", "new"]}[name]
