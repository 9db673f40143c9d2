"""The event mechanism: :class:`EventSpec` (one entry of ``world.events``), the
:class:`EventKind` base with its registry, and :class:`Event`, an entry resolved to hours and
port indices.

An event kind is one small class (in :mod:`sim.events.kinds`) with its ``Params`` (defaults,
units, ranges; validated like a policy's) and an ``edit`` of the port schedule
(:class:`~sim.agents.schedule.Schedule`); nothing else in the simulator knows the kinds.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, Optional

import numpy as np
from omegaconf import MISSING

from sim.agents.schedule import Schedule
from sim.calendar import HOURS_PER_DAY, Calendar
from sim.config import Config, ConfigError, _f
from sim.policies.base import covered_ports
from sim.schema import Setting, registry

REGISTRY, register = registry()  # @register makes an event kind available to configs under its name


@dataclass
class EventSpec:
    """One disruption (an entry of ``world.events``): what, where, when, for how long."""
    kind: str = _f(MISSING, doc="the kind of event (tradesim list shows them)")
    start: str = _f(MISSING, doc="when it starts: an ISO date and time, e.g. 2025-03-04T09:00")
    duration_h: float = _f(MISSING, 0, 8760, unit="h", open_lo=True, doc="how long it lasts")
    ports: Any = _f("all", doc="all, a port name or a list of port names")
    name: Optional[str] = _f(None, doc="its name in events.csv (default: kind_i, i its position)")
    params: Optional[Dict[str, Any]] = _f({}, may_be_empty=True, doc="the kind's parameters; absent ones default")


REQUIRED = tuple(f.name for f in dataclasses.fields(EventSpec) if f.default is MISSING)


class EventKind(Setting):
    """A kind of disruption. Override ``edit`` (and ``check``, ``disruption_h``, ``business_models`` if needed)."""

    def disruption_h(self, duration_h: float) -> float:
        """How long clearance is disrupted by an event that lasts ``duration_h``."""
        return duration_h

    def business_models(self) -> list[str]:
        """The business models whose declarations the event concerns (empty: all); their
        release times are measured apart (``p90_models_*`` of events.csv)."""
        return []

    def edit(self, schedule: Schedule, event: "Event") -> None:
        """Edit the port schedule."""
        raise NotImplementedError


@dataclass(frozen=True)
class Event:
    """An event resolved: its kind, the ports it hits (indices), and its times in hours."""
    index: int
    name: str
    kind: EventKind
    ports: tuple[int, ...]
    port_label: str          # "all" or the port names joined by "+"
    start: float             # h from world.start
    duration_h: float
    when: str                # the start as a date and time, 2025-03-04T09:00

    @property
    def end(self) -> float:
        """When clearance stops being disrupted (e.g. a DR switch-over ends an outage early)."""
        return self.start + self.kind.disruption_h(self.duration_h)


def start_time(where: str, start: Any) -> dt.datetime:
    """The start of an event: an ISO date (and time), local."""
    try:
        when = dt.datetime.fromisoformat(str(start))
    except ValueError:
        raise ConfigError(f"{where}.start: must be an ISO date and time like 2025-03-04T09:00; got {start!r}") from None
    if when.tzinfo is not None:
        raise ConfigError(f"{where}.start: must be a local date and time without a time zone; got {start!r}")
    return when


def kind_of(where: str, entry: dict) -> type[EventKind]:
    """The kind class of an event entry (its required keys given, its kind known)."""
    for key in REQUIRED:
        if key not in entry:
            raise ConfigError(f"{where}.{key}: missing; an event needs {', '.join(REQUIRED)}")
    if entry["kind"] not in REGISTRY:
        raise ConfigError(f"{where}.kind: unknown event kind {entry['kind']!r}; known: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[entry["kind"]]


def events_of(cfg: Config) -> list[Event]:
    """The events of ``cfg.world.events`` (validated), in order."""
    known = list(cfg.world.ports)
    out = []
    for i, entry in enumerate(cfg.world.events):
        spec = EventSpec(**entry)
        cls = REGISTRY[spec.kind]
        where = f"world.events[{i}]"
        names = covered_ports(f"{where}.ports", spec.ports, known)
        when = start_time(where, spec.start)
        hours = (when - dt.datetime.fromisoformat(cfg.world.start)).total_seconds() / 3600.0
        out.append(Event(i, spec.name or f"{spec.kind}_{i}", cls(cls.Params(**(spec.params or {})), f"{where}.params"),
                         tuple(known.index(n) for n in names), "all" if spec.ports == "all" else "+".join(names),
                         hours, float(spec.duration_h), when.isoformat(timespec="minutes")))
    return out


def check_event_rules(cfg: Config) -> None:
    """Each event inside the horizon, at known ports, named once, not overlapping another event
    at the same port; then its kind's own rules."""
    calendar = Calendar(cfg.world.start, cfg.world.horizon_quarters, cfg.world.warmup_days)
    events = events_of(cfg)
    names: dict[str, int] = {}
    for ev in events:
        where = f"world.events[{ev.index}]"
        if not 0 <= ev.start or ev.start + ev.duration_h > calendar.end_h:
            end = dt.date.fromisoformat(cfg.world.start) + dt.timedelta(days=calendar.end_h / HOURS_PER_DAY)
            raise ConfigError(f"{where}.start: the event must lie inside the horizon {cfg.world.start}T00:00.."
                              f"{end.isoformat()}T00:00 (world.start, world.horizon_quarters); it runs from "
                              f"{ev.when} for {ev.duration_h:g} h")
        if ev.name in names:
            raise ConfigError(f"{where}.name: {ev.name!r} is also the name of world.events[{names[ev.name]}]; "
                              f"each event needs its own name")
        names[ev.name] = ev.index
        for other in events[:ev.index]:
            common = set(ev.ports) & set(other.ports)
            if common and ev.start < other.start + other.duration_h and other.start < ev.start + ev.duration_h:
                port = list(cfg.world.ports)[min(common)]
                raise ConfigError(f"{where}: overlaps world.events[{other.index}] at {port}; events at the same "
                                  f"port must not overlap in time")
        ev.kind.check(cfg)


def port_mask(event: Event, n_ports: int) -> np.ndarray:
    mask = np.zeros(n_ports, bool)
    mask[list(event.ports)] = True
    return mask
