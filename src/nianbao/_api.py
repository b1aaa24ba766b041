"""The library's functions: what the command, the web and the corpus all call.

Every heavy module is imported inside the function that needs it, so that ``import nianbao``
(and ``nianbao --help``) stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nianbao.errors import NianbaoError
from nianbao.files import iter_inputs, write_atomic

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from nianbao.readers.limits import Limits
    from nianbao.render.inputs import Draft
    from nianbao.report import Finding, Report
    from nianbao.template import Template

History = Iterable["Report"] | str | Path
"""Other years' reports: Report objects, or a folder (or file) of report files."""


def parse(path_or_bytes: str | Path | bytes, *, history: History | None = None, limits: Limits | None = None) -> Report:
    """One report, from a file's path or its bytes. With ``history``, cells the table leaves
    ambiguous are fixed by the same agency's report of the year before or after (provenance
    basis ``adjacent_year``). Raises a NianbaoError subclass when nothing of a report can be read."""
    from nianbao.pipeline import parse_bytes, parse_file

    if isinstance(path_or_bytes, bytes):
        report = parse_bytes(path_or_bytes, limits=limits)
    else:
        report = parse_file(path_or_bytes, limits)
    return _with_history(report, read_history(history))


def parse_many(
    paths: Iterable[str | Path],
    *,
    history: History | None = None,
    limits: Limits | None = None,
    isolate: bool = False,
    workers: int = 1,
) -> Iterator[Report | NianbaoError]:
    """Each report file under ``paths`` (directories are searched for report files), one at a
    time, in order: a ``Report``, or the ``NianbaoError`` that file raised (its ``path`` set),
    so that one bad file never stops a batch. With ``isolate`` each file is parsed in a child
    process (``workers`` of them) bounded by ``limits`` in time and memory (``nianbao.bounded``):
    a file over a limit is its E_TIMEOUT or E_TOO_LARGE, and even a crash costs only that file."""
    from functools import partial

    from nianbao.pipeline import parse_file

    earlier = read_history(history)
    if isolate:
        from nianbao.bounded import bounded_map

        for path, result in bounded_map(partial(parse_file, limits=limits), iter_inputs(paths), limits, workers):
            if isinstance(result, NianbaoError):
                yield result if result.path else result.with_path(str(path))
            else:
                yield _with_history(result, earlier)
        return
    for path in iter_inputs(paths):
        try:
            report = parse_file(path, limits)
        except NianbaoError as e:
            yield e
            continue
        yield _with_history(report, earlier)


def check(
    report: Report, *, previous: Report | None = None, history: History = (), published: date | str | None = None
) -> list[Finding]:
    """Every finding on one report, errors first. Last year's report is ``previous``, else the
    one of the year before in ``history``; ``published`` (a date or YYYY-MM-DD) enables the
    deadline rule."""
    from nianbao.checks import check_report

    return check_report(report, previous=previous, history=read_history(history), published=published)


def check_many(
    reports: Iterable[Report], *, history: History = (), published: date | str | None = None
) -> Iterator[tuple[Report, list[Finding]]]:
    """Each report with its findings; last year's report of each is looked for in the batch
    itself and in ``history``."""
    from nianbao.checks import check_batch

    return check_batch(reports, history=read_history(history), published=published)


def render(report_or_data: Report | Mapping[str, Any] | str | Path, path_or_format: str | Path) -> bytes | Path:
    """A report in the official layout. ``report_or_data`` is a Report, a mapping (the JSON
    contract, or the person format of docs/render.md) or a file of either (or any report file).
    ``path_or_format`` is a format (``docx``, ``pdf``, ``html``, ``md``: the bytes are returned)
    or a file path (written whole or not at all; its path is returned). The checks are not run:
    call ``check`` first."""
    from nianbao.render import FORMATS, format_for
    from nianbao.render import render as render_bytes
    from nianbao.render.inputs import to_report

    draft = to_draft(report_or_data)
    report = to_report(draft)
    target = str(path_or_format)
    if target in FORMATS:
        return render_bytes(report, target, preface=draft.preface)
    data = render_bytes(report, format_for(target), preface=draft.preface)
    write_atomic(target, data)
    return Path(target)


def to_draft(report_or_data: Report | Mapping[str, Any] | str | Path) -> Draft:
    """The render input of a Report, a mapping, or a file."""
    import hashlib
    import json

    from nianbao.render.inputs import from_contract, from_mapping, from_report, load_file
    from nianbao.report import Report, Source

    if isinstance(report_or_data, Report):
        return from_report(report_or_data)
    if isinstance(report_or_data, Mapping):
        raw = dict(report_or_data)
        data = json.dumps(raw, ensure_ascii=False, default=str).encode("utf-8")
        source = Source(path="<data>", sha256=hashlib.sha256(data).hexdigest(), format="json", size=len(data))
        return from_contract(raw, source) if "schema" in raw else from_mapping(raw, source)
    return load_file(report_or_data)


def open_corpus(url: str | None = None, *, create: bool = True) -> Engine:
    """The corpus database at ``url`` (SQLAlchemy URL; default ``nianbao corpus``'s SQLite
    file), its schema brought up to date. With ``create=False`` (to read a corpus) a database
    that does not exist, or holds no corpus, is an error (E_DB) instead of a new empty one.
    Needs the ``corpus`` extra."""
    from nianbao.extras import need

    need("corpus", "sqlalchemy")
    from nianbao.corpus import DEFAULT_URL
    from nianbao.corpus.db import open_db

    return open_db(url or DEFAULT_URL, create=create)


def templates() -> tuple[Template, ...]:
    """Every template version, newest first."""
    from nianbao.template import available, load

    return tuple(load(v) for v in available())


def template(version: str) -> Template:
    """One template version ("2021", "2019"); an unknown version is a DataError (E_TEMPLATE)."""
    from nianbao.errors import E_TEMPLATE
    from nianbao.template import available, load

    if version not in available():
        raise NianbaoError(E_TEMPLATE, f"未知的模板版本 {version}（可用：{'、'.join(available())}）")
    return load(version)


def read_history(
    history: History | None,
    on_error: Callable[[NianbaoError], None] | None = None,
    *,
    limits: Limits | None = None,
    isolate: bool = False,
) -> list[Report]:
    """Reports of other years: given as they are, or parsed from a folder (a file that cannot
    be read is passed to ``on_error`` and left out; ``limits`` and ``isolate`` as for
    ``parse_many``)."""
    if history is None:
        return []
    if isinstance(history, str | Path):
        out: list[Report] = []
        for item in parse_many([history], limits=limits, isolate=isolate):
            if isinstance(item, NianbaoError):
                if on_error is not None:
                    on_error(item)
                continue
            out.append(item)
        return out
    return list(history)


def _with_history(report: Report, others: list[Report]) -> Report:
    if not others:
        return report
    from nianbao.extract.history import with_history

    return with_history(report, others)
