"""24-hour smart monitoring: round-the-clock operation at the covered ports (remote image
analysis and a night shift with the same staffing per shift), so queues no longer wait
overnight. An edit of the port schedule (:mod:`sim.agents.schedule`) at each quarter start:
the covered ports' shifts become 0-24 h; closures and outages still apply."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.policies.base import Policy, register


@register
class SmartMonitoring24h(Policy):
    name = "smart_monitoring_24h"
    description = "round-the-clock operation at the covered ports"

    @dataclass
    class Params:
        pass

    def on_start(self, world) -> None:
        self.schedule = world.schedule
        self.usual = list(self.schedule.hours)

    def on_quarter(self, quarter: int, active: np.ndarray) -> None:
        for port, (usual, on) in enumerate(zip(self.usual, active)):
            self.schedule.set_hours(port, *((0.0, 24.0) if on else usual))
