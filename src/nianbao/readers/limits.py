"""Limits of size, time and memory that every reader respects (configurable)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024  # a report file larger than this is refused
    max_unpacked_bytes: int = 200 * 1024 * 1024  # for ZIP containers (DOCX, XLSX): zip bombs
    max_pages: int = 500
    timeout_s: float = 120.0  # for external converters (LibreOffice, OCR)
