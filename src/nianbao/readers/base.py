"""What a reader module is, for the type checker: a module with ``read(data, limits)``.

The readers are imported by name (``READERS``) when first needed, so their type is lost
at the import; this Protocol gives it back to the call. ``isinstance(module, Reader)``
tells only that the module has a ``read``.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from nianbao.document import Document
from nianbao.readers.limits import Limits


@runtime_checkable
class Reader(Protocol):
    """A reader module: ``read(data, limits)`` turns a file's bytes into a Document."""

    def read(self, data: bytes, limits: Limits) -> Document: ...
