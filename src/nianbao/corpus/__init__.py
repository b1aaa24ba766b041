"""The corpus: many reports in one database (SQLite or PostgreSQL), ingested in parallel and
resumably, linked across years, exported and summarised. See ingest, agencies, export, stats.

This package's ``__init__`` stays light (no SQLAlchemy): the command line reads its default URL
and its default number of workers here."""

import os

DEFAULT_URL = "sqlite:///nianbao.sqlite"


def default_workers() -> int:
    """One worker process per core this process may run on: its CPU affinity where the system
    tells it (what ``taskset``, a container's cpuset or a batch scheduler allow), else every core.
    The parent's own share is small (it only writes rows), so it takes no core of its own."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity on this system (macOS, Windows)
        return os.cpu_count() or 1
