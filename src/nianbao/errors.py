"""Errors that reach the user: a stable English code and a Chinese reason.

``NianbaoError(code, reason)`` comes back as the subclass of the code's family (``ReadError``,
``LimitError``, ``DataError``, ``CorpusError``, ``UsageError``, ``MissingExtraError``,
``InternalError``), so that a caller may catch one family while every existing ``raise
NianbaoError(E_X, …)`` keeps working. The codes are the ``ErrorCode`` enum; the module-level
``E_…`` names are its members (strings, so they compare and print as the code).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Every stable code; the value is the code as printed (``E_EMPTY``)."""

    E_EMPTY = "E_EMPTY"
    E_BINARY = "E_BINARY"
    E_ENCODING = "E_ENCODING"
    E_NOT_REPORT = "E_NOT_REPORT"
    E_TABLE_MISSING = "E_TABLE_MISSING"
    E_UNSUPPORTED = "E_UNSUPPORTED"
    E_CORRUPT = "E_CORRUPT"
    E_ENCRYPTED = "E_ENCRYPTED"
    E_NO_TEXT = "E_NO_TEXT"
    E_IO = "E_IO"
    E_TOO_LARGE = "E_TOO_LARGE"
    E_TIMEOUT = "E_TIMEOUT"
    E_DATA = "E_DATA"
    E_TEMPLATE = "E_TEMPLATE"
    E_DB = "E_DB"
    E_CORPUS = "E_CORPUS"
    E_USAGE = "E_USAGE"
    E_NO_INPUT = "E_NO_INPUT"
    E_REQUEST = "E_REQUEST"
    E_NOT_FOUND = "E_NOT_FOUND"
    E_METHOD = "E_METHOD"
    E_EXTRA = "E_EXTRA"
    E_INTERNAL = "E_INTERNAL"


class NianbaoError(Exception):
    """Something could not be done. ``code`` is stable (E_…); ``reason`` is Chinese."""

    def __new__(cls, code: str, reason: str, path: str | None = None) -> NianbaoError:
        family = _FAMILY.get(str(code), cls) if cls is NianbaoError else cls
        return super().__new__(family)

    def __init__(self, code: str, reason: str, path: str | None = None) -> None:
        super().__init__(f"{reason} ({code})")
        self.code = str(code)
        self.reason = reason
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt from its fields (the message alone is not enough), e.g. across processes
        return (type(self), (self.code, self.reason, self.path))

    @property
    def error_code(self) -> ErrorCode | None:
        """The code as an ``ErrorCode`` (None for a code this version does not know)."""
        return ErrorCode(self.code) if self.code in ErrorCode._value2member_map_ else None

    def with_path(self, path: str) -> NianbaoError:
        self.path = path
        return self

    def line(self) -> str:
        """The one-line form printed on stderr: ``nianbao: FILE: 原因 (E_CODE)``. A name holding a
        line break or another control character is quoted with it escaped, so that a file name
        can never forge a second error line."""
        where = f"{quote_name(self.path)}: " if self.path else ""
        return f"nianbao: {where}{_one_line(self.reason)} ({self.code})"


def quote_name(name: str) -> str:
    """A file name as an error line shows it: as it is, or quoted and escaped (JSON style) when it
    holds control characters (a newline, a carriage return, an escape sequence)."""
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029" for ch in name):
        import json

        return json.dumps(name, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return name


def _one_line(text: str) -> str:
    return text if "\n" not in text and "\r" not in text else text.replace("\r", " ").replace("\n", " ")


class ReadError(NianbaoError):
    """A file could not be read as a report (empty, binary, corrupt, not a report, …)."""


class LimitError(NianbaoError):
    """A file went over a limit of size or time."""


class DataError(NianbaoError):
    """Data given to render or to a template is wrong (a negative count, an unknown key, …)."""


class CorpusError(NianbaoError):
    """The corpus database cannot be opened or read."""


class UsageError(NianbaoError):
    """The request itself is wrong: missing input, bad option, unknown id."""


class MissingExtraError(NianbaoError):
    """The feature needs an optional part that is not installed (``pip install nianbao[…]``)."""


class InternalError(NianbaoError):
    """A bug, not bad input."""


_FAMILIES: dict[type[NianbaoError], tuple[ErrorCode, ...]] = {
    ReadError: (
        ErrorCode.E_EMPTY,
        ErrorCode.E_BINARY,
        ErrorCode.E_ENCODING,
        ErrorCode.E_NOT_REPORT,
        ErrorCode.E_TABLE_MISSING,
        ErrorCode.E_UNSUPPORTED,
        ErrorCode.E_CORRUPT,
        ErrorCode.E_ENCRYPTED,
        ErrorCode.E_NO_TEXT,
        ErrorCode.E_IO,
    ),
    LimitError: (ErrorCode.E_TOO_LARGE, ErrorCode.E_TIMEOUT),
    DataError: (ErrorCode.E_DATA, ErrorCode.E_TEMPLATE),
    CorpusError: (ErrorCode.E_DB, ErrorCode.E_CORPUS),
    UsageError: (
        ErrorCode.E_USAGE,
        ErrorCode.E_NO_INPUT,
        ErrorCode.E_REQUEST,
        ErrorCode.E_NOT_FOUND,
        ErrorCode.E_METHOD,
    ),
    MissingExtraError: (ErrorCode.E_EXTRA,),
    InternalError: (ErrorCode.E_INTERNAL,),
}
_FAMILY: dict[str, type[NianbaoError]] = {code.value: cls for cls, codes in _FAMILIES.items() for code in codes}

E_EMPTY = ErrorCode.E_EMPTY
E_BINARY = ErrorCode.E_BINARY
E_ENCODING = ErrorCode.E_ENCODING
E_TOO_LARGE = ErrorCode.E_TOO_LARGE
E_NOT_REPORT = ErrorCode.E_NOT_REPORT
E_TABLE_MISSING = ErrorCode.E_TABLE_MISSING
E_UNSUPPORTED = ErrorCode.E_UNSUPPORTED
E_CORRUPT = ErrorCode.E_CORRUPT
E_ENCRYPTED = ErrorCode.E_ENCRYPTED
E_NO_TEXT = ErrorCode.E_NO_TEXT
E_TIMEOUT = ErrorCode.E_TIMEOUT
E_IO = ErrorCode.E_IO
E_DATA = ErrorCode.E_DATA
E_TEMPLATE = ErrorCode.E_TEMPLATE
E_USAGE = ErrorCode.E_USAGE
E_NO_INPUT = ErrorCode.E_NO_INPUT
E_EXTRA = ErrorCode.E_EXTRA
E_REQUEST = ErrorCode.E_REQUEST
E_DB = ErrorCode.E_DB


def missing_extra(extra: str, module: str) -> MissingExtraError:
    """The error for a feature whose extra is not installed, naming the pip command."""
    return MissingExtraError(
        ErrorCode.E_EXTRA,
        f"此功能需要安装可选组件 nianbao[{extra}]（缺少 {module}）：pip install 'nianbao[{extra}]'",
    )
