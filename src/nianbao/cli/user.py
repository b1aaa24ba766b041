"""``nianbao user add | passwd | remove | list``: the local accounts of ``nianbao serve``'s
workspace, kept in the corpus's database (the same ``--db`` as ``nianbao serve``).

A password is asked for twice on a terminal, or read as one line from standard input with
``--password-stdin`` (for scripts); it is stored only as its Argon2id hash."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from nianbao.cli.output import say
from nianbao.corpus import DEFAULT_URL

HELP = "local accounts of `nianbao serve` (needed to serve beyond this machine)"


def add_parser(sub: Any) -> None:
    u = sub.add_parser("user", help=HELP)
    usub = u.add_subparsers(dest="action", required=True)
    db_help = f"database URL (default {DEFAULT_URL}; the one `nianbao serve --db` uses)"
    for name, text in (("add", "create an account"), ("passwd", "set an account's password (its sessions end)")):
        p = usub.add_parser(name, help=text)
        p.add_argument("name", help="user name (shown in the audit trail)")
        p.add_argument("--db", default=DEFAULT_URL, metavar="URL", help=db_help)
        p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        p.set_defaults(func=cmd_set)
    r = usub.add_parser("remove", help="stop an account from signing in (its name stays in the audit trail)")
    r.add_argument("name")
    r.add_argument("--db", default=DEFAULT_URL, metavar="URL", help=db_help)
    r.set_defaults(func=cmd_remove)
    ls = usub.add_parser("list", help="the accounts")
    ls.add_argument("--db", default=DEFAULT_URL, metavar="URL", help=db_help)
    ls.set_defaults(func=cmd_list)


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("密码：")
    if getpass.getpass("再次输入密码：") != first:
        say("nianbao: 两次输入的密码不一致 (E_USAGE)")
        return None
    return first


def _need() -> None:
    from nianbao.extras import need

    need("web", "argon2", "sqlalchemy", "alembic")


def cmd_set(args: argparse.Namespace) -> int:
    _need()
    from nianbao.corpus.db import open_db
    from nianbao.errors import NianbaoError
    from nianbao.web.workspace import auth

    password = _password(args)
    if password is None:
        return 2
    try:
        engine = open_db(args.db)
        try:
            if args.action == "add":
                auth.add_user(engine, args.name, password)
                say(f"已建立用户“{args.name}”")
            else:
                auth.set_password(engine, args.name, password)
                say(f"已更改用户“{args.name}”的密码")
        finally:
            engine.dispose()
    except NianbaoError as e:
        say(f"nianbao: {e.reason} ({e.code})")
        return 2
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    _need()
    from nianbao.corpus.db import open_db
    from nianbao.errors import NianbaoError
    from nianbao.web.workspace import auth

    try:
        engine = open_db(args.db)
        try:
            auth.remove_user(engine, args.name)
        finally:
            engine.dispose()
    except NianbaoError as e:
        say(f"nianbao: {e.reason} ({e.code})")
        return 2
    say(f"已停用用户“{args.name}”")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    _need()
    from nianbao.corpus.db import open_db
    from nianbao.errors import NianbaoError
    from nianbao.web.workspace import auth

    try:
        engine = open_db(args.db)
        try:
            found = auth.list_users(engine)
        finally:
            engine.dispose()
    except NianbaoError as e:
        say(f"nianbao: {e.reason} ({e.code})")
        return 2
    for name, created in found:
        print(f"{name}\t{created.astimezone().strftime('%Y-%m-%d %H:%M')}")
    return 0
