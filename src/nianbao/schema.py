"""The JSON Schema of the report object, generated from the pydantic models."""

from __future__ import annotations

from typing import Any

from nianbao.report import Report


def report_schema() -> dict[str, Any]:
    schema = Report.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://nianbao.invalid/schema/report.schema.json"
    return schema
