"""内容雷同 across agencies (issue 17): ``nianbao corpus copies`` marks both reports of a pair of
agencies whose prose is a copy — never two encodings of one agency's report, never the real
reports of different agencies."""

from __future__ import annotations

import shutil
from pathlib import Path

from nianbao.cli import main
from nianbao.corpus.copies import mark_copies
from nianbao.corpus.db import findings, open_db
from nianbao.corpus.ingest import run
from tests.conftest import SAMPLE_2019, SAMPLES


def _copied(url: str) -> list[tuple[int, str]]:
    with open_db(url, create=False).connect() as conn:
        rows = conn.execute(
            findings.select().where(findings.c.rule == "corpus.copied").order_by(findings.c.report_id)
        ).all()
    return [(r.report_id, r.message) for r in rows]


def test_a_copied_report_is_marked_on_both_and_others_are_not(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for p in [*sorted(SAMPLES.glob("*.txt")), SAMPLE_2019]:
        shutil.copy(p, folder / p.name)
    source = (SAMPLES / "003_3282c18a880ba7c1.txt").read_text(encoding="utf-8")
    (folder / "003-gbk.txt").write_bytes(source.encode("gb18030"))  # the same agency: not a copy
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    run([str(folder)], url, workers=1)
    assert main(["corpus", "copies", "--db", url]) == 0
    assert _copied(url) == []
    agency = "西工区科学技术局"
    assert agency in source
    (folder / "copied.txt").write_text(source.replace(agency, "新安县科学技术局"), encoding="utf-8")
    run([str(folder)], url, workers=1)
    assert _copied(url) == []  # ingest compares nothing: the comparison is its own command
    assert mark_copies(open_db(url, create=False)) == 1
    marked = _copied(url)
    assert len(marked) == 2 and marked[0][0] != marked[1][0]
    messages = sorted(m for _, m in marked)
    assert messages[0].startswith("正文与“新安县科学技术局”2024年报告高度雷同（相似度")
    assert messages[1].startswith(f"正文与“{agency}”2024年报告高度雷同（相似度")
    similarity = int(messages[0].split("相似度")[1].split("%")[0])
    assert 90 <= similarity <= 100  # only the agency's name differs
