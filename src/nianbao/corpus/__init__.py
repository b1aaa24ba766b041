"""The corpus: many reports in one database (SQLite or PostgreSQL), ingested in parallel and
resumably, linked across years, exported and summarised. See ingest, agencies, export, stats."""
