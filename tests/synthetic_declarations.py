"""Small declaration files in the public customs data's schema, drawn with a known fraud mechanism.

Fraud comes from a latent trait of importers (a quarter of them are risky) and shows in the
declaration as under-valuation: a fraudulent item's unit value is exp(-UNDERVALUE) times its HS
code's. A model can therefore learn from importers and from unit value relative to the HS code.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.learning.public_data import COLUMNS

UNDERVALUE = 0.7  # log unit value removed by fraud


def make_declarations(weeks: int = 10, per_week: int = 150, seed: int = 0) -> pd.DataFrame:
    """``weeks * per_week`` declarations from 2020-01-01, with the public file's column names."""
    rng = np.random.default_rng(seed)
    n = weeks * per_week
    importers = np.array([f"IMP{i:03d}" for i in range(120)])
    risky = rng.random(len(importers)) < 0.25
    importer = rng.integers(len(importers), size=n)
    fraud = rng.random(n) < np.where(risky[importer], 0.6, 0.08)
    hs6 = rng.choice([392690, 620822, 851829, 940350, 690722, 440890], size=n)
    mass = np.round(np.exp(rng.normal(4, 1.5, n)), 1)
    unit_value = np.exp(8 + (hs6 % 7) * 0.5 + rng.normal(0, 0.3, n) - UNDERVALUE * fraud)
    frame = pd.DataFrame({
        "declaration": rng.permutation(10_000_000)[:n] + 10_000_000,
        "date": pd.Timestamp("2020-01-01") + pd.to_timedelta(np.sort(rng.integers(weeks * 7, size=n)), unit="D"),
        "office": rng.choice([20, 30, 40], size=n), "process_type": "B", "import_type": 11, "import_use": 21,
        "payment_type": rng.choice([11, 43], size=n), "transport": rng.choice([10, 40], size=n),
        "declarant": rng.choice([f"DEC{i}" for i in range(15)], size=n), "importer": importers[importer],
        "seller": rng.choice([f"SEL{i}" for i in range(80)], size=n),
        "courier": np.where(rng.random(n) < 0.2, "DHL", ""), "hs6": hs6,
        "departure": rng.choice(["CN", "JP", "US"], size=n), "origin": rng.choice(["CN", "JP", "US", "DE"], size=n),
        "tax_rate": rng.choice([0.0, 6.5, 8.0, 13.0], size=n), "tax_type": rng.choice(["A", "C", "FCN1"], size=n),
        "origin_indicator": rng.choice(["E", "G", "Y"], size=n), "mass": mass,
        "price": np.round(mass * unit_value, 1), "fraud": fraud.astype(int),
        "critical": fraud * (1 + (rng.random(n) < 0.05)),
    })
    frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    return frame.rename(columns={short: name for name, short in COLUMNS.items()})
