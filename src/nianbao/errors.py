"""Errors that reach the user: a stable English code and a Chinese reason."""

from __future__ import annotations


class NianbaoError(Exception):
    """A file could not be processed. ``code`` is stable (E_…); ``reason`` is Chinese."""

    def __init__(self, code: str, reason: str, path: str | None = None) -> None:
        super().__init__(f"{reason} ({code})")
        self.code = code
        self.reason = reason
        self.path = path

    def with_path(self, path: str) -> NianbaoError:
        self.path = path
        return self

    def line(self) -> str:
        """The one-line form printed on stderr: ``nianbao: FILE: 原因 (E_CODE)``."""
        where = f"{self.path}: " if self.path else ""
        return f"nianbao: {where}{self.reason} ({self.code})"


# Codes, with the Chinese reason used when nothing more specific is known.
E_EMPTY = "E_EMPTY"
E_BINARY = "E_BINARY"
E_ENCODING = "E_ENCODING"
E_TOO_LARGE = "E_TOO_LARGE"
E_NOT_REPORT = "E_NOT_REPORT"
E_TABLE_MISSING = "E_TABLE_MISSING"
E_UNSUPPORTED = "E_UNSUPPORTED"
E_CORRUPT = "E_CORRUPT"
E_ENCRYPTED = "E_ENCRYPTED"
E_NO_TEXT = "E_NO_TEXT"
E_TIMEOUT = "E_TIMEOUT"
E_IO = "E_IO"
E_DATA = "E_DATA"
