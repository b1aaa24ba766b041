"""The data a report is rendered from, whatever it was written in.

- a YAML or TOML file a person writes: agency, year, the prose of each section, the cells
  (flat ``applications.new.total: 3`` or nested); any cell left out is 0;
- the JSON contract (``nianbao parse --json``), or the same person format in JSON;
- an Excel workbook written by ``nianbao render --template-xlsx`` (workbook.py);
- any report file ``nianbao parse`` reads (re-rendering a published report).

Everything becomes a ``Draft`` (only what was given), then a ``Report`` (cells left out = 0).
``from_previous`` starts a new year's draft from last year's report.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from nianbao.errors import E_DATA, E_IO, NianbaoError
from nianbao.extract.normalize import norm_label
from nianbao.render.content import table_section_prose
from nianbao.render.layout import layout, numbered, texts
from nianbao.render.reflow import mark_numbers, reflow, skeleton, strip_signature
from nianbao.render.validate import coerce, raise_if, unknown_keys
from nianbao.report import Location, Number, Provenance, Report, Section, Source
from nianbao.template import Template, available, load, template_for_year

FIELDS = ("agency", "year", "template", "preface", "sections", "values")
DATA_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json"}


@dataclass
class Draft:
    """A report as given: absent fields are None, absent cells are not in ``values``."""

    source: Source
    agency: str | None = None
    year: int | None = None
    template: str | None = None
    preface: str | None = None
    sections: dict[int, str] = field(default_factory=dict)
    values: dict[str, Number] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)  # cells the source has but could not read
    # where each cell was written in a data file ({"line": 42} or {"sheet": "表三", "cell": "C12"}),
    # so that a finding points at the line or cell a person typed it in
    where: dict[str, Location] = field(default_factory=dict)

    def version(self) -> str:
        if self.template:
            return self.template
        return template_for_year(self.year).version


def _source(path: str, data: bytes, fmt: str) -> Source:
    return Source(path=path, sha256=hashlib.sha256(data).hexdigest(), format=fmt, size=len(data))


# ---- the person format (YAML, TOML, JSON) ------------------------------------------------


def _flatten(obj: object, prefix: str, out: dict[str, object], problems: list[str]) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out, problems)
    elif prefix:
        out[prefix] = obj
    else:
        problems.append("values 应为“单元格键: 数值”的映射")


def section_number(template: Template, key: object) -> int | None:
    """1–6 from a number, "一、总体情况", "总体情况" or a title variant."""
    if isinstance(key, int) and not isinstance(key, bool):
        return key if any(s.no == key for s in template.sections) else None
    text = norm_label(str(key))
    if text.isdigit():
        return section_number(template, int(text))
    for s in template.sections:
        for title in s.titles:
            if text in (norm_label(title), norm_label(numbered(s.no, title))):
                return s.no
    return None


def from_mapping(raw: object, source: Source) -> Draft:
    """A Draft from the person format, every problem named (E_DATA)."""
    if not isinstance(raw, dict):
        raise NianbaoError(E_DATA, "数据文件的顶层应为映射（agency、year、sections、values 等字段）")
    problems = [f"未知的字段“{k}”（可用：{'、'.join(FIELDS)}）" for k in raw if k not in FIELDS]
    draft = Draft(source=source)
    agency = raw.get("agency")
    if agency is not None and not isinstance(agency, str):
        problems.append(f"机关名称（agency）应为文字，填写的是“{agency}”")
    draft.agency = agency if isinstance(agency, str) else None
    year = raw.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        problems.append(f"年度（year）应为整数，填写的是“{year}”")
    draft.year = year if isinstance(year, int) and not isinstance(year, bool) else None
    version = raw.get("template")
    if version is not None and str(version) not in available():
        problems.append(f"未知的模板版本（template）“{version}”（可用：{'、'.join(available())}）")
    draft.template = str(version) if version is not None and str(version) in available() else None
    preface = raw.get("preface")
    if preface is not None and not isinstance(preface, str):
        problems.append("前言（preface）应为文字")
    draft.preface = preface.strip() or None if isinstance(preface, str) else None
    template = load(draft.version())
    sections = raw.get("sections") or {}
    if not isinstance(sections, dict):
        problems.append("sections 应为“章节: 正文”的映射（章节写 1—6 或标题）")
        sections = {}
    for key, text in sections.items():
        no = section_number(template, key)
        if no is None:
            problems.append(f"未知的章节“{key}”（写 1—6 或章节标题）")
        elif not isinstance(text, str):
            problems.append(f"章节“{numbered(no, template.sections[no - 1].title)}”的正文应为文字")
        elif text.strip():
            draft.sections[no] = text.strip()
    flat: dict[str, object] = {}
    _flatten(raw.get("values") or {}, "", flat, problems)
    problems += unknown_keys(template, list(flat))
    known = set(template.cell_keys())
    for key, value in flat.items():
        if key in known:
            number, why = coerce(template, key, value)
            if why:
                problems.append(why)
            elif number is not None:
                draft.values[key] = number
    raise_if(problems)
    return draft


def _translate(e: ValidationError) -> list[str]:
    out = []
    for err in e.errors():
        where = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            out.append(f"未知的字段“{where}”")
        elif err["type"] == "missing":
            out.append(f"缺少字段“{where}”")
        else:
            out.append(f"字段“{where}”的值“{err.get('input')}”无效")
    return out


def from_contract(raw: dict[str, Any], source: Source) -> Draft:
    """A Draft from the JSON contract of ``nianbao parse --json``."""
    version = str(raw.get("template") or "2021")
    if version not in available():
        raise NianbaoError(E_DATA, f"未知的模板版本（template）“{version}”")
    template = load(version)
    values = raw.get("values")
    problems: list[str] = []
    numbers: dict[str, Number] = {}
    if isinstance(values, dict):
        problems += unknown_keys(template, list(values))
        for key in template.cell_keys():
            number, why = coerce(template, key, values.get(key))
            if why:
                problems.append(why)
            elif number is not None:
                numbers[key] = number
    raise_if(problems)
    try:
        report = Report.model_validate({**raw, "values": {k: numbers.get(k) for k in template.cell_keys()}})
    except ValidationError as e:
        raise_if(_translate(e))
        raise
    return from_report(report, source)


def from_report(report: Report, source: Source | None = None) -> Draft:
    """A Draft from a parsed report: cells it could not read stay missing, not 0; a table
    section's text loses a table header the extractor left in it; the prose is re-flowed into
    paragraphs (the printed lines of a PDF joined, the report's own paragraphs kept)."""
    plan = layout(report.template or "2021")
    tables = {s.no: s.tables for s in plan.sections}
    return Draft(
        source=source or report.source,
        agency=report.agency,
        year=report.year,
        template=report.template,
        sections={
            s.no: text
            for s in report.sections
            if (text := reflow(strip_signature(table_section_prose(s.text, tables.get(s.no, ())), report.agency)))
        },
        values={k: v for k, v in report.values.items() if v is not None},
        missing={k for k, v in report.values.items() if v is None},
    )


# ---- reading files -------------------------------------------------------------------------


def _parse_text(data: bytes, fmt: str, path: str) -> object:
    from nianbao.datalimits import check_data  # size and nesting bounded before a loader recurses

    check_data(data, path=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NianbaoError(E_DATA, "数据文件不是 UTF-8 编码", path) from None
    try:
        if fmt == "yaml":
            return yaml.safe_load(text)
        if fmt == "toml":
            return tomllib.loads(text)
        return json.loads(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f"第{mark.line + 1}行" if mark else ""
        raise NianbaoError(E_DATA, f"YAML 格式错误{where}：{e.problem}", path) from None
    except (yaml.YAMLError, tomllib.TOMLDecodeError, json.JSONDecodeError) as e:
        raise NianbaoError(E_DATA, f"{fmt.upper()} 格式错误：{e}", path) from None


def load_bytes(data: bytes, path: str) -> Draft:
    """A Draft from a data file or any report file, told apart by the file name's suffix
    (data files) and then by the bytes (workbooks and reports)."""
    suffix = Path(path).suffix.lower()
    fmt = DATA_SUFFIXES.get(suffix)
    try:
        if fmt:
            raw = _parse_text(data, fmt, path)
            source = _source(path, data, fmt)
            if fmt == "json" and isinstance(raw, dict) and "schema" in raw:
                return from_contract(raw, source)
            if isinstance(raw, list):
                raise NianbaoError(E_DATA, "文件中有多份报告，请只给一份")
            draft = from_mapping(raw, source)
            if fmt == "yaml":
                from nianbao.render.yamlfile import lines

                at = lines(data.decode("utf-8-sig"))
                draft.where = {k: {"line": at[k]} for k in draft.values if k in at}
            return draft
        from nianbao.render import workbook

        if workbook.is_render_workbook(data):
            return workbook.read(data, _source(path, data, "xlsx"))
        from nianbao.pipeline import parse_bytes

        return from_report(parse_bytes(data, path))
    except NianbaoError as e:
        raise e.with_path(path) from None


def load_file(path: str | Path) -> Draft:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise NianbaoError(E_IO, f"无法读取文件：{e.strerror or e}", str(path)) from None
    return load_bytes(data, str(path))


# ---- from last year ------------------------------------------------------------------------


def from_previous(last: Draft, given: Draft | None = None) -> Draft:
    """This year's draft: last year's prose and agency, year + 1, last year's carried-forward
    applications as this year's carried-over, documents in force carried with this year's
    issued and repealed; then everything ``given`` says overrides. Last year's prose is carried
    with its figures flagged for updating, and a prose section it lacked starts from the format's
    headings."""
    year = last.year + 1 if last.year is not None else None
    version = given.template if given and given.template else template_for_year(year).version
    carried = {no: mark_numbers(reflow(text), last.year, year) for no, text in last.sections.items()}
    with_table = {t.section for t in load(version).tables}
    for no, text in skeleton().items():
        if no not in with_table and not carried.get(no, "").strip():
            carried[no] = text
    base = Draft(
        source=given.source if given else last.source,
        agency=last.agency,
        year=year,
        template=version,
        preface=None,
        sections=carried,
    )
    if given:
        base.agency = given.agency or base.agency
        base.year = given.year or base.year
        base.preface = given.preface
        base.sections.update(given.sections)
        base.values.update(given.values)
    if given:
        base.missing = set(given.missing)
    template = load(base.version())
    last_keys = set(load(last.version()).cell_keys())
    for x in template.cross_year:  # this = sum(last year's) + sum(this year's add) − sum(this year's subtract)
        if x.this_key in base.values or not set(x.last_keys) <= last_keys:
            continue
        if any(k in last.missing for k in x.last_keys):
            base.missing.add(x.this_key)
            continue
        last_total = sum(last.values.get(k, 0) for k in x.last_keys)
        change = sum(base.values.get(k, 0) for k in x.add) - sum(base.values.get(k, 0) for k in x.subtract)
        base.values[x.this_key] = last_total + change
    return base


# ---- to a Report, and back to the person format ---------------------------------------------


def to_report(draft: Draft) -> Report:
    """The Report of a draft: every cell the draft leaves out is 0 (status blank)."""
    template = load(draft.version())
    values: dict[str, Number | None] = {}
    provenance: dict[str, Provenance] = {}
    for key in template.cell_keys():
        where = Location(file=draft.source.path, **draft.where.get(key, Location()))
        if key in draft.values:
            values[key] = draft.values[key]
            provenance[key] = Provenance(raw=str(draft.values[key]), status="ok", loc=where)
        elif key in draft.missing:
            values[key] = None
            provenance[key] = Provenance(raw=None, status="missing", loc=where, note="来源中未能读出")
        else:
            values[key] = 0
            provenance[key] = Provenance(raw=None, status="blank", loc=where, note="未填写，按0计")
    title = None
    if draft.agency and draft.year:
        title = texts().title.format(agency=draft.agency, year=draft.year)
    return Report(
        source=draft.source,
        title=title,
        agency=draft.agency,
        year=draft.year,
        template=template.version,
        sections=[Section(no=s.no, title=s.title, text=draft.sections.get(s.no, "")) for s in template.sections],
        values=values,
        provenance=provenance,
    )


def to_yaml(draft: Draft) -> str:
    """The person format of a draft (render/yamlfile.py): every cell written out in the template's
    order, each with its Chinese label and unit as a comment."""
    from nianbao.render.yamlfile import dump_draft

    return dump_draft(draft)
