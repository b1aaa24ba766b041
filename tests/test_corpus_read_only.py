"""Read paths do not write (issue 15): ``corpus export`` and ``corpus stats`` on a database
that does not exist, or holds no corpus, fail with E_DB and leave nothing behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import nianbao
from nianbao.cli import main
from nianbao.errors import CorpusError, ErrorCode


@pytest.mark.parametrize("action", [["export", "--format", "csv", "-o", "out.csv"], ["stats"]])
def test_read_command_on_missing_database_is_an_error_and_creates_nothing(
    action: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    db_file = tmp_path / "absent.sqlite"
    code = main(["corpus", action[0], "--db", f"sqlite:///{db_file}", *action[1:]])
    assert code == 2
    err = capsys.readouterr().err
    assert "数据库不存在" in err and "E_DB" in err and str(db_file) in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_read_command_on_database_without_corpus_adds_no_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_file = tmp_path / "other.sqlite"
    with sqlite3.connect(db_file) as con:
        con.execute("CREATE TABLE notes (x TEXT)")
    code = main(["corpus", "stats", "--db", f"sqlite:///{db_file}"])
    assert code == 2
    assert "没有语料库" in capsys.readouterr().err
    with sqlite3.connect(db_file) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["notes"]


def test_open_corpus_for_reading_raises_corpus_error(tmp_path: Path) -> None:
    db_file = tmp_path / "absent.sqlite"
    with pytest.raises(CorpusError) as info:
        nianbao.open_corpus(f"sqlite:///{db_file}", create=False)
    assert info.value.error_code is ErrorCode.E_DB
    assert not db_file.exists()


def test_open_corpus_creates_by_default(tmp_path: Path) -> None:
    db_file = tmp_path / "new.sqlite"
    engine = nianbao.open_corpus(f"sqlite:///{db_file}")
    engine.dispose()
    assert db_file.is_file()
    assert nianbao.open_corpus(f"sqlite:///{db_file}", create=False) is not None
