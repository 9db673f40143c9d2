"""Distributions of declaration attributes, fitted to the public customs data, for the generator.

:func:`fit_attributes` summarises a frame of declarations (:func:`read_declarations`) into a
small JSON-ready dict: HS chapters and codes, per-chapter log-normal unit values and net masses,
tax rates, countries, transport and import categories, and how fraud relates to them (including
the shift of the log unit value of fraudulent items within their HS6 code: under-valuation).
``scripts/fit_declaration_attributes.py`` writes it to ``sim/data/declaration_attributes.json``
(shipped in the package, read by :func:`load_attributes`); every field is described in the file's
``fields`` section and in docs/targeting.md.
"""
from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pandas as pd

DATA_FILE = "declaration_attributes.json"  # in the package folder sim/data
TOP = {"hs6": 10, "tax_rate": 5, "origin": 25, "departure": 25, "office": 15, "category": 10}
MIN_COMPARED = 10  # fewest fraudulent (and clean) items for a chapter's unit-value shift
TAX_BANDS = ([-np.inf, 0, 5, 10, np.inf], ["0", "(0,5]", "(5,10]", ">10"])
RELATIVE_BANDS = ([-np.inf, -1, -0.1, 0.1, 1, np.inf], ["< -1", "[-1,-0.1)", "[-0.1,0.1]", "(0.1,1]", "> 1"])
SOURCE = {
    "data": "Customs Import Declaration Datasets (synthetic, generated with CTGAN from the inspected "
            "part of 24.7 million Korean import declarations, Jan 2020 - Jun 2021)",
    "repository": "https://github.com/Seondong/Customs-Declaration-Datasets (branch en, commit a33cfc3)",
    "file": "train.csv = data/df_syn_train_eng.csv",
    "paper": "Jeong, Kim, Park, Choi, 'Customs Import Declaration Datasets', arXiv 2208.02484",
}
LICENCE = "MIT, copyright 2022 Institute for Basic Science & Korea Customs Service"
SCRIPT = "scripts/fit_declaration_attributes.py"
CAVEATS = [
    "Rows are inspected declarations only: fraud rates are hit rates among inspected items "
    "(selection-biased), not the fraud rate of all declarations.",
    "Synthetic (CTGAN): marginal and pairwise patterns follow the source, repeat-offender structure does not.",
    "Item Price is the assessed value in KRW (with Gaussian noise added by the publishers), Net Mass in kg, "
    "Tax Rate in percent.",
    "Value levels look too low for KRW (median Item Price 9,439 for a median Net Mass of 95 kg; median unit "
    "value 124 per kg): take spreads, shifts and HS structure from here, value levels from another source.",
]
FIELDS = {
    "hs_chapter": "share of items by HS chapter (first 2 digits of the HS6 code)",
    "hs6_by_chapter": "per chapter: shares of its most frequent HS6 codes within the chapter (top), "
                      "and the share of all its other codes (other)",
    "unit_value_by_chapter": "per chapter: log-normal of unit value = Item Price / Net Mass (KRW per kg): "
                             "log_mean, log_sd (natural log), n items with price and mass > 0, and "
                             "corr_log_mass, the correlation of log unit value with log net mass",
    "net_mass_by_chapter": "per chapter: log-normal of Net Mass (kg): log_mean, log_sd, n items with mass > 0",
    "tax_rate_by_chapter": "per chapter: shares of the most frequent tax rates in percent (top), the share of "
                           "the others (other) and their median rate (other_median)",
    "origin": "shares of countries of origin (ISO 3166 alpha-2): top and other",
    "departure": "shares of countries of departure: top and other",
    "departure_same_as_origin": "share of items whose country of departure is their country of origin",
    "office": "shares of customs offices (Office ID codes of the data)",
    "transport": "shares of Mode of Transport codes (Korean customs codes of the data)",
    "import_type": "shares of Import Type codes",
    "import_use": "shares of Import Use codes",
    "payment_type": "shares of Payment Type codes",
    "fraud.rate": "share of items with Fraud = 1 (a hit rate among inspected items)",
    "fraud.critical_share": "share of fraudulent items that are critical (Critical Fraud = 2)",
    "fraud.log_unit_value_shift": "mean log unit value of fraudulent minus clean items, each measured from "
                                  "the median of its HS6 code (codes with 2 or more items; < 0: fraud "
                                  "declares lower unit values)",
    "fraud.by_chapter": "per chapter: fraud rate, n items, and log_unit_value_shift as above within the "
                        "chapter (null when fewer than 10 fraudulent or clean items compare)",
    "fraud.by_unit_value_vs_hs6": "fraud rate and n by band of log unit value minus its HS6 code's median",
    "fraud.by_tax_band": "fraud rate and n by band of tax rate (percent)",
    "fraud.by_origin": "fraud rate and n by country of origin (top countries, then other)",
    "fraud.by_transport": "fraud rate and n by Mode of Transport code",
    "shares": "every share table is {top: {level: share}, other: share}; shares sum to 1",
}


def _round(value: float) -> float | None:
    """Six significant digits; rounding noise of sums (|value| < 1e-12) is 0; NaN is None."""
    if value is None or not np.isfinite(value):
        return None
    return 0.0 if abs(value) < 1e-12 else float(f"{value:.6g}")


def _shares(values: pd.Series, top: int | None = None) -> dict:
    """{top: {level: share}, other: share} of the ``top`` most frequent levels (all if None)."""
    counts = values.astype(str).value_counts(sort=False).sort_index(kind="stable")
    counts = counts.sort_values(ascending=False, kind="stable")
    kept = counts if top is None else counts.iloc[:top]
    total = counts.sum()
    return {"top": {level: _round(n / total) for level, n in kept.items()},
            "other": _round((total - kept.sum()) / total)}


def _lognormal(values: pd.Series) -> dict:
    logs = np.log(values[values > 0].to_numpy(float))
    return {"log_mean": _round(logs.mean()) if len(logs) else None,
            "log_sd": _round(logs.std(ddof=1)) if len(logs) > 1 else None, "n": int(len(logs))}


def _rates(fraud: pd.Series, by: pd.Series) -> dict:
    grouped = fraud.groupby(by.astype(str), sort=True)
    return {level: {"rate": _round(part.mean()), "n": int(len(part))} for level, part in grouped}


def _shift(relative: pd.Series, fraud: pd.Series) -> float | None:
    """Mean relative log unit value of fraudulent minus clean items (None if too few compare)."""
    ok = relative.notna()
    bad, good = relative[ok & (fraud == 1)], relative[ok & (fraud == 0)]
    return _round(bad.mean() - good.mean()) if min(len(bad), len(good)) >= MIN_COMPARED else None


def _chapters(d: pd.DataFrame) -> dict:
    """The per-chapter tables."""
    out = {key: {} for key in ("hs6_by_chapter", "unit_value_by_chapter", "net_mass_by_chapter",
                               "tax_rate_by_chapter")}
    for chapter, part in d.groupby("chapter", sort=True):
        out["hs6_by_chapter"][chapter] = _shares(part["hs6_code"], TOP["hs6"])
        priced = part[(part["price"] > 0) & (part["mass"] > 0)]
        fit = _lognormal(priced["price"] / priced["mass"])
        corr = np.corrcoef(np.log(priced["mass"]), np.log(priced["price"] / priced["mass"]))[0, 1] \
            if len(priced) > 2 else np.nan
        out["unit_value_by_chapter"][chapter] = {**fit, "corr_log_mass": _round(corr)}
        out["net_mass_by_chapter"][chapter] = _lognormal(part["mass"])
        taxes = _shares(part["tax_rate"].map(lambda r: f"{r:g}"), TOP["tax_rate"])
        rest = part.loc[~part["tax_rate"].map(lambda r: f"{r:g}").isin(list(taxes["top"])), "tax_rate"]
        out["tax_rate_by_chapter"][chapter] = {**taxes, "other_median": _round(rest.median()) if len(rest) else None}
    return out


def _fraud(d: pd.DataFrame) -> dict:
    fraud = d["fraud"]
    top_origins = d["origin"].value_counts().index[:TOP["origin"]]
    origin = d["origin"].where(d["origin"].isin(top_origins), "other")
    by_chapter = {ch: {"rate": _round(part["fraud"].mean()), "n": int(len(part)),
                       "log_unit_value_shift": _shift(part["relative"], part["fraud"])}
                  for ch, part in d.groupby("chapter", sort=True)}
    return {
        "rate": _round(fraud.mean()),
        "critical_share": _round((d["critical"] == 2).sum() / max(fraud.sum(), 1)),
        "log_unit_value_shift": _shift(d["relative"], fraud),
        "by_chapter": by_chapter,
        "by_unit_value_vs_hs6": _rates(fraud[d["relative"].notna()],
                                       pd.cut(d["relative"].dropna(), RELATIVE_BANDS[0], labels=RELATIVE_BANDS[1])),
        "by_tax_band": _rates(fraud, pd.cut(d["tax_rate"], TAX_BANDS[0], labels=TAX_BANDS[1])),
        "by_origin": _rates(fraud, origin),
        "by_transport": _rates(fraud, d["transport"]),
    }


def fit_attributes(frame: pd.DataFrame) -> dict:
    """The generator's parameters fitted to ``frame`` (a frame of :func:`read_declarations`)."""
    d = frame.assign(hs6_code=frame["hs6"].map(lambda c: f"{c:06d}"),
                     chapter=frame["hs6"].map(lambda c: f"{c // 10_000:02d}"))
    ok = (d["price"] > 0) & (d["mass"] > 0)
    log_uv = np.log(d["price"].where(ok) / d["mass"].where(ok))
    code_size = log_uv.groupby(d["hs6"]).transform("count")
    d["relative"] = (log_uv - log_uv.groupby(d["hs6"]).transform("median")).where(code_size >= 2)
    return {
        "source": {**SOURCE, "rows": int(len(d)),
                   "dates": [str(d["date"].min().date()), str(d["date"].max().date())]},
        "licence": LICENCE, "script": SCRIPT, "caveats": CAVEATS, "fields": FIELDS,
        "hs_chapter": _shares(d["chapter"]),
        **_chapters(d),
        "origin": _shares(d["origin"], TOP["origin"]),
        "departure": _shares(d["departure"], TOP["departure"]),
        "departure_same_as_origin": _round((d["departure"] == d["origin"]).mean()),
        "office": _shares(d["office"], TOP["office"]),
        "transport": _shares(d["transport"]),
        **{name: _shares(d[name], TOP["category"]) for name in ("import_type", "import_use", "payment_type")},
        "fraud": _fraud(d),
    }


def to_json(attributes: dict) -> str:
    """The text of the shipped file (stable: same attributes, same bytes)."""
    return json.dumps(attributes, indent=1, ensure_ascii=False) + "\n"


def load_attributes() -> dict:
    """The fitted attributes shipped in the package."""
    return json.loads(resources.files("sim").joinpath("data", DATA_FILE).read_text())
