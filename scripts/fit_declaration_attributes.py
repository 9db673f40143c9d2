"""Regenerate sim/data/declaration_attributes.json from the public customs data's train.csv.

usage: python scripts/fit_declaration_attributes.py [DATA_DIR]

DATA_DIR holds train.csv of the Customs Import Declaration Datasets (default
../shared/data/customs-declarations next to the repository). The file written is what
sim.learning.attributes.fit_attributes makes of it (tests/test_declaration_attributes.py checks
that the shipped file is exactly that); it is replaced atomically.
"""
from __future__ import annotations

import sys
from pathlib import Path

from sim import output
from sim.learning.attributes import DATA_FILE, fit_attributes, to_json
from sim.learning.public_data import DataError, read_declarations

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "customs-declarations"


def main(argv: list[str]) -> int:
    data = Path(argv[0]) if argv else DEFAULT_DATA
    try:
        frame = read_declarations(data / "train.csv")
    except DataError as exc:
        print(f"fit_declaration_attributes: error: {exc}", file=sys.stderr)
        return 2
    text = to_json(fit_attributes(frame))
    output.replace_files(ROOT / "sim" / "data", {}, {DATA_FILE: text})
    print(f"wrote sim/data/{DATA_FILE} ({len(text.encode()) / 1024:.0f} KB) from {data / 'train.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
