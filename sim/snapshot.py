"""Agent-level snapshots at each quarter end: the optional `agents` table.

Long format: scenario, replication, seed, quarter, port, agent, metric, value. Port ``all``
marks measures that belong to no one port (front companies, partner agencies).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.agents.enterprise import TIERS


class Snapshots:
    """Collects one set of rows per quarter end from the model's agents."""

    def __init__(self, model):
        self.model = model
        self.rows: list[tuple] = []
        self._attempts = self._seized = self._methods = 0

    def take(self, quarter: str) -> None:
        m = self.model
        pop, names = m.population, [p.name for p in m.ports]
        firms = ~pop.front
        tier = pop.tier(slice(None))
        renamed = pop.importer != np.arange(len(pop.importer))  # declaring under a new registration
        add = lambda port, agent, metric, value: self.rows.append(  # noqa: E731
            (quarter, port, agent, metric, float(value)))
        for p, name in enumerate(names):
            mine = firms & (pop.home_port == p)
            for t, label in enumerate(TIERS):
                add(name, "enterprise", f"tier_{label}", np.sum(mine & (tier == t)))
            add(name, "enterprise", "mean_perceived_risk", pop.perceived[mine].mean() if mine.any() else np.nan)
            add(name, "enterprise", "mean_credit_score", pop.score[mine].mean() if mine.any() else np.nan)
            add(name, "port", "peer_check_rate", m.compliance.port_risk[p])
            add(name, "enterprise", "reregistered", np.sum(mine & renamed))
            for k, share in enumerate(m.source.codes.shares()[p]):
                add(name, "enterprise", f"false_code_share_{k + 1}", share)
            add(name, "enterprise", "quantity_cut_share", m.source.cuts.shares()[p, 1])
        fronts = pop.front
        for t, label in enumerate(TIERS):
            add("all", "front_company", f"tier_{label}", np.sum(fronts & (tier == t)))
        add("all", "front_company", "reregistered", np.sum(fronts & renamed))
        attempts = sum(net.attempts for net in m.smugglers.networks) if m.smugglers.networks else np.zeros(len(names))
        seized = sum(net.seized for net in m.smugglers.networks) if m.smugglers.networks else np.zeros(len(names))
        quarter_attempts, quarter_seized = attempts - self._attempts, seized - self._seized
        self._attempts, self._seized = attempts, seized
        total = quarter_attempts.sum()
        for p, name in enumerate(names):
            add(name, "smuggler", "route_share", quarter_attempts[p] / total if total else np.nan)
            add(name, "smuggler", "attempts", quarter_attempts[p])
            add(name, "smuggler", "seized", quarter_seized[p])
        methods = sum(net.by_method for net in m.smugglers.networks) if m.smugglers.networks else np.zeros(0)
        quarter_methods, self._methods = methods - self._methods, methods
        total = quarter_methods.sum()
        for name, count in zip(m.smugglers.method_names, quarter_methods):
            add("all", "smuggler", f"method_share_{name}", count / total if total else np.nan)
        for agency in m.agencies:
            add("all", f"agency_{agency.name}", "records_shared", agency.records)
        for key, policy, _ in m.policies.entries:
            for port, metric, value in policy.snapshot():
                add(names[port], f"policy_{key}", metric, value)

    def table(self, ids: dict) -> pd.DataFrame:
        frame = pd.DataFrame(self.rows, columns=["quarter", "port", "agent", "metric", "value"])
        for k, v in reversed(ids.items()):
            frame.insert(0, k, v)
        return frame
