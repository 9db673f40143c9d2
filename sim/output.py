"""Result folders on disk, written atomically: the only module that writes files.

A run folder is written into a hidden sibling folder first and renamed into place at the end,
so an interrupted or failed run (Ctrl-C, ``kill -9``) leaves no half-written results, and a
folder that already holds results is never overwritten. Tables derived from finished runs (an
experiment's comparison, a sweep's concatenation) are single files replaced atomically.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd

PARTIAL = ".partial-"  # marks the hidden temporary folder or file of a write in progress


class OutputExists(Exception):
    """The output folder already holds files."""


def check_free(folder: Path) -> None:
    """Raise :class:`OutputExists` if ``folder`` exists and is not empty."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputExists(f"{folder} already exists and is not empty; results are never "
                           f"overwritten (choose another hydra.run.dir)")


def _stage(folder: Path, tables: dict[str, pd.DataFrame], texts: dict[str, str | bytes]) -> Path:
    """A fresh hidden sibling of ``folder`` holding ``tables`` (.csv, .parquet) and ``texts``
    (text, or bytes such as figures)."""
    tmp = folder.parent / f".{folder.name}{PARTIAL}{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        for name, table in tables.items():
            table.to_csv(tmp / f"{name}.csv", index=False, float_format="%.10g", lineterminator="\n")
            table.to_parquet(tmp / f"{name}.parquet", index=False)
        for name, content in texts.items():
            if isinstance(content, bytes):
                (tmp / name).write_bytes(content)
            else:
                (tmp / name).write_text(content, encoding="utf-8")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


def write_folder(folder: Path, tables: dict[str, pd.DataFrame], texts: dict[str, str]) -> Path:
    """Write ``tables`` (as .csv and .parquet) and ``texts`` into ``folder`` atomically."""
    folder = Path(folder)
    check_free(folder)
    tmp = _stage(folder, tables, texts)
    try:
        if folder.exists():
            folder.rmdir()  # empty (check_free); rename needs the name free
        os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def replace_files(folder: Path, tables: dict[str, pd.DataFrame], texts: dict[str, str | bytes]) -> None:
    """Write derived ``tables`` and ``texts`` into the folder ``folder``, each file atomically
    (staged under a temporary name, then renamed over any older version)."""
    tmp = _stage(Path(folder) / ".staged", tables, texts)
    try:
        for path in sorted(tmp.iterdir()):
            os.replace(path, folder / path.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _writer_alive(path: Path) -> bool:
    """Whether the process whose pid ends the name of a ``.partial-PID`` entry still runs."""
    try:
        os.kill(int(path.name.rsplit(PARTIAL, 1)[1]), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


def remove_partial(folder: Path) -> list[Path]:
    """Delete what interrupted writes left in ``folder`` (hidden ``.*.partial-PID`` entries
    whose writer is gone); return what was removed."""
    if not folder.is_dir():
        return []
    stale = [p for p in sorted(folder.glob(f".*{PARTIAL}*")) if not _writer_alive(p)]
    for path in stale:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return stale


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def read_tables(folder: Path, names: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """The tables ``names`` of a result folder (from parquet; an absent table is skipped)."""
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in names
            if (folder / f"{name}.parquet").exists()}


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"
