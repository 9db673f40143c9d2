"""24-hour smart monitoring: round-the-clock operation at the covered ports (remote image
analysis and a night shift with the same staffing per shift), so queues no longer wait
overnight."""
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
        self.ports = world.ports
        self.usual = [(port.open_hour, port.close_hour) for port in self.ports]

    def on_quarter(self, quarter: int, active: np.ndarray) -> None:
        for port, usual, on in zip(self.ports, self.usual, active):
            port.set_hours(*((0.0, 24.0) if on else usual))
