"""Resilience: how the backlog at an event's ports grows and recovers, per event and replication.

:class:`EventWatch` keeps, for each disruption event, the arrival and exit (release or seizure)
times and the duty of the declarations at its ports that are in process at some time of a
window around it: the ``PROFILE_DAYS`` days before its start, the event, and ``AFTER_H`` hours
after the disruption ends. Runs without events keep nothing. At the end it computes, exactly
from those times (the backlog is a step function of time):

- the *pre-event level*: the backlog at the same time of day, averaged over the days before
  the start; the yardstick of every measure below;
- ``peak_backlog``: the most declarations in process from the start to the recovery;
- ``recovery_h``: from the end of the disruption to the first whole hour whose mean backlog is
  within 10% of the pre-event level of that hour (NaN: not within the window);
- ``extra_release_h``: declaration-hours in process above the pre-event level from the start
  to the recovery (by Little's law, the hours the event added to clearance);
- ``delayed_24h``: declarations arriving from 24 h before the start to the recovery that were
  in process over 24 h, less the number the pre-event share of such declarations predicts;
- ``revenue_deferred``: the duty held in the backlog at the end of the disruption above the
  pre-event level (collected later, at release);

- ``offered_load``: at the busiest of the event's ports and roles (``busiest``), the work that
  reached its queue during the disruption (the drawn service times of the declarations screened
  then and routed to it) over the server-hours it could work then (shift hours less closures,
  system down time and absences): the load the queue really got, watch list and all (NaN where
  no server could work, e.g. document review during an outage);

and an hourly series (``event_backlog``): the mean backlog of each hour from ``BEFORE_H`` before
the start to ``AFTER_H`` after the end, its pre-event level, and the 90th percentile of the
release times of the declarations released in the 24 h up to the hour's end, of all and of
those that went through a check (document review or inspection: the ones that wait in queues).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.agents.schedule import Schedule
from sim.calendar import HOURS_PER_DAY, Calendar
from sim.capacity import ROLES as LOAD_ROLES  # the queues whose offered load is measured
from sim.clearance import Cleared
from sim.clearance.decisions import SV
from sim.events import Event
from sim.metrics import EVENT_AFTER_H, EVENT_BACKLOG_COLUMNS, EVENT_COLUMNS
from sim.records import DOCUMENT, GREEN, IN_PROCESS, NII, RELEASED, S

PROFILE_DAYS = 7  # days before the start whose backlog makes the pre-event level (assumption: a week, 3-14)
BEFORE_H = 48.0   # the hourly series starts this long before the event (two daily cycles)
AFTER_H = 7 * HOURS_PER_DAY  # the series, and the search for recovery, end this long after the disruption
RECOVERED = 1.10  # within 10% of the pre-event level (issue 15)
DELAY_H = 24.0    # "delayed beyond 24 h" (issue 15)


def routed_work(c: Cleared) -> np.ndarray:
    """Declarations x LOAD_ROLES: the service hours each brings to each queue (0 where it is
    not routed there; a physical inspection after an NII image counts where it happened)."""
    channel, service = c.decision("channel"), c.decision("service")
    nii = channel == NII
    return np.column_stack([np.where(channel == DOCUMENT, service[:, SV["document"]], 0.0),
                            np.where(nii, service[:, SV["scan"]], 0.0), np.where(nii, service[:, SV["image"]], 0.0),
                            np.where(c.physical, service[:, SV["physical"]], 0.0)])


class Curve:
    """The sum of ``weight`` over declarations in process, a step function of time on [lo, hi]."""

    def __init__(self, arrival: np.ndarray, exit: np.ndarray, weight: np.ndarray, lo: float, hi: float):
        t = np.concatenate([np.clip(arrival, lo, hi), np.clip(exit, lo, hi)])
        order = np.argsort(t, kind="stable")
        self.t = t[order]
        self.level = np.cumsum(np.concatenate([weight, -weight])[order])
        self.area = np.concatenate([[0.0], np.cumsum(self.level[:-1] * np.diff(self.t))])

    def _index(self, x) -> np.ndarray:
        return np.searchsorted(self.t, x, side="right") - 1

    def at(self, x) -> np.ndarray:
        """The level at times ``x``."""
        i = self._index(x)
        return np.where(i >= 0, self.level[np.maximum(i, 0)], 0.0) if len(self.t) else np.zeros(np.shape(x))

    def integral(self, x) -> np.ndarray:
        """The integral of the level from ``lo`` to times ``x``."""
        if not len(self.t):
            return np.zeros(np.shape(x))
        i = np.maximum(self._index(x), 0)
        return np.where(x >= self.t[0], self.area[i] + self.level[i] * (x - self.t[i]), 0.0)


class Profile:
    """The pre-event level of a curve: the same time of day on each of the ``days`` days
    before ``start``, averaged."""

    def __init__(self, curve: Curve, start: float, days: int):
        self.curve, self.start, self.days = curve, start, days

    def _shifted(self, x: np.ndarray, k: int) -> np.ndarray:
        return self.start - k * HOURS_PER_DAY + np.mod(x - self.start, HOURS_PER_DAY)

    def at(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return sum(self.curve.at(self._shifted(x, k)) for k in range(1, self.days + 1)) / self.days

    def integral(self, a: float, b: float) -> float:
        """The integral of the pre-event level from ``a`` to ``b`` (pieces within one day)."""
        total, t = 0.0, a
        while t < b:
            end = min(b, t + HOURS_PER_DAY - np.mod(t - self.start, HOURS_PER_DAY))
            for k in range(1, self.days + 1):
                lo = self._shifted(np.array(t), k)
                total += float(self.curve.integral(lo + (end - t)) - self.curve.integral(lo))
            t = end
        return total / self.days

    def mean(self, a: float, b: float) -> float:
        return self.integral(a, b) / (b - a)


class EventWatch:
    """Declarations around each event, and the events and event_backlog tables made from them."""

    def __init__(self, events: list[Event], calendar: Calendar, schedule: Schedule):
        first, self.end_h = -calendar.warmup_h, calendar.end_h
        self.schedule, self.calendar = schedule, calendar
        self.windows = [(ev, max(ev.start - PROFILE_DAYS * HOURS_PER_DAY, first), min(ev.end + AFTER_H, self.end_h))
                        for ev in events]
        self.kept: list[list[tuple]] = [[] for _ in events]
        # per event, which business models it concerns (None: all): a surge's, measured apart
        self.concerns = [np.isin(schedule.models, ev.kind.business_models()) if ev.kind.business_models() else None
                         for ev in events]

    def record(self, c: Cleared) -> None:
        """Keep the declarations of a settled part that matter to an event's window."""
        if not self.windows:
            return
        port, arrival, model = c.truth("port"), c.truth("arrival"), c.truth("business_model")
        exit = np.where(c.status == IN_PROCESS, np.inf, c.event_time)
        checked, screened, work = c.decision("channel") != GREEN, c.stamps[:, S["screened"]], routed_work(c)
        for kept, concerns, (ev, lo, hi) in zip(self.kept, self.concerns, self.windows):
            keep = np.isin(port, ev.ports) & (arrival < hi) & (exit >= lo)
            if keep.any():
                concerned = concerns[model[keep]] if concerns is not None else np.ones(int(keep.sum()), bool)
                kept.append((arrival[keep], exit[keep], c.truth("duty")[keep], (c.status == RELEASED)[keep],
                             checked[keep], concerned, port[keep], screened[keep], work[keep]))

    def tables(self, replication: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(events, event_backlog) of this replication (empty tables without events)."""
        rows, series = [], []
        for kept, concerns, (ev, lo, hi) in zip(self.kept, self.concerns, self.windows):
            arrival, exit, duty, released, checked, concerned, port, screened, work = \
                (np.concatenate(x) for x in zip(*kept)) if kept else (*(np.zeros(0),) * 8, np.zeros((0, 4)))
            released, checked = released.astype(bool), checked.astype(bool)
            measures, hourly = resilience(ev, arrival, np.minimum(exit, self.end_h), duty, released, checked, lo, hi)
            load, busiest = self.offered_load(ev, port, screened, work)
            rows.append({"replication": replication, "event": ev.name, "kind": ev.kind.name, "port": ev.port_label,
                         "start": ev.when, "duration_h": ev.end - ev.start, **measures, "offered_load": load,
                         "busiest": busiest, **phase_p90(ev, arrival, exit, released, checked, lo, hi,
                                                         concerned.astype(bool) if concerns is not None else None)})
            series.append(hourly.assign(replication=replication, event=ev.name))
        events = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
        backlog = pd.concat(series, ignore_index=True) if series else pd.DataFrame()
        return events, backlog.reindex(columns=list(EVENT_BACKLOG_COLUMNS))

    def offered_load(self, ev: Event, port: np.ndarray, screened: np.ndarray, work: np.ndarray) -> tuple[float, str]:
        """The highest offered load among the event's ports and LOAD_ROLES during the disruption
        (work screened then over the server-hours that could work then), and "port role"."""
        quarter = int(self.calendar.quarter_index(np.array(ev.start)))
        during = (screened >= ev.start) & (screened < ev.end)
        best, where = np.nan, ""
        for p in ev.ports:
            offered = work[during & (port == p)].sum(axis=0)
            for r, role in enumerate(LOAD_ROLES):
                hours = self.schedule.server_hours(p, role, ev.start, ev.end, quarter)
                load = offered[r] / hours if hours > 0 else np.nan
                if load == load and not load < best:
                    best, where = float(load), f"{self.schedule.names[p]} {role}"
        return best, where


def resilience(ev: Event, arrival: np.ndarray, exit: np.ndarray, duty: np.ndarray, released: np.ndarray,
               checked: np.ndarray, lo: float, hi: float) -> tuple[dict, pd.DataFrame]:
    """The measures of one event (see the module doc) and its hourly series, from the arrival
    and exit times (in process at the horizon: the horizon), duty, release and checked flags of
    the declarations at its ports around it, recorded on [lo, hi]."""
    days = min(PROFILE_DAYS, int((ev.start - lo) // HOURS_PER_DAY))
    count = Curve(arrival, exit, np.ones(len(arrival)), lo, hi)
    held = Curve(arrival, exit, duty, lo, hi)
    nan = {"peak_backlog": np.nan, "delayed_24h": np.nan, "extra_release_h": np.nan, "recovery_h": np.nan,
           "revenue_deferred": np.nan}
    if days < 1 or ev.end >= hi:
        return nan, pd.DataFrame(columns=list(EVENT_BACKLOG_COLUMNS[2:]))
    base = Profile(count, ev.start, days)
    recovery = recovery_h(count, base, ev.end, hi)
    until = ev.end + (recovery if recovery == recovery else hi - ev.end)
    inside = (count.t >= ev.start) & (count.t <= until)
    peak = max(float(count.at(ev.start)), float(count.level[inside].max()) if inside.any() else 0.0)
    extra = float(count.integral(until) - count.integral(ev.start)) - base.integral(ev.start, until)
    measures = {"peak_backlog": peak, "delayed_24h": delayed(arrival, exit, ev.start, until, lo),
                "extra_release_h": extra, "recovery_h": recovery,
                "revenue_deferred": float(held.at(ev.end)) - float(Profile(held, ev.start, days).at(ev.end))}
    return measures, hourly(count, base, arrival, exit, released, checked, ev, lo, hi)


def phase_p90(ev: Event, arrival: np.ndarray, exit: np.ndarray, released: np.ndarray, checked: np.ndarray,
              lo: float, hi: float, concerned: np.ndarray | None = None) -> dict[str, float]:
    """The 90th percentile release time of the declarations that arrived before the event (from
    ``lo``), during the disruption and in the last two days of the window (after; to ``hi``),
    of all released and of the checked ones: ``p90_during_h``, ``p90_checked_after_h``, ...; and
    the same of those the event ``concerned`` (``p90_models_during_h``, ``p90_models_checked_after_h``,
    ...: like for like when a surge changes the mix), NaN when it concerns them all (None)."""
    windows = {"before": (lo, ev.start), "during": (ev.start, ev.end), "after": (max(ev.end, hi - EVENT_AFTER_H), hi)}
    some = np.zeros(len(arrival), bool) if concerned is None else concerned
    out = {}
    for who, rows in (("", released), ("_checked", released & checked), ("_models", released & some),
                      ("_models_checked", released & checked & some)):
        for phase, (a, b) in windows.items():
            took = (exit - arrival)[rows & (arrival >= a) & (arrival < b)]
            out[f"p90{who}_{phase}_h"] = float(np.percentile(took, 90)) if len(took) else np.nan
    return out


def recovery_h(count: Curve, base: Profile, end: float, hi: float) -> float:
    """Hours from ``end`` to the first whole hour whose mean backlog is within 10% of the
    pre-event level (NaN if none before ``hi``)."""
    for j in range(int((hi - end) // 1)):
        a, b = end + j, end + j + 1
        if float(count.integral(b) - count.integral(a)) <= RECOVERED * base.integral(a, b):
            return float(j)
    return np.nan


def delayed(arrival: np.ndarray, exit: np.ndarray, start: float, until: float, lo: float) -> float:
    """Declarations arriving from 24 h before ``start`` to ``until`` in process over 24 h, less
    the number expected at the share of such declarations among those arriving before."""
    over = exit - arrival > DELAY_H
    window = (arrival >= start - DELAY_H) & (arrival < until)
    before = (arrival >= lo) & (arrival < start - DELAY_H)
    share = over[before].mean() if before.any() else 0.0
    return float(over[window].sum() - share * window.sum())


def trailing_p90(done: np.ndarray, took: np.ndarray, a: np.ndarray) -> list[float]:
    """The 90th percentile of ``took`` over the entries whose ``done`` (sorted) lies in the 24 h
    up to each ``a`` + 1 (NaN where none)."""
    first, last = np.searchsorted(done, a + 1 - HOURS_PER_DAY, side="right"), np.searchsorted(done, a + 1, side="right")
    return [np.percentile(took[i:j], 90) if j > i else np.nan for i, j in zip(first, last)]


def hourly(count: Curve, base: Profile, arrival: np.ndarray, exit: np.ndarray, released: np.ndarray,
           checked: np.ndarray, ev: Event, lo: float, hi: float) -> pd.DataFrame:
    """The event's hourly series: mean backlog, pre-event level, trailing-24 h p90 release time
    of all releases and of those of checked declarations."""
    hours = np.arange(-BEFORE_H, ev.end - ev.start + AFTER_H, 1.0)
    hours = hours[(ev.start + hours >= lo) & (ev.start + hours + 1 <= hi)]
    a = ev.start + hours
    backlog = count.integral(a + 1) - count.integral(a)
    pre = np.array([base.integral(t, t + 1) for t in a])
    p90 = {}
    for name, rows in (("release_time_p90_h", released), ("release_time_p90_checked_h", released & checked)):
        order = np.argsort(exit[rows], kind="stable")
        p90[name] = trailing_p90(exit[rows][order], (exit - arrival)[rows][order], a)
    return pd.DataFrame({"hour": hours, "backlog": backlog, "pre_event": pre, **p90})
