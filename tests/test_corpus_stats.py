"""`nianbao corpus stats`: the totals equal those of the parsed reports' agency-years (one report
per agency and year, issue 17), by year, region and agency; the tables on the terminal; the charts
as a PNG and a self-contained HTML page."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nianbao.cli import main
from nianbao.corpus import db
from nianbao.corpus.stats import ALL, UNKNOWN, compute, layout
from nianbao.dataset.versions import cells_read
from nianbao.registry import resolve
from nianbao.report import Report
from tests.corpus_support import Expected, database, expected, fill, shared_root


@pytest.fixture(scope="module")
def exp(tmp_path_factory: pytest.TempPathFactory) -> Expected:
    return expected(shared_root(tmp_path_factory))


@pytest.fixture(scope="module")
def url(exp: Expected, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with database("sqlite", tmp_path_factory.mktemp("db")) as u:
        fill(u, exp)
        yield u


def _agency_years(exp: Expected) -> dict[tuple[str, int], Report]:
    """The parsed reports one per agency and year by the dataset's rule: most cells read, then the
    newest published, then the smallest sha256."""
    groups: dict[tuple[str, int], list[Report]] = defaultdict(list)
    for _, r in sorted(exp.reports.items()):
        if r.agency and r.year is not None:
            groups[(resolve(r.agency).agency_id, r.year)].append(r)
    out = {}
    for key, members in groups.items():
        out[key] = min(members, key=lambda r: (-cells_read(r), _newest_first(r.published)))
    return out


def _newest_first(published: str | None) -> tuple[int, ...]:
    return tuple(-ord(c) for c in (published or ""))


def _sum(reports: list[Any], key: str) -> float:
    return float(sum(r.values.get(key) or 0 for r in reports))


def test_totals_by_year_equal_the_parsed_reports(url: str, exp: Expected) -> None:
    stats = compute(db.open_db(url), "year")
    lay = layout()
    by_year: dict[str, list[Any]] = defaultdict(list)
    for r in _agency_years(exp).values():
        by_year[str(r.year)].append(r)
    assert sum(map(len, by_year.values())) < len(exp.reports)  # re-encodings and copies counted once
    assert [g.name for g in stats.groups] == ["2019", "2021", "2022", "2023", "2024"]
    for g in stats.groups:
        reports = by_year[g.name]
        assert g.reports == len(reports)
        assert g.get("applications.new.total") == _sum(reports, "applications.new.total")
        assert g.get("appeals.reconsideration.corrected") == _sum(reports, "appeals.reconsideration.corrected")
        outcomes = stats.outcomes(g)
        assert sum(outcomes.values()) == sum(_sum(reports, k) for k in lay.outcomes)
        assert outcomes["（三）不予公开"] == sum(
            _sum(reports, f"applications.{row}.total") for row in ("denied_state_secret", "denied_inquiry")
        ) + sum(
            _sum(reports, f"applications.denied_{row}.total")
            for row in (
                "prohibited_by_law",
                "security_stability",
                "third_party_rights",
                "internal_affairs",
                "process_information",
                "enforcement_files",
            )
        )
        total = _sum(reports, "applications.results_total.total")
        granted = _sum(reports, "applications.granted.total")
        assert stats.granted_share(g) == (pytest.approx(granted / total) if total else None)


def test_groups_by_region_and_agency_and_rules(url: str, exp: Expected) -> None:
    engine = db.open_db(url)
    by_agency = compute(engine, "agency")
    years = _agency_years(exp)
    assert sorted(g.reports for g in by_agency.groups) == sorted(Counter(a for a, _ in years).values())
    # 孟津县 and 孟津区 are one agency (the registry's 410308), named as its first year wrote it
    mengjin = next(g for g in by_agency.groups if "孟津" in g.name)
    assert mengjin.reports == len({y for (a, y) in years if a == "410308/科技和工业信息化局"}) == 3
    by_region = compute(engine, "region")
    assert {g.name for g in by_region.groups} >= {"河南省/洛阳市", UNKNOWN}  # 平潭综合实验区: no division
    overall = compute(engine)
    assert [g.name for g in overall.groups] == [ALL]
    assert overall.groups[0].reports == len(years)
    assert overall.groups[0].errors == len({f.report_id for f in _errors(engine)})
    carry = next(r for r in overall.rules if r.rule == "xyear.carry")
    assert carry.severity == "error" and carry.description.startswith("本年“上年结转”")
    assert carry.reports == len({f.report_id for f in _errors(engine) if f.rule == "xyear.carry"})


def _errors(engine: Any) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(db.findings.select().where(db.findings.c.severity == "error")).all())


def test_cli_prints_tables_and_draws_charts(url: str, exp: Expected, tmp_path: Path, capsys: Any) -> None:
    png, page = tmp_path / "stats.png", tmp_path / "stats.html"
    assert main(["corpus", "stats", "--db", url, "--by", "year", "--chart", str(png)]) == 0
    out = capsys.readouterr().out
    assert "概况" in out and "办理结果" in out and "行政复议、行政诉讼" in out and "xyear.carry" in out
    received_2022 = int(
        sum(r.values["applications.new.total"] or 0 for r in _agency_years(exp).values() if r.year == 2022)
    )
    assert f"{received_2022:,}" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    assert main(["corpus", "stats", "--db", url, "--by", "region", "--chart", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 1 and "河南省/洛阳市" in html and "予以公开" in html
    assert "<script" not in html and "<link" not in html and 'src="http' not in html
    assert main(["corpus", "stats", "--db", url, "--chart", str(tmp_path / "x.pdf")]) == 2
