"""Who bears the inspections: the burden on compliant declarations by trader group, per port-quarter.

For each trader grouping of :data:`sim.records.BURDEN_GROUPS` (size class, business model,
origin region, domestic vs foreign-invested, new vs established trader) the ledger counts, per
port x quarter x group, the *compliant* declarations (no true violation) and those of them that
got an NII scan or a physical inspection. A group's burden is their ratio; the disparity of a
grouping is the highest burden over the lowest, among groups with at least ``MIN_DECLARATIONS``
compliant declarations in the port-quarter (``sim.records.MIN_GROUP_DECLARATIONS``; inf when
such a group had none inspected while another had some; NaN with fewer than two such groups).
"""
from __future__ import annotations

import numpy as np

from sim.records import BURDEN_GROUPS, MIN_GROUP_DECLARATIONS, trader_group


def disparity(compliant: np.ndarray, inspected: np.ndarray) -> np.ndarray:
    """Highest over lowest burden along the last axis (groups), among groups with enough declarations."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(compliant >= MIN_GROUP_DECLARATIONS, inspected / np.maximum(compliant, 1), np.nan)
    counted = np.isfinite(rate)
    high = np.where(counted, rate, -np.inf).max(axis=-1)
    low = np.where(counted, rate, np.inf).min(axis=-1)
    out = np.full(high.shape, np.nan)
    ok = (counted.sum(axis=-1) >= 2) & (high > 0)
    out[ok] = np.inf
    out[ok & (low > 0)] = high[ok & (low > 0)] / low[ok & (low > 0)]
    return out


class DeclaredView:
    """The declared fields of settled parts, read as a :class:`sim.records.Declared`."""

    def __init__(self, parts):
        self.parts = parts

    def __getattr__(self, name: str) -> np.ndarray:
        if name == "parts":
            raise AttributeError(name)
        return self.parts.declared(name)


class BurdenRecord:
    """Compliant declarations and compliant inspected, per grouping x port x quarter x group."""

    def __init__(self, n_ports: int, n_quarters: int, levels: dict[str, list[str]]):
        self.levels = levels
        self.compliant = {g: np.zeros((n_ports, n_quarters, len(levels[g]))) for g in BURDEN_GROUPS}
        self.inspected = {g: np.zeros_like(self.compliant[g]) for g in BURDEN_GROUPS}

    def add(self, parts, port: np.ndarray, quarter: np.ndarray, compliant: np.ndarray, inspected: np.ndarray) -> None:
        """Count settled declarations (``parts``: :class:`sim.clearance.Parts`)."""
        declared = DeclaredView(parts)
        for g in BURDEN_GROUPS:
            shape = self.compliant[g].shape
            key = (port * shape[1] + quarter) * shape[2] + trader_group(declared, g)
            size = int(np.prod(shape))
            self.compliant[g] += np.bincount(key, weights=compliant, minlength=size).reshape(shape)
            self.inspected[g] += np.bincount(key, weights=compliant & inspected, minlength=size).reshape(shape)

    def rows(self):
        """The ``breakdown`` table's rows: (grouping, its levels, metric, port x quarter x group)."""
        for g in BURDEN_GROUPS:
            compliant, inspected = self.compliant[g], self.inspected[g]
            with np.errstate(invalid="ignore", divide="ignore"):
                rate = np.where(compliant > 0, inspected / np.maximum(compliant, 1), np.nan)
            for metric, values in (("compliant_declarations", compliant), ("compliant_inspected", inspected),
                                   ("compliant_inspection_rate", rate)):
                yield g, self.levels[g], metric, values

    def disparities(self) -> dict[str, np.ndarray]:
        """``burden_disparity_<grouping>``: arrays port x quarter."""
        return {f"burden_disparity_{g}": disparity(self.compliant[g], self.inspected[g]) for g in BURDEN_GROUPS}
