"""What the app holds between requests: its limits, worker processes, uploads and database."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine

from nianbao.readers.limits import Limits
from nianbao.web.store import UploadStore
from nianbao.web.worker import WorkerPool

MB = 1_000_000  # as the readers count in their messages


@dataclass(frozen=True)
class WebLimits:
    """What one request may cost. A report file is refused above ``reader.max_bytes``; a
    request (a report and last year's) above ``max_request_bytes``."""

    reader: Limits = field(default_factory=lambda: Limits(max_bytes=20 * MB, timeout_s=60.0))
    parse_timeout_s: float = 60.0
    body_timeout_s: float = 60.0  # a request body that stalls longer between two reads is dropped
    render_timeout_s: float = 120.0
    processes: int = 2  # worker processes per server process
    keep_uploads: int = 500  # uploads kept for showing their source text, the oldest dropped,
    keep_upload_bytes: int = 1000 * MB  # and at most this much of them

    @property
    def max_request_bytes(self) -> int:
        return 2 * self.reader.max_bytes + MB


@dataclass
class AppState:
    limits: WebLimits
    pool: WorkerPool
    store: UploadStore
    data_dir: Path
    db_url: str | None
    tmp: tempfile.TemporaryDirectory[str] | None = None
    engine: Engine | None = None

    def corpus(self) -> Engine:
        """The corpus database's engine, made on first use (E_CORPUS while there is none)."""
        if self.engine is None:
            from nianbao.corpus.db import DEFAULT_URL
            from nianbao.web.corpus import open_engine

            self.engine = open_engine(self.db_url or DEFAULT_URL)
        return self.engine

    def close(self) -> None:
        self.pool.close()
        if self.engine is not None:
            self.engine.dispose()


def state_of(app: FastAPI) -> AppState:
    """The state ``create_app`` attached to the app."""
    state: AppState = app.state.nianbao
    return state
