"""The kinds of disruption events, each an edit of the port schedule (:mod:`sim.agents.schedule`).

A new kind is one more class here: its ``Params`` (defaults, units, ranges: validated like a
policy's), ``edit`` (what it does to the schedule), and, if needed, ``check`` (rules against the
rest of the config) and ``disruption_h`` (how long clearance is disrupted, when not the whole
duration). Defaults are assumptions, stated in each field's doc.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

import numpy as np

from sim.agents.schedule import ROLES, Schedule, Surge
from sim.config import Config, _f
from sim.events.base import Event, EventKind, port_mask, register
from sim.policies.base import check_names


@register
class SystemOutage(EventKind):
    name = "system_outage"
    description = "the customs system (single window) is down: no lodging, screening, electronic review or release"

    @dataclass
    class Params:
        switchover_h: Optional[float] = _f(None, 0, 720, unit="h", doc="disaster-recovery switch-over time: the "
                                           "backup site takes over after it (none: no DR, down for the duration)")

    def disruption_h(self, duration_h: float) -> float:
        switchover = self.params.switchover_h
        return duration_h if switchover is None else min(duration_h, switchover)

    def edit(self, schedule: Schedule, event: Event) -> None:
        for port in event.ports:
            schedule.system_down(port, event.start, event.end)


@register
class PortClosure(EventKind):
    name = "port_closure"
    description = "the port is closed (typhoon, fog, flood): no work, goods neither arrive nor leave"

    def edit(self, schedule: Schedule, event: Event) -> None:
        for port in event.ports:
            schedule.close(port, event.start, event.end)


@register
class ScannerFailure(EventKind):
    name = "scanner_failure"
    description = "NII scanners out of order: NII scans wait for a working scanner"

    @dataclass
    class Params:
        scanners: Optional[int] = _f(None, 1, 1_000, unit="scanners", doc="how many fail at each port (none: all)")

    def edit(self, schedule: Schedule, event: Event) -> None:
        for port in event.ports:
            count = schedule.servers[port]["scanner"] if self.params.scanners is None else self.params.scanners
            schedule.withdraw(port, "scanner", count, event.start, event.end)


@register
class StaffShortage(EventKind):
    name = "staff_shortage"
    description = "a share of the officers is absent (epidemic, strike): fewer servers in the queues"

    @dataclass
    class Params:
        absent_share: float = _f(0.25, 0, 1, open_lo=True, doc="share of the officers of each role absent "
                                 "(rounded to whole officers; assumption: a flu wave, 0.1-0.5)")
        roles: List[str] = _f(list(ROLES), doc="the roles short of staff (document, nii, physical)")

    def check(self, cfg: Config) -> None:
        check_names(f"{self.where}.roles", self.params.roles, ROLES, "role")

    def edit(self, schedule: Schedule, event: Event) -> None:
        for port in event.ports:
            for role in self.params.roles:
                count = int(np.floor(self.params.absent_share * schedule.servers[port][role] + 0.5))
                schedule.withdraw(port, role, count, event.start, event.end)


@register
class TrafficSurge(EventKind):
    name = "traffic_surge"
    description = "more arrivals (peak season, a festival): extra declarations drawn on their own random stream"

    @dataclass
    class Params:
        multiplier: float = _f(1.6, 1, 100, unit="x", doc="arrivals times this (assumption: a peak season, 1.2-3)")
        business_models: List[str] = _f([], may_be_empty=True, doc="the business models that surge (empty: all)")

    def check(self, cfg: Config) -> None:
        check_names(f"{self.where}.business_models", self.params.business_models,
                    cfg.population.business_models, "business model")

    def business_models(self) -> list[str]:
        return list(self.params.business_models)

    def edit(self, schedule: Schedule, event: Event) -> None:
        chosen = self.params.business_models
        models = np.array([not chosen or m in chosen for m in schedule.models])
        schedule.surge(Surge(f"event.{event.name}", port_mask(event, len(schedule.names)), models,
                             self.params.multiplier, event.start, event.end))
