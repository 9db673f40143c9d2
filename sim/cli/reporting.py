"""``tradesim report``: figures and report of a folder, drawn from its saved tables."""
from __future__ import annotations

import sys
from pathlib import Path

from sim import output
from sim.cli.errors import UserError


def cmd_report(args: list[str]) -> int:
    """``tradesim report DIR [pdf=true]``."""
    pdf = [a for a in args if a.startswith("pdf=")]
    folders = [a for a in args if a not in pdf]
    if len(folders) != 1 or not Path(folders[0]).is_dir():
        raise UserError(f"usage: tradesim report DIR [pdf=true] (a run, sweep or experiment folder); got "
                        f"{' '.join(args) or 'nothing'}")
    if pdf and pdf[-1] not in ("pdf=true", "pdf=false"):
        raise UserError(f"pdf: must be true or false; got {pdf[-1].partition('=')[2]!r}")
    folder, with_pdf = Path(folders[0]), bool(pdf) and pdf[-1] == "pdf=true"
    output.verify_tree(folder)  # a damaged folder is refused with one line
    report = build_report(folder, pdf=with_pdf)
    print(f"report: {report.with_suffix('.html')} (and report.md{', report.pdf' if with_pdf else ''})")
    return 0


def build_report(folder: Path, pdf: bool = False) -> Path:
    """Figures and report of ``folder`` (sim.report is imported only when needed: matplotlib)."""
    from sim.report.build import build_report as build
    try:
        return build(folder, pdf)
    except FileNotFoundError as exc:
        raise UserError(str(exc).splitlines()[0]) from None


def draw_figures(root: Path) -> int:
    """After compare: the report; a failure is one line, exit code 1 (the tables are saved)."""
    try:
        print(f"report: {build_report(root).with_suffix('.html')}")
    except Exception as exc:  # the tables are saved; a figure bug must not hide them
        print(f"tradesim: the report failed ({type(exc).__name__}: {exc}); the tables are saved in {root}",
              file=sys.stderr)
        return 1
    return 0
