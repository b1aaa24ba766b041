"""Every reader module named in READERS is a Reader: a callable ``read(data, limits)``
returning a Document, as readers.read() calls it."""

from __future__ import annotations

import importlib
import inspect
import typing

import pytest

from nianbao.document import Document
from nianbao.readers import READERS
from nianbao.readers.base import Reader
from nianbao.readers.limits import Limits

MODULES = sorted(set(READERS.values()))


@pytest.mark.parametrize("name", MODULES)
def test_reader_module_satisfies_protocol(name: str) -> None:
    module = importlib.import_module(name)
    assert isinstance(module, Reader)
    read = module.read
    assert callable(read)
    params = list(inspect.signature(read).parameters.values())
    assert [p.name for p in params] == ["data", "limits"]
    assert all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params)
    hints = typing.get_type_hints(read)
    assert hints["data"] is bytes
    assert hints["limits"] in (Limits, Limits | None)
    assert hints["return"] is Document


def test_protocol_describes_read() -> None:
    params = list(inspect.signature(Reader.read).parameters)
    assert params == ["self", "data", "limits"]


def test_module_without_read_is_not_a_reader() -> None:
    assert not isinstance(importlib.import_module("nianbao.readers.detect"), Reader)
