"""Declaration files in the public data's schema, read into the frame the learning code uses.

The public synthetic Korean import declarations (Jeong, Kim, Park, Choi, "Customs Import
Declaration Datasets", arXiv 2208.02484; MIT licence, copyright 2022 Institute for Basic
Science & Korea Customs Service) come as CSV files with 22 named columns. :func:`read_declarations`
checks a file against that header and renames the columns to short names (:data:`COLUMNS`), so
features and strategies work on the same frame whether it comes from a file or, later, from the
simulation.

Revenue proxy (no column of the data says what an inspection recovers): the duty on the item at
its declared value, ``price * tax_rate / 100`` in KRW (Item Price is the assessed value in KRW,
Tax Rate in %), counted for fraudulent items only: ``revenue = fraud * price * tax_rate / 100``.
It measures how much taxable value an inspection puts under scrutiny, not the evaded amount.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# header of the public files -> short name used in code
COLUMNS = {
    "Declaration ID": "declaration", "Date": "date", "Office ID": "office", "Process Type": "process_type",
    "Import Type": "import_type", "Import Use": "import_use", "Payment Type": "payment_type",
    "Mode of Transport": "transport", "Declarant ID": "declarant", "Importer ID": "importer",
    "Seller ID": "seller", "Courier ID": "courier", "HS6 Code": "hs6", "Country of Departure": "departure",
    "Country of Origin": "origin", "Tax Rate": "tax_rate", "Tax Type": "tax_type",
    "Country of Origin Indicator": "origin_indicator", "Net Mass": "mass", "Item Price": "price",
    "Fraud": "fraud", "Critical Fraud": "critical",
}
NUMERIC = ("office", "import_type", "import_use", "payment_type", "transport", "hs6", "tax_rate", "mass",
           "price", "fraud", "critical")
TEXT = ("process_type", "declarant", "importer", "seller", "courier", "departure", "origin", "tax_type",
        "origin_indicator")


class DataError(ValueError):
    """A declaration file that is missing, unreadable or not in the public data's schema."""


def duty_at_stake(frame: pd.DataFrame) -> np.ndarray:
    """Duty on each item at its declared value: ``price * tax_rate / 100`` (KRW)."""
    return frame["price"].to_numpy(float) * frame["tax_rate"].to_numpy(float) / 100.0


def revenue(frame: pd.DataFrame) -> np.ndarray:
    """The revenue proxy: :func:`duty_at_stake` of fraudulent items, 0 for the others."""
    return duty_at_stake(frame) * (frame["fraud"].to_numpy() == 1)


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        return pd.read_csv(path, dtype={name: str for name, short in COLUMNS.items() if short in TEXT})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not a readable CSV file ({str(exc).splitlines()[0]})") from None


def read_declarations(path: str | Path) -> pd.DataFrame:
    """The declarations of a CSV file in the public data's schema, with short column names.

    Rows keep the file's order, stably sorted by date; ``date`` becomes a datetime, ``hs6`` an
    integer code, text columns strings (empty Seller or Courier IDs stay missing).

    Raises:
        DataError: The file is missing, unreadable, lacks columns of the schema, or holds values
            that do not parse (non-numeric amounts, bad dates, Fraud not 0/1).

    """
    path = Path(path)
    raw = _read_csv(path)
    missing = [name for name in COLUMNS if name not in raw.columns]
    if missing:
        raise DataError(f"{path}: lacks the column(s) {', '.join(missing)}; a file in the public "
                        f"data's schema has {', '.join(COLUMNS)}")
    frame = raw[list(COLUMNS)].rename(columns=COLUMNS)
    if frame.empty:
        raise DataError(f"{path}: holds no declarations")
    for name in NUMERIC:
        values = pd.to_numeric(frame[name], errors="coerce")
        if values.isna().any():
            row = int(np.flatnonzero(values.isna())[0]) + 2
            raise DataError(f"{path}: line {row}: {name!r} must be a number; got {frame[name].iloc[row - 2]!r}")
        frame[name] = values
    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna())[0]) + 2
        raise DataError(f"{path}: line {row}: Date must be YYYY-MM-DD; got {frame['date'].iloc[row - 2]!r}")
    if not frame["fraud"].isin((0, 1)).all():
        raise DataError(f"{path}: Fraud must be 0 or 1; got {sorted(set(frame['fraud']) - {0, 1})[:3]}")
    frame["date"] = dates
    frame["hs6"] = frame["hs6"].astype(np.int64)
    frame["fraud"] = frame["fraud"].astype(np.int8)
    return frame.sort_values("date", kind="stable").reset_index(drop=True)
