"""nianbao: parse, check, render and collect China's government information disclosure annual
reports (政府信息公开工作年度报告).

>>> import nianbao
>>> report = nianbao.parse("examples/samples/003_3282c18a880ba7c1.txt")
>>> findings = nianbao.check(report)

The names below are the public API (docs/api.md); everything else is internal. The models and
``__version__`` are loaded on first use, so that ``import nianbao`` stays cheap.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from nianbao._api import check, check_many, open_corpus, parse, parse_many, render, template, templates
from nianbao.errors import (
    CorpusError,
    DataError,
    ErrorCode,
    InternalError,
    LimitError,
    MissingExtraError,
    NianbaoError,
    ReadError,
    UsageError,
)

if TYPE_CHECKING:
    from nianbao.readers.limits import Limits
    from nianbao.report import Finding, Location, Provenance, Report, Section, Source
    from nianbao.template import Template

    __version__: str

__all__ = [
    "CorpusError",
    "DataError",
    "ErrorCode",
    "Finding",
    "InternalError",
    "LimitError",
    "Limits",
    "Location",
    "MissingExtraError",
    "NianbaoError",
    "Provenance",
    "ReadError",
    "Report",
    "Section",
    "Source",
    "Template",
    "UsageError",
    "__version__",
    "check",
    "check_many",
    "open_corpus",
    "parse",
    "parse_many",
    "render",
    "template",
    "templates",
]

_LAZY = {
    "Finding": "nianbao.report",
    "Location": "nianbao.report",
    "Provenance": "nianbao.report",
    "Report": "nianbao.report",
    "Section": "nianbao.report",
    "Source": "nianbao.report",
    "Limits": "nianbao.readers.limits",
    "Template": "nianbao.template",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("nianbao")
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nianbao' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """Keeps the functions ``render`` and ``template`` bound when their namesake subpackages
    (``nianbao.render``, ``nianbao.template``) are imported: the import system would otherwise
    put the subpackage in the function's place."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("render", "template") and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
