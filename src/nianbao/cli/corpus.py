"""``nianbao corpus ingest | export | stats``: arguments and terminal output over ``nianbao.corpus``.

The parser is built from light modules only; SQLAlchemy is imported by the command functions,
so that ``nianbao --help`` (and ``nianbao corpus --help``) start without it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from nianbao.cli.output import limits_from, print_error
from nianbao.corpus import DEFAULT_URL, default_workers
from nianbao.errors import NianbaoError

HELP = "many reports in one database: ingest, export, statistics"


def _worker_count(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError("进程数至少为 1")
    return n


def add_parser(sub: Any) -> None:
    c = sub.add_parser("corpus", help=HELP)
    csub = c.add_subparsers(dest="action", required=True)
    db_help = f"database URL as SQLAlchemy writes it (default {DEFAULT_URL}; or postgresql://USER@HOST:PORT/DB)"

    i = csub.add_parser("ingest", help="parse and check every report under the paths into the database")
    i.add_argument("paths", nargs="+", help="report files or directories")
    i.add_argument("--db", default=DEFAULT_URL, metavar="URL", help=db_help)
    i.add_argument(
        "--workers",
        type=_worker_count,
        default=default_workers(),
        help="parsing processes (default: one per core this process may use)",
    )
    i.add_argument("--force", action="store_true", help="parse again the files already in the database")
    i.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask distributed cluster instead")
    i.add_argument("--timeout", type=float, metavar="S", help="seconds one file may take (default 300): E_TIMEOUT")
    i.add_argument(
        "--max-memory", type=int, metavar="MB", help="memory one file may use (default 2048 MB): E_TOO_LARGE"
    )
    i.add_argument("--max-size", type=float, metavar="MB", help="largest file read (default 50 MB): E_TOO_LARGE")
    i.set_defaults(func=cmd_ingest)

    e = csub.add_parser("export", help="write the corpus as CSV, Excel, Parquet or JSON Lines")
    e.add_argument("--db", default=DEFAULT_URL, metavar="URL", help=db_help + "; must exist")
    e.add_argument("--format", required=True, choices=["csv", "xlsx", "parquet", "jsonl"])
    shape = e.add_mutually_exclusive_group()
    shape.add_argument("--wide", dest="shape", action="store_const", const="wide", help="a row per report (default)")
    shape.add_argument("--long", dest="shape", action="store_const", const="long", help="a row per cell")
    e.add_argument("-o", "--output", required=True, metavar="FILE", help="the file (findings go beside it)")
    e.set_defaults(func=cmd_export, shape="wide")

    d = csub.add_parser(
        "dataset",
        help="the research dataset: a row per agency-year (harmonised variables, measures, quality), "
        "cells, findings, versions, codebook and datapackage.json, in a folder",
    )
    d.add_argument("folder", help="the output folder (made when missing)")
    d.add_argument("--db", default=DEFAULT_URL, metavar="URL", help=db_help + "; must exist")
    d.add_argument("--format", default="csv", choices=["csv", "parquet", "xlsx"], help="default csv")
    d.add_argument("--version", dest="dataset_version", default="1.0.0", help="the dataset's version (default 1.0.0)")
    d.add_argument("--licence", default="CC-BY-4.0", choices=["CC-BY-4.0", "CC0-1.0", "ODC-BY-1.0"])
    d.set_defaults(func=cmd_dataset)

    cp = csub.add_parser(
        "copies", help="find prose copied between agencies (内容雷同) and mark it on both reports (corpus.copied)"
    )
    cp.add_argument("--db", default=DEFAULT_URL, metavar="URL", help=db_help + "; must exist")
    cp.set_defaults(func=cmd_copies)

    s = csub.add_parser("stats", help="totals and distributions, as tables and charts")
    s.add_argument("--db", default=DEFAULT_URL, metavar="URL", help=db_help + "; must exist")
    s.add_argument("--by", choices=["year", "region", "agency"], help="one row per year, region or agency")
    s.add_argument("--chart", metavar="out.png|out.html", help="also draw the charts into this file")
    s.set_defaults(func=cmd_stats)


def cmd_ingest(args: argparse.Namespace) -> int:
    from nianbao.corpus.ingest import run

    absent = [p for p in args.paths if not Path(p).exists()]
    if absent:
        print(f"nianbao: {absent[0]!r}: 文件或目录不存在 (E_NO_INPUT)", file=sys.stderr)
        return 2
    try:
        summary = run(args.paths, args.db, args.workers, args.force, args.scheduler, limits=limits_from(args))
    except NianbaoError as e:
        print_error(e)
        return 2
    if not summary.files:
        print("nianbao: 没有找到报告文件 (E_NO_INPUT)", file=sys.stderr)
        return 2
    print(summary.line(), file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from nianbao.corpus.db import open_db
    from nianbao.corpus.export import export

    try:
        written = export(open_db(args.db, create=False), args.format, args.output, args.shape)
    except NianbaoError as e:
        print_error(e)
        return 2
    for path in written:
        print(path, file=sys.stderr)
    return 0


def cmd_dataset(args: argparse.Namespace) -> int:
    from nianbao.corpus.dataset import write_dataset
    from nianbao.corpus.db import open_db

    try:
        written, manifest = write_dataset(
            open_db(args.db, create=False),
            args.folder,
            args.format,
            dataset_version=args.dataset_version,
            licence=args.licence,
        )
    except NianbaoError as e:
        print_error(e)
        return 2
    for path in written:
        print(path, file=sys.stderr)
    print(
        f"数据集：{manifest.agency_years} 个机关年度（{manifest.reports} 份报告；另有版本 {manifest.versions} 份，"
        f"无机关或年度 {manifest.no_agency_or_year} 份，空白模板 {manifest.blank_templates} 份未计入）",
        file=sys.stderr,
    )
    return 0


def cmd_copies(args: argparse.Namespace) -> int:
    from nianbao.corpus.copies import mark_copies
    from nianbao.corpus.db import open_db

    try:
        pairs = mark_copies(open_db(args.db, create=False))
    except NianbaoError as e:
        print_error(e)
        return 2
    if pairs:
        print(f"内容雷同：{pairs} 对报告（已在雷同的报告上各记一条 corpus.copied）", file=sys.stderr)
    else:
        print("内容雷同：未发现不同机关之间正文雷同的报告", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from rich.console import Console

    from nianbao.corpus.db import open_db
    from nianbao.corpus.stats import compute, print_stats

    try:
        stats = compute(open_db(args.db, create=False), args.by)
        console = Console() if sys.stdout.isatty() else Console(width=140)
        print_stats(stats, console)
        if args.chart:
            from nianbao.corpus.charts import write_chart

            print(write_chart(stats, args.chart), file=sys.stderr)
    except NianbaoError as e:
        print_error(e)
        return 2
    return 0
