"""The corpus: many reports in one database (SQLite or PostgreSQL), ingested in parallel and
resumably, linked across years, exported and summarised. See ingest, agencies, export, stats.

This package's ``__init__`` stays light (no SQLAlchemy): the command line reads its default URL."""

DEFAULT_URL = "sqlite:///nianbao.sqlite"
