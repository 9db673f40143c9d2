"""The shipped declaration-attribute parameters: what the script makes of the public data, and sane.

sim/data/declaration_attributes.json is fitted to ../shared/data/customs-declarations/train.csv by
scripts/fit_declaration_attributes.py. The reproduction test needs that file; the others read the
shipped file only, or a hand-made frame with a known under-valuation.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.compose import ROOT
from sim.learning.attributes import DATA_FILE, FIELDS, fit_attributes, load_attributes, to_json
from sim.learning.public_data import read_declarations

DATA = ROOT.parent / "shared" / "data" / "customs-declarations"
SHIPPED = ROOT / "sim" / "data" / DATA_FILE


def share_tables(node, path=""):
    """Every {top, other} share table in the attributes, with its path."""
    if isinstance(node, dict) and set(node) >= {"top", "other"}:
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from share_tables(value, f"{path}.{key}")


@pytest.fixture(scope="module")
def shipped() -> dict:
    return load_attributes()


@pytest.mark.skipif(not (DATA / "train.csv").is_file(), reason=f"public data set not found at {DATA}")
def test_shipped_file_is_what_the_script_makes_of_the_public_data():
    expected = to_json(fit_attributes(read_declarations(DATA / "train.csv")))
    assert SHIPPED.read_text() == expected, \
        "sim/data/declaration_attributes.json differs from a fresh fit: run scripts/fit_declaration_attributes.py"


def test_file_is_small_and_says_where_it_comes_from(shipped):
    assert SHIPPED.stat().st_size < 200_000, f"keep the shipped file small: {SHIPPED.stat().st_size} bytes"
    assert "MIT" in shipped["licence"] and "Korea Customs Service" in shipped["licence"], shipped["licence"]
    assert shipped["script"] == "scripts/fit_declaration_attributes.py" and (ROOT / shipped["script"]).is_file()
    assert shipped["source"]["rows"] == 37385, "fitted to the 37,385 rows of train.csv"
    documented = {key.split(".")[0] for key in FIELDS}
    data_keys = set(shipped) - {"source", "licence", "script", "caveats", "fields"}
    assert data_keys <= documented, f"every field is documented in 'fields': missing {data_keys - documented}"


def test_every_share_table_sums_to_one(shipped):
    tables = dict(share_tables(shipped))
    chapters = len(shipped["hs_chapter"]["top"])
    assert len(tables) == 2 * chapters + 8, \
        f"HS6 codes and tax rates per chapter, and 8 categorical tables: {len(tables)} for {chapters} chapters"
    for path, table in tables.items():
        total = sum(table["top"].values()) + table["other"]
        assert total == pytest.approx(1, abs=1e-4), f"{path}: shares sum to {total}"
        assert all(0 < v <= 1 for v in table["top"].values()), f"{path}: shares in (0, 1]"


def test_numbers_are_sane(shipped):
    chapters = shipped["hs_chapter"]["top"]
    assert all(len(c) == 2 and 1 <= int(c) <= 97 for c in chapters), f"HS chapters 01-97: {list(chapters)[:5]}"
    assert shipped["fraud"]["rate"] == pytest.approx(0.217, abs=0.001), "21.7% of train.csv rows are fraud"
    big = [c for c, fit in shipped["unit_value_by_chapter"].items() if fit["n"] >= 100]
    for c in big:
        uv, mass = shipped["unit_value_by_chapter"][c], shipped["net_mass_by_chapter"][c]
        assert 0 < uv["log_sd"] < 6 and 0 < mass["log_sd"] < 6, f"chapter {c}: plausible log-normal spreads"
        assert 0 < np.exp(uv["log_mean"]) < 1e8, f"chapter {c}: median unit value {np.exp(uv['log_mean']):.0f} KRW/kg"
    assert max(chapters, key=chapters.get) == "85", "electrical machinery (85) is the largest chapter"
    assert 0 <= shipped["fraud"]["critical_share"] < 0.2, "critical cases are a small part of fraud"
    rates = [v["rate"] for v in shipped["fraud"]["by_chapter"].values()]
    assert all(0 <= r <= 1 for r in rates) and np.std(rates) > 0.02, "fraud rates differ between chapters"


def test_fit_recovers_a_known_under_valuation():
    rng = np.random.default_rng(2)
    n = 4000
    hs6 = rng.choice([392690, 392691, 620822, 620823], size=n)
    fraud = (rng.random(n) < 0.3).astype(int)
    mass = np.exp(rng.normal(3, 1, n))
    unit_value = np.exp(10 + (hs6 % 10) + rng.normal(0, 0.2, n) - 0.5 * fraud)
    frame = pd.DataFrame({"date": pd.Timestamp("2020-01-01"), "hs6": hs6, "price": mass * unit_value, "mass": mass,
                          "tax_rate": 8.0, "fraud": fraud, "critical": fraud, "origin": "CN", "departure": "CN",
                          "office": 30, "transport": 10, "import_type": 11, "import_use": 21, "payment_type": 11})
    fit = fit_attributes(frame)
    assert fit["fraud"]["log_unit_value_shift"] == pytest.approx(-0.5, abs=0.05), \
        f"fraud declares unit values exp(-0.5) times lower: {fit['fraud']['log_unit_value_shift']}"
    assert fit["fraud"]["by_chapter"]["39"]["log_unit_value_shift"] == pytest.approx(-0.5, abs=0.08), \
        "and within the chapter"
    assert fit["unit_value_by_chapter"]["62"]["log_sd"] == pytest.approx(np.std(np.log(
        unit_value[hs6 // 10_000 == 62]), ddof=1), rel=1e-4), "log-normal spread of unit values"
    assert fit["fraud"]["by_unit_value_vs_hs6"]["[-1,-0.1)"]["rate"] > fit["fraud"]["rate"], \
        "low unit values for the HS code carry more fraud"
