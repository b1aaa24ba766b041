"""``nianbao --help`` and a one-file parse import only what they use: none of the heavy optional
parts (database, web, charts, columnar files, cluster, PDF rendering, OCR)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import SAMPLES

HEAVY = ("sqlalchemy", "fastapi", "matplotlib", "pyarrow", "dask", "weasyprint", "rapidocr_onnxruntime", "onnxruntime")

PROBE = """
import contextlib, io, json, sys
from nianbao.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    main(sys.argv[1:])
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["parse", str(SAMPLES / "003_3282c18a880ba7c1.txt")], ["parse", "--json", str(SAMPLES)]],
    ids=["help", "parse", "parse-json"],
)
def test_command_imports_no_heavy_module(argv: list[str]) -> None:
    run = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True)
    loaded = set(json.loads(run.stdout.splitlines()[-1]))
    assert not loaded & set(HEAVY)


def test_import_nianbao_loads_no_model() -> None:
    probe = "import sys, nianbao; print(sorted(m for m in sys.modules if m.startswith(('pydantic', 'nianbao.'))))"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "pydantic" not in run.stdout and "nianbao.report" not in run.stdout
