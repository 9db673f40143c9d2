"""Many metrics x many scenarios: raw and adjusted p-values, and which effect is primary.

One compare tests dozens of effects; at 5% each, a few "significant" ones are expected by
chance. Every effect table therefore carries, beside its raw ``p_value``, a ``p_adjusted``
controlling the false discovery rate across the effects of the compare (Benjamini and
Hochberg 1995, J. R. Stat. Soc. B 57: 289-300; statsmodels), and a ``role``:

- ``primary``: the experiment's declared ``primary_metric`` (at the pilot ports, or all ports
  without a rollout), one per scenario, decided before the results were seen; its p-value is
  not adjusted (``p_adjusted`` equals ``p_value``);
- ``exploratory``: every other effect of the family, BH-adjusted together.

Rows outside the family (per-quarter rows, other terms) keep only their raw p-value.

With common random numbers a lever can show a real but tiny effect on a metric it barely
touches (seconds of release time) with a p-value near 0. :func:`findings` therefore names
an effect a ``finding`` only when it is significant after adjustment *and* at least
:data:`MATERIAL` of the baseline level; a significant effect below that is ``negligible``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

ALPHA = 0.05
MATERIAL = 0.01  # assumption: a change below 1% of the baseline level is not one a pilot review acts on (0.5-5%)


def bh(p_values: pd.Series) -> pd.Series:
    """Benjamini-Hochberg adjusted p-values (NaN where the raw one is missing)."""
    out = pd.Series(np.nan, index=p_values.index)
    ok = p_values.notna()
    if ok.any():
        out[ok] = multipletests(p_values[ok].to_numpy(float), method="fdr_bh")[1]
    return out


def adjust(table: pd.DataFrame, family: pd.Series, primary: pd.Series) -> pd.DataFrame:
    """``table`` with ``p_adjusted`` and ``role`` for the rows of ``family``; ``primary`` rows of
    the family keep their raw p-value."""
    primary = primary & family
    exploratory = family & ~primary
    table = table.assign(role=np.where(primary, "primary", np.where(exploratory, "exploratory", "")))
    table["p_adjusted"] = np.nan
    table.loc[primary, "p_adjusted"] = table.loc[primary, "p_value"]
    table.loc[exploratory, "p_adjusted"] = bh(table.loc[exploratory, "p_value"])
    return table


def findings(table: pd.DataFrame, baseline: pd.Series) -> pd.Series:
    """Per row: "effect" (adjusted p < :data:`ALPHA` and |estimate| >= :data:`MATERIAL` x
    |baseline|), "negligible" (significant, smaller), or "" (no evidence, or outside the family)."""
    significant = table["p_adjusted"] < ALPHA
    material = table["estimate"].abs() >= MATERIAL * baseline.abs()
    return pd.Series(np.where(significant, np.where(material, "effect", "negligible"), ""), index=table.index)
