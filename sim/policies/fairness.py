"""A cap on the burden disparity between trader groups, for targeting's selections.

The burden of a group is the share of its *compliant* declarations that are inspected. Customs
does not know which declarations are compliant, so it estimates: each declaration counts as
``1 - p`` compliant declarations, p its estimated fraud probability (0 when there is none), and
a group's estimated burden is the estimated compliant declarations inspected over those screened
since the quarter began, over all the ports targeting covers (``fairness.scope: covered``: what the
group bears in the pilot, whichever port its trade goes through) or at each port on its own
(``port``). Pooled or not, a port swaps only its own declarations. Inspections targeting does not
choose (the watch list's) count as customs records them, when the declaration is released or seized.

Each day, after the selection by score, :meth:`BurdenCap.adjust` swaps selections until the
highest burden is at most ``max_ratio`` times the lowest: it drops the lowest-scored selection of
the most burdened group that has one and takes the best-scored unselected declaration of the least
burdened group (exploration picks stay). A group joins the comparison once it has ``MIN_COMPLIANT`` estimated
compliant declarations in the quarter. The price is detection: the swapped-in declarations score
lower than the ones they replace.
"""
from __future__ import annotations

import numpy as np

MIN_COMPLIANT = 100.0  # estimated compliant declarations before a group's burden counts (assumption, 50-500)


class BurdenCap:
    """Estimated burden per port (or one row for all ports) x group over the current quarter, and
    the swaps that cap it."""

    def __init__(self, max_ratio: float, n_ports: int, n_groups: int):
        self.max_ratio = max_ratio
        self.inspected = np.zeros((n_ports, n_groups))  # estimated compliant declarations inspected
        self.screened = np.zeros((n_ports, n_groups))   # estimated compliant declarations screened
        self.quarter = None
        self.of_id = np.zeros((0, 4))                   # by declaration id: port, group, weight, quarter

    def start_quarter(self, quarter: int) -> None:
        """Forget the counts when the declarations screened belong to a new quarter."""
        if quarter != self.quarter:
            self.inspected[:], self.screened[:], self.quarter = 0.0, 0.0, quarter

    def remember(self, ids: np.ndarray, port: np.ndarray, group: np.ndarray, weight: np.ndarray) -> None:
        """Screened declarations (by id), for inspections reported later."""
        if len(ids) and ids.max() >= len(self.of_id):
            grown = np.full((max(2 * len(self.of_id), int(ids.max()) + 1), 4), np.nan)
            grown[:len(self.of_id)] = self.of_id
            self.of_id = grown
        self.of_id[ids] = np.column_stack([port, group, weight, np.full(len(ids), self.quarter)])

    def reported(self, ids: np.ndarray) -> None:
        """Inspections targeting did not choose, of declarations screened this quarter."""
        rows = self.of_id[ids[ids < len(self.of_id)]]
        rows = rows[rows[:, 3] == self.quarter]
        np.add.at(self.inspected, (rows[:, 0].astype(int), rows[:, 1].astype(int)), rows[:, 2])

    def adjust(self, port: int, chosen: np.ndarray, explored: np.ndarray, score: np.ndarray, weight: np.ndarray,
               group: np.ndarray) -> np.ndarray:
        """The day's selection at ``port`` after capping the burden ratio.

        Args:
            port: The port's index.
            chosen: Selected rows (indices into the day's rows at the port).
            explored: Which of ``chosen`` were exploration picks (kept as they are).
            score: The ranking score of every row.
            weight: Each row's estimated compliance (1 - fraud probability).
            group: Each row's trader group (an index).

        Returns:
            The selected rows, as many as ``chosen``.

        """
        n_groups = self.screened.shape[1]
        picked = np.zeros(len(score), bool)
        picked[chosen] = True
        fixed = np.zeros(len(score), bool)
        fixed[chosen[explored]] = True
        screened = self.screened[port] + np.bincount(group, weights=weight, minlength=n_groups)
        inspected = self.inspected[port] + np.bincount(group[picked], weights=weight[picked], minlength=n_groups)
        best_first = np.argsort(-score, kind="stable")
        drop = [list(best_first[picked[best_first] & ~fixed[best_first] & (group[best_first] == g)])
                for g in range(n_groups)]
        take = [list(best_first[~picked[best_first] & (group[best_first] == g)])[::-1] for g in range(n_groups)]
        active = screened >= MIN_COMPLIANT
        while active.sum() >= 2:
            burden = np.where(active, inspected / np.maximum(screened, 1e-12), np.nan)
            low = int(np.nanargmin(burden))
            if np.nanmax(burden) <= self.max_ratio * burden[low]:
                break
            donors = [g for g in np.argsort(-np.nan_to_num(burden, nan=-1.0), kind="stable")
                      if active[g] and g != low and drop[g]]
            if not take[low] or not donors:
                active[low] = False
                continue
            out, into = drop[donors[0]].pop(), take[low].pop()
            picked[out], picked[into] = False, True
            inspected[donors[0]] -= weight[out]
            inspected[low] += weight[into]
        self.screened[port], self.inspected[port] = screened, inspected
        return np.flatnonzero(picked)
