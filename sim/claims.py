"""Output folders claimed by a run: checked before any work and locked, so that a second run
into the same folder fails at once; and the clean-up of what killed writers left.

:func:`claim` checks the path (not a file, not a symbolic link, creatable and writable, empty or
resumable) and creates a lock file with ``O_EXCL`` holding the process id; :meth:`Claim.require`
checks the free space once the output size is known; :meth:`Claim.release` drops the lock and
removes the folders the claim created if nothing was written into them.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from sim.config import ConfigError
from sim.output import PARTIAL, OutputExists

LOCK = ".tradesim-lock"  # holds the pid of the run that claimed the folder


class OutputError(ConfigError):
    """The output folder cannot be used (checked before any work)."""


@dataclass
class Claim:
    """An output folder claimed by this process."""
    folder: Path
    resumed: bool           # it held earlier work (resumable parts) when claimed
    made: Optional[Path]    # the topmost folder this claim created (the folder or a parent)
    key: str = "hydra.run.dir"

    def require(self, need_bytes: float, estimate: str = "about") -> None:
        """Refuse (releasing the claim) when the file system has less free space than ``need_bytes``
        (``estimate``: "about" the estimated output, or "at least" a floor known before the config)."""
        free = shutil.disk_usage(self.folder).free
        if free < need_bytes:
            self.release()
            raise OutputError(f"{self.key}: not enough free space in {self.folder}: the results need {estimate} "
                              f"{_mb(need_bytes)}, {_mb(free)} free")

    def release(self) -> None:
        """Drop the lock; remove the folders the claim created if nothing was written into them."""
        lock = self.folder / LOCK
        if _lock_pid(lock) == os.getpid():
            lock.unlink(missing_ok=True)
        path = self.folder
        while self.made is not None and path.is_relative_to(self.made):
            try:
                path.rmdir()  # only if empty
            except OSError:
                break
            path = path.parent


def _lock_pid(lock: Path) -> Optional[int]:
    try:
        return int(lock.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie counts until reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _make(folder: Path, unique: bool, key: str) -> tuple[Path, Optional[Path]]:
    """Create ``folder`` (or, when ``unique``, the first free ``folder-2``, ``folder-3``...); return
    it and the topmost folder created (None if it existed)."""
    if folder.is_symlink():
        raise OutputError(f"{key}: {folder} is a symbolic link; give the folder it points to")
    if folder.exists() and not folder.is_dir():
        raise OutputExists(f"{key}: {folder} is a file, not a folder; results are never written over it")
    top = folder
    while not top.parent.exists() and top.parent != top:
        top = top.parent
    for n in range(1, 1000 if unique else 2):
        candidate = folder if n == 1 else folder.with_name(f"{folder.name}-{n}")
        try:
            candidate.mkdir(parents=True)
            return candidate, top if top != folder else candidate
        except FileExistsError:
            if not unique and candidate.is_dir():
                return candidate, None
    raise OutputError(f"{key}: no free folder name like {folder}")


def _take_lock(folder: Path, key: str) -> None:
    lock = folder / LOCK
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            pid = _lock_pid(lock)
            if pid is None or (pid != os.getpid() and alive(pid)):
                raise OutputError(f"{key}: {folder} is in use by another tradesim run (process {pid or '?'}); wait "
                                  f"for it or choose another folder (delete {lock} if no run uses it)") from None
            lock.unlink(missing_ok=True)  # left by a run that was killed
            continue
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{os.getpid()}\n")
        return
    raise OutputError(f"{key}: {folder} is in use by another tradesim run")


def claim(folder: Path, unique: bool = False, resumable: Optional[Callable[[Path], bool]] = None,
          key: str = "hydra.run.dir") -> Claim:
    """Check and claim ``folder`` before any work; see the module docstring.

    ``unique``: a default name, made unique with a suffix if taken. ``resumable(folder)``: whether
    a folder that holds files may be continued (else it must be empty). ``key``: the setting
    that chose the folder, named in the messages."""
    folder, made = Path(folder), None
    try:
        folder, made = _make(folder, unique, key)
        remove_partial(folder.parent)
        remove_partial(folder)
        held = [p for p in folder.iterdir() if p.name != LOCK]
        if held and not (resumable and resumable(folder)):
            raise OutputExists(f"{key}: {folder} already exists and is not empty; results are never "
                               f"overwritten (choose another folder)")
        _take_lock(folder, key)
    except (OSError, ConfigError) as exc:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)  # made by this call, holds nothing
        if isinstance(exc, OSError):
            raise OutputError(f"{key}: cannot write the results to {folder} ({exc.strerror or exc})") from None
        raise
    return Claim(folder, resumed=bool(held), made=made, key=key)


def _mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} kB"


def remove_partial(folder: Path) -> list[Path]:
    """Delete what interrupted writes left in ``folder`` (hidden ``.*.partial-PID`` entries
    whose writer is gone); return what was removed."""
    if not folder.is_dir():
        return []
    stale = []
    for path in sorted(folder.glob(f".*{PARTIAL}*")):
        pid = path.name.rsplit(PARTIAL, 1)[1]
        if not pid.isdigit() or not alive(int(pid)):
            stale.append(path)
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
    return stale
