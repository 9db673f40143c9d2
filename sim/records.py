"""The records a day's declarations travel in: structures of numpy arrays, no object per row.

- :class:`Truth` — what the declarations *are*: who, where, when the goods arrive, their value,
  duty, the trader's own process times, and the ground truth (violation, evaded duty). Drawn by
  the generator; prevention policies (traceability, classification help) may still remove a
  would-be violation, then :meth:`Truth.freeze` makes it read-only.
- :class:`Screening` — what customs decides to do with them: check probabilities, audit and
  disclosure chances, flags such as priority or deferred payment. The only record policies write.
- :data:`STAMPS` — the named Time Release Study timestamps of one declaration, and
  :data:`STEPS` the steps between them with who holds the goods meanwhile.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

IMPORT, EXPORT = 0, 1
DIRECTIONS = ("import", "export")
NO_VIOLATION = -1
GREEN, DOCUMENT, NII, PHYSICAL = 0, 1, 2, 3
CHANNELS = ("green", "document", "nii", "physical")
IN_PROCESS, RELEASED, SEIZED = 0, 1, 2


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

    def __post_init__(self) -> None:
        n = len(self.port)
        if self.smuggler is None:
            self.smuggler = np.full(n, -1, np.int16)
        if self.concealment is None:
            self.concealment = np.full(n, -1, np.int8)
        for name in ("nii_factor", "physical_factor"):
            if getattr(self, name) is None:
                setattr(self, name, np.ones(n))

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
class Screening:
    """What customs decides for each declaration of a day; policies adjust it in place."""
    tier: np.ndarray             # credit tier when screened (AEO, general, dishonest)
    partner_aeo: np.ndarray      # the foreign counterpart is an AEO
    record_age_h: np.ndarray     # hours since customs received a partner agency's record on the trader (inf: none)
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

    def __post_init__(self) -> None:
        n = len(self.tier)
        self.p_document, self.p_nii, self.p_physical, self.p_audit, self.p_disclose = (np.zeros(n) for _ in range(5))
        self.detect_factor = np.ones(n)
        self.joint, self.pay_deferred, self.priority, self.single_window = (np.zeros(n, bool) for _ in range(4))

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
