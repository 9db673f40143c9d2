"""``tradesim report``: figures and report of a folder, drawn from its saved tables."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from sim import output
from sim.cli.errors import UserError


def cmd_report(args: list[str]) -> int:
    if len(args) != 1 or not Path(args[0]).is_dir():
        raise UserError(f"usage: tradesim report DIR (a run or experiment folder); got "
                        f"{' '.join(args) or 'nothing'}")
    output.verify_tree(Path(args[0]))  # a damaged folder is refused with one line
    print(f"report: {build_report(Path(args[0]))}")
    return 0


def build_report(folder: Path) -> Path:
    """Figures and report of ``folder``, drawn by sim.report (imported only when needed)."""
    try:
        from sim.report import build_report as build
    except ImportError as exc:
        if exc.name != "sim.report":
            raise
        raise UserError("tradesim report needs sim/report.py (build_report), which this "
                        "installation does not have yet") from None
    try:
        return build(folder)
    except FileNotFoundError as exc:
        raise UserError(str(exc).splitlines()[0]) from None


def draw_figures(root: Path) -> int:
    """After compare: the report, when sim.report exists; a failure is one line, exit code 1."""
    if importlib.util.find_spec("sim.report") is None:
        print(f"figures: not drawn (sim/report.py is not installed); later: tradesim report {root}")
        return 0
    try:
        print(f"report: {build_report(root)}")
    except Exception as exc:  # the tables are saved; a figure bug must not hide them
        print(f"tradesim: the report failed ({type(exc).__name__}: {exc}); the tables are saved in {root}",
              file=sys.stderr)
        return 1
    return 0
