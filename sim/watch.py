"""Watching one port for one week, hour by hour: queues and busy servers by role.

Switched on by ``run.watch_port`` (a port's name) and ``run.watch_week`` (week 1 starts at
``world.start``), for replication 0 only, so normal runs pay nothing: one simpy process wakes 168
times and counts, at each hour, the requests waiting for each role's officers (and the scanners)
and the servers busy. The ``watch`` table (one row per hour x role) is what the dashboard's
"Watch a port" view draws.
"""
from __future__ import annotations

import pandas as pd

from sim.agents.port import Port
from sim.config import Config, ConfigError

HOURS_PER_WEEK = 168
WATCHED = ("document", "nii", "physical", "scanner")  # the officer roles, then the NII scanners


def check(cfg: Config, days: int) -> None:
    """The watched port exists and the week lies inside the horizon (``days`` from world.start)."""
    port, week = cfg.run.watch_port, cfg.run.watch_week
    if port and port not in cfg.world.ports:
        raise ConfigError(f"run.watch_port: unknown port {port!r}; known (world.ports): {', '.join(cfg.world.ports)}"
                          f" (or '' to watch none)")
    if port and week * 7 > days:
        raise ConfigError(f"run.watch_week: must be at most {days // 7} (the weeks of the horizon); got {week}")


class PortWatch:
    """Hourly counts at one port through one week (a simpy process started by the model)."""

    def __init__(self, env, port: Port, week: int, scanners: int):
        self.port, self.rows = port, []
        self.sizes = {**port.staff, "scanner": scanners}
        self.start = (week - 1) * HOURS_PER_WEEK
        env.process(self._count(env))

    def _count(self, env):
        yield env.timeout(self.start - env.now)
        for hour in range(HOURS_PER_WEEK):
            for role in WATCHED:
                servers = self.port.servers[role]
                self.rows.append((hour, role, len(servers.waiting) + len(servers.priority),
                                  max(self.sizes[role] - len(servers.free), 0), self.sizes[role]))
            yield env.timeout(1)

    def table(self, ids: dict) -> pd.DataFrame:
        """One row per hour x role: ``queued`` requests, ``busy`` and ``servers`` (officers or scanners)."""
        t = pd.DataFrame(self.rows, columns=["hour", "role", "queued", "busy", "servers"])
        t.insert(0, "port", self.port.name)
        t.insert(1, "hour_from_start", self.start + t["hour"])
        for key, value in reversed(ids.items()):
            t.insert(0, key, value)
        return t
