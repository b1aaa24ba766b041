"""HTML output: one self-contained page (CSS inline), tables with real rowspan/colspan.

Jinja2 escapes every text; the same page, with its @page rules, is what the PDF is printed
from (pdf.py).
"""

from __future__ import annotations

from functools import cache

import jinja2
from markupsafe import Markup, escape

from nianbao.render.content import Content, Filled, FilledTable
from nianbao.render.style import fonts


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("nianbao.render", "assets"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
    )


def _td(f: Filled) -> Markup:
    c = f.cell
    tag = "th" if f.is_header else "td"
    group = " group" if c.kind == "label" and c.rowspan > 1 else ""
    attrs = f' class="{c.kind}{group}"'
    if c.rowspan > 1:
        attrs += f' rowspan="{c.rowspan}"'
    if c.colspan > 1:
        attrs += f' colspan="{c.colspan}"'
    return Markup(f"<{tag}{attrs}>") + escape(f.text) + Markup(f"</{tag}>")


def _tr(row: tuple[Filled, ...]) -> Markup:
    """A row; a body row of header cells only (表二's 第二十条 items, 信息内容) is kept with the next."""
    head = all(f.is_header or f.cell.kind == "header" for f in row)
    return Markup('<tr class="head">' if head else "<tr>") + Markup("").join(_td(f) for f in row) + Markup("</tr>")


def _widths(t: FilledTable) -> list[str]:
    total = sum(t.layout.weights)
    return [f"{100 * w / total:.2f}" for w in t.layout.weights]


def render_html(content: Content) -> str:
    env = _environment()
    css = env.get_template("report.css.j2").render(fonts=fonts())
    return env.get_template("report.html.j2").render(c=content, css=Markup(css), tr=_tr, widths=_widths)


def render(content: Content) -> bytes:
    return render_html(content).encode("utf-8")
