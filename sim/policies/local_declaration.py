"""Local declaration, port inspection: traders lodge at an inland customs office.

A trader under the rollout lodges its declaration at the inland customs office of its home
region (``office``: a port of kind ``inland`` without goods of its own) with probability
``share``. The office's document reviewers, in the office's hours, do the document review; the
goods are still scanned and inspected at the arrival port, by its officers and in its bays.
The office's decision (release, or an instruction to inspect) reaches the port after the
inland kind's ``transfer_h`` (``world.kinds.inland``: transmission and coordination between the
two offices), counted in the transfer step. So document review is served by one pool for
several ports instead of each port's own (pooling, the office's hours), at the cost of the
hand-over.

The trader side: a trader lodging at its home office prepares the declaration with its own
staff from the shipping documents it already holds, so a covered declaration that was not
lodged in advance need not wait for the goods and a port-side broker: its preparation (the same
work as at the port) starts the kind of port's ``documents_lead_h`` (``world.kinds``; a mean,
drawn exponential per declaration) before the goods arrive, in office hours for manual formats
(:class:`sim.declarations.Paperwork`), and it is lodged when done, at once if that is before the
day's declarations are drawn (:data:`sim.model.LOOKAHEAD_H`) and never while the system is down
or later than at the port. Lodged before arrival, it is an advance declaration: reviewed before
the goods arrive, released when they do (the clearance's rule for every declaration). Whether
the rollout covers a declaration is decided as at the port (:meth:`PolicyStack.contexts`), so
one arriving in the rollout's first days may be lodged inland the quarter before: its review
waits for the office to open. Whether the two sides together are a gain is what the scenario
measures (docs/reforms.md).

Staff: the office's document reviewers are the ones the ports send it. When the rollout first
covers a port, the port keeps ``keep_document`` of its document reviewers and the others leave it
for the office, for as long as the rollout covers it (to the end of the run, or back at the port
when the rollout's ``until`` ends it). The office's own officers (its ``officers.document``) are
the posts they fill: a post no reviewer fills that quarter is absent (no on-shift hours), so the
office is closed before the rollout and after it. The posts must be as many as the reviewers the
covered ports send at most at once (checked: a ConfigError naming the number otherwise; the pool
of officers, with their ids and skills, is built from the config before policies start, so the
policy cannot size it itself).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import ConfigError, _f
from sim.declarations import Paperwork
from sim.policies.base import Context, Policy, check_names, register

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
        keep_document: int = _f(1, 0, 10_000, unit="officers", scales=True, doc="document reviewers a covered "
                                "port keeps for the traders who still lodge there; the others move to the office")

    def check(self, cfg) -> None:
        office, sent = self._office(cfg), self._sent(cfg)
        posts, names = cfg.world.ports[self.params.office].officers.document, list(cfg.world.ports)
        covered = self.rollout.active[:, :-1]  # quarters 0 (warm-up) to the horizon's last
        need = int((sent @ covered).max())
        if posts != need:
            sending = ", ".join(f"{names[p]} {sent[p]}" for p in np.flatnonzero(sent * covered.any(axis=1)))
            raise ConfigError(f"world.ports.{names[office]}.officers.document: must be {need}, the document reviewers "
                              f"the covered ports send the office ({sending or 'none'}: their document officers but "
                              f"{self.where}.keep_document={self.params.keep_document}); got {posts}")

    def _sent(self, cfg) -> np.ndarray:
        """Per port, the document reviewers it sends the office when covered (none from the office)."""
        staff = np.array([p.officers.document for p in cfg.world.ports.values()])
        sent = np.clip(staff - self.params.keep_document, 0, None)
        sent[self._office(cfg)] = 0
        return sent

    def _office(self, cfg) -> int:
        ports, where = cfg.world.ports, f"{self.where}.office"
        (office,) = check_names(where, [self.params.office], ports, "port")
        port = ports[self.params.office]
        if port.kind != INLAND or port.declarations_per_day > 0 or port.officers.document < 1:
            raise ConfigError(f"{where}: must be a port of kind {INLAND} with declarations_per_day 0 and at least "
                              f"one document officer; {self.params.office!r} is not")
        return office

    def on_start(self, world) -> None:
        cfg = world.cfg
        self.office, self.sent = self._office(cfg), self._sent(cfg)
        self.handover_h = cfg.world.kinds[INLAND].transfer_h
        self.ports, self.schedule, self.calendar = world.ports, world.schedule, world.calendar
        self.moved = np.zeros(len(world.ports), bool)  # ports whose reviewers have moved to the office
        self.documents_lead_h = np.array([cfg.world.kinds[p.kind].documents_lead_h for p in cfg.world.ports.values()])
        self.paperwork = Paperwork(cfg.population)

    def on_quarter(self, quarter: int, active: np.ndarray) -> None:
        """The office's posts no reviewer fills this quarter are away; a port first covered sends
        its reviewers but ``keep_document`` to the office for as long as the rollout covers it."""
        n = self.calendar.n_quarters
        if quarter > n:
            return
        now, edges = self.ports[0].env.now, self.calendar.edges
        unfilled = self.ports[self.office].staff["document"] - int(self.sent @ active)
        if unfilled:
            self.ports[self.office].withdraw("document", unfilled, now, edges[quarter])
        for port in np.flatnonzero(active & ~self.moved & (self.sent > 0)):
            back = edges[min(self.rollout.stop(port, quarter), n + 1) - 1]
            self.ports[port].withdraw("document", int(self.sent[port]), now, back)
        self.moved |= active

    def _local(self, truth, ctx: Context) -> np.ndarray:
        """The covered declarations lodged at the office (the same draws in every hook)."""
        return ctx.on & (ctx.rng("lodge").random(len(truth)) < self.params.share)

    def lodge(self, truth, ctx: Context) -> None:
        """Declarations lodged at the office and not in advance are prepared from the shipping
        documents, a drawn lead before arrival, and lodged when done (the module's docstring)."""
        lead = ctx.rng("documents").exponential(1.0, len(truth)) * self.documents_lead_h[truth.port]
        rows = np.flatnonzero(self._local(truth, ctx) & ~truth.prelodged)
        done = self.paperwork.done(truth.arrival[rows] - lead[rows], truth.prep_work_h[rows],
                                   truth.business_model[rows])
        done = self.schedule.system_up(truth.port[rows], np.maximum(done, self.ports[0].env.now))
        truth.lodged[rows] = np.minimum(truth.lodged[rows], done)
        truth.prelodged[rows] = truth.lodged[rows] < truth.arrival[rows]

    def screen(self, truth, screening, ctx: Context) -> None:
        local = self._local(truth, ctx)
        screening.office[local] = self.office
        screening.handover_h[local] = self.handover_h
