"""Extractor: Document + templates → Report (pure: no I/O)."""

from __future__ import annotations

import bisect
import re

from nianbao.document import Document, Loc
from nianbao.extract.cells import CellRead
from nianbao.extract.flow import Flow, build
from nianbao.extract.memo import per_object
from nianbao.extract.meta import read_meta
from nianbao.extract.sections import Heading, find_headings
from nianbao.extract.tables import ExtraRow, read_table
from nianbao.extract.version import detect_version, marker_scores
from nianbao.report import SCHEMA_ID, Location, Provenance, Report, Section, Source, YearInfo
from nianbao.template import Template


class _Text:
    """The flow's lines as one string, with offset ↔ line conversions."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.text = "\n".join(flow.lines)
        self.token_lines = [t.line for t in flow.tokens]
        self.starts: list[int] = []
        pos = 0
        for line in flow.lines:
            self.starts.append(pos)
            pos += len(line) + 1

    def line_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def norm_pos(self, offset: int) -> int:
        """The first position in Flow.norm of a token on or after the line holding ``offset``."""
        line = self.line_at(offset)
        tokens = self.flow.tokens
        t = bisect.bisect_left(self.token_lines, line)  # tokens stand in the order of their lines
        # within the line, move past tokens that end before the offset
        while t < len(tokens) and tokens[t].line == line and self._token_end(t) <= offset:
            t += 1
        return self._norm_start(t, offset) if t < len(tokens) else len(self.flow.norm)

    def _token_end(self, t: int) -> int:
        tok = self.flow.tokens[t]
        line_text = self.flow.lines[tok.line]
        start = line_text.find(tok.text) if tok.text else 0
        return self.starts[tok.line] + max(start, 0) + len(tok.text)

    def _norm_start(self, t: int, offset: int) -> int:
        tok = self.flow.tokens[t]
        base = self.flow.token_start[t]
        line_text = self.flow.lines[tok.line]
        tok_off = self.starts[tok.line] + max(line_text.find(tok.text), 0) if tok.text else self.starts[tok.line]
        inside = offset - tok_off
        if inside <= 0:
            return base
        for i, off in enumerate(self.flow.char_offsets[t]):
            if off >= inside:
                return base + i
        return base + len(self.flow.char_offsets[t])

    def loc(self, offset: int) -> Loc:
        return self.flow.line_locs[self.line_at(offset)] if self.flow.lines else Loc()


def extract(doc: Document, source: Source) -> Report:
    flow = build(doc)
    text = _Text(flow)
    # version first from markers alone; the year read below only breaks a tie
    scores = marker_scores(flow.norm)
    guess = detect_version(flow.norm, None, scores)
    headings = find_headings(text.text, guess.template)
    body_line = text.line_at(headings[0].start) if headings else None
    sec1 = _section_text(text.text, headings, 1)
    meta = read_meta(flow.lines, body_line, sec1)
    shift = 0  # lines put in front of the flow's own
    if meta.title is None and doc.meta.get("title"):
        meta = read_meta([doc.meta["title"], *flow.lines], body_line, sec1)
        shift = 1
    guess = detect_version(flow.norm, meta.year, scores)
    template = guess.template
    cells, table_starts, extra_rows = _read_tables(flow, text, template, headings)
    sections = _sections(text, headings, table_starts)
    keys = _cell_keys(template)
    values = {k: cells[k].value for k in keys}
    locs: dict[int, Location] = {}  # the cells of a line share its Loc: each one read once
    provenance = {k: _provenance(cells[k], locs) for k in keys}
    # the models are built here from values that are already what they say: no validation, and every
    # field given (model_construct would look up the defaults of the others, which costs more)
    return Report.model_construct(
        set(_REPORT_GIVEN),
        schema_=SCHEMA_ID,
        findings=[],
        source=source,
        title=meta.title,
        title_loc=_title_loc(flow, meta.title_line, shift),
        agency=meta.agency,
        year=meta.year,
        year_info=YearInfo.model_construct(
            value=meta.year, source=meta.year_source, title_year=meta.title_year, period_year=meta.period_year
        ),
        template=template.version,
        template_evidence=guess.evidence,
        sections=sections,
        values=values,
        provenance=provenance,
        extra_rows=[
            {"table": x.table, "after": x.after, "label": x.label, "values": x.values, "loc": x.loc.to_dict()}
            for x in extra_rows
        ],
        published=doc.meta.get("published"),
    )


def _title_loc(flow: Flow, line: int | None, shift: int) -> Location:
    """Where the title was read: its line, or the page's <title> when it came from there."""
    if line is None:
        return Location()
    if line < shift:
        return Location(field="page_title")
    line -= shift
    return flow.line_locs[line].to_dict() if line < len(flow.line_locs) else Location()


def _section_text(text: str, headings: list[Heading], no: int) -> str:
    for i, h in enumerate(headings):
        if h.no == no:
            end = headings[i + 1].start if i + 1 < len(headings) else len(text)
            return text[h.end : end]
    return ""


def _read_tables(
    flow: Flow, text: _Text, template: Template, headings: list[Heading]
) -> tuple[dict[str, CellRead], dict[int, int], list[ExtraRow]]:
    """Each table inside its section; a table whose heading is missing is looked for
    after the previous table, up to the next heading."""
    cells: dict[str, CellRead] = {}
    extra_rows: list[ExtraRow] = []
    table_starts: dict[int, int] = {}
    by_no = {h.no: i for i, h in enumerate(headings)}
    heading_pos = [text.norm_pos(h.start) for h in headings]
    after_previous = 0
    for table in template.tables:
        i = by_no.get(table.section)
        if i is not None:
            start = text.norm_pos(headings[i].end)
            end = heading_pos[i + 1] if i + 1 < len(headings) else len(flow.norm)
        else:
            start = after_previous
            end = next((p for p in heading_pos if p > start), len(flow.norm))
        read = read_table(flow, table, template, start, end)
        cells.update(read.cells)
        extra_rows += read.extra_rows
        table_starts[table.section] = read.first
        after_previous = max(after_previous, read.last)
    return cells, table_starts, extra_rows


def _sections(text: _Text, headings: list[Heading], table_starts: dict[int, int]) -> list[Section]:
    out = []
    for i, h in enumerate(headings):
        end = headings[i + 1].start if i + 1 < len(headings) else len(text.text)
        body_end = end
        if h.no in table_starts:
            # the prose of a table section stops where its table begins
            first = table_starts[h.no]
            line = text.flow.line_of(first) if first < len(text.flow.norm) else None
            if line is not None:
                body_end = min(end, text.starts[line]) if text.starts[line] >= h.end else h.end
        prose, lines = _clean(text, h.end, body_end)
        loc = text.loc(h.start).to_dict()
        if lines:
            loc["lines"] = lines
        out.append(Section.model_construct(no=h.no, title=h.title.strip(), text=prose, loc=loc))
    return out


_MD_HEADING = re.compile(r"^#{1,6}\s*")


def _clean(text: _Text, start: int, end: int) -> tuple[str, list[int]]:
    """Section prose: lines trimmed, blank lines and Markdown heading marks dropped; and the
    source line of each line kept (so that a finding can point at a sentence's line)."""
    kept: list[str] = []
    where: list[int] = []
    pos = start
    for raw in text.text[start:end].split("\n"):
        line = _MD_HEADING.sub("", raw.replace("\t", " ").strip())
        if line:
            kept.append(line)
            source = text.flow.line_locs[text.line_at(pos)].line
            if source is not None:
                where.append(source)
        pos += len(raw) + 1
    return "\n".join(kept), (where if len(where) == len(kept) else [])


@per_object
def _cell_keys(template: Template) -> list[str]:
    return template.cell_keys()


# the fields a Report was given before it was built without validation (its fields set)
_REPORT_GIVEN = frozenset(Report.model_fields) - {"schema_", "findings"}
_PROVENANCE_FIELDS = frozenset(Provenance.model_fields)


def _provenance(c: CellRead, locs: dict[int, Location]) -> Provenance:
    """A cell's provenance, built as ``Provenance.model_construct`` builds it with every field given,
    but without its per-field look-ups (a report has hundreds of cells; tests/test_extract_models.py
    holds it to what validation builds)."""
    p = Provenance.__new__(Provenance)
    loc = locs.get(id(c.loc))  # the Locs stay alive while the cells do: their ids are theirs
    if loc is None:
        loc = locs[id(c.loc)] = c.loc.to_dict()
    loc = loc.copy()  # each cell its own, as validation made
    if "bbox" in loc:
        loc["bbox"] = list(loc["bbox"])
    fields = {
        "raw": c.raw,
        "status": c.status,
        "loc": loc,
        "note": c.note,
        # each cell its own copy, as validation made: a row's cells share one list of candidates
        "candidates": [dict(x) for x in c.candidates] if c.candidates is not None else None,
        "confidence": float(c.confidence) if c.confidence is not None else None,
        "basis": c.basis,
        "basis_source": c.basis_source,
        "candidates_complete": c.candidates_complete,
    }
    object.__setattr__(p, "__dict__", fields)
    object.__setattr__(p, "__pydantic_fields_set__", set(_PROVENANCE_FIELDS))
    object.__setattr__(p, "__pydantic_extra__", None)
    object.__setattr__(p, "__pydantic_private__", None)
    return p
