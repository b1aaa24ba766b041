"""``nianbao user``: the workspace's accounts made, listed, given a new password and stopped from
the command line, as a person or a script would (the password on standard input)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.corpus.db import open_db
from nianbao.web.workspace import auth


def run(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_user_add_list_passwd_remove(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'users.sqlite'}"
    assert run(monkeypatch, ["user", "add", "李审核", "--db", db, "--password-stdin"], "first password\n") == 0
    assert "已建立用户“李审核”" in capsys.readouterr().err
    assert run(monkeypatch, ["user", "add", "李审核", "--db", db, "--password-stdin"], "other password\n") == 2
    assert "用户“李审核”已存在 (E_REQUEST)" in capsys.readouterr().err
    assert run(monkeypatch, ["user", "add", "短", "--db", db, "--password-stdin"], "short\n") == 2
    assert "密码至少 8 个字符" in capsys.readouterr().err
    assert run(monkeypatch, ["user", "list", "--db", db]) == 0
    assert capsys.readouterr().out.startswith("李审核\t")

    engine = open_db(db)
    try:
        user = auth.authenticate(engine, "李审核", "first password")
        assert user is not None
        sessions = auth.Sessions(engine)
        cookie, _ = sessions.start(user)
        assert sessions.find(cookie) is not None

        assert run(monkeypatch, ["user", "passwd", "李审核", "--db", db, "--password-stdin"], "second password\n") == 0
        assert auth.authenticate(engine, "李审核", "first password") is None
        assert auth.authenticate(engine, "李审核", "second password") is not None
        assert sessions.find(cookie) is None  # a new password ends the sessions

        assert run(monkeypatch, ["user", "remove", "李审核", "--db", db]) == 0
        assert auth.authenticate(engine, "李审核", "second password") is None
        assert auth.users_in(db) == 0
        assert run(monkeypatch, ["user", "remove", "李审核", "--db", db]) == 2
        # added again: the account comes back with its new password
        assert run(monkeypatch, ["user", "add", "李审核", "--db", db, "--password-stdin"], "third password\n") == 0
        assert auth.authenticate(engine, "李审核", "third password") is not None
    finally:
        engine.dispose()


def test_user_names_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = f"sqlite:///{tmp_path / 'users.sqlite'}"
    for bad in ("a b", "x/y", "a" * 65):
        assert run(monkeypatch, ["user", "add", bad, "--db", db, "--password-stdin"], "long enough\n") == 2
