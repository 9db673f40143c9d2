"""Rendering: numbers as text, Markdown tables, and Markdown to a standalone HTML page.

Markdown is rendered by markdown-it-py (CommonMark with tables) into a Jinja2 page template;
nothing here reads or writes files.
"""
from __future__ import annotations

import math

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

PAGE = jinja2.Environment(autoescape=True).from_string("""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{ title }}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:auto}img{max-width:100%}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}</style>
</head><body>
{{ body }}
</body></html>
""")


def num(value, unit: str = "") -> str:
    """Readable numbers: thousands separators from 1,000, 4 significant digits below; n/a when undefined."""
    if value is None or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "n/a"
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.2f}" if abs(value) >= 10 else f"{value:.4g}"
    return f"{text} {unit}".strip()


def pct(value) -> str:
    """A relative change as a signed percentage, n/a when undefined."""
    return f"{value:+.1%}" if isinstance(value, (int, float)) and math.isfinite(value) else "n/a"


def ci(low, high, scale: float = 1.0) -> str:
    """``low to high`` of an interval, n/a when it is undefined."""
    if not (isinstance(low, (int, float)) and math.isfinite(low)):
        return "n/a"
    return f"{num(low * scale)} to {num(high * scale)}"


def md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Markdown table lines (first column left-aligned, the rest right-aligned); | in cells escaped."""
    esc = lambda cells: [str(c).replace("|", "\\|") for c in cells]  # noqa: E731
    return ["| " + " | ".join(esc(header)) + " |", "|---" + "|---:" * (len(header) - 1) + "|",
            *("| " + " | ".join(esc(r)) + " |" for r in rows)]


def to_html(markdown: str, title: str) -> str:
    """A standalone HTML page of ``markdown`` (CommonMark plus tables)."""
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return PAGE.render(title=title, body=Markup(body))  # already escaped by markdown-it (html off)
