"""``tradesim dashboard [DIR] [port=N] [out=DIR]``: the local web app (Solara) on 127.0.0.1.

The folder is checked before the server starts (a mistake is one line, exit code 2); the server
runs until Ctrl-C. Needs the optional extra: ``pip install 'tradesim[dashboard]'``.
"""
from __future__ import annotations

import importlib.util
import os
import socket
import sys
from pathlib import Path

from sim.cli.errors import UserError

USAGE = "usage: tradesim dashboard [DIR] [port=N] [out=DIR] (DIR: a results folder; out: where trials go)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dashboard_settings(args: list[str]) -> tuple[Path | None, int, Path]:
    """The folder to open, the port and the parent of trial folders, checked."""
    from sim.dashboard.explore import open_folder
    settings, folders = {"port": None, "out": "results/dashboard"}, []
    for arg in args:
        key, eq, value = arg.partition("=")
        if eq and key not in settings:
            raise UserError(f"{key}: unknown setting; allowed: {', '.join(settings)} ({USAGE})")
        if eq:
            settings[key] = value
        else:
            folders.append(arg)
    if len(folders) > 1:
        raise UserError(f"dashboard: one folder at most; got {' '.join(folders)} ({USAGE})")
    if settings["port"] is not None and not (settings["port"].isdigit() and 0 < int(settings["port"]) < 65536):
        raise UserError(f"port: a port number 1-65535; got {settings['port']!r}")
    folder = Path(folders[0]) if folders else None
    if folder is not None:
        try:
            open_folder(folder)
        except FileNotFoundError as exc:
            raise UserError(str(exc).splitlines()[0]) from None
    return folder, int(settings["port"] or free_port()), Path(settings["out"])


def cmd_dashboard(args: list[str]) -> int:
    if importlib.util.find_spec("solara") is None:
        raise UserError("dashboard: needs the optional extra: pip install 'tradesim[dashboard]'")
    folder, port, out = dashboard_settings(args)
    env = {**os.environ, "TRADESIM_DASHBOARD_FOLDER": str(folder.resolve()) if folder else "",
           "TRADESIM_DASHBOARD_OUT": str(out.resolve())}
    print(f"dashboard: http://127.0.0.1:{port}/ (Ctrl-C stops it)", flush=True)
    # this process becomes the server, so Ctrl-C and kill reach it directly
    os.execve(sys.executable, [sys.executable, "-m", "solara", "run", "sim.dashboard.app", "--host", "127.0.0.1",
                               "--port", str(port), "--production", "--no-open", "--log-level", "warning"], env)
