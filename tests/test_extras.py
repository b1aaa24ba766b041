"""A feature whose optional part is not installed is a clear error naming the extra to install
(E_EXTRA, ``pip install 'nianbao[…]'``). The missing package is simulated in a child process by an
import hook that refuses it, so the real code path runs up to the import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BLOCK = """
import builtins, sys
_real = builtins.__import__
def _refuse(name, *args, **kwargs):
    if name.split(".")[0] == {module!r}:
        raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
    return _real(name, *args, **kwargs)
builtins.__import__ = _refuse
"""


def run_without(module: str, code: str) -> subprocess.CompletedProcess[str]:
    script = BLOCK.format(module=module) + code
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)


def test_render_pdf_without_render_extra() -> None:
    run = run_without(
        "weasyprint",
        "import nianbao\n"
        "try:\n    nianbao.render('examples/render/example-2024.yaml', 'pdf')\n"
        "except nianbao.MissingExtraError as e:\n    print(e.code, e.reason)\n",
    )
    assert run.stdout.startswith("E_EXTRA ") and "nianbao[render]" in run.stdout and "weasyprint" in run.stdout


def test_office_file_without_office_extra(tmp_path: Path) -> None:
    doc = tmp_path / "report.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    run = run_without("olefile", f"from nianbao.cli import main\nraise SystemExit(main(['parse', {str(doc)!r}]))\n")
    assert run.returncode == 1
    assert f"{doc}: " in run.stderr and "nianbao[office]" in run.stderr and "(E_EXTRA)" in run.stderr


@pytest.mark.parametrize("argv", [["corpus", "stats"], ["serve"]], ids=["corpus", "serve"])
def test_command_without_its_extra(argv: list[str]) -> None:
    module, extra = ("sqlalchemy", "corpus") if argv[0] == "corpus" else ("fastapi", "web")
    run = run_without(module, f"from nianbao.cli import main\nraise SystemExit(main({argv!r}))\n")
    assert run.returncode == 2, run.stderr
    assert f"nianbao[{extra}]" in run.stderr and "(E_EXTRA)" in run.stderr
    assert "Traceback" not in run.stderr


def test_image_without_ocr_extra_names_the_extra(tmp_path: Path) -> None:
    from PIL import Image

    image = tmp_path / "scan.png"
    Image.new("RGB", (200, 100), "white").save(image)
    run = run_without(
        "rapidocr_onnxruntime", f"from nianbao.cli import main\nraise SystemExit(main(['parse', {str(image)!r}]))\n"
    )
    assert run.returncode == 1, run.stderr
    assert f"{image}: 图片文件需要文字识别（OCR）；" in run.stderr
    assert "nianbao[ocr]" in run.stderr and "(E_EXTRA)" in run.stderr and "Traceback" not in run.stderr


def test_scanned_pdf_without_ocr_extra_names_the_extra(tmp_path: Path) -> None:
    from PIL import Image

    pdf = tmp_path / "scan.pdf"
    Image.new("RGB", (600, 800), "white").save(pdf, "PDF")
    run = run_without(
        "rapidocr_onnxruntime", f"from nianbao.cli import main\nraise SystemExit(main(['parse', {str(pdf)!r}]))\n"
    )
    assert run.returncode == 1, run.stderr
    assert "PDF 没有文字层（可能是扫描件），需要文字识别（OCR）；" in run.stderr
    assert "nianbao[ocr]" in run.stderr and "(E_EXTRA)" in run.stderr
