"""The JSON API under /api/v1: parse, check, render, source excerpts, template layouts and
the corpus. Parsing and rendering run in the worker processes (time-limited); the checks and
the corpus modules are imported where they are used."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Body, File, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from nianbao.errors import E_REQUEST, E_UNSUPPORTED, NianbaoError
from nianbao.report import Finding, Report
from nianbao.web.errors import E_NOT_FOUND, ERROR_RESPONSES, error_responses
from nianbao.web.models import (
    CheckResult,
    CorpusHit,
    CorpusPage,
    CorpusReportOut,
    LayoutCellOut,
    LayoutOut,
    RenderFormat,
    SectionLayoutOut,
    SourceExcerpt,
    SourceLineOut,
    StatsGroup,
    StatsOut,
    StatsRule,
    Summary,
    TableLayoutOut,
)
from nianbao.web.state import AppState, state_of
from nianbao.web.store import TOKEN

if TYPE_CHECKING:
    from nianbao.corpus.stats import Stats

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)

DATA_TYPES = {
    "application/json": ".json",
    "application/yaml": ".yaml",
    "application/x-yaml": ".yaml",
    "text/yaml": ".yaml",
    "text/x-yaml": ".yaml",
    "application/toml": ".toml",
}
MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
UPLOAD_HEADER = "X-Nianbao-Upload"
MAX_ID = 2**63 - 1  # database keys and offsets are 64-bit
MIN_YEAR, MAX_YEAR = 1990, 2100  # as the corpus search bounds it
_STRING = {"type": "string"}
_BINARY = {"type": "string", "format": "binary"}
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def _state(request: Request) -> AppState:
    return state_of(request.app)


def display_name(filename: str | None) -> str:
    """The name a browser sent, reduced to something safe to show: its last path part, no
    control characters, at most 200 characters. Never used as a path."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = _UNSAFE_NAME.sub("", unicodedata.normalize("NFC", name)).strip()
    return name[:200] or "上传的文件"


async def _parse_upload(
    request: Request, upload: UploadFile, keep: bool = True, job: Literal["parse", "read"] = "parse"
) -> tuple[Report, str | None]:
    """Parse one uploaded file in a worker (``read``: or take a data file of render as ``nianbao
    check`` does); keep its bytes under a new id for the source view."""
    state = _state(request)
    data = await upload.read()
    name = display_name(upload.filename)
    report: Report = await run_in_threadpool(
        state.pool.run, job, (data, name, state.limits.reader), state.limits.parse_timeout_s
    )
    if not keep:
        return report, None
    meta = await run_in_threadpool(state.store.add, data, name, report.source.format, report.source.sha256)
    return report, meta.id


def summarize(report: Report, findings: list[Finding]) -> Summary:
    cells: dict[str, int] = {}
    for p in report.provenance.values():
        cells[p.status] = cells.get(p.status, 0) + 1
    return Summary(
        agency=report.agency,
        year=report.year,
        template=report.template,
        format=report.source.format,
        errors=sum(f.severity == "error" for f in findings),
        warnings=sum(f.severity == "warning" for f in findings),
        infos=sum(f.severity == "info" for f in findings),
        cells=cells,
    )


def _checked(report: Report, previous: Report | None = None) -> tuple[Report, list[Finding]]:
    """The findings of the checks; a data file's placed at the line or cell each value was typed
    in (as ``nianbao check`` places them)."""
    from nianbao import check
    from nianbao.render.located import relocate

    findings = relocate(report, check(report, previous=previous))
    return report.model_copy(update={"findings": findings}), findings


@router.post(
    "/parse",
    summary="Parse a report file into the JSON contract",
    response_model=Report,
    responses={200: {"headers": {UPLOAD_HEADER: {"description": "id of the stored upload", "schema": _STRING}}}},
)
async def parse(
    request: Request,
    file: Annotated[UploadFile, File(description="a report: text, Markdown, HTML, DOCX, PDF, …")],
    check: Annotated[bool, Query(description="add the findings of the checks")] = False,
) -> JSONResponse:
    report, upload = await _parse_upload(request, file)
    if check:
        report, _ = await run_in_threadpool(_checked, report)
    return JSONResponse(report.to_json_dict(), headers={UPLOAD_HEADER: upload or ""})


@router.post(
    "/check",
    summary="Parse and check a report (and last year's, for the cross-year rules)",
    description="A report file of any format nianbao reads, or a data file of `nianbao render` (YAML, JSON, "
    "TOML, or the workbook of `--template-xlsx`), checked as `nianbao check` checks it: a data file's findings point "
    "at the line or the sheet and cell each value was typed in (`where`, `loc`); a bad data file is E_DATA.",
)
async def check(
    request: Request,
    file: Annotated[UploadFile, File(description="this year's report, or its data file")],
    previous: Annotated[UploadFile | None, File(description="last year's report of the same agency")] = None,
) -> CheckResult:
    report, upload = await _parse_upload(request, file, job="read")
    last = None
    if previous is not None:
        last, _ = await _parse_upload(request, previous, keep=False, job="read")
    report, findings = await run_in_threadpool(_checked, report, last)
    return CheckResult(
        upload=upload,
        name=report.source.path,
        summary=summarize(report, findings),
        findings=findings,
        report=report,
        previous=summarize(last, []) if last is not None else None,
    )


def _draft_report(data: bytes, suffix: str) -> Report:
    """A Report from the data format of ``nianbao render`` (cells left out are 0)."""
    from nianbao.render.inputs import load_bytes, to_report

    report = to_report(load_bytes(data, f"表单数据{suffix}"))
    if report.year is not None and not MIN_YEAR <= report.year <= MAX_YEAR:
        raise NianbaoError(E_REQUEST, f"年度 {report.year} 超出范围（{MIN_YEAR}–{MAX_YEAR}）")
    return report


@router.post("/check/data", summary="Check a report's data (the render data format, or the JSON contract)")
async def check_data(
    data: Annotated[dict[str, Any], Body(description="agency, year, template, sections, values (cell key → number)")],
) -> CheckResult:
    raw = json.dumps(data, ensure_ascii=False).encode("utf-8")

    def work() -> tuple[Report, list[Finding]]:
        return _checked(_draft_report(raw, ".json"))

    report, findings = await run_in_threadpool(work)
    return CheckResult(
        upload=None, name=report.source.path, summary=summarize(report, findings), findings=findings, report=report
    )


def _attachment(name: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name.encode("ascii", "ignore").decode()) or "report"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


_DATA_SCHEMA = {"type": "object", "description": "agency, year, template, preface, sections, values"}


@router.post(
    "/render",
    summary="Render report data as DOCX, PDF, HTML or Markdown",
    response_class=Response,
    responses={200: {"content": {m.split(";")[0]: {"schema": _BINARY} for m in MEDIA.values()}}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _DATA_SCHEMA},
                "application/yaml": {"schema": {"type": "string"}},
            },
        }
    },
)
async def render(
    request: Request, fmt: Annotated[RenderFormat, Query(alias="format", description="output format")] = "docx"
) -> Response:
    from nianbao.render.layout import texts

    state = _state(request)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    suffix = DATA_TYPES.get(media)
    if suffix is None:
        raise NianbaoError(E_UNSUPPORTED, f"不支持的数据类型“{media or '未指明'}”（可用：JSON、YAML、TOML）")
    body = await request.body()
    report = await run_in_threadpool(_draft_report, body, suffix)
    content: bytes = await run_in_threadpool(state.pool.run, "render", (report, fmt), state.limits.render_timeout_s)
    title = texts().title.format(agency=report.agency, year=report.year)
    return Response(content, media_type=MEDIA[fmt], headers={"Content-Disposition": _attachment(f"{title}.{fmt}")})


@router.get(
    "/uploads/{upload}/source",
    summary="The source text around a location of an uploaded file",
    responses=error_responses(404),
)
async def source(
    request: Request,
    upload: Annotated[str, Path(description="id from parse or check")],
    line: Annotated[int | None, Query(ge=1)] = None,
    page: Annotated[int | None, Query(ge=1)] = None,
    table: Annotated[int | None, Query(ge=0)] = None,
    row: Annotated[int | None, Query(ge=0)] = None,
    sheet: Annotated[str | None, Query(max_length=31, description="a workbook's sheet (with cell)")] = None,
    cell: Annotated[str | None, Query(pattern=r"^[A-Z]{1,3}[1-9][0-9]{0,6}$", description="a cell, e.g. D29")] = None,
    context: Annotated[int, Query(ge=0, le=30)] = 4,
) -> SourceExcerpt:
    from nianbao.web.source import SourceLine, excerpt

    state = _state(request)
    meta = state.store.meta(upload) if TOKEN.match(upload) else None
    if meta is None:
        raise NianbaoError(E_NOT_FOUND, "找不到该上传文件（可能已过期，请重新上传）")
    lines = state.store.lines(upload)
    if lines is None:
        data = state.store.data(upload)
        if data is None:
            raise NianbaoError(E_NOT_FOUND, "找不到该上传文件（可能已过期，请重新上传）")
        read: list[SourceLine] = await run_in_threadpool(
            state.pool.run, "source", (data, state.limits.reader), state.limits.parse_timeout_s
        )
        state.store.save_lines(upload, read)
        lines = read
    given = {"line": line, "page": page, "table": table, "row": row, "sheet": sheet, "cell": cell}
    loc = {k: v for k, v in given.items() if v is not None}
    part = excerpt(lines, loc, context)
    return SourceExcerpt(
        upload=meta.id,
        name=meta.name,
        format=meta.format,
        lines=[SourceLineOut(**s.__dict__, focus=f) for s, f in zip(part.lines, part.focus, strict=True)],
    )


@router.get("/templates", summary="The template versions")
async def templates() -> list[str]:
    from nianbao.template import available

    return list(available())


@router.get(
    "/templates/{version}/layout", summary="A template's tables in the official layout", responses=error_responses(404)
)
async def template_layout(version: Annotated[str, Path(description="2021 or 2019")]) -> LayoutOut:
    from nianbao.render.layout import layout
    from nianbao.render.validate import required_sections
    from nianbao.template import available

    if version not in available():
        raise NianbaoError(E_NOT_FOUND, f"未知的模板版本“{version}”（可用：{'、'.join(available())}）")
    plan = layout(version)
    template = plan.template
    return LayoutOut(
        template=template.version,
        name=template.name,
        basis=template.basis,
        sections=[
            SectionLayoutOut(
                no=s.no,
                heading=s.heading,
                tables=[
                    TableLayoutOut(
                        key=t.key,
                        width=t.width,
                        header_rows=t.header_rows,
                        rows=[[LayoutCellOut(**c.__dict__) for c in row] for row in t.rows],
                    )
                    for t in s.tables
                ],
            )
            for s in plan.sections
        ],
        kinds={k: template.column(k).kind for k in template.cell_keys()},
        cells={k: template.describe(k) for k in template.cell_keys()},
        required_sections=required_sections(template),
    )


@router.get(
    "/corpus/search", summary="Reports in the corpus database, by agency and year", responses=error_responses(503)
)
async def corpus_search(
    request: Request,
    agency: Annotated[str | None, Query(max_length=100, description="part of the agency's name")] = None,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> CorpusPage:
    from nianbao.web.corpus import search

    state = _state(request)

    def work() -> CorpusPage:
        page = search(state.corpus(), (agency or "").strip() or None, year, limit, offset)
        return CorpusPage(total=page.total, items=[CorpusHit(**h.__dict__) for h in page.items], years=page.years)

    return await run_in_threadpool(work)


@router.get(
    "/corpus/reports/{report_id}",
    summary="One report of the corpus with its findings",
    responses=error_responses(404, 503),
)
async def corpus_report(request: Request, report_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> CorpusReportOut:
    from nianbao.web.corpus import detail

    state = _state(request)
    found = await run_in_threadpool(lambda: detail(state.corpus(), report_id))
    return CorpusReportOut(
        id=found.id,
        previous_id=found.previous_id,
        summary=summarize(found.report, found.findings),
        findings=found.findings,
        report=found.report,
    )


@router.get(
    "/corpus/stats",
    summary="Totals and distributions over the corpus (as `nianbao corpus stats`)",
    responses=error_responses(503),
)
async def corpus_stats(
    request: Request, by: Annotated[Literal["year", "region", "agency"] | None, Query()] = None
) -> StatsOut:
    from nianbao.web.corpus import stats

    state = _state(request)
    computed = await run_in_threadpool(lambda: stats(state.corpus(), by))
    return stats_out(computed)


def stats_out(s: Stats) -> StatsOut:
    lay = s.layout
    total = lay.appeal_total
    return StatsOut(
        by=s.by,
        groups=[
            StatsGroup(
                name=g.name,
                reports=g.reports,
                reports_with_errors=g.errors,
                received=g.get(lay.received),
                carried_over=g.get(lay.carried_over),
                results_total=g.get(lay.results_total),
                carried_forward=g.get(lay.carried_forward),
                granted_share=s.granted_share(g),
                partial_share=s.partial_share(g),
                corrected_share=s.corrected_share(g),
                outcomes=s.outcomes(g),
                appeals={label: s.appeal(g, row, total) for row, label in lay.appeal_groups},
            )
            for g in s.groups
        ],
        rules=[StatsRule(**r.__dict__) for r in s.rules],
    )
