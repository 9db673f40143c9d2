"""Helpers for the bad-input tests: call the CLI in-process and check the one-line contract.

For a user mistake ``tradesim`` exits with code 2, prints exactly one line on stderr starting
``tradesim: error: ``, naming the offending key (or file) and what is allowed, prints no
traceback, and writes nothing (the watched folder is byte for byte what it was).
"""
from __future__ import annotations

from pathlib import Path

import sim.cli

PREFIX = "tradesim: error: "


def call(capsys, *argv: str) -> tuple[int, str, str]:
    """``tradesim *argv`` in this process -> (exit code, stdout, stderr)."""
    capsys.readouterr()  # drop anything captured before the call
    rc = sim.cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def assert_one_line_error(rc: int, out: str, err: str, cmd: str, key: str | None, allowed=()) -> None:
    """Exit 2, one ``tradesim: error:`` line naming ``key`` and each of ``allowed``, no traceback."""
    shown = f"command: {cmd}\nexit code: {rc}\nstdout: {out[-800:]!r}\nstderr: {err[-2000:]!r}"
    assert rc == 2, f"a user mistake must exit with code 2, got {rc}\n{shown}"
    assert "Traceback" not in err and "Traceback" not in out, f"a user mistake must not print a traceback\n{shown}"
    lines = err.splitlines()
    assert len(lines) == 1, f"stderr must hold exactly one line, got {len(lines)}\n{shown}"
    assert lines[0].startswith(PREFIX), f"the stderr line must start with {PREFIX!r}\n{shown}"
    if key is not None:
        assert key in lines[0], f"the message must name the offending key {key!r}\n{shown}"
    for hint in allowed:
        assert hint.lower() in lines[0].lower(), f"the message must say what is allowed ({hint!r})\n{shown}"


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder``: file contents, None for folders."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(Path(folder).rglob("*")) if not p.is_symlink() or p.exists()}


def refused(capsys, watch: Path, argv: list, key: str | None, allowed=()) -> str:
    """Run ``tradesim *argv``; assert the one-line contract and that nothing under ``watch``
    changed; return the error line."""
    before = snapshot(watch)
    rc, out, err = call(capsys, *argv)
    cmd = "tradesim " + " ".join(map(str, argv))
    assert_one_line_error(rc, out, err, cmd, key, allowed)
    after = snapshot(watch)
    assert after == before, (f"a refused command must write nothing; changed: "
                             f"{sorted(set(after) ^ set(before)) or [k for k in after if after[k] != before[k]]}"
                             f"\ncommand: {cmd}")
    return err.strip()
