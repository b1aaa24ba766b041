"""What makes a file a report: evidence of the official format, weighed against a threshold set
here as data.

One table cell is not enough: a notice that mentions 「行政处罚5次」 or a sheet with one labelled
number matches a row of 表二, yet is no report. A report shows its section headings and its
tables; each kind of evidence found counts its weight, and a file below ``MIN_SCORE`` is
E_NOT_REPORT. The weights were set on every sample and fixture (the smallest real case, an HTML
page holding one section and one whole table, scores 4; a notice scores 0 or 1) and keep the blank
official template (six sections, every cell blank) a report.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.report import Report

WEIGHTS: dict[str, int] = {
    "section": 1,  # each of the six section headings found
    "table": 3,  # each table with at least TABLE_MIN_CELLS cells found (read, blank or unreadable)
    "title": 2,  # a title that names 政府信息公开 and ends in 年度报告 (not 「关于……年度报告的通知」)
}
TABLE_MIN_CELLS = 5
MIN_SCORE = 3
TITLE_NAMES = "政府信息公开"
TITLE_ENDS = "年度报告"
TITLE_NOT_STARTS = "关于"  # 「关于……年度报告……的通知」 is a notice about reports


@dataclass(frozen=True)
class Evidence:
    sections: int
    tables: int
    cells: int
    title: bool

    @property
    def score(self) -> int:
        return self.sections * WEIGHTS["section"] + self.tables * WEIGHTS["table"] + WEIGHTS["title"] * int(self.title)

    def enough(self) -> bool:
        return self.score >= MIN_SCORE

    def describe(self) -> str:
        """What was found, in Chinese, for the error's reason."""
        return f"只找到 {self.sections} 个章节、{self.tables} 张表格、{self.cells} 个单元格"


def evidence(report: Report) -> Evidence:
    """The evidence of the format found in a parsed report."""
    per_table: dict[str, int] = {}
    for key, prov in report.provenance.items():
        if prov.status != "missing":
            table = key.split(".", 1)[0]
            per_table[table] = per_table.get(table, 0) + 1
    title = report.title or ""
    return Evidence(
        sections=len(report.sections),
        tables=sum(1 for n in per_table.values() if n >= TABLE_MIN_CELLS),
        cells=sum(per_table.values()),
        title=TITLE_NAMES in title
        and title.strip().endswith(TITLE_ENDS)
        and not title.strip().startswith(TITLE_NOT_STARTS),
    )
