"""Local declaration, port inspection: traders lodge at an inland customs office.

A trader under the rollout lodges its declaration at the inland customs office of its home
region (``office``: a port of kind ``inland`` without goods of its own) with probability
``share``. The office's document reviewers, in the office's hours, do the document review; the
goods are still scanned and inspected at the arrival port, by its officers and in its bays.
The office's decision (release, or an instruction to inspect) reaches the port after the
inland kind's ``transfer_h`` (``world.kinds.inland``: transmission and coordination between the
two offices), counted in the transfer step. So document review is served by one pool for
several ports instead of each port's own (pooling, the office's hours), at the cost of the
hand-over; whether that is a gain is what the scenario measures (docs/reforms.md).

Staff: the office's document reviewers (its ``officers.document``) are the ones the ports send
it. Until the rollout first covers a port the office is not open (its officers are absent: no
on-shift hours); from the quarter a port is first covered, that port keeps ``keep_document`` of
its document reviewers and the others leave it for the office (absent from the port to the end).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import ConfigError, _f
from sim.policies.base import Context, Policy, register

INLAND = "inland"


@register
class LocalDeclaration(Policy):
    name = "local_declaration"
    description = "lodge at an inland office (document review there), inspection at the arrival port"

    @dataclass
    class Params:
        office: str = _f("inland_office", doc="the inland office traders lodge at: a port of kind inland")
        share: float = _f(1.0, 0, 1, doc="share of the covered declarations lodged at the office (assumption, "
                          "0.3-1: traders who take up local declaration)")
        keep_document: int = _f(1, 0, 10_000, unit="officers", doc="document reviewers a covered port keeps for "
                                "the traders who still lodge there; the others move to the office")

    def check(self, cfg) -> None:
        self._office(cfg)

    def _office(self, cfg) -> int:
        ports, where = cfg.world.ports, f"{self.where}.office"
        if self.params.office not in ports:
            raise ConfigError(f"{where}: unknown port {self.params.office!r}; ports are {', '.join(ports)}")
        port = ports[self.params.office]
        if port.kind != INLAND or port.declarations_per_day > 0 or port.officers.document < 1:
            raise ConfigError(f"{where}: must be a port of kind {INLAND} with declarations_per_day 0 and at least "
                              f"one document officer; {self.params.office!r} is not")
        return list(ports).index(self.params.office)

    def on_start(self, world) -> None:
        self.office = self._office(world.cfg)
        self.handover_h = world.cfg.world.kinds[INLAND].transfer_h
        self.ports, self.schedule, self.calendar = world.ports, world.schedule, world.calendar
        self.moved = np.zeros(len(world.ports), bool)  # ports whose reviewers have moved to the office

    def on_quarter(self, quarter: int, active: np.ndarray) -> None:
        """Before the office opens its officers are away; when a port is first covered its
        reviewers but ``keep_document`` move to the office."""
        if quarter > self.calendar.n_quarters:
            return
        now, end = self.ports[0].env.now, self.calendar.end_h
        if not self.moved.any() and not active.any():
            self._away(self.office, self.ports[self.office].staff["document"], now, self.calendar.edges[quarter])
        for port in np.flatnonzero(active & ~self.moved):
            self.moved[port] = True
            if port != self.office:
                self._away(int(port), self.ports[port].staff["document"] - self.params.keep_document, now, end)

    def _away(self, port: int, count: int, start: float, end: float) -> None:
        absence = self.schedule.withdraw(port, "document", count, start, end)
        if absence is not None:
            self.ports[port].send_away(absence)

    def screen(self, truth, screening, ctx: Context) -> None:
        local = ctx.on & (ctx.rng("lodge").random(len(truth)) < self.params.share)
        screening.office[local] = self.office
        screening.handover_h[local] = self.handover_h
