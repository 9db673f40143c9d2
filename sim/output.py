"""The output folder of a run, written atomically: the only module that writes files.

Everything is written into a hidden sibling folder first and renamed into place at the end,
so an interrupted or failed run leaves no half-written results, and a folder that already
holds results is never overwritten.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd


class OutputExists(Exception):
    """The output folder already holds files."""


def check_free(folder: Path) -> None:
    """Raise :class:`OutputExists` if ``folder`` exists and is not empty."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputExists(f"{folder} already exists and is not empty; results are never "
                           f"overwritten (choose another hydra.run.dir)")


def write_folder(folder: Path, tables: dict[str, pd.DataFrame], texts: dict[str, str]) -> Path:
    """Write ``tables`` (as .csv and .parquet) and ``texts`` into ``folder`` atomically."""
    folder = Path(folder)
    check_free(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        for name, table in tables.items():
            table.to_csv(tmp / f"{name}.csv", index=False, float_format="%.10g", lineterminator="\n")
            table.to_parquet(tmp / f"{name}.parquet", index=False)
        for name, text in texts.items():
            (tmp / name).write_text(text)
        if folder.exists():
            folder.rmdir()  # empty (check_free); rename needs the name free
        os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"
