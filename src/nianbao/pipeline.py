"""One report in one pure call: bytes → Report. Files are read only at this edge."""

from __future__ import annotations

import hashlib
from pathlib import Path

from nianbao.errors import E_IO, E_NOT_REPORT, E_TABLE_MISSING, E_TOO_LARGE, NianbaoError
from nianbao.extract import extract
from nianbao.extras import missing
from nianbao.readers import read, too_large
from nianbao.readers.limits import Limits
from nianbao.report import Report, Source

TABLE_NAMES = {
    "active": "表格二（主动公开）",
    "applications": "表格三（依申请公开）",
    "appeals": "表格四（行政复议、行政诉讼）",
}


def parse_bytes(data: bytes, path: str = "<bytes>", limits: Limits | None = None) -> Report:
    """Parse a report's bytes. Raises NianbaoError when nothing of a report can be read;
    a report that is partly readable comes back with the gaps as statuses."""
    try:
        doc = read(data, limits)
        source = Source(
            path=path,
            sha256=hashlib.sha256(data).hexdigest(),
            format=doc.format,
            size=len(data),
            encoding=doc.meta.get("encoding"),
            damaged_lines=_line_numbers(doc.meta.get("damaged_lines")),
        )
        report = extract(doc, source)
        if source.damaged_lines:
            report = _distrust_damaged(report, set(source.damaged_lines))
        _require_report(report)
    except NianbaoError as e:
        raise e.with_path(path) from None
    except ImportError as e:  # a reader of a format whose extra is not installed
        extra = missing(e)
        if extra is None:
            raise
        raise extra.with_path(path) from None
    return report


def _line_numbers(text: str | None) -> list[int] | None:
    return [int(n) for n in text.split(",")] if text else None


def _distrust_damaged(report: Report, damaged: set[int]) -> Report:
    """Cells read from a line that had undecodable bytes become ``unreadable``: the byte may have
    been a digit. Every other cell stays as it was read."""
    values = dict(report.values)
    provenance = dict(report.provenance)
    for key, prov in report.provenance.items():
        if prov.status in ("ok", "blank") and prov.loc.get("line") in damaged:
            values[key] = None
            note = "该行含有无法解码的字节（文件部分损坏），此单元格不能确认"
            provenance[key] = prov.model_copy(update={"status": "unreadable", "note": note})
    return report.model_copy(update={"values": values, "provenance": provenance})


def _require_report(report: Report) -> None:
    """Enough of a report must have been found: its sections and tables, weighed as evidence
    (nianbao.evidence); sections without a single table cell are a report whose tables are lost."""
    from nianbao.evidence import evidence

    found = evidence(report)
    if found.cells == 0 and not found.sections:
        raise NianbaoError(E_NOT_REPORT, "不是政府信息公开工作年度报告（未找到章节和表格）")
    if not found.enough():
        raise NianbaoError(E_NOT_REPORT, f"不是政府信息公开工作年度报告（{found.describe()}，不足以认定为年度报告）")
    if found.cells == 0:
        raise NianbaoError(E_TABLE_MISSING, "未找到任何统计表格")


def parse_file(path: str | Path, limits: Limits | None = None) -> Report:
    """Parse a report file; its size is checked from ``stat`` before a byte is read."""
    p = Path(path)
    limits = limits or Limits()
    try:
        size = p.stat().st_size
        if size > limits.max_bytes:
            raise NianbaoError(E_TOO_LARGE, too_large(size, limits), str(path))
        with p.open("rb") as f:
            data = f.read(limits.max_bytes + 1)  # a file that grew since stat is still bounded
    except OSError as e:
        raise NianbaoError(E_IO, f"无法读取文件：{e.strerror or e}", str(path)) from None
    return parse_bytes(data, str(path), limits)
