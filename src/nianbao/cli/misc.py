"""``nianbao template``, ``schema`` and ``serve``."""

from __future__ import annotations

import argparse
from typing import Any

from nianbao.cli.output import dump_json, say


def add_parsers(sub: Any) -> None:
    t = sub.add_parser("template", help="show a template version (rows, columns, cell keys, arithmetic)")
    tsub = t.add_subparsers(dest="action", required=True)
    ts = tsub.add_parser("show", help="print one template")
    ts.add_argument("version", help="2021 or 2019")
    ts.add_argument("--json", action="store_true", help="print the template data as JSON")
    ts.set_defaults(func=cmd_template)

    s = sub.add_parser("schema", help="print the JSON Schema of the report object")
    s.add_argument("-o", "--output", help="write to this file")
    s.set_defaults(func=cmd_schema)

    w = sub.add_parser("serve", help="run the web pages and the JSON API (/api/v1, /openapi.json)")
    w.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    w.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    w.add_argument("--db", metavar="URL", help="corpus database (default: that of `nianbao corpus`)")
    w.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    w.add_argument("--data-dir", metavar="DIR", help="where uploads are kept (default: a temporary directory)")
    w.add_argument(
        "--allow-host", action="append", metavar="NAME", help="a Host name to answer besides this machine's (repeat)"
    )
    w.add_argument(
        "--token",
        help="token that API clients' writing requests may carry instead of signing in (env NIANBAO_WEB_TOKEN); "
        "beyond loopback accounts are required (`nianbao user add`)",
    )
    w.set_defaults(func=cmd_serve)


def cmd_template(args: argparse.Namespace) -> int:
    from nianbao._api import template
    from nianbao.errors import NianbaoError
    from nianbao.summary import print_template

    try:
        found = template(args.version)
    except NianbaoError as e:
        say(e.line())
        return 2
    if args.json:
        dump_json(found.raw, None)
    else:
        print_template(found)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from nianbao.schema import report_schema

    dump_json(report_schema(), args.output)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from nianbao.extras import need

    need("web", "fastapi", "uvicorn")
    from nianbao.errors import NianbaoError
    from nianbao.web.server import serve

    try:
        serve(args.host, args.port, args.db, args.workers, args.data_dir, args.allow_host, args.token)
    except NianbaoError as e:
        say(e.line())
        return 2
    return 0
