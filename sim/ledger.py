"""Streaming quarterly metrics; the output schema (`quarterly`, `breakdown`) lives here.

Counts are accumulated per batch with ``np.bincount`` into dense arrays indexed by
port x quarter x direction x business model x channel; nothing per declaration is kept but the
release times each port-quarter needs for its percentiles. Two clocks, both documented in the
README: *cohort* metrics (declarations, inspections, violations, detection, revenue) belong to
the quarter a declaration arrived; *event* metrics (released, seized, release times) to the
quarter the release or seizure happened. Quarter index 0 is the warm-up, n + 1 after the horizon.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.agents.enterprise import TIERS
from sim.agents.port import ROLES
from sim.calendar import Calendar
from sim.clearance import (
    AGENCY_BIT,
    CHANNELS,
    DOCUMENT,
    NII,
    PHYSICAL_BIT,
    RELEASED,
    SEIZED,
    STEPS,
    T_ARRIVAL,
    T_DONE,
    T_LODGED,
    Outcomes,
)
from sim.declarations import Batch
from sim.metrics import AMOUNT, COUNT, METRICS, QUARTERLY_COLUMNS, RATE, STOCK, TIME

COHORT = ("declarations", "violations", "detected", "inspections", "physical", "nii_only", "hits",
          "compliant_inspected", "revenue_due", "revenue_collected", "smuggling_attempts", "smuggling_seized",
          "agency_inspections", "joint_inspections", "voluntary_disclosures", "partner_aeo_declarations",
          "partner_aeo_inspections")
EVENT = ("released", "seized", "release_h") + tuple(f"step_{s}" for s in STEPS) + \
        tuple(f"visit_{s}" for s in STEPS)
DIRECTIONS = ("import", "export")


class QuarterlyLedger:
    """Accumulates one replication's metrics per port x quarter as batches flow through."""

    def __init__(self, calendar: Calendar, port_names: list[str], business_models: list[str]):
        self.calendar, self.port_names, self.business_models = calendar, port_names, business_models
        self.shape = (len(port_names), calendar.n_quarters + 2, 2, len(business_models), len(TIERS),
                      len(CHANNELS))
        size = int(np.prod(self.shape))
        self.cohort = np.zeros((len(COHORT), size))
        self.event = np.zeros((len(EVENT), size))
        self.release_hours: list[tuple[np.ndarray, np.ndarray]] = []

    def _key(self, batch: Batch, rows, quarter: np.ndarray, channel: np.ndarray) -> np.ndarray:
        _, nq, nd, nb, nt, nc = self.shape
        return ((((batch.port[rows] * nq + quarter) * nd + batch.direction[rows]) * nb
                 + batch.business_model[rows]) * nt + batch.tier[rows]) * nc + channel

    def _add(self, target: np.ndarray, key: np.ndarray, weights: np.ndarray) -> None:
        for i, w in enumerate(weights):
            target[i] += np.bincount(key, weights=w, minlength=target.shape[1])

    def record_cohort(self, batch: Batch, out: Outcomes) -> None:
        """Per-arrival metrics of a batch, known once it is screened."""
        key = self._key(batch, slice(None), self.calendar.quarter_index(batch.arrival), out.channel)
        has_v = batch.violation >= 0
        self._add(self.cohort, key, (
            None, has_v, out.detected | out.audit_found, out.inspected, out.physical,
            out.inspected & ~out.physical, out.inspected & out.detected, out.inspected & ~has_v,
            batch.duty, out.collected, batch.smuggler >= 0, (batch.smuggler >= 0) & out.detected,
            out.agency, out.joint, out.disclosed, batch.partner_aeo, batch.partner_aeo & out.inspected))

    def record_times(self, batch: Batch, rows, path: np.ndarray, times: np.ndarray, status: np.ndarray) -> None:
        """Release and seizure events with their TRS timestamps (``clearance.T_*``) and paths."""
        channel = path & 3
        physical, agency = (path & PHYSICAL_BIT) > 0, (path & AGENCY_BIT) > 0
        arrival = times[:, T_ARRIVAL]
        released = status == RELEASED
        event_t = np.where(released, np.maximum(arrival, times[:, T_DONE]), times[:, T_DONE])
        quarter = np.where(status == 0, self.shape[1] - 1, self.calendar.quarter_index(event_t))
        key = self._key(batch, rows, quarter, channel)
        clipped = np.clip(times[:, T_LODGED:], arrival[:, None], event_t[:, None])
        steps = np.column_stack([clipped[:, 0] - arrival, np.diff(clipped, axis=1)]) * released[:, None]
        visits = np.column_stack([
            released & (times[:, T_LODGED] > arrival), released, *([released & (channel == DOCUMENT)] * 2),
            *([released & (channel == NII)] * 2), *([released & physical] * 2), released & agency, released])
        hours = (event_t - arrival) * released
        self._add(self.event, key, (released, status == SEIZED, hours, *steps.T, *visits.T))
        cell = (batch.port[rows] * self.shape[1] + quarter) * 2 + batch.direction[rows]
        self.release_hours.append(((cell * len(CHANNELS) + channel)[released], hours[released]))

    def _sum(self, metrics: np.ndarray, names: tuple, name: str, keep: tuple[int, ...]) -> np.ndarray:
        """Sum a metric over every axis but ``keep`` (axes of ``self.shape``)."""
        full = metrics[names.index(name)].reshape(self.shape)
        drop = tuple(a for a in range(len(self.shape)) if a not in keep)
        return full.sum(axis=drop)

    def cohort_sum(self, name: str, keep=(0, 1)) -> np.ndarray:
        return self._sum(self.cohort, COHORT, name, keep)

    def event_sum(self, name: str, keep=(0, 1)) -> np.ndarray:
        return self._sum(self.event, EVENT, name, keep)

    def percentiles(self, qs=(50, 90), by_group: bool = False) -> np.ndarray:
        """Release-time percentiles ``qs``: array port x quarter x len(qs), or with ``by_group``
        port x quarter x direction x channel x len(qs). NaN where nothing was released."""
        per_cell = 2 * len(CHANNELS)  # release_hours keys: port x quarter x direction x channel
        out = np.full((self.shape[0] * self.shape[1] * (per_cell if by_group else 1), len(qs)), np.nan)
        if self.release_hours:
            key = np.concatenate([k for k, _ in self.release_hours]) // (1 if by_group else per_cell)
            hours = np.concatenate([h for _, h in self.release_hours])
            order = np.lexsort((hours, key))
            key, hours = key[order], hours[order]
            bounds = np.flatnonzero(np.diff(key)) + 1
            for k, chunk in zip(key[np.r_[0, bounds]], np.split(hours, bounds)):
                out[k] = np.percentile(chunk, qs)
        shape = self.shape[:2] + ((2, len(CHANNELS)) if by_group else ())
        return out.reshape(*shape, len(qs))


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
    sums.update({name: reported(ledger.event_sum(name)) for name in ("released", "seized", "release_h")})
    for d, direction in enumerate(DIRECTIONS):
        sums[f"released_{direction}"] = by_dir("released")[..., d]
        sums[f"release_h_{direction}"] = by_dir("release_h")[..., d]
    sums["revenue_leakage"] = sums["revenue_due"] - sums["revenue_collected"]
    sums["all_inspections"] = sums["inspections"] + sums["agency_inspections"]
    sums["officer_busy_h"], sums["officer_on_shift_h"] = busy_h, on_shift_h
    net = ledger.cohort_sum("declarations") - ledger.event_sum("released") - ledger.event_sum("seized")
    in_process = np.cumsum(net, axis=1)
    percentiles = reported(ledger.percentiles())
    cols = {"in_process_start": reported(in_process - net), "in_process": reported(in_process),
            "release_time_p50_h": percentiles[..., 0], "release_time_p90_h": percentiles[..., 1]}
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
    step_h = np.stack([ledger.event_sum(f"step_{s}") for s in STEPS], axis=-1)
    visits = np.stack([ledger.event_sum(f"visit_{s}") for s in STEPS], axis=-1)
    emit("trs_step", STEPS, "hours_per_released", ratio(step_h, ledger.event_sum("released")[..., None]))
    emit("trs_step", STEPS, "mean_h_when_visited", ratio(step_h, visits))
    emit("trs_step", STEPS, "visits", visits)
    for group_axis, dimension, groups in ((2, "trs_step_by_direction", DIRECTIONS),
                                          (5, "trs_step_by_channel", CHANNELS)):
        per_step = np.stack([ledger.event_sum(f"step_{s}", keep=(0, 1, group_axis)) for s in STEPS], axis=-1)
        released = ledger.event_sum("released", keep=(0, 1, group_axis))[..., None]
        levels = [f"{g}/{s}" for g in groups for s in STEPS]
        emit(dimension, levels, "hours_per_released",
             ratio(per_step, released).reshape(*per_step.shape[:2], -1))
    pct = (10, 25, 50, 75, 90)
    by_group = ledger.percentiles(pct, by_group=True)
    levels = [f"{d}/{c}" for d in DIRECTIONS for c in CHANNELS]
    for i, q in enumerate(pct):
        emit("release_time_by_group", levels, f"release_time_p{q}_h",
             by_group[..., i].reshape(*by_group.shape[:2], -1))
    released = ledger.event_sum("released", keep=(0, 1, 2, 5))
    emit("release_time_by_group", levels, "released", released.reshape(*released.shape[:2], -1))
    emit("officer_role", ROLES, "officer_utilization", ratio(busy_h, on_shift_h), reported=True)
    emit("officer_role", ROLES, "officer_busy_h", busy_h, reported=True)
    emit("officer_role", ROLES, "officer_on_shift_h", on_shift_h, reported=True)
    frame = pd.concat(parts, ignore_index=True)
    for k, v in reversed(ids.items()):
        frame.insert(0, k, v)
    return frame
