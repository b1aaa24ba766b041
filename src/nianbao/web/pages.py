"""The Chinese pages: upload and check, the fill-in form, and the corpus. Pages are Jinja2
templates (autoescaped); the report views are drawn in the browser from the API's JSON by the
scripts in static/, which set text, never markup."""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Literal, cast
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from nianbao.errors import NianbaoError
from nianbao.web.errors import E_CORPUS, E_NOT_FOUND, status_of
from nianbao.web.models import Sort
from nianbao.web.state import state_of

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(resources.files("nianbao.web").joinpath("templates")))
PAGE = 50
By = Literal["year", "region", "agency"]
CHARTS = ("overview", "outcomes", "appeals", "rules")  # the chart beside each table of corpus.stats.SECTIONS


def _page(request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    max_mb = f"{state_of(request.app).limits.reader.max_bytes / 1e6:g}"
    return _page(request, "index.html", nav="index", max_mb=max_mb)


@router.get("/form", response_class=HTMLResponse)
async def form(request: Request, template: Annotated[str, Query(pattern=r"^\d{4}$")] = "2021") -> HTMLResponse:
    from nianbao.template import available

    if template not in available():
        raise NianbaoError(E_NOT_FOUND, f"未知的模板版本“{template}”（可用：{'、'.join(available())}）")
    return _page(request, "form.html", nav="form", version=template, versions=available())


@router.get("/docs", response_class=HTMLResponse)
async def docs(request: Request) -> HTMLResponse:
    """The API's documentation: Swagger UI, served from the package (static/vendor), drawing
    /openapi.json; works offline."""
    return _page(request, "docs.html", nav="docs")


def _query(**params: object) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


SORT_LABELS = {
    "agency": "机关",
    "year": "年度",
    "region": "地区",
    "template": "格式版本",
    "errors": "错误",
    "warnings": "警告",
}


@router.get("/corpus", response_class=HTMLResponse)
async def corpus(
    request: Request,
    agency: Annotated[str, Query(max_length=100)] = "",
    year: Annotated[str, Query(max_length=4)] = "",
    region: Annotated[str, Query(max_length=100)] = "",
    template: Annotated[str, Query(max_length=4)] = "",
    status: Annotated[str, Query(max_length=10)] = "",
    sort: Annotated[str, Query(max_length=10)] = "",
    order: Annotated[str, Query(max_length=4)] = "",
    offset: Annotated[int, Query(ge=0, le=2**63 - 1 - PAGE)] = 0,
) -> HTMLResponse:
    """The corpus for researchers: the filters and the sort are the query string (what the
    form's selects and the column headers send), so a link or the Back button keeps the view;
    a value the page does not know is ignored, as the form would never send it."""
    from nianbao.web.corpus import search
    from nianbao.web.models import Selection

    state = state_of(request.app)
    sel = Selection(
        agency=agency.strip() or None,
        year=int(year) if year.isdigit() else None,
        region=region.strip().strip("/") or None,
        template=template if template.isdigit() else None,
        status="errors" if status == "errors" else "clean" if status == "clean" else None,
        sort=cast(Sort, sort) if sort in SORT_LABELS else None,
        desc=order == "desc",
    )
    try:
        page = await run_in_threadpool(lambda: search(state.corpus(), sel, PAGE, offset))
    except NianbaoError as e:
        return _page(request, "corpus.html", nav="corpus", error=e, status=status_of(e.code))
    chosen = {
        "agency": sel.agency,
        "year": sel.year,
        "region": sel.region,
        "template": sel.template,
        "status": sel.status,
        "sort": sel.sort,
        "order": "desc" if sel.sort and sel.desc else None,
    }
    filters = {k: v for k, v in chosen.items() if k not in ("sort", "order")}
    prev_url = f"/corpus?{_query(**chosen, offset=max(0, offset - PAGE))}" if offset else None
    more = offset + len(page.items) < page.total
    next_url = f"/corpus?{_query(**chosen, offset=offset + PAGE)}" if more else None
    # each column header sorts by it; a second click on the sorted column reverses it
    sort_urls = {
        key: f"/corpus?{_query(**filters, sort=key, order='desc' if sel.sort == key and not sel.desc else None)}"
        for key in SORT_LABELS
    }
    exports = {fmt: f"/api/v1/corpus/export?{_query(**chosen, format=fmt)}" for fmt in ("csv", "xlsx", "parquet")}
    return _page(
        request, "corpus.html", nav="corpus", page=page, sel=sel, offset=offset,
        prev_url=prev_url, next_url=next_url, sort_urls=sort_urls, sort_labels=SORT_LABELS, exports=exports,
    )


def _report_exists(engine: Engine, report_id: int) -> bool:
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from nianbao.corpus.db import reports

    try:
        with engine.connect() as conn:
            return conn.execute(select(reports.c.id).where(reports.c.id == report_id)).first() is not None
    except SQLAlchemyError:
        raise NianbaoError(E_CORPUS, "无法读取年报库，请先运行 nianbao corpus ingest") from None


@router.get("/corpus/reports/{report_id}", response_class=HTMLResponse)
async def corpus_report(request: Request, report_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> HTMLResponse:
    """The report is drawn by corpus.js from the API; beside it, the same agency's other years
    with their cross-year findings and the original file (where it is still stored). One that is
    not there is a 404 page."""
    from nianbao.web.corpus import agency_years, original

    state = state_of(request.app)
    if not await run_in_threadpool(lambda: _report_exists(state.corpus(), report_id)):
        raise NianbaoError(E_NOT_FOUND, f"年报库中没有编号为 {report_id} 的报告")
    years = await run_in_threadpool(lambda: agency_years(state.corpus(), report_id))
    file = await run_in_threadpool(lambda: original(state.corpus(), report_id))
    return _page(request, "corpus_report.html", nav="corpus", report_id=report_id, years=years, file=file)


@router.get("/corpus/stats", response_class=HTMLResponse)
async def stats(request: Request, by: Annotated[By | None, Query()] = None) -> HTMLResponse:
    """The tables of ``nianbao corpus stats`` and, beside each, its chart: drawn in the browser
    (stats.js, Chart.js) from /api/v1/corpus/stats; both read the same cached statistics."""
    from nianbao.corpus.stats import BY_ZH, SECTIONS
    from nianbao.web.statscache import cache_of

    state = state_of(request.app)
    cache = cache_of(request.app)
    try:
        computed = await run_in_threadpool(lambda: cache.get(state.corpus(), by))
    except NianbaoError as e:
        return _page(request, "stats.html", nav="stats", error=e, status=status_of(e.code))
    sections = [(chart, (title, *make(computed))) for chart, (title, make) in zip(CHARTS, SECTIONS, strict=True)]
    return _page(
        request,
        "stats.html",
        nav="stats",
        by=by,
        groupings=list(BY_ZH.items()),
        sections=sections,
        data_url=f"/api/v1/corpus/stats?{_query(by=by)}",
    )
