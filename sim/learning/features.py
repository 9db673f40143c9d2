"""What a risk model sees of a declaration: numbers built only from what customs has observed.

:class:`DeclarationEncoder` turns a frame of declarations (short column names of
:mod:`sim.learning.public_data`; any subset of them) into a numeric matrix:

- amounts: log declared value, log net mass, log unit value (value / mass), tax rate;
- unit value and tax rate relative to the typical ones of the item's HS6 code (median over the
  fitted declarations, falling back to HS4, HS2, then all): under-valuation shows as a low unit
  value for the code;
- codes as numbers: HS2/HS4/HS6, office, import type and use, payment type, transport;
- what customs holds besides the public data's columns, when present (:data:`OBSERVED`: the
  simulation's business model, direction, credit tier, trader size class and records...), as
  numbers, and the trader's past finding rate (past findings / past declarations);
- for each key (importer, declarant, seller, courier, HS6/HS4/HS2, origin, departure, tax type,
  origin indicator, office, and a few pairs such as importer x HS6): a *target encoding* (the
  smoothed fraud rate of the key among labelled declarations) and a *frequency* (log of 1 + how
  many fitted declarations share the key).

Labels enter only through the target encodings, and only labels that are known (not NaN) at fit
time: a declaration customs has not inspected carries NaN and is counted in frequencies but never
in fraud rates. Training rows get out-of-fold target encodings (each row's own label is never
used for its own encoding), so the classifier sees on training rows what it will see on new ones.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

KEYS = ("importer", "declarant", "seller", "courier", "hs6", "hs4", "hs2", "origin", "departure", "tax_type",
        "origin_indicator", "office")
PAIRS = (("importer", "hs6"), ("declarant", "importer"), ("office", "hs6"), ("origin", "hs6"),
         ("tax_type", "hs6"), ("departure", "origin"), ("origin_indicator", "hs6"))
CODES = ("hs2", "hs4", "hs6", "office", "import_type", "import_use", "payment_type", "transport")
OBSERVED = ("business_model", "direction", "prelodged", "high_risk", "tier", "size_class", "foreign_invested",
            "region", "past_declarations", "past_findings")
SMOOTHING = 10.0  # pseudo-count of the prior in target encodings (the peer framework's adj = 10)
FOLDS = 5         # out-of-fold target encoding of training rows


def key_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The categorical keys present in ``frame`` as uint64 codes (stable hashes of integers, or of the
    text of other values; missing -> one code)."""
    cols = {}
    if "hs6" in frame:
        hs6 = frame["hs6"].to_numpy(np.int64)
        cols.update(hs6=hs6.astype(np.uint64), hs4=(hs6 // 100).astype(np.uint64),
                    hs2=(hs6 // 10_000).astype(np.uint64))
    for name in KEYS:
        if name in frame and name not in cols:
            values = frame[name]
            cols[name] = pd.util.hash_array(values.to_numpy(np.int64)) if pd.api.types.is_integer_dtype(values) \
                else pd.util.hash_array(values.astype("string").fillna("").to_numpy(str))
    with np.errstate(over="ignore"):  # pair codes wrap around in uint64 on purpose
        for a, b in PAIRS:
            if a in cols and b in cols:
                cols[f"{a}&{b}"] = cols[a] * np.uint64(0x9E3779B97F4A7C15) + cols[b]
    return pd.DataFrame(cols, index=frame.index)


def _amounts(frame: pd.DataFrame) -> pd.DataFrame:
    """Log value, log mass, log unit value, tax rate and codes as numbers."""
    out = {}
    if "price" in frame:
        out["log_value"] = np.log1p(frame["price"].clip(lower=0).to_numpy(float))
    if "mass" in frame:
        out["log_mass"] = np.log1p(frame["mass"].clip(lower=0).to_numpy(float))
    if "price" in frame and "mass" in frame:
        out["log_unit_value"] = out["log_value"] - out["log_mass"]
    if "tax_rate" in frame:
        out["tax_rate"] = frame["tax_rate"].to_numpy(float)
    if "hs6" in frame:
        hs6 = frame["hs6"].to_numpy(np.int64)
        out["hs2"], out["hs4"] = hs6 // 10_000, hs6 // 100
    for name in CODES + OBSERVED:
        if name in frame and name not in out:
            out[name] = frame[name].to_numpy(float)
    if "past_findings" in frame and "past_declarations" in frame:
        out["past_finding_rate"] = out["past_findings"] / np.maximum(out["past_declarations"], 1.0)
    return pd.DataFrame(out, index=frame.index)


@dataclass
class Prepared:
    """The label-free part of encoding some declarations, computed once: their keys as codes
    (:func:`key_columns`) and their amounts and codes as numbers. The simulation prepares each
    day's declarations once, scores them, and keeps the prepared rows for the next fits."""
    keys: pd.DataFrame
    amounts: pd.DataFrame

    def __len__(self) -> int:
        return len(self.keys)

    def rows(self, mask: np.ndarray) -> Prepared:
        return Prepared(self.keys[mask], self.amounts[mask])

    @staticmethod
    def concat(parts: list[Prepared]) -> Prepared:
        return Prepared(*(pd.concat([getattr(p, side) for p in parts], ignore_index=True)
                          for side in ("keys", "amounts")))


def prepare(data: pd.DataFrame | Prepared) -> Prepared:
    """``data`` prepared for encoding (a frame of declarations, or already prepared)."""
    return data if isinstance(data, Prepared) else Prepared(key_columns(data), _amounts(data))


class Lookup:
    """Values by key (uint64 codes), looked up in bulk: what ``Series.map(...).fillna(default)``
    gives, with sorted arrays (a risk model scores a few thousand rows at a time)."""

    def __init__(self, values: pd.Series):
        keys = values.index.to_numpy()
        order = np.argsort(keys, kind="stable")
        self.keys, self.values = keys[order], values.to_numpy(float)[order]

    def __call__(self, keys: np.ndarray, default: float) -> np.ndarray:
        if not len(self.keys):
            return np.full(len(keys), default)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.values[at], default)


def _shrunk(frauds: np.ndarray, seen: np.ndarray, prior: float) -> np.ndarray:
    """Fraud rates of ``frauds`` in ``seen`` labelled rows, shrunk towards ``prior`` (SMOOTHING pseudo-rows)."""
    return (frauds + SMOOTHING * prior) / (seen + SMOOTHING)


def smoothed_rate(key: np.ndarray, label: np.ndarray, prior: float) -> pd.Series:
    """Fraud rate per key level among labelled rows, shrunk towards ``prior``."""
    codes, levels = pd.factorize(key)
    frauds = np.bincount(codes, weights=label, minlength=len(levels))
    seen = np.bincount(codes, minlength=len(levels))
    return pd.Series(_shrunk(frauds, seen, prior), index=levels)


class KeyTable:
    """One key's levels among the fitted declarations (sorted uint64 codes): how many declarations
    share each, and its fraud rate among the labelled ones (``prior`` where none is labelled), so
    that one search per row finds both."""

    def __init__(self, key: np.ndarray, labels: np.ndarray, known: np.ndarray, prior: float):
        codes, levels = pd.factorize(key)  # hashing: faster than sorting every row
        order = np.argsort(levels)
        rank = np.empty(len(levels), np.int64)
        rank[order] = np.arange(len(levels))
        self.levels, codes = levels[order], rank[codes]
        self.count = np.bincount(codes, minlength=len(self.levels)).astype(float)
        self.prior = prior
        self.rate = self._rates(*self._labelled(codes[known], labels[known]))

    def _labelled(self, level: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Frauds and labelled rows per level, of labelled rows at ``level`` with ``labels``."""
        n = len(self.levels)
        return np.bincount(level, weights=labels, minlength=n), np.bincount(level, minlength=n)

    def _rates(self, frauds: np.ndarray, seen: np.ndarray) -> np.ndarray:
        return np.where(seen > 0, _shrunk(frauds, seen, self.prior), self.prior)

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where ``keys`` are among the levels, and which are."""
        if not len(self.levels):
            return np.zeros(len(keys), np.int64), np.zeros(len(keys), bool)
        at = np.minimum(np.searchsorted(self.levels, keys), len(self.levels) - 1)
        return at, self.levels[at] == keys

    def out_of_fold(self, keys: np.ndarray, labels: np.ndarray, fold: np.ndarray) -> np.ndarray:
        """Rates of fitted labelled rows (``keys``, ``labels``, ``fold``), each from the labelled rows
        of the other folds."""
        level = self.find(keys)[0]
        frauds, seen = self._labelled(level, labels)
        out = np.empty(len(labels))
        for f in range(FOLDS):
            inside = fold == f
            fold_frauds, fold_seen = self._labelled(level[inside], labels[inside])
            out[inside] = self._rates(frauds - fold_frauds, seen - fold_seen)[level[inside]]
        return out


class DeclarationEncoder:
    """Fit on observed declarations, then encode any declarations as a float matrix."""

    def fit(self, frame: pd.DataFrame | Prepared, labels: np.ndarray) -> DeclarationEncoder:
        """Learn typical values, key frequencies and fraud rates.

        Args:
            frame: Declarations customs has seen (inspected or not), or them :func:`prepare`-d.
            labels: 1 fraud, 0 clean, NaN not inspected (unknown), one per row of ``frame``.

        """
        labels = np.asarray(labels, float)
        known = ~np.isnan(labels)
        keys, amounts = (p := prepare(frame)).keys, p.amounts
        self.prior = float(labels[known].mean()) if known.any() else 0.0
        self.tables = {name: KeyTable(keys[name].to_numpy(), labels, known, self.prior) for name in keys}
        self.typical = {}
        for column in ("log_unit_value", "tax_rate"):
            if column in amounts:
                self.typical[column] = [Lookup(amounts[column].groupby(keys[level].to_numpy()).median())
                                        for level in ("hs6", "hs4", "hs2") if level in keys]
                self.typical[column].append(float(amounts[column].median()))
        return self

    def _relative(self, keys: pd.DataFrame, amounts: pd.DataFrame) -> dict[str, np.ndarray]:
        """Unit value and tax rate minus the typical one of the HS6 code (or HS4, HS2, all)."""
        out = {}
        for column, levels in self.typical.items():
            typical = np.full(len(keys), np.nan)
            for level, medians in zip(("hs6", "hs4", "hs2"), levels[:-1]):
                typical = np.where(np.isnan(typical), medians(keys[level].to_numpy(), np.nan), typical)
            out[f"{column}_vs_hs"] = amounts[column].to_numpy() - np.where(np.isnan(typical), levels[-1], typical)
        return out

    def _encode(self, prepared: Prepared, own: bool) -> dict[str, np.ndarray]:
        """Features by name; ``own``: the rows are among the fitted ones (counts leave them out)."""
        keys, amounts = prepared.keys, prepared.amounts
        out = {**{c: amounts[c].to_numpy(float) for c in amounts}, **self._relative(keys, amounts)}
        rates = {}
        for name, table in self.tables.items():
            at, found = table.find(keys[name].to_numpy())
            out[f"log_n_{name}"] = np.log1p(np.where(found, table.count[at], 0.0) - (1.0 if own else 0.0))
            rates[f"rate_{name}"] = np.where(found, table.rate[at], self.prior)
        return {**out, **rates}

    def matrix(self, frame: pd.DataFrame | Prepared) -> np.ndarray:
        """Features of new declarations as a C-ordered float array (columns as :meth:`transform`'s)."""
        columns = self._encode(prepare(frame), own=False)
        out = np.empty((len(frame), len(columns)))
        for i, values in enumerate(columns.values()):
            out[:, i] = values
        return out

    def transform(self, frame: pd.DataFrame | Prepared) -> pd.DataFrame:
        """Features of new declarations (not among the fitted ones)."""
        prepared = prepare(frame)
        return pd.DataFrame(self._encode(prepared, own=False), index=prepared.keys.index)

    def fit_transform(self, frame: pd.DataFrame | Prepared, labels: np.ndarray,
                      rng: np.random.Generator) -> pd.DataFrame:
        """Fit on ``frame``; return the features of its labelled rows, target encodings out of fold.

        Each labelled row's fraud rates come from the labelled rows of the other folds (a random
        split drawn from ``rng``); frequencies leave the row itself out.
        """
        frame = prepare(frame)
        self.fit(frame, labels)
        labels = np.asarray(labels, float)
        known = ~np.isnan(labels)
        labelled = frame.rows(known)
        out = self._encode(labelled, own=True)
        fold = rng.permutation(int(known.sum())) % FOLDS
        for name, table in self.tables.items():
            out[f"rate_{name}"] = table.out_of_fold(labelled.keys[name].to_numpy(), labels[known], fold)
        return pd.DataFrame(out, index=labelled.keys.index)
