"""Result folders on disk: the only module that writes result files, and the checks on them.

An output folder goes through three steps, so results are never overwritten nor half-written:

1. :func:`sim.claims.claim` - before any work the folder is checked and claimed (a lock file
   created atomically), so a second run into it fails at once.
2. :func:`write_folder` - a part (one replication) is written into a hidden sibling folder and
   renamed into place; an interrupted write leaves only a hidden ``.*.partial-PID`` entry, which
   :func:`sim.claims.remove_partial` deletes once its writer is gone.
3. :func:`publish` - the folder's final tables are written as a complete staging folder (with
   hard links to what it keeps, e.g. the parts) and exchanged with the folder in one atomic
   rename, so no folder ever mixes two states.

Every ``manifest.json`` lists the folder's files with their sha256 and row counts; :func:`verify`
and :func:`read_tables` refuse a folder whose files do not match it.
"""
from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Iterable, Optional

import pandas as pd

from sim.config import ConfigError
from sim.metrics import EVENT_BACKLOG_COLUMNS, EVENT_COLUMNS, QUARTERLY_COLUMNS

PARTIAL = ".partial-"  # marks the hidden temporary folder or file of a write in progress
MANIFEST = "manifest.json"
SCHEMAS = {"quarterly": QUARTERLY_COLUMNS,
           "breakdown": ("scenario", "replication", "port", "quarter", "dimension", "level", "metric", "value"),
           "agents": ("quarter", "port", "agent", "metric", "value"),
           "events": EVENT_COLUMNS, "event_backlog": EVENT_BACKLOG_COLUMNS}


class OutputExists(ConfigError):
    """The output folder already holds files (results are never overwritten)."""


class DamagedFolder(ConfigError):
    """A result folder whose files do not match its manifest.json."""


def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} kB"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stage(folder: Path, tables: dict[str, pd.DataFrame], texts: dict[str, str | bytes],
           manifest: Optional[dict]) -> Path:
    """A fresh hidden sibling of ``folder`` holding ``tables`` (.csv, .parquet), ``texts`` (``str``
    as text, ``bytes`` such as a PNG figure as they are) and, last, ``manifest`` with every file's
    checksum (and each table's row count)."""
    tmp = folder.parent / f".{folder.name}{PARTIAL}{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        files = {}
        for name, table in tables.items():
            table.to_csv(tmp / f"{name}.csv", index=False, float_format="%.10g", lineterminator="\n")
            table.to_parquet(tmp / f"{name}.parquet", index=False)
            for suffix in (".csv", ".parquet"):
                files[name + suffix] = {"sha256": sha256(tmp / (name + suffix)), "rows": len(table)}
        for name, text in texts.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)  # e.g. figures/x.png
            if isinstance(text, bytes):
                (tmp / name).write_bytes(text)
            else:
                (tmp / name).write_text(text)
            files[name] = {"sha256": sha256(tmp / name)}
        if manifest is not None:
            (tmp / MANIFEST).write_text(to_json({**manifest, "files": files}))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp


def write_folder(folder: Path, tables: dict[str, pd.DataFrame], texts: dict[str, str | bytes],
                 manifest: Optional[dict] = None) -> Path:
    """Write a new folder (absent or empty) atomically: staged, then renamed into place."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputExists(f"{folder} already exists and is not empty; results are never overwritten")
    tmp = _stage(folder, tables, texts, manifest)
    try:
        if folder.exists():
            folder.rmdir()  # empty; rename needs the name free
        os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _link_tree(source: Path, target: Path) -> None:
    """``target`` as a copy of ``source`` made of hard links (a copy where links are not possible)."""
    if source.is_dir():
        target.mkdir()
        for child in source.iterdir():
            _link_tree(child, target / child.name)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders in one atomic step (Linux renameat2 RENAME_EXCHANGE); elsewhere, or on a
    file system without it, two renames (a kill between them leaves ``b`` missing for a moment)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.renameat2(-100, os.fsencode(a), -100, os.fsencode(b), 2) == 0:  # AT_FDCWD, RENAME_EXCHANGE
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(b))
    except AttributeError:  # no renameat2 in this C library
        pass
    old = b.parent / f".{b.name}.old{PARTIAL}{os.getpid()}"
    os.rename(b, old)
    os.rename(a, b)
    os.rename(old, a)


def publish(folder: Path, tables: dict[str, pd.DataFrame], texts: dict[str, str], manifest: dict,
            keep: Iterable[str] = ()) -> None:
    """Replace what ``folder`` holds by the final ``tables``, ``texts`` and ``manifest`` (plus the
    entries named in ``keep``, carried over as hard links) in one atomic step."""
    folder = Path(folder)
    tmp = _stage(folder, tables, texts, manifest)
    try:
        for name in keep:
            if (folder / name).exists():
                _link_tree(folder / name, tmp / name)
        _exchange(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(tmp, ignore_errors=True)  # now the folder's previous state


def replace_files(folder: Path, texts: dict[str, str | bytes]) -> None:
    """Write files into ``folder`` (made if absent), each atomically (a temporary name, then
    renamed): ``str`` as UTF-8 text, ``bytes`` (e.g. a figure) as they are."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    for name, content in texts.items():
        tmp = Path(folder) / f".{name}{PARTIAL}{os.getpid()}"
        if isinstance(content, bytes):
            tmp.write_bytes(content)
        else:
            tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, Path(folder) / name)


def read_json(path: Path) -> dict:
    return json.loads(Path(path).read_text())


def verify(folder: Path) -> dict:
    """The manifest of a result folder whose files all match it (present, same checksum)."""
    folder = Path(folder)
    try:
        manifest = read_json(folder / MANIFEST)
    except FileNotFoundError:
        raise DamagedFolder(f"{folder}: not a finished tradesim result folder (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise DamagedFolder(f"{folder / MANIFEST}: cannot be read ({str(exc).splitlines()[0]})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files", {}), dict):
        raise DamagedFolder(f"{folder / MANIFEST}: not a tradesim manifest")
    for name, entry in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            raise DamagedFolder(f"{path}: missing (listed in {MANIFEST})")
        if sha256(path) != entry.get("sha256"):
            raise DamagedFolder(f"{path}: damaged (its checksum differs from the one in {MANIFEST}); "
                                f"rerun into a new folder or restore the file")
    return manifest


def verify_tree(folder: Path) -> None:
    """:func:`verify` a folder and every finished part below it (``runs/*/rep_*/``, sweep jobs)."""
    folder = Path(folder)
    parts = sorted(p.parent for p in folder.glob("*/**/" + MANIFEST))
    if (folder / MANIFEST).exists() or not parts:
        verify(folder)
    for part in parts:
        verify(part)


def read_tables(folder: Path, names: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """The tables ``names`` of a result folder (from parquet; an absent table is skipped), after
    checking the folder against its manifest, each table's row count and its columns."""
    folder = Path(folder)
    files = verify(folder).get("files", {})
    out = {}
    for name in names:
        path = folder / f"{name}.parquet"
        if not path.exists():
            continue
        try:
            table = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several kinds for a damaged file
            raise DamagedFolder(f"{path}: cannot be read ({str(exc).splitlines()[0]})") from None
        rows = files.get(path.name, {}).get("rows", len(table))
        lacking = [c for c in SCHEMAS.get(name, ()) if c not in table.columns]
        if rows != len(table) or lacking:
            raise DamagedFolder(f"{path}: damaged ({len(table)} rows, {rows} recorded"
                                f"{'; lacks columns ' + ', '.join(lacking[:5]) if lacking else ''})")
        out[name] = table
    return out


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"
