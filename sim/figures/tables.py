"""Tidy result tables as figures read them: labels and units, orderings, port groups.

Pure pandas; nothing here draws. Pooling, intervals and pilot ports come from
:mod:`sim.analysis` (the same numbers as the tables), labels and units from :mod:`sim.metrics`;
the TRS steps, channels and directions a figure shows are those its breakdown table holds, in
their order of appearance.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from sim.analysis.compare import as_bool, scenario_port_groups
from sim.metrics import COUNT, Metric, metric

BASELINE = "baseline_2024"
TARGETS_H = {"import": 12.0, "export": 8.0}  # 2024 release-time targets of the seed report
DEFAULT_SERIES = ("release_time_mean_h", "inspection_rate", "hit_rate", "detection_rate")
EXPERIENCE_SERIES = ("satisfaction_share", "dispute_return_rate", "sla_reply_compliance", "sla_fix_compliance")
# metrics drawn by default from comparison.csv / did.csv, which hold many more
KEY_METRICS = ("release_time_mean_h", "inspection_rate", "hit_rate", "detection_rate", "compliant_inspected",
               "revenue_leakage", "smuggling_attempts")
# quantities the figures derive from the schema's columns
DERIVED = {"compliant_burden": Metric("compliant_burden", COUNT, "Compliant declarations inspected",
                                      "per 1,000 declarations", "compliant_inspected per 1,000 declarations")}
GROUP_NAMES = {"pilot": "pilot ports", "control": "control ports", "all": "all ports"}


def label(name: str) -> tuple[str, str, float]:
    """Title, unit and plotting scale of a metric, from the metric schema."""
    m = DERIVED.get(name) or metric(name)
    return m.label, m.unit, m.scale


def diff_label(name: str) -> tuple[str, str, float]:
    """Like :func:`label`, for differences: shares become percentage points."""
    title, unit, scale = label(name)
    return (title, "percentage points", 100 * scale) if unit == "share" else (title, unit, scale)


def quarter_key(quarter: str) -> tuple:
    """Sort key putting labels like ``2025Q3`` in time order (others after, alphabetically)."""
    match = re.fullmatch(r"(\d{4})Q([1-4])", str(quarter))
    return (0, int(match[1]), int(match[2]), "") if match else (1, 0, 0, str(quarter))


def quarters_sorted(labels: Iterable) -> list[str]:
    """Unique quarter labels in time order."""
    return sorted({str(q) for q in labels}, key=quarter_key)


def is_baseline(name: str) -> bool:
    """Whether a scenario is the baseline (``baseline_2024`` or any ``baseline*``)."""
    return str(name) == BASELINE or str(name).startswith("baseline")


def scenario_order(names: Iterable) -> list[str]:
    """Unique scenario names, baselines first, then alphabetically."""
    return sorted({str(n) for n in names}, key=lambda n: (not is_baseline(n), n))


def first_pilot_quarter(quarterly: pd.DataFrame) -> str | None:
    """The earliest quarter in which any port is pilot, or None without pilots."""
    pilots = quarterly.loc[as_bool(quarterly["pilot"]), "quarter"]
    return quarters_sorted(pilots)[0] if len(pilots) else None


def with_groups(quarterly: pd.DataFrame) -> pd.DataFrame:
    """Add ``group``: "pilot ports" / "control ports" of each scenario's own rollout (a baseline
    takes the ports of the scenarios beside it when they share one), or "all ports"."""
    q = quarterly.assign(pilot=as_bool(quarterly["pilot"]))
    return q.assign(group=scenario_port_groups(q).map(GROUP_NAMES))


def levels(breakdown: pd.DataFrame, dimension: str, part: int) -> list[str]:
    """The ``part``-th piece of the ``a/b`` levels of ``dimension``, in order of appearance."""
    rows = breakdown.loc[breakdown["dimension"] == dimension, "level"].astype(str)
    return list(dict.fromkeys(rows.str.split("/").str[part]))


def key_metrics(available: Iterable[str], limit: int = 8) -> list[str]:
    """The :data:`KEY_METRICS` among ``available``, else the first ``limit`` in order of appearance."""
    available = list(dict.fromkeys(available))
    return [m for m in KEY_METRICS if m in available] or available[:limit]



ACRONYMS = {"aeo": "AEO", "cbec": "CBEC", "nii": "NII", "trs": "TRS", "auc": "AUC", "did": "DiD", "hs": "HS"}


def scenario_label(name: str) -> str:
    """A scenario or variant name as people read it: ``aeo_mutual_recognition`` -> "AEO mutual
    recognition", ``x__auc=0.7`` -> "X (auc = 0.7)"; a name with spaces (a sweep job) as it is."""
    text = str(name)
    if " " in text:
        return text
    base, *settings = text.split("__")
    words = " ".join(ACRONYMS.get(w.lower(), w) for w in base.split("_") if w)
    words = re.sub(r"\b(\d+)h\b", r"\1 h", words)
    words = words[:1].upper() + words[1:]
    return words + (f" ({', '.join(s.replace('=', ' = ') for s in settings)})" if settings else "")


def headline_effects(comparison: pd.DataFrame) -> pd.DataFrame:
    """The effect rows a reader looks at first: quarter "all" at each scenario's pilot ports (all
    ports when it has none), with ``finding`` ("effect", "negligible" or "") filled in for older
    tables that lack it."""
    c = comparison[comparison["quarter"].astype(str) == "all"]
    c = c.assign(finding=c["finding"].fillna("").astype(str) if "finding" in c else "")
    has_pilot = c.groupby("scenario")["port_group"].transform(lambda g: (g == "pilot").any())
    return c[c["port_group"] == np.where(has_pilot, "pilot", "all")].reset_index(drop=True)
