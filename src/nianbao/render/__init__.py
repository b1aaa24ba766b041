"""Render a report in the official layout: DOCX, PDF, HTML or Markdown.

``render(report, fmt)`` validates the data (bad data is a NianbaoError E_DATA naming the
field), builds the content once from the template's layout, and hands it to the module of
the output format. The rules of ``nianbao check`` are the caller's to run (``nianbao.cli.render`` runs
them and writes only with --force when they find errors).
"""

from __future__ import annotations

import importlib

from nianbao.errors import E_UNSUPPORTED, NianbaoError
from nianbao.extras import missing
from nianbao.render.content import build
from nianbao.render.validate import validate_report
from nianbao.report import Report

# output format → module with render(content) -> bytes
FORMATS: dict[str, str] = {
    "docx": "nianbao.render.docx",
    "pdf": "nianbao.render.pdf",
    "html": "nianbao.render.html",
    "md": "nianbao.render.markdown",
}
SUFFIXES = {".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


def render(report: Report, fmt: str, preface: str | None = None) -> bytes:
    """The bytes of the report in ``fmt`` (docx, pdf, html, md)."""
    module = FORMATS.get(fmt)
    if module is None:
        raise NianbaoError(E_UNSUPPORTED, f"不支持的输出格式“{fmt}”（可用：{'、'.join(FORMATS)}）")
    validate_report(report)
    content = build(report, preface)
    try:
        return bytes(importlib.import_module(module).render(content))
    except ImportError as e:  # HTML and PDF need the render extra
        extra = missing(e)
        if extra is None:
            raise
        raise extra from None


def format_for(path: str) -> str:
    """The output format named by a file's suffix."""
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix not in SUFFIXES:
        raise NianbaoError(E_UNSUPPORTED, f"无法从文件名判断输出格式：{path}（可用：.docx .pdf .html .md）")
    return SUFFIXES[suffix]
