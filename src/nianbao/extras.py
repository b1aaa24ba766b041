"""Optional parts of nianbao (``pip install 'nianbao[EXTRA]'``): a feature whose modules are
missing says which extra to install, instead of an ImportError from deep inside."""

from __future__ import annotations

import importlib

from nianbao.errors import missing_extra


def need(extra: str, *modules: str) -> None:
    """Raise MissingExtraError (E_EXTRA) naming ``extra`` when one of ``modules`` cannot be imported
    (the feature imports them next anyway)."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            raise missing_extra(extra, module) from None
