"""The JSON API under /api/v1: parse, check, render, source excerpts, template layouts and
the corpus. Parsing and rendering run in the worker processes (time-limited); the checks and
the corpus modules are imported where they are used. Each route is described in Chinese, with
examples, for the API page (/docs)."""

from __future__ import annotations

import json
import os
import pathlib
import re
import unicodedata
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from nianbao.errors import E_REQUEST, E_UNSUPPORTED, NianbaoError
from nianbao.report import Finding, Report
from nianbao.web.errors import E_NOT_FOUND, ERROR_RESPONSES, error_responses
from nianbao.web.models import (
    MEDIA_TYPES,
    CheckResult,
    CorpusCrossFinding,
    CorpusHit,
    CorpusPage,
    CorpusReportOut,
    CorpusYear,
    LayoutCellOut,
    LayoutOut,
    RenderFormat,
    RenderProblem,
    SectionLayoutOut,
    Selection,
    Sort,
    SourceExcerpt,
    SourceLineOut,
    StatsGroup,
    StatsOut,
    StatsRule,
    Status,
    Summary,
    TableLayoutOut,
)
from nianbao.web.state import AppState, state_of
from nianbao.web.store import TOKEN

if TYPE_CHECKING:
    from nianbao.corpus.stats import Stats

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
OPENAPI_TAGS = [  # the API page's groups, in this order
    {"name": "解析与检查", "description": "上传年报或数据文件，得到 JSON 数据和检查发现；查看问题所在的原文"},
    {"name": "生成报告", "description": "由报告数据生成官方格式的 Word、PDF、HTML 或 Markdown"},
    {"name": "模板", "description": "年报格式版本及其表格的官方版式"},
    {"name": "年报库", "description": "检索 nianbao corpus ingest 建立的年报库，查看汇总统计"},
]

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
    tags=["解析与检查"],
    summary="解析年报文件，得到 JSON 数据",
    description="上传一份年度报告（文本、Markdown、HTML、Word、PDF 等），返回与 `nianbao parse --json` 相同的 JSON："
    "机关、年度、格式版本、各章节正文、表格每个单元格的数值及其来源（原文、页码、行号）。"
    "响应头 `X-Nianbao-Upload` 是保存的上传文件编号，可用于查看原文。",
    response_model=Report,
    responses={
        200: {
            "headers": {
                UPLOAD_HEADER: {"description": "保存的上传文件编号（用于 /uploads/{id}/source）", "schema": _STRING}
            }
        }
    },
)
async def parse(
    request: Request,
    file: Annotated[UploadFile, File(description="年度报告文件：文本、Markdown、HTML、DOCX、PDF 等")],
    check: Annotated[bool, Query(description="同时运行检查，把发现的问题写入 findings")] = False,
) -> JSONResponse:
    report, upload = await _parse_upload(request, file)
    if check:
        report, _ = await run_in_threadpool(_checked, report)
    return JSONResponse(report.to_json_dict(), headers={UPLOAD_HEADER: upload or ""})


@router.post(
    "/check",
    tags=["解析与检查"],
    summary="解析并检查一份年报（可附上一年度报告，做跨年度核对）",
    description="上传任一可读格式的年度报告，或 `nianbao render` 的数据文件（YAML、JSON、TOML，或 `--template-xlsx` "
    "生成的 Excel 工作簿），按 `nianbao check` 的规则检查：表格各项之和、跨表一致、正文要素等。"
    "数据文件的问题指向填写该数值的行或工作表单元格（`where`、`loc`）；无法读取的数据文件返回 E_DATA。"
    "附上同一机关上一年度的报告时，另做跨年度核对（如上年结转与本年结转是否衔接）。",
)
async def check(
    request: Request,
    file: Annotated[UploadFile, File(description="本年度报告，或其数据文件")],
    previous: Annotated[UploadFile | None, File(description="同一机关上一年度的报告（可选）")] = None,
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


def render_problems(report: Report) -> list[RenderProblem]:
    """What ``/render`` refuses in a report made from data, each named (``render.validate.problems``,
    the list the renderers refuse with): the live check of the form shows it (``required``) and
    the download refuses with it, so the two always agree. Beside its cell a message needs no key."""
    from nianbao.render.validate import problems

    return [
        RenderProblem(field=p.field, key=p.key, message=p.message.replace(f"（{p.key}）", "") if p.key else p.message)
        for p in problems(report)
    ]


def _usable(data: dict[str, Any]) -> tuple[dict[str, Any], list[RenderProblem]]:
    """A draft of the form with what cannot be used taken out and named — a cell that is not a
    number of its column's kind, a year that is not one — so that the rest is still checked."""
    from nianbao.render.validate import coerce
    from nianbao.template import available, load, template_for_year

    data = dict(data)
    problems: list[RenderProblem] = []
    year = data.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR):
        message = f"年度（year）应为{MIN_YEAR}—{MAX_YEAR}之间的整数，填写的是“{year}”"
        problems.append(RenderProblem(field="year", message=message))
        del data["year"]
        year = None
    version = str(data.get("template"))
    template = load(version if version in available() else template_for_year(year).version)
    values = data.get("values")
    if isinstance(values, dict):
        known = set(template.cell_keys())
        kept: dict[str, Any] = {}
        for key, raw in values.items():
            if key in known:
                _, why = coerce(template, key, raw)
                if why:
                    problems.append(
                        RenderProblem(field=f"values.{key}", key=key, message=why.replace(f"（{key}）", ""))
                    )
                    continue
            kept[key] = raw
        data["values"] = kept
    return data, problems


def _render_report(body: bytes, suffix: str) -> Report:
    """The report /render draws, or E_DATA listing what the form's live check lists in ``required``
    for the same data (a JSON body is read as /check/data?draft=true reads it)."""
    from nianbao.render.validate import raise_if

    problems: list[RenderProblem] = []
    if suffix == ".json":
        try:
            data = json.loads(body)
        except ValueError:
            data = None  # the loader says what is wrong with it
        if isinstance(data, dict):
            data, problems = _usable(data)
            body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    report = _draft_report(body, suffix)
    raise_if([p.message for p in problems + render_problems(report)])
    return report


_FORM_VALUES = {
    "applications.new.natural_person": 3,
    "applications.new.total": 3,
    "applications.granted.natural_person": 3,
    "applications.granted.total": 3,
    "applications.results_total.natural_person": 3,
    "applications.results_total.total": 3,
}
_FORM_EXAMPLE: dict[str, object] = {
    "agency": "某某县科学技术局",
    "year": 2024,
    "template": "2021",
    "sections": {
        "1": "本年度主动公开工作有序开展。",
        "5": "存在问题：政策解读不足。改进措施：加强解读。",
        "6": "本年度未收取信息处理费。",
    },
    "values": _FORM_VALUES,
}
_DATA_EXAMPLES = {
    "完整的表单": {"summary": "填好的报告数据（各项相符，可下载）", "value": _FORM_EXAMPLE},
    "总计不符": {
        "summary": "新收申请总计与各列之和不符",
        "value": {**_FORM_EXAMPLE, "values": {**_FORM_VALUES, "applications.new.total": 4}},
    },
    "草稿": {
        "summary": "未写完的草稿（draft=true 时不可用的数值列入 required）",
        "value": {"agency": "某某县科学技术局", "template": "2021", "values": {"applications.new.other": "x"}},
    },
}


@router.post(
    "/check/data",
    tags=["解析与检查"],
    summary="检查表单数据（填写报告页面边填边检查）",
    description="报告数据（`nianbao render` 的数据格式，或 JSON 契约）按 `nianbao check` 检查。`required` 列出 "
    "`/render` 还会拒绝的内容（缺少机关、年度、必需章节，或不是数字的单元格），与下载使用同一判断。"
    "`draft=true`（表单用）时，不可用的数值和年度不会使整份数据被拒绝，而是列入 `required`，其余照常检查。",
)
async def check_data(
    data: Annotated[
        dict[str, Any],
        Body(
            description="agency、year、template、sections、values（单元格键 → 数值）", openapi_examples=_DATA_EXAMPLES
        ),
    ],
    draft: Annotated[bool, Query(description="草稿：不可用的数值列入 required 而不拒绝整份数据（表单用）")] = False,
) -> CheckResult:
    def work() -> tuple[Report, list[Finding], list[RenderProblem]]:
        given, problems = _usable(data) if draft else (data, [])
        raw = json.dumps(given, ensure_ascii=False).encode("utf-8")
        report, findings = _checked(_draft_report(raw, ".json"))
        return report, findings, problems + render_problems(report)

    report, findings, required = await run_in_threadpool(work)
    return CheckResult(
        upload=None,
        name=report.source.path,
        summary=summarize(report, findings),
        findings=findings,
        report=report,
        required=required,
    )


def _attachment(name: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name.encode("ascii", "ignore").decode()) or "report"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


_DATA_SCHEMA = {"type": "object", "description": "agency, year, template, preface, sections, values"}


_YAML_EXAMPLE = """agency: 某某县科学技术局
year: 2024
sections:
  1: 本年度主动公开工作有序开展。
  5: 存在问题：政策解读不足。改进措施：加强解读。
  6: 本年度未收取信息处理费。
values:
  applications.new.natural_person: 3
  applications.new.total: 3
"""


@router.post(
    "/render",
    tags=["生成报告"],
    summary="把报告数据生成 DOCX、PDF、HTML 或 Markdown",
    description="按官方格式排版（GB/T 9704 公文格式，表格为模板的官方版式）。请求正文为 JSON、YAML 或 TOML 数据；"
    "未填写的单元格按 0 计。缺少机关名称、年度或必需章节的内容时返回 E_DATA，列出的内容与 `/check/data` 的 "
    "`required` 相同。",
    response_class=Response,
    responses={200: {"content": {m.split(";")[0]: {"schema": _BINARY} for m in MEDIA.values()}}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _DATA_SCHEMA, "example": _FORM_EXAMPLE},
                "application/yaml": {"schema": {"type": "string"}, "example": _YAML_EXAMPLE},
            },
        }
    },
)
async def render(
    request: Request,
    fmt: Annotated[RenderFormat, Query(alias="format", description="输出格式：docx、pdf、html 或 md")] = "docx",
) -> Response:
    from nianbao.render.layout import texts

    state = _state(request)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    suffix = DATA_TYPES.get(media)
    if suffix is None:
        raise NianbaoError(E_UNSUPPORTED, f"不支持的数据类型“{media or '未指明'}”（可用：JSON、YAML、TOML）")
    body = await request.body()
    report = await run_in_threadpool(_render_report, body, suffix)
    content: bytes = await run_in_threadpool(state.pool.run, "render", (report, fmt), state.limits.render_timeout_s)
    title = texts().title.format(agency=report.agency, year=report.year)
    return Response(content, media_type=MEDIA[fmt], headers={"Content-Disposition": _attachment(f"{title}.{fmt}")})


@router.get(
    "/uploads/{upload}/source",
    tags=["解析与检查"],
    summary="上传文件中某一位置附近的原文",
    description="按问题或单元格的位置（行号；页码；表格与行；工作表与单元格）取出原文的几行，所指的行标为 focus。"
    "上传文件只保留有限的数量和时间，过期后返回 404。",
    responses=error_responses(404),
)
async def source(
    request: Request,
    upload: Annotated[str, Path(description="parse 或 check 返回的上传文件编号")],
    line: Annotated[
        int | None, Query(ge=1, description="行号（从 1 起）", openapi_examples={"第12行": {"value": 12}})
    ] = None,
    page: Annotated[int | None, Query(ge=1, description="页码（PDF、DOCX，从 1 起）")] = None,
    table: Annotated[int | None, Query(ge=0, description="文件中的第几个表格（从 0 起）")] = None,
    row: Annotated[int | None, Query(ge=0, description="表格中的第几行（从 0 起）")] = None,
    sheet: Annotated[str | None, Query(max_length=31, description="工作簿的工作表名（与 cell 一起）")] = None,
    cell: Annotated[
        str | None,
        Query(
            pattern=r"^[A-Z]{1,3}[1-9][0-9]{0,6}$",
            description="单元格，如 D29",
            openapi_examples={"D29": {"value": "D29"}},
        ),
    ] = None,
    context: Annotated[int, Query(ge=0, le=30, description="所指位置前后各取几行")] = 4,
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


@router.get(
    "/templates",
    tags=["模板"],
    summary="模板版本列表",
    description="可用的年报格式版本，新的在前（2021：国办公开办函〔2021〕30号）。",
)
async def templates() -> list[str]:
    from nianbao.template import available

    return list(available())


@router.get(
    "/templates/{version}/layout",
    tags=["模板"],
    summary="模板表格的官方版式",
    description="表二、表三、表四按官方格式的合并单元格、表头与行列标签，每个填写单元格的键、类型（计数、金额、增减）"
    "和中文名称（如 表三“（七）总计”行“自然人”列），以及只有正文的必需章节。",
    responses=error_responses(404),
)
async def template_layout(
    version: Annotated[
        str,
        Path(
            description="格式版本：2021 或 2019",
            openapi_examples={"2021": {"value": "2021"}, "2019": {"value": "2019"}},
        ),
    ],
) -> LayoutOut:
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


def corpus_selection(
    agency: Annotated[
        str | None,
        Query(max_length=100, description="机关名称的一部分", openapi_examples={"科技局": {"value": "科技"}}),
    ] = None,
    year: Annotated[
        int | None, Query(ge=1990, le=2100, description="年度", openapi_examples={"2023": {"value": 2023}})
    ] = None,
    region: Annotated[
        str | None,
        Query(
            max_length=100,
            description="地区：省或省/市（地区路径的开头，按整段匹配）",
            openapi_examples={"洛阳市": {"value": "河南省/洛阳市"}},
        ),
    ] = None,
    template: Annotated[str | None, Query(pattern=r"^\d{4}$", description="格式版本（模板年份）")] = None,
    status: Annotated[Status | None, Query(description="errors 有错误的报告，clean 无错误的报告")] = None,
    sort: Annotated[
        Sort | None,
        Query(
            description="排序列：agency 机关、year 年度、region 地区、template 格式版本、errors 错误数、warnings 警告数"
        ),
    ] = None,
    order: Annotated[Literal["asc", "desc"], Query(description="asc 升序，desc 降序")] = "asc",
) -> Selection:
    return Selection(
        agency=(agency or "").strip() or None,
        year=year,
        region=(region or "").strip().strip("/") or None,
        template=template,
        status=status,
        sort=sort,
        desc=order == "desc",
    )


@router.get(
    "/corpus/search",
    tags=["年报库"],
    summary="按机关、年度、地区、格式版本、有无错误检索年报库",
    description="年报库（`nianbao corpus ingest` 建立）中符合条件的报告（机关名称按原文或规范化名称包含所给文字），"
    "附错误、警告数，可按各列排序。年报库尚未建立时返回 503（E_CORPUS）。",
    responses=error_responses(400, 503),
)
async def corpus_search(
    request: Request,
    sel: Annotated[Selection, Depends(corpus_selection)],
    limit: Annotated[int, Query(ge=1, le=100, description="每页条数")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID, description="跳过的条数（翻页）")] = 0,
) -> CorpusPage:
    from nianbao.web.corpus import search

    state = _state(request)

    def work() -> CorpusPage:
        page = search(state.corpus(), sel, limit, offset)
        return CorpusPage(
            total=page.total,
            items=[CorpusHit(**h.__dict__) for h in page.items],
            years=page.years,
            regions=page.regions,
            templates=page.templates,
        )

    return await run_in_threadpool(work)


EXPORT_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get(
    "/corpus/export",
    tags=["年报库"],
    summary="导出当前检索结果（CSV、XLSX、Parquet）",
    description="与检索相同的条件所选的报告，每份一行，列与 `nianbao corpus export --wide` 相同"
    "（机关、年度、地区、机关标识、格式版本、文件及各单元格）；XLSX 另有这些报告的检查发现一页。",
    responses={
        200: {"content": {m.split(";")[0]: {"schema": _BINARY} for m in EXPORT_MEDIA.values()}},
        **error_responses(400, 503),
    },
    response_class=Response,
)
async def corpus_export(
    request: Request,
    sel: Annotated[Selection, Depends(corpus_selection)],
    format: Annotated[Literal["csv", "xlsx", "parquet"], Query(description="导出格式")] = "csv",
) -> Response:
    import tempfile

    from starlette.background import BackgroundTask

    from nianbao.web.corpus import export_selection

    state = _state(request)
    fd, name = tempfile.mkstemp(prefix="nianbao-export-", suffix=f".{format}")
    os.close(fd)
    out = pathlib.Path(name)
    try:
        await run_in_threadpool(lambda: export_selection(state.corpus(), sel, format, out))
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    return FileResponse(
        out,
        media_type=EXPORT_MEDIA[format],
        filename=f"nianbao-corpus.{format}",
        background=BackgroundTask(out.unlink, missing_ok=True),
    )


@router.get(
    "/corpus/reports/{report_id}/years",
    tags=["年报库"],
    summary="同一机关各年度的报告及跨年度核对发现",
    description="与该报告同一机关（年报库的机关标识相同：行政区划代码/机关，或名称）的全部报告，按年度排列，"
    "每份附与上一年度报告核对得到的发现。",
    responses=error_responses(400, 404, 503),
)
async def corpus_report_years(
    request: Request,
    report_id: Annotated[int, Path(ge=1, le=MAX_ID, description="报告编号", openapi_examples={"1": {"value": 1}})],
) -> list[CorpusYear]:
    from nianbao.web.corpus import agency_years

    state = _state(request)
    years = await run_in_threadpool(lambda: agency_years(state.corpus(), report_id))
    return [
        CorpusYear(
            id=y.id,
            year=y.year,
            agency=y.agency,
            current=y.current,
            crossyear=[CorpusCrossFinding(**f.__dict__) for f in y.crossyear],
        )
        for y in years
    ]


@router.get(
    "/corpus/reports/{report_id}/file",
    tags=["年报库"],
    summary="下载报告的原文件",
    description="年报库入库时记录的原文件，仍在原处且未改动时提供下载；否则返回 404「原文件未保存」。",
    responses={
        200: {
            "content": {
                m.split(";")[0]: {"schema": _BINARY}
                for m in sorted({*MEDIA_TYPES.values(), "application/octet-stream"})
            }
        },
        **error_responses(400, 404, 503),
    },
    response_class=Response,
)
async def corpus_report_file(
    request: Request,
    report_id: Annotated[int, Path(ge=1, le=MAX_ID, description="报告编号", openapi_examples={"1": {"value": 1}})],
) -> Response:
    from nianbao.web.corpus import original

    state = _state(request)
    found = await run_in_threadpool(lambda: original(state.corpus(), report_id))
    if found.path is None:
        raise NianbaoError(E_NOT_FOUND, "原文件未保存")
    return FileResponse(found.path, media_type=found.media_type, filename=found.name)


@router.get(
    "/corpus/reports/{report_id}",
    tags=["年报库"],
    summary="年报库中的一份报告及其检查发现",
    description="报告的 JSON 数据、检查发现（含与上一年度报告的跨年度核对），以及上一年度报告的编号。",
    responses=error_responses(404, 503),
)
async def corpus_report(
    request: Request,
    report_id: Annotated[
        int, Path(ge=1, le=MAX_ID, description="报告编号（检索结果的 id）", openapi_examples={"1": {"value": 1}})
    ],
) -> CorpusReportOut:
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
    tags=["年报库"],
    summary="年报库汇总统计（同 nianbao corpus stats）",
    description="全部报告或按年度、地区、机关分组：收到的申请、办理结果构成、予以公开占比、行政复议和行政诉讼、"
    "各检查规则涉及的报告数（附规则的中文说明）。统计页面的图表由此绘制；结果按年报库的最近一次入库缓存。",
    responses=error_responses(503),
)
async def corpus_stats(
    request: Request,
    by: Annotated[
        Literal["year", "region", "agency"] | None,
        Query(
            description="分组：year 年度、region 地区、agency 机关；不填为全部",
            openapi_examples={"按年度": {"value": "year"}},
        ),
    ] = None,
) -> StatsOut:
    from nianbao.web.statscache import cache_of

    state = _state(request)
    cache = cache_of(request.app)
    computed = await run_in_threadpool(lambda: cache.get(state.corpus(), by))
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
                appeal_results={
                    label: sum(s.appeal(g, row, col) for row, _ in lay.appeal_groups)
                    for col, label in lay.appeal_result_columns()
                },
                left_out={
                    "received": g.left_out(lay.received),
                    "carried_over": g.left_out(lay.carried_over),
                    "results_total": g.left_out(lay.results_total),
                    "carried_forward": g.left_out(lay.carried_forward),
                },
                small=g.small,
            )
            for g in s.groups
        ],
        rules=[StatsRule(**r.__dict__) for r in s.rules],
    )
