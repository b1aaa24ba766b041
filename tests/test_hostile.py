"""Hostile and broken files, each made here: refused with the right code (or read within
the limits), with nothing fetched and no temporary file left behind."""

from __future__ import annotations

import io
import os
import socket
import struct
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao.errors import NianbaoError
from nianbao.pipeline import parse_bytes
from nianbao.readers import office, read
from nianbao.readers.limits import Limits
from tests.conftest_binary import HUAIAN, W_NS, build, docx_bytes_with


@pytest.fixture(autouse=True)
def no_leftovers(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Nothing is left in the temporary folder: a private one per test (TMPDIR for the converters
    too), so that other programs writing to /tmp cannot make the test fail."""
    private = tmp_path_factory.mktemp("tmpdir")
    monkeypatch.setenv("TMPDIR", str(private))
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    yield
    assert sorted(os.listdir(private)) == []


def _code(data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises(NianbaoError) as e:
        parse_bytes(data, "hostile", limits)
    assert e.value.path == "hostile" and e.value.reason
    return e.value.code


def _bomb(size: int) -> bytes:
    """A DOCX whose document part unpacks to ``size`` bytes from a few hundred kB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b" " * (1 << 20)
            for _ in range(size >> 20):
                f.write(chunk)
    return buf.getvalue()


def test_docx_zip_bomb_over_the_unpacked_limit() -> None:
    data = _bomb(64 << 20)
    assert len(data) < 1 << 20
    assert _code(data, Limits(max_unpacked_bytes=32 << 20)) == "E_TOO_LARGE"


def test_docx_zip_bomb_by_compression_ratio_within_the_size_limit() -> None:
    assert _code(_bomb(16 << 20)) == "E_TOO_LARGE"  # 16 MB of spaces: ratio ~1000:1


def test_file_over_the_size_limit() -> None:
    data = b"%PDF-1.7\n" + b"0" * (51 << 20)
    assert _code(data) == "E_TOO_LARGE"
    assert _code(HUAIAN.read_bytes(), Limits(max_bytes=100_000)) == "E_TOO_LARGE"


def test_pdf_over_the_page_limit() -> None:
    assert _code(HUAIAN.read_bytes(), Limits(max_pages=2)) == "E_TOO_LARGE"


def test_encrypted_pdf_needs_a_password() -> None:
    import pikepdf

    buf = io.BytesIO()
    with pikepdf.open(HUAIAN) as p:
        p.save(buf, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    assert _code(buf.getvalue()) == "E_ENCRYPTED"


def test_pdf_encrypted_with_an_owner_password_only_is_read() -> None:
    import pikepdf

    buf = io.BytesIO()
    with pikepdf.open(HUAIAN) as p:
        p.save(buf, encryption=pikepdf.Encryption(user="", owner="owner"))
    assert parse_bytes(buf.getvalue(), "owner-only.pdf").values["applications.new.total"] == 3119


def _image_pdf() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("L", (800, 1100), 255)
    draw = ImageDraw.Draw(img)
    for y in range(100, 1000, 60):
        draw.line((80, y, 720, y), fill=0, width=2)
    buf = io.BytesIO()
    img.save(buf, format="PDF", resolution=100.0)
    return buf.getvalue()


def test_pdf_without_text_and_ocr_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_OCR", "0")
    assert _code(_image_pdf()) == "E_NO_TEXT"


def test_image_without_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    monkeypatch.setenv("NIANBAO_OCR", "0")
    buf = io.BytesIO()
    Image.new("L", (200, 100), 255).save(buf, format="PNG")
    assert _code(buf.getvalue()) == "E_NO_TEXT"


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + idat + chunk(b"IEND", b"")


def test_image_decompression_bomb() -> None:
    assert _code(_png_header(100_000, 100_000)) == "E_TOO_LARGE"


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    from PIL import Image

    docx = build("docx", tmp_path_factory).read_bytes()
    xlsx = build("xlsx", tmp_path_factory).read_bytes()
    png = io.BytesIO()
    Image.new("L", (400, 300), 255).save(png, format="PNG")
    out = {"pdf": HUAIAN.read_bytes(), "docx": docx, "xlsx": xlsx, "png": png.getvalue()}
    if office.soffice() is not None:
        out["doc"] = office.convert(docx, "docx", "doc", 120)
        out["rtf"] = office.convert(docx, "docx", "rtf", 120)
        out["odt"] = office.convert(docx, "docx", "odt", 120)
    return out


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx", "png", "doc", "rtf", "odt"])
def test_truncated_file_of_each_format(originals: dict[str, bytes], fmt: str) -> None:
    if fmt not in originals:
        pytest.skip("LibreOffice is not installed")
    data = originals[fmt]
    assert _code(data[: len(data) * 2 // 3]) == "E_CORRUPT"


class _Listener:
    """A local TCP port that records whether anything connected to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[_Listener]:
    lst = _Listener()
    yield lst
    lst.close()


def _linking_docx(url: str, secret: Path) -> bytes:
    r_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    body = (
        '<w:p><w:hyperlink r:id="rIdLink"><w:r><w:t>链接文字</w:t></w:r></w:hyperlink></w:p>'
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCLUDETEXT "{secret}" </w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>缓存的结果</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        f'<w:p><w:r><w:instrText> INCLUDEPICTURE "{url}/pic.png" \\d </w:instrText></w:r></w:p>'
        '<w:altChunk r:id="rIdChunk"/>'
    )
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_NS} {r_ns}><w:body>{body}</w:body></w:document>'
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rIdLink" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/hyperlink" Target="{url}/page" TargetMode="External"/>'
        f'<Relationship Id="rIdChunk" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'aFChunk" Target="{url}/chunk.html" TargetMode="External"/></Relationships>'
    )
    return docx_bytes_with(xml, {"word/_rels/document.xml.rels": rels})


def test_docx_with_external_links_is_read_without_following_them(listener: _Listener, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("不应被读入的内容", encoding="utf-8")
    url = f"http://127.0.0.1:{listener.port}"
    doc = read(_linking_docx(url, secret))
    texts = [p.text for p in doc.paragraphs()]
    assert texts == ["链接文字", "缓存的结果"]
    assert not any("不应被读入" in t or "127.0.0.1" in t for t in texts)
    assert listener.connections == 0


@pytest.mark.skipif(office.soffice() is None, reason="LibreOffice is not installed")
def test_office_conversion_does_not_fetch_links(listener: _Listener, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("不应被读入的内容", encoding="utf-8")
    url = f"http://127.0.0.1:{listener.port}"
    odt = office.convert(_linking_docx(url, secret), "docx", "odt", 120)
    doc = read(odt)
    assert doc.format == "odt"
    assert not any("不应被读入" in p.text for p in doc.paragraphs())
    assert listener.connections == 0


def test_docx_entity_expansion_is_not_performed() -> None:
    """A billion-laughs DOCTYPE: refused by the parser, not expanded."""
    entities = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
           f'<w:document {W_NS}><w:body><w:p><w:r><w:t>正文&l9;</w:t></w:r></w:p></w:body></w:document>')
    assert _code(docx_bytes_with(xml)) == "E_CORRUPT"


def test_truncated_image_is_corrupt_even_after_weasyprint_was_imported(originals: dict[str, bytes]) -> None:
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process on import: a cut image was
    then read as an image without text (E_NO_TEXT) in any process that had rendered a PDF."""
    import weasyprint  # type: ignore[import-untyped]  # noqa: F401
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    data = originals["png"]
    assert _code(data[: len(data) * 2 // 3]) == "E_CORRUPT"
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as it was found
