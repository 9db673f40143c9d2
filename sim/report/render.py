"""Rendering: numbers as text, Markdown tables, and report sections to one self-contained HTML page.

Markdown is rendered by markdown-it-py (CommonMark with tables) into a Jinja2 page template;
figures are embedded as data URIs, so the page needs no other file. Nothing here reads or
writes files.
"""
from __future__ import annotations

import base64
import math
from dataclasses import dataclass

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

PAGE = jinja2.Environment(autoescape=True).from_string("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ title }}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:70em;margin:auto;padding:0 1em;line-height:1.4}
img{max-width:100%;height:auto} .table{overflow-x:auto}
table{border-collapse:collapse;font-size:0.9em} td,th{border:1px solid #ccc;padding:2px 6px}
td{text-align:right} td:first-child{text-align:left} details{margin:0.6em 0}
summary{cursor:pointer;font-weight:bold;font-size:1.1em} .subtitle{color:#444;font-size:1.1em}
</style></head><body>
<h1>{{ title }}</h1>
{% if subtitle %}<p class="subtitle">{{ subtitle }}</p>{% endif %}
{% for section in sections %}
{% if section.fold %}<details><summary>{{ section.title }}</summary>{{ section.html }}</details>
{% else %}<h2>{{ section.title }}</h2>{{ section.html }}{% endif %}
{% endfor %}
</body></html>
""")


@dataclass(frozen=True)
class Section:
    """A part of a report: a title, its Markdown, and whether the HTML page folds it away."""
    title: str
    markdown: str
    fold: bool = False


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


def to_markdown(title: str, subtitle: str, sections: list[Section]) -> str:
    """report.md: the sections one after the other."""
    head = [f"# {title}", "", *([subtitle, ""] if subtitle else [])]
    return "\n".join(head + [f"## {s.title}\n\n{s.markdown.strip()}\n" for s in sections])


def to_html(title: str, subtitle: str, sections: list[Section], images: dict[str, bytes]) -> str:
    """A self-contained HTML page of ``sections`` (CommonMark plus tables): each image whose path
    is a key of ``images`` (PNG bytes) is embedded as a data URI; folded sections are collapsible."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")

    def image(renderer, tokens, idx, options, env):
        src = tokens[idx].attrGet("src")
        if src in images:
            tokens[idx].attrSet("src", "data:image/png;base64," + base64.b64encode(images[src]).decode("ascii"))
        return renderer.image(tokens, idx, options, env)

    md.add_render_rule("image", image)
    wrap = lambda html: html.replace("<table>", '<div class="table"><table>').replace("</table>", "</table></div>")
    parts = [dict(title=s.title, fold=s.fold, html=Markup(wrap(md.render(s.markdown)))) for s in sections]
    return PAGE.render(title=title, subtitle=subtitle, sections=parts)  # escaped by markdown-it (html off)
