"""A core-only install (``pip install nianbao``, no extras) reads and checks reports (issue 15):
a fresh virtual environment gets the package and its core dependencies only, then parses a text
sample and the real PDF, checks them, and names the extra a heavier command needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

HEAVY = (
    "sqlalchemy",
    "fastapi",
    "uvicorn",
    "weasyprint",
    "jinja2",
    "dask",
    "matplotlib",
    "rapidocr_onnxruntime",
    "onnxruntime",
    "pyarrow",
    "psycopg",
    "alembic",
)


@pytest.fixture(scope="module")
def core_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("core") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, str(ROOT)], check=True, capture_output=True, text=True)
    return venv / "bin" / "python"


def test_core_install_has_none_of_the_extras(core_python: Path) -> None:
    code = f"import importlib.util as u; print([m for m in {HEAVY!r} if u.find_spec(m)])"
    out = subprocess.run([str(core_python), "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_core_install_parses_and_checks_text_and_pdf(core_python: Path) -> None:
    code = (
        "import nianbao\n"
        "for path in ('examples/samples/000_de40de658abca76d.txt', 'examples/files/huaian-2024.pdf'):\n"
        "    r = nianbao.parse(path)\n"
        "    ok = sum(p.status == 'ok' for p in r.provenance.values())\n"
        "    print(r.source.format, r.year, r.template, ok, len(nianbao.check(r)))\n"
    )
    run = subprocess.run([str(core_python), "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    text_line, pdf_line = run.stdout.splitlines()
    assert text_line.split()[:4] == ["text", "2023", "2021", "200"]
    assert pdf_line.split()[:3] == ["pdf", "2024", "2021"]
    assert int(pdf_line.split()[3]) == 200


def test_core_install_command_names_the_missing_extra(core_python: Path, tmp_path: Path) -> None:
    nianbao = core_python.parent / "nianbao"
    run = subprocess.run([str(nianbao), "corpus", "stats"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2
    assert "nianbao[corpus]" in run.stderr and "(E_EXTRA)" in run.stderr and "Traceback" not in run.stderr
    out = tmp_path / "r.pdf"
    run = subprocess.run(
        [str(nianbao), "render", str(ROOT / "examples/render/example-2024.yaml"), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 1, run.stderr  # the file failed (named), as any per-file failure
    assert f"{ROOT / 'examples/render/example-2024.yaml'}: " in run.stderr
    assert "nianbao[render]" in run.stderr and "(E_EXTRA)" in run.stderr and not out.exists()
