"""Limits of size, time and memory that every reader and every child process respects.

The defaults suit one reviewer's folder and a web server; a country-scale run raises them with
``Limits.from_env()`` (``NIANBAO_MAX_BYTES``, …) or the command's flags. Each limit is checked
before the work it bounds (a sheet's cells counted in its XML before it is loaded, an image's
pixels from its header), and the child a file is parsed in is killed past ``max_seconds`` or
``max_memory_mb``, so that one file can never sink a batch.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024  # a report file larger than this is refused
    max_unpacked_bytes: int = 200 * 1024 * 1024  # for ZIP containers (DOCX, XLSX): zip bombs
    max_pages: int = 500
    timeout_s: float = 120.0  # for external converters (LibreOffice, OCR)
    max_seconds: float = 300.0  # one file's whole parse, in its child (E_TIMEOUT)
    max_memory_mb: int = 2048  # the child's resident memory (E_TOO_LARGE); 0: unbounded
    max_address_space_mb: int = 0  # RLIMIT_AS of the child (0: not set; OCR reserves much address space)
    max_part_bytes: int = 64 * 1024 * 1024  # one part of a DOCX/XLSX (document.xml, a sheet), unpacked
    max_sheets: int = 100  # worksheets of a workbook
    max_cells: int = 2_000_000  # cells of a workbook, all sheets together, counted in the XML
    max_pixels: int = 40_000_000  # an image's (or a page image's) width × height, from its header
    max_stream_bytes: int = 256 * 1024 * 1024  # a PDF's streams, inflated, all together
    max_depth: int = 200  # nesting of JSON / YAML / TOML data
    max_data_bytes: int = 5 * 1024 * 1024  # JSON / YAML / TOML data for render and the API

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Limits:
        """The defaults, then ``NIANBAO_<FIELD>`` variables (``NIANBAO_MAX_SECONDS=600``), then
        ``overrides`` (those not None: the command's flags)."""
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"NIANBAO_{f.name.upper()}")
            if raw:
                kind = float if f.type in ("float", float) else int
                try:
                    values[f.name] = kind(raw)
                except ValueError:
                    from nianbao.errors import ErrorCode, NianbaoError

                    raise NianbaoError(
                        ErrorCode.E_USAGE, f"环境变量 NIANBAO_{f.name.upper()} 不是数值：{raw!r}"
                    ) from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)
