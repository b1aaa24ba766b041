"""``nianbao check`` on the data files render reads (YAML, TOML, JSON, the workbook of
``--template-xlsx``): the data is checked as the report it will render to, and each finding
about a cell points where the person typed it — 「表三!C12 “（七）总计”行 “自然人”列」 in a
workbook, 「第68行 表三“（七）总计”行 “自然人”列」 in YAML — not at a page of a report that
does not exist yet. A finding about a total points at the total (the cell a wrong sum is
typed in), others at their first cell."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from nianbao.errors import E_IO, E_TOO_LARGE, NianbaoError
from nianbao.readers.limits import Limits
from nianbao.render.inputs import DATA_SUFFIXES
from nianbao.report import Finding, Location, Report
from nianbao.template import Template, load

DATA_FORMATS = {*DATA_SUFFIXES.values(), "xlsx"}


def is_data_file(path: str | Path) -> bool:
    """A data file of render: by suffix (.yaml .yml .toml .json), or a workbook of ``--template-xlsx``."""
    p = Path(path)
    if not p.is_file():
        return False
    if p.suffix.lower() in DATA_SUFFIXES:
        return True
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            with p.open("rb") as f:
                return is_data(f.read(), p.name)
        except OSError:
            return False
    return False


def is_data(data: bytes, name: str, limits: Limits | None = None) -> bool:
    """Bytes of a data file of render: a name ending .yaml .yml .toml .json, or a workbook of
    ``--template-xlsx`` whatever its name (told by its marker sheet, read within ``limits``)."""
    from nianbao.render.workbook import is_render_workbook

    return Path(name).suffix.lower() in DATA_SUFFIXES or is_render_workbook(data, limits)


def read_report(data: bytes, name: str, limits: Limits | None = None) -> Report:
    """The report a data file's bytes render to (cells left out are 0), each cell remembering its
    line or cell. Bounded before any loader runs: the file by ``limits.max_bytes``, a text's size
    and nesting by ``nianbao.datalimits``, a workbook's unpacked size by the ZIP checks of the
    readers. A bad file is E_DATA (or E_TOO_LARGE) with the reason."""
    from nianbao.datalimits import check_data
    from nianbao.readers import too_large
    from nianbao.readers.zipsafe import open_zip
    from nianbao.render.inputs import load_bytes, to_report

    limits = limits or Limits.from_env()
    if len(data) > limits.max_bytes:
        raise NianbaoError(E_TOO_LARGE, too_large(len(data), limits), name)
    if Path(name).suffix.lower() in DATA_SUFFIXES:
        check_data(data, limits, name)
    else:
        open_zip(data, limits).close()
    return to_report(load_bytes(data, name))


def load_report(path: str | Path, limits: Limits | None = None) -> Report:
    """The report a data file renders to (cells left out are 0), each cell remembering its line or cell."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise NianbaoError(E_IO, f"无法读取文件：{e.strerror or e}", str(path)) from None
    return read_report(data, str(path), limits)


def parse_inputs(
    files: Iterable[str], *, limits: Limits | None = None, isolate: bool = False, workers: int = 1
) -> Iterator[Report | NianbaoError]:
    """As ``nianbao.parse_many`` (same ``limits``, ``isolate``, ``workers``), with render's data
    files (YAML, JSON, workbook) read as render reads them, bounded in size and nesting by
    ``nianbao.datalimits``; order kept. A file over the size limit is left to ``parse_many``,
    which refuses it unread."""
    from nianbao._api import parse_many

    limits = limits or Limits.from_env()

    def data_file(f: str) -> bool:
        try:
            return Path(f).stat().st_size <= limits.max_bytes and is_data_file(f)
        except OSError:
            return False

    pending: list[str] = []
    for f in files:
        if not data_file(f):
            pending.append(f)
            continue
        if pending:
            yield from parse_many(pending, limits=limits, isolate=isolate, workers=workers)
            pending = []
        try:
            yield load_report(f, limits)
        except NianbaoError as e:
            yield e if e.path else e.with_path(str(f))
    if pending:
        yield from parse_many(pending, limits=limits, isolate=isolate, workers=workers)


def _totals(template: Template) -> set[tuple[str, str]]:
    """(rule, cell) of every equation whose one left-hand cell is a total of the others."""
    return {(eq.rule, eq.lhs[0]) for eq in template.equations() if len(eq.lhs) == 1}


def cell_words(template: Template, key: str) -> str:
    """「“（七）总计”行 “自然人”列」: a cell by its row and column labels."""
    table = template.table(key.split(".")[0])
    row, col = template.row(key), template.column(key)
    if table.layout == "flat":
        return f"“{row.label}”组 “{col.label}”"
    return f"“{row.label}”行 “{col.label}”列"


def relocate(report: Report, findings: list[Finding]) -> list[Finding]:
    """Findings of a data file, placed at the line or cell of their cell; others unchanged."""
    if report.source.format not in DATA_FORMATS or not report.template:
        return findings
    template = load(report.template)
    totals = _totals(template)
    known = set(template.cell_keys())
    out = []
    for f in findings:
        cells = [k for k in f.keys if k in known]
        if not cells:
            out.append(f)
            continue
        key = cells[0]
        loc = report.provenance[key].loc if key in report.provenance else Location()
        table_no = template.describe(key).split("“")[0]
        whole = (f.rule, key) in totals or len(cells) == 1
        words = cell_words(template, key) if whole else (f.where or "").split(" ")[-1].removeprefix(table_no)
        in_file = Location(file=loc["file"]) if "file" in loc else Location()
        if "sheet" in loc and "cell" in loc:
            where = f"{loc['sheet']}!{loc['cell']} {words}"
            new_loc = Location(**in_file, sheet=loc["sheet"], cell=loc["cell"])
        elif "line" in loc:
            where = f"第{loc['line']}行 {table_no}{words}"
            new_loc = Location(**in_file, line=loc["line"])
        else:
            where = f"{table_no}{words}"
            new_loc = Location(**f.loc)
        out.append(f.model_copy(update={"where": where, "loc": new_loc}))
    return out
