"""Imported by the forkserver before it forks the ingest's workers, for its side effect: the
parser, the checks, the templates and the patterns built from them are loaded once there and
inherited by every worker, which then starts at full speed instead of spending its first
second on imports and YAML.
"""

from __future__ import annotations

from contextlib import suppress

from nianbao.checks import check_report
from nianbao.checks.base import load_data
from nianbao.corpus.worker import process
from nianbao.errors import NianbaoError
from nianbao.numbering import cn_numeral
from nianbao.pipeline import parse_bytes
from nianbao.template import available, load

__all__ = ["check_report", "process", "warm"]


def warm() -> None:
    """Load every template and the checks' data, and run the extractor once per template on a
    skeleton made from the template itself (it has no numbers, so it is refused: that is fine)."""
    load_data("phrases.yaml")
    load_data("params.yaml")
    for version in available():
        template = load(version)
        lines = [f"{cn_numeral(s.no)}、{s.title}" for s in template.sections]
        lines.append(template.tables[0].blocks[0].rows[0].label)
        with suppress(NianbaoError):
            parse_bytes("\n".join(lines).encode(), "preload.txt")


warm()
