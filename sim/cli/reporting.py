"""``tradesim report``: figures and report of a folder, drawn from its saved tables."""
from __future__ import annotations

import sys
from pathlib import Path

from sim import output
from sim.cli.errors import UserError


def cmd_report(args: list[str]) -> int:
    if len(args) != 1 or not Path(args[0]).is_dir():
        raise UserError(f"usage: tradesim report DIR (a run, sweep or experiment folder); got "
                        f"{' '.join(args) or 'nothing'}")
    output.verify_tree(Path(args[0]))  # a damaged folder is refused with one line
    print(f"report: {build_report(Path(args[0]))}")
    return 0


def build_report(folder: Path) -> Path:
    """Figures and report of ``folder`` (sim.report is imported only when needed: matplotlib)."""
    from sim.report.build import build_report as build
    try:
        return build(folder)
    except FileNotFoundError as exc:
        raise UserError(str(exc).splitlines()[0]) from None


def draw_figures(root: Path) -> int:
    """After compare: the report; a failure is one line, exit code 1 (the tables are saved)."""
    try:
        print(f"report: {build_report(root)}")
    except Exception as exc:  # the tables are saved; a figure bug must not hide them
        print(f"tradesim: the report failed ({type(exc).__name__}: {exc}); the tables are saved in {root}",
              file=sys.stderr)
        return 1
    return 0
