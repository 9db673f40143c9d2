"""Streaming quarterly metrics: the `quarterly` and `breakdown` tables of a replication.

Counts are accumulated with ``np.bincount`` into dense arrays indexed by port x quarter x
direction x business model x credit tier x channel; nothing per declaration is kept but the
release times of the quarters not yet closed (:mod:`sim.release_times`), so memory does not grow
with the horizon. Two clocks, both documented in the README: *cohort* metrics (declarations,
inspections, violations, detection, revenue) belong to the quarter a declaration arrived;
*event* metrics (released, seized, release times) to the quarter the release or seizure happened.
Quarter index 0 is the warm-up, n + 1 after the horizon. Every declaration is recorded exactly
once, when it is settled (or, still in process, at the horizon), so conservation holds exactly.
Settled parts are buffered and counted in bulk. Targeting's scores are measured against the
truth (:mod:`sim.scoring`) and the burden on compliant declarations counted by trader group
(:mod:`sim.burden`) at the same flushes.
"""
from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd

from sim.agents.enterprise import TIERS
from sim.agents.port import ROLES
from sim.burden import BurdenRecord
from sim.calendar import Calendar
from sim.clearance import Cleared, Parts
from sim.metrics import AMOUNT, COUNT, METRICS, QUARTERLY_COLUMNS, RATE, STOCK, TIME
from sim.records import (
    CHANNELS,
    DIRECTIONS,
    DOCUMENT,
    HOLDERS,
    IN_PROCESS,
    NII,
    RELEASED,
    SEIZED,
    STEP_NAMES,
    STEPS,
    S,
)
from sim.release_times import GROUP_PERCENTILES, ReleaseTimes
from sim.scoring import ScoreRecord

COHORT = ("declarations", "violations", "detected", "inspections", "physical", "nii_only", "hits",
          "compliant_inspected", "revenue_due", "revenue_collected", "smuggling_attempts", "smuggling_seized",
          "agency_inspections", "joint_inspections", "voluntary_disclosures", "partner_aeo_declarations",
          "partner_aeo_inspections", "duplicate_submissions", "compliant_declarations", "model_scored",
          "model_selected", "model_scored_violations", "model_selected_violations", "model_scored_evaded",
          "model_selected_evaded", "local_declarations", "intel_flagged", "partner_violations", "partner_detected",
          "partner_smuggling_attempts")
EVENT = ("released", "seized", "release_h", "exit_h") + tuple(f"step_{s}" for s in STEP_NAMES) + \
        tuple(f"visit_{s}" for s in STEP_NAMES)
FLUSH_ROWS = 50_000  # count the buffered parts once they hold this many declarations


class QuarterlyLedger:
    """Accumulates one replication's metrics per port x quarter as declarations are settled."""

    def __init__(self, calendar: Calendar, port_names: list[str], business_models: list[str],
                 group_levels: dict[str, list[str]], intel_partners: np.ndarray | None = None):
        """``intel_partners``: per partner region (``Declared.region``), whether its customs can share
        intelligence (``population.partner_countries.X.shares_intel``; none: no region)."""
        self.calendar, self.port_names, self.business_models = calendar, port_names, business_models
        self.intel_partners = np.zeros(1, bool) if intel_partners is None or not len(intel_partners) \
            else np.asarray(intel_partners, bool)
        self.shape = (len(port_names), calendar.n_quarters + 2, 2, len(business_models), len(TIERS),
                      len(CHANNELS))
        size = int(np.prod(self.shape))
        self.cohort = np.zeros((len(COHORT), size))
        self.event = np.zeros((len(EVENT), size))
        self.release_times = ReleaseTimes(calendar, len(port_names))
        self.scores = ScoreRecord(len(port_names), calendar.n_quarters + 2)
        self.burden = BurdenRecord(len(port_names), calendar.n_quarters + 2, group_levels)
        self._parts: list[Cleared] = []
        self._buffered = 0
        # Counted outside clearance (sim.redress: the desk, the satisfaction survey): sums (name ->
        # port x quarter, warm-up and after-horizon included); breakdown rows by trader group.
        self.extra_sums: list[dict[str, np.ndarray]] = []
        self.extra_rows: list = [self.burden.rows]

    def _key(self, c: Parts, quarter: np.ndarray) -> np.ndarray:
        _, nq, nd, nb, nt, nc = self.shape
        return ((((c.truth("port") * nq + quarter) * nd + c.truth("direction")) * nb
                 + c.truth("business_model")) * nt + c.screening("tier")) * nc + c.decision("channel")

    def record(self, c: Cleared) -> None:
        """Buffer a settled part; it is counted with the others at the next :meth:`flush`."""
        self.release_times.keep(c)
        self._parts.append(c)
        self._buffered += len(c.rows)
        if self._buffered >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Count every buffered part: cohort metrics by arrival quarter, events (release or
        seizure) by the quarter they happened in (call before reading the sums)."""
        if not self._parts:
            return
        c = Parts(self._parts)
        event_key, events = self._events(c)
        quarter = self.calendar.quarter_index(c.truth("arrival"))
        self.scores.add(c.truth("port"), quarter, c.screening("risk_score"), c.truth("violation"), c.truth("smuggler"),
                        c.screening("model_age_d"))
        self.burden.add(c, c.truth("port"), quarter, c.truth("violation") < 0, c.decision("channel") >= NII)
        for target, key, weights in ((self.cohort, self._key(c, quarter), self._cohort(c)),
                                     (self.event, event_key, events)):
            for i, row in enumerate(weights):
                target[i] += np.bincount(key, weights=row, minlength=target.shape[1])
        self._parts, self._buffered = [], 0

    def _cohort(self, c: Parts) -> np.ndarray:
        violation, smuggler = c.truth("violation"), c.truth("smuggler") >= 0
        has_v = violation >= 0
        inspected = c.decision("channel") >= NII
        found = c.detected | c.audit_found
        disclosed = c.decision("disclosed")
        collected = c.truth("duty") - c.truth("evaded") * ~(found | disclosed)
        partner_aeo = c.screening("partner_aeo")
        separate_data = (c.truth("permit").astype(int) + c.truth("agency_check")) * ~c.screening("single_window")
        scored, selected, evaded = np.isfinite(c.screening("risk_score")), c.screening("targeted"), c.truth("evaded")
        partner = self.intel_partners[c.declared("region")]
        return np.array((np.ones(len(has_v)), has_v, found, inspected, c.physical, inspected & ~c.physical,
                         inspected & c.detected, inspected & ~has_v, c.truth("duty"), collected, smuggler,
                         smuggler & c.detected, c.decision("agency_separate"), c.decision("joint"), disclosed,
                         partner_aeo, partner_aeo & inspected, separate_data, ~has_v, scored, selected,
                         scored & has_v, selected & has_v, evaded * scored, evaded * selected,
                         c.screening("office") >= 0, c.screening("intel"), partner & has_v, partner & found,
                         partner & smuggler), dtype=float)

    def _events(self, c: Parts) -> tuple[np.ndarray, np.ndarray]:
        """Keys and weights of the release and seizure events, with the TRS step hours."""
        released = c.status == RELEASED
        arrival = c.stamps[:, S["arrival"]]
        event_t = np.where(c.status == SEIZED, c.stamps[:, S["physical_end"]], c.stamps[:, S["released"]])
        quarter = np.where(c.status == IN_PROCESS, self.shape[1] - 1, self.calendar.quarter_index(event_t))
        key = self._key(c, quarter)
        clipped = np.clip(c.stamps, arrival[:, None], np.maximum(event_t, arrival)[:, None])
        steps = np.diff(clipped, axis=1) * released[:, None]
        channel = c.decision("channel")
        visited = (~c.truth("prelodged"), np.ones(len(arrival), bool), channel == DOCUMENT, channel == DOCUMENT,
                   channel >= NII, channel == NII, channel == NII, c.physical, c.physical,
                   c.decision("agency_separate"), c.truth("permit"), c.detected & ~c.decision("seizable"),
                   c.decision("pay_h") > 0)  # per STEPS, in order
        visits = np.array(np.broadcast_arrays(*visited), dtype=float) * released
        hours = (event_t - arrival) * released
        weights = np.vstack([released, c.status == SEIZED, hours, (c.exited - arrival) * released, steps.T, visits])
        return key, weights

    def _sum(self, metrics: np.ndarray, names: tuple, name: str, keep: tuple[int, ...]) -> np.ndarray:
        """Sum a metric over every axis but ``keep`` (axes of ``self.shape``)."""
        full = metrics[names.index(name)].reshape(self.shape)
        drop = tuple(a for a in range(len(self.shape)) if a not in keep)
        return full.sum(axis=drop)

    def cohort_sum(self, name: str, keep=(0, 1)) -> np.ndarray:
        return self._sum(self.cohort, COHORT, name, keep)

    def event_sum(self, name: str, keep=(0, 1)) -> np.ndarray:
        return self._sum(self.event, EVENT, name, keep)


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Num / den, NaN where den is 0 (a rate of nothing is undefined, not 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def quarterly_table(ledger: QuarterlyLedger, busy_h: np.ndarray, on_shift_h: np.ndarray, pilot: np.ndarray,
                    ids: dict) -> pd.DataFrame:
    """The `quarterly` table: one row per port x reported quarter, a column per metric of the
    schema (:mod:`sim.metrics`), built from the ledger's sums.

    ``busy_h`` and ``on_shift_h`` are officer-hours port x reported quarter (all roles), ``pilot``
    port x reported quarter; ``ids`` holds scenario, replication and seed.
    """
    n_ports, n_q = len(ledger.port_names), ledger.calendar.n_quarters
    reported = lambda values: values[:, 1:n_q + 1]  # noqa: E731  (drop warm-up and after-horizon)
    by_dir = lambda name: reported(ledger.event_sum(name, keep=(0, 1, 2)))  # noqa: E731
    sums = {name: reported(ledger.cohort_sum(name)) for name in COHORT}
    sums.update({name: reported(ledger.event_sum(name)) for name in ("released", "seized", "release_h", "exit_h")})
    for d, direction in enumerate(DIRECTIONS):
        sums[f"released_{direction}"] = by_dir("released")[..., d]
        sums[f"release_h_{direction}"] = by_dir("release_h")[..., d]
    for extra in ledger.extra_sums:
        sums.update({name: reported(values) for name, values in extra.items()})
    by_channel = lambda name: reported(ledger.event_sum(name, keep=(0, 1, 5)))[..., DOCUMENT]  # noqa: E731
    sums["released_document"], sums["release_h_document"] = by_channel("released"), by_channel("release_h")
    sums["revenue_leakage"] = sums["revenue_due"] - sums["revenue_collected"]
    sums["all_inspections"] = sums["inspections"] + sums["agency_inspections"]
    sums["officer_busy_h"], sums["officer_on_shift_h"] = busy_h, on_shift_h
    net = ledger.cohort_sum("declarations") - ledger.event_sum("released") - ledger.event_sum("seized")
    in_process = np.cumsum(net, axis=1)
    percentiles = reported(ledger.release_times.percentiles())
    cols = {"in_process_start": reported(in_process - net), "in_process": reported(in_process),
            "release_time_p50_h": percentiles[..., 0], "release_time_p90_h": percentiles[..., 1],
            **{k: reported(v) for k, v in {**ledger.scores.metrics(), **ledger.burden.disparities()}.items()}}
    for m in METRICS:
        if m.kind in (COUNT, AMOUNT):
            cols[m.name] = sums[m.numerator]
        elif m.kind in (RATE, TIME):
            cols[m.name] = ratio(sums[m.numerator], sums[m.denominator])
    frame = pd.DataFrame({
        **{k: [v] * (n_ports * n_q) for k, v in ids.items()},
        "port": np.repeat(ledger.port_names, n_q), "quarter": ledger.calendar.labels * n_ports,
        "pilot": pilot.ravel(), **{m.name: cols[m.name].ravel() for m in METRICS}})
    integers = [m.name for m in METRICS if m.kind in (COUNT, STOCK)]
    frame[integers] = frame[integers].astype("int64")
    return frame[list(QUARTERLY_COLUMNS)]


def breakdown_table(ledger: QuarterlyLedger, busy_h: np.ndarray, on_shift_h: np.ndarray, ids: dict) -> pd.DataFrame:
    """The long `breakdown` table: splits by direction, business model, channel, TRS step and
    officer role (``busy_h``, ``on_shift_h``: officer-hours port x reported quarter x role)."""
    n_q = ledger.calendar.n_quarters
    parts = []

    def emit(dimension: str, levels, metric: str, values: np.ndarray, reported: bool = False) -> None:
        # values: port x quarter x level (quarter axis with warm-up and after, unless reported)
        v = values if reported else values[:, 1:n_q + 1, :]
        p, q, lvl = np.meshgrid(np.arange(v.shape[0]), np.arange(n_q), np.arange(v.shape[2]),
                                indexing="ij")
        parts.append(pd.DataFrame({
            "port": np.asarray(ledger.port_names)[p.ravel()],
            "quarter": np.asarray(ledger.calendar.labels)[q.ravel()],
            "dimension": dimension, "level": np.asarray(levels)[lvl.ravel()], "metric": metric,
            "value": v.ravel()}))

    for axis, dimension, levels in ((2, "direction", DIRECTIONS),
                                    (3, "business_model", ledger.business_models),
                                    (4, "credit_tier", TIERS), (5, "channel", CHANNELS)):
        c = lambda name: ledger.cohort_sum(name, keep=(0, 1, axis))  # noqa: E731
        e = lambda name: ledger.event_sum(name, keep=(0, 1, axis))  # noqa: E731
        emit(dimension, levels, "declarations", c("declarations"))
        emit(dimension, levels, "inspection_rate", ratio(c("inspections"), c("declarations")))
        emit(dimension, levels, "violation_rate", ratio(c("violations"), c("declarations")))
        emit(dimension, levels, "detection_rate", ratio(c("detected"), c("violations")))
        emit(dimension, levels, "smuggling_attempts", c("smuggling_attempts"))
        emit(dimension, levels, "released", e("released"))
        emit(dimension, levels, "release_time_mean_h", ratio(e("release_h"), e("released")))
    step_h = np.stack([ledger.event_sum(f"step_{s}") for s in STEP_NAMES], axis=-1)
    visits = np.stack([ledger.event_sum(f"visit_{s}") for s in STEP_NAMES], axis=-1)
    emit("trs_step", STEP_NAMES, "hours_per_released", ratio(step_h, ledger.event_sum("released")[..., None]))
    emit("trs_step", STEP_NAMES, "mean_h_when_visited", ratio(step_h, visits))
    emit("trs_step", STEP_NAMES, "visits", visits)
    holder = np.array([[s.holder == h for h in HOLDERS] for s in STEPS], dtype=float)  # step x holder
    emit("trs_holder", HOLDERS, "hours_per_released", ratio(step_h @ holder, ledger.event_sum("released")[..., None]))
    for group_axis, dimension, groups in ((2, "trs_step_by_direction", DIRECTIONS),
                                          (5, "trs_step_by_channel", CHANNELS)):
        per_step = np.stack([ledger.event_sum(f"step_{s}", keep=(0, 1, group_axis)) for s in STEP_NAMES], axis=-1)
        released = ledger.event_sum("released", keep=(0, 1, group_axis))[..., None]
        levels = [f"{g}/{s}" for g in groups for s in STEP_NAMES]
        emit(dimension, levels, "hours_per_released",
             ratio(per_step, released).reshape(*per_step.shape[:2], -1))
    by_group = ledger.release_times.percentiles(by_group=True)
    levels = [f"{d}/{c}" for d in DIRECTIONS for c in CHANNELS]
    for i, q in enumerate(GROUP_PERCENTILES):
        emit("release_time_by_group", levels, f"release_time_p{q}_h",
             by_group[..., i].reshape(*by_group.shape[:2], -1))
    released = ledger.event_sum("released", keep=(0, 1, 2, 5))
    emit("release_time_by_group", levels, "released", released.reshape(*released.shape[:2], -1))
    for row in chain.from_iterable(rows() for rows in ledger.extra_rows):  # burden, satisfaction by group
        emit(*row)
    emit("officer_role", ROLES, "officer_utilization", ratio(busy_h, on_shift_h), reported=True)
    emit("officer_role", ROLES, "officer_busy_h", busy_h, reported=True)
    emit("officer_role", ROLES, "officer_on_shift_h", on_shift_h, reported=True)
    frame = pd.concat(parts, ignore_index=True)
    for k, v in reversed(ids.items()):
        frame.insert(0, k, v)
    return frame
