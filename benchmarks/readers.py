"""Reader speed: pages per second per format, and for PDF the ratio of nianbao's whole
parse to pypdfium2's own extraction of each page's text and every character's box (the
reader's library) and to pdfplumber's bare text, on the same files in one run, taken in
turn round by round (best of at least 5; wall and CPU time). ``--libraries`` also compares
PDF libraries on the real report (the figures of docs/pdf-library.md).

    .venv/bin/python benchmarks/readers.py [--rounds 3] [--ocr] [--libraries]

The DOCX, XLSX and PDF inputs are made from sample 001 as the tests make them
(tests/conftest_binary.py); the real PDF is examples/files/huaian-2024.pdf.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import conftest_binary as samples  # noqa: E402

from nianbao.pipeline import parse_bytes  # noqa: E402
from nianbao.readers import read  # noqa: E402


class _Factory:
    """Stands in for pytest's tmp_path_factory."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def getbasetemp(self) -> Path:
        return self.base


def _pages(data: bytes, fmt: str) -> int:
    if fmt in ("pdf", "scan"):
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(data)
        n = len(doc)
        doc.close()
        return n
    return 1  # a DOCX or XLSX counts as one page of its own


def _timed(fn: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _side_by_side(fns: list[Callable[[], object]], rounds: int) -> list[tuple[float, float]]:
    """(best wall time, best CPU time) of each function, taken in turn round by round: on a shared
    machine a quiet or a busy spell then falls on all of them alike."""
    best = [(float("inf"), float("inf")) for _ in fns]
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[i] = (min(best[i][0], wall), min(best[i][1], cpu))
    return best


def _bare_pdfplumber(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()


def _bare_pdfium(data: bytes) -> None:
    """pypdfium2's own extraction of what the reader needs: each page's text and every character's box."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        for i in range(len(doc)):
            textpage = doc[i].get_textpage()
            textpage.get_text_range()
            for c in range(textpage.count_chars()):
                textpage.get_charbox(c)
    finally:
        doc.close()


def formats(rounds: int, ocr: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        factory = _Factory(Path(tmp))
        files = {"docx": samples.build("docx", factory), "xlsx": samples.build("xlsx", factory)}
        if shutil.which("soffice"):
            files["pdf (LibreOffice)"] = samples.build("pdf", factory)
        if ocr and shutil.which("pdftoppm"):
            files["scan"] = samples.build("scan", factory)
        blobs = {name: p.read_bytes() for name, p in files.items()}
    blobs["pdf (huaian)"] = samples.HUAIAN.read_bytes()
    print(f"{'format':20} {'pages':>5} {'read s':>8} {'pages/s':>8} {'parse s':>8}")
    for name, data in blobs.items():
        pages = _pages(data, name.split(" ")[0])
        r = 1 if name == "scan" else rounds
        read_s = _timed(lambda data=data: read(data), r)
        parse_s = _timed(lambda data=data, name=name: parse_bytes(data, name), r)
        print(f"{name:20} {pages:5d} {read_s:8.3f} {pages / read_s:8.1f} {parse_s:8.3f}")
    pdfs = [blobs[k] for k in blobs if k.startswith("pdf")]
    pages = sum(_pages(d, "pdf") for d in pdfs)
    times = [_side_by_side([lambda d=d: parse_bytes(d, "x.pdf"), lambda d=d: _bare_pdfium(d),
                            lambda d=d: _bare_pdfplumber(d)], max(rounds, 5)) for d in pdfs]
    (whole, boxes, bare), (whole_cpu, boxes_cpu, bare_cpu) = (
        [sum(t[i][k] for t in times) for i in range(3)] for k in range(2))
    print(f"PDF, {pages} pages: whole parse {pages / whole:.0f} pages/s; pypdfium2 text and character boxes "
          f"{pages / boxes:.0f} pages/s; pdfplumber bare text {pages / bare:.0f} pages/s")
    print(f"  whole parse / pypdfium2 text and boxes = {whole / boxes:.2f}  "
          f"(goal ≤ 3; CPU time {whole_cpu / boxes_cpu:.2f})")
    print(f"  whole parse / pdfplumber bare text     = {whole / bare:.2f}  (CPU time {whole_cpu / bare_cpu:.2f})")


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s)


def libraries(rounds: int) -> None:
    """Speed and Chinese text on the real report for each candidate PDF library."""
    import pdfplumber
    import pypdfium2 as pdfium
    from pdfminer.high_level import extract_text

    data = samples.HUAIAN.read_bytes()

    def plumber() -> str:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join(p.extract_text() or "" for p in pdf.pages)

    def plumber_tables() -> str:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join(str(t.extract()) for p in pdf.pages for t in p.find_tables())

    def pdfium_text() -> str:
        doc = pdfium.PdfDocument(data)
        out = []
        for i in range(len(doc)):
            tp = doc[i].get_textpage()
            out.append(tp.get_text_range())
        doc.close()
        return "\n".join(out)

    def miner() -> str:
        return extract_text(io.BytesIO(data))

    def poppler() -> str:
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout \
            .decode("utf-8")

    candidates: dict[str, Callable[[], str]] = {"pdfplumber (text)": plumber, "pdfplumber (tables)": plumber_tables,
                                                "pypdfium2": pdfium_text, "pdfminer.six": miner}
    if shutil.which("pdftotext"):
        candidates["pdftotext (poppler CLI)"] = poppler
    reference = _norm(poppler()) if shutil.which("pdftotext") else None
    probes = ["淮安市人民政府", "本年新收政府信息公开申请数量", "危及“三安全一稳定”", "行政事业性收费", "96171.6",
              "3985758", "全年收取政府信息公开信息处理费3940元"]
    print(f"{'library':26} {'s (6 pages)':>11} {'CJK chars':>9} {'garbled':>7} {'probes':>6}")
    for name, fn in candidates.items():
        seconds = _timed(fn, rounds)
        text = fn()
        cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
        garbled = text.count("(cid:") + text.count("\ufffd")
        found = sum(1 for p in probes if p in _norm(text))
        print(f"{name:26} {seconds:11.3f} {cjk:9d} {garbled:7d} {found:4d}/{len(probes)}")
    if reference is not None:
        print(f"reference CJK characters (pdftotext): {sum(1 for ch in reference if '一' <= ch <= '鿿')}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=3, help="best of this many runs")
    ap.add_argument("--ocr", action="store_true", help="also the scanned PDF (slow: OCR)")
    ap.add_argument("--libraries", action="store_true", help="compare PDF libraries on the real report")
    args = ap.parse_args()
    formats(args.rounds, args.ocr)
    if args.libraries:
        libraries(args.rounds)


if __name__ == "__main__":
    main()
