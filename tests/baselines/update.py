"""Recompute the regression baseline (tests/baselines/<case>/*.csv) from ``cases.yaml``.

Run it after a change that is *meant* to change results, and say why in the commit message:

    python tests/baselines/update.py            # rewrite every case
    python tests/baselines/update.py --check    # only report which cases differ (exit 1 if any)

``tests/test_regression_baseline.py`` fails on any difference from the saved tables.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
TABLES = ("quarterly", "breakdown", "agents")
RTOL = 1e-9  # same machine, same libraries: results are bit-identical; this allows only for
# the last digits of %.10g text and summation order, nothing a model change could hide in


def cases() -> dict[str, list[str]]:
    return yaml.safe_load((HERE / "cases.yaml").read_text())


def compute(overrides: list[str]) -> dict[str, pd.DataFrame]:
    """The tables of one case, as `tradesim run` would write them (CSV round trip included)."""
    import io

    from sim.compose import load_config
    from sim.experiments.replications import run_replications
    cfg, _ = load_config(["run.progress=false", *overrides])
    result = run_replications(cfg)
    tables = {"quarterly": result.quarterly, "breakdown": result.breakdown, "agents": result.agents}
    return {name: pd.read_csv(io.StringIO(table.to_csv(index=False, float_format="%.10g")))
            for name, table in tables.items()}


def saved(case: str) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(HERE / case / f"{name}.csv") for name in TABLES}


def differences(new: pd.DataFrame, old: pd.DataFrame, limit: int = 5) -> list[str]:
    """Human-readable differences between two tables (empty when they agree)."""
    if list(new.columns) != list(old.columns):
        gone, added = sorted(set(old) - set(new)), sorted(set(new) - set(old))
        return [f"columns changed: removed {gone or 'none'}, added {added or 'none'}"]
    if len(new) != len(old):
        return [f"{len(old)} rows saved, {len(new)} rows now"]
    out = []
    for col in new.columns:
        a, b = new[col], old[col]
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            x, y = a.to_numpy(float), b.to_numpy(float)
            same = np.isclose(x, y, rtol=RTOL, atol=1e-12) | (np.isnan(x) & np.isnan(y))
        else:
            same = (a.astype(str) == b.astype(str)).to_numpy()
        for row in np.flatnonzero(~same)[:limit]:
            out.append(f"{col} row {row}: saved {b.iat[row]!r}, now {a.iat[row]!r}")
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changed = 0
    for case, overrides in cases().items():
        tables = compute(overrides)
        folder = HERE / case
        if folder.is_dir():
            diffs = [f"{name}: {d}" for name, old in saved(case).items()
                     for d in differences(tables[name], old)]
        else:
            diffs = ["no saved tables"]
        changed += bool(diffs)
        print(f"{case}: {'unchanged' if not diffs else f'{len(diffs)}+ differences'}")
        for line in diffs[:10]:
            print(f"  {line}")
        if diffs and not check:
            folder.mkdir(exist_ok=True)
            for name, table in tables.items():
                table.to_csv(folder / f"{name}.csv", index=False, float_format="%.10g", lineterminator="\n")
    if check:
        return 1 if changed else 0
    print(f"{changed} case(s) rewritten" if changed else "nothing to update")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parents[1]))
    sys.exit(main(sys.argv[1:]))
