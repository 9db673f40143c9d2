"""report.pdf: a title page with the executive summary, the list of figures with their captions,
then one page per figure in that order (matplotlib's PdfPages; the figures as drawn for the
report, vector graphics; deterministic bytes for identical input)."""
from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from sim.figures import WIDTH, style

PAGE_HEIGHT = 8.9  # inches: the text pages (A4 text width x most of a page's height)
LINES_PER_PAGE = 70


def _title_page(title: str, subtitle: str, summary: tuple) -> Figure:
    intro, header, rows, note = summary
    fig = Figure(figsize=(WIDTH, PAGE_HEIGHT))
    fig.text(0.02, 0.97, title, fontsize=13, fontweight="bold", va="top")
    fig.text(0.02, 0.92, "\n".join(textwrap.wrap(subtitle, 95) + [""] + textwrap.wrap(intro, 110)),
             fontsize=8, va="top")
    ax = fig.add_axes((0.02, 0.14, 0.96, 0.62))
    ax.axis("off")
    cells = [[str(c).replace("**", "") for c in row] for row in rows] or [[""] * len(header)]
    table = ax.table(cellText=cells, colLabels=[textwrap.fill(h, 16) for h in header], loc="upper center",
                     cellLoc="right", colLoc="center")
    table.auto_set_font_size(False)
    table.set_fontsize(6)
    table.auto_set_column_width(list(range(len(header))))
    for (i, j), cell in table.get_celld().items():
        cell.set_height(0.045 if i == 0 else 0.03)
        if 0 < i <= len(rows) and str(rows[i - 1][j]).startswith("**"):
            cell.set_text_props(fontweight="bold")  # a finding
    if note:
        fig.text(0.02, 0.1, "\n".join(textwrap.wrap(note.replace("**", ""), 120)), fontsize=7, va="top")
    return fig


def _figure_list(figures: list) -> list[Figure]:
    """Pages listing each figure's number, title and caption."""
    lines = ["Figures (one page each, in this order)", ""]
    for k, (planned, _) in enumerate(figures, start=1):
        lines += textwrap.wrap(f"{k}. {planned.title}. {planned.caption()}", 115, subsequent_indent="    ") + [""]
    pages = []
    for start in range(0, len(lines), LINES_PER_PAGE):
        page = Figure(figsize=(WIDTH, PAGE_HEIGHT))
        page.text(0.02, 0.98, "\n".join(lines[start:start + LINES_PER_PAGE]), fontsize=7, va="top",
                  linespacing=1.25)
        pages.append(page)
    return pages


def report_pdf(title: str, subtitle: str, summary: tuple, figures: list) -> bytes:
    """The PDF bytes of a report: ``summary`` as from :func:`sim.report.overview.executive_table`,
    ``figures`` a list of (planned figure, drawn figure)."""
    buffer = io.BytesIO()
    with style(), PdfPages(buffer, metadata={"CreationDate": None, "Creator": "tradesim"}) as pdf:
        for page in [_title_page(title, subtitle, summary), *_figure_list(figures), *(f for _, f in figures)]:
            pdf.savefig(page)
    return buffer.getvalue()
