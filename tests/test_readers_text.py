"""The text decoder, format detection and the text/markdown readers on real samples
re-encoded the ways Chinese reports arrive: GBK, UTF-16 either way, BOMs, CRLF, CR."""

from __future__ import annotations

import codecs
import io
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from nianbao.document import Grid, Paragraph
from nianbao.errors import E_BINARY, E_ENCODING, NianbaoError
from nianbao.readers import read
from nianbao.readers import text as text_reader
from nianbao.readers.detect import detect
from nianbao.readers.markdown import read as read_markdown

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [*sorted((ROOT / "examples" / "samples").glob("*.txt")), ROOT / "examples" / "2019" / "pingtan-2019.txt"]
HTML = ROOT / "tests" / "fixtures" / "html"

# name → (how to encode a str, encoding name decode() must report)
ENCODINGS: dict[str, tuple[Callable[[str], bytes], str]] = {
    "utf-8": (lambda s: s.encode("utf-8"), "utf-8"),
    "gbk": (lambda s: s.encode("gbk"), "gb18030"),
    "utf-16-le-bom": (lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le"), "utf-16"),
    "utf-16-be-bom": (lambda s: codecs.BOM_UTF16_BE + s.encode("utf-16-be"), "utf-16"),
    "utf-16-be": (lambda s: s.encode("utf-16-be"), "utf-16"),
    "utf-16-le": (lambda s: s.encode("utf-16-le"), "utf-16"),
    "utf-8-bom": (lambda s: s.encode("utf-8-sig"), "utf-8-sig"),
    "crlf": (lambda s: s.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    "cr": (lambda s: s.replace("\n", "\r").encode("utf-8"), "utf-8"),
    "gbk-crlf": (lambda s: s.replace("\n", "\r\n").encode("gbk"), "gb18030"),
    "utf-16-le-bom-cr": (lambda s: codecs.BOM_UTF16_LE + s.replace("\n", "\r").encode("utf-16-le"), "utf-16"),
}


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("enc", list(ENCODINGS))
def test_decode_gives_identical_lines(sample: Path, enc: str) -> None:
    encode, expected_name = ENCODINGS[enc]
    original = sample.read_text(encoding="utf-8")
    text, name = text_reader.decode(encode(original))
    assert name == expected_name
    assert text_reader.normalize_newlines(text).split("\n") == _lines(sample)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize("enc", list(ENCODINGS))
def test_every_encoding_reads_to_the_same_document(sample: Path, enc: str) -> None:
    """Detection and the reader it picks do not depend on the encoding."""
    original = sample.read_bytes()
    data = ENCODINGS[enc][0](original.decode("utf-8"))
    assert detect(data) == detect(original)
    plain, other = read(original), read(data)
    assert other.format == plain.format
    assert [b.text for b in other.paragraphs()] == [b.text for b in plain.paragraphs()]
    assert [b.loc.line for b in other.paragraphs()] == [b.loc.line for b in plain.paragraphs()]


def test_text_reader_numbers_lines_from_one_and_keeps_tabs() -> None:
    sample = SAMPLES[0]  # 000: plain text, table rows with spaces between cells
    doc = text_reader.read(sample.read_bytes())
    assert doc.format == "text" and doc.meta["encoding"] == "utf-8"
    assert len(doc.blocks) == len(_lines(sample))
    assert isinstance(doc.blocks[0], Paragraph) and doc.blocks[0].text == ""
    assert doc.blocks[1] == Paragraph("中站区科技和工业信息化局2023年政府信息公开", doc.blocks[1].loc)
    assert doc.blocks[1].loc.line == 2
    assert isinstance(doc.blocks[39], Paragraph)
    assert doc.blocks[39].text == "行政规范性文件 0 0 0" and doc.blocks[39].loc.line == 40
    word_text = text_reader.read(SAMPLES[4].read_bytes())  # 004: Word text, one cell per line after a tab
    assert [(p.text, p.loc.line) for p in word_text.paragraphs()[16:18]] == [("\t第二十条第（一）项", 17), ("", 18)]


def test_full_width_spaces_are_kept_as_text() -> None:
    body = "　　一、总体情况\n本年新收　５件\u3000\n"
    for data in (body.encode("gbk"), body.encode("utf-16"), body.encode("utf-8")):
        doc = text_reader.read(data)
        assert [p.text for p in doc.paragraphs()] == ["　　一、总体情况", "本年新收　５件\u3000", ""]


def test_prefix_cut_inside_a_character_decodes_for_detection() -> None:
    data = SAMPLES[1].read_bytes()
    cut = data[:101]  # a UTF-8 character of three bytes is cut here
    with pytest.raises(UnicodeDecodeError):
        cut.decode("utf-8")
    text, name = text_reader.decode(cut, final=False)
    assert name == "utf-8"
    assert data.decode("utf-8").startswith(text) and len(text) >= len(cut) // 3


def test_stray_nul_is_not_utf16_but_few_ascii_utf16_is() -> None:
    assert text_reader.decode(b"abc\x00def ghi") == ("abc\x00def ghi", "utf-8")
    chinese = "政府信息公开工作年度报告" * 40 + "\n"  # one NUL byte in 25: still found as UTF-16
    assert text_reader.decode(chinese.encode("utf-16-le")) == (chinese, "utf-16")
    assert text_reader.decode(chinese.encode("utf-16-be")) == (chinese, "utf-16")


def test_gb18030_four_byte_characters() -> None:
    body = "政府信息公开 〇 𠀀 ㊣ 2023年"  # 𠀀 needs GB18030's four-byte form, absent from GBK
    text, name = text_reader.decode(body.encode("gb18030"))
    assert (text, name) == (body, "gb18030")


def test_unknown_encoding_is_an_encoding_error() -> None:
    latin1 = ("Le rapport annuel déjà publié, résumé très élégant. " * 40).encode("latin-1")
    with pytest.raises(NianbaoError) as exc:
        text_reader.decode(latin1)
    assert exc.value.code == E_ENCODING
    with pytest.raises(NianbaoError) as exc:
        read(latin1)
    assert exc.value.code == E_ENCODING


def test_bom_with_broken_content_is_an_encoding_error() -> None:
    with pytest.raises(NianbaoError) as exc:
        text_reader.decode(codecs.BOM_UTF8 + "年度报告".encode("gbk"))
    assert exc.value.code == E_ENCODING


def test_binary_garbage_is_refused() -> None:
    garbage = random.Random(7).randbytes(20000)
    assert detect(garbage) == "text"
    with pytest.raises(NianbaoError) as exc:
        read(garbage)
    assert exc.value.code == E_BINARY
    with pytest.raises(NianbaoError) as exc:
        text_reader.read(b"\x00\x01\x02\x03\x04\x05" * 500)
    assert exc.value.code == E_BINARY


# ---- detect ----------------------------------------------------------------------------


def test_detect_text_and_markdown_samples() -> None:
    kinds = {p.name[:3]: detect(p.read_bytes()) for p in SAMPLES}
    # 001–003 are Markdown conversions (# headings); 000, 004 and the 2019 report are plain text.
    assert kinds == {"000": "text", "001": "markdown", "002": "markdown", "003": "markdown", "004": "text",
                     "pin": "text"}


def test_detect_html_by_content_whatever_the_name(tmp_path: Path) -> None:
    page = (HTML / "mengjin_2023.html").read_bytes()
    named_txt = tmp_path / "年报.txt"
    named_txt.write_bytes(page)
    data = named_txt.read_bytes()
    assert detect(data) == "html"
    doc = read(data)
    assert doc.format == "html" and len(doc.grids()) == 3
    assert detect((HTML / "weidong_2023_gbk.html").read_bytes()) == "html"


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-16"),
    lambda s: s.encode("utf-16-be"),
    lambda s: s.encode("utf-16-le"),
    lambda s: s.encode("utf-8-sig"),
])
def test_detect_html_in_utf16_and_with_bom(encode: Callable[[str], bytes]) -> None:
    page = (HTML / "mengjin_2023.html").read_text(encoding="utf-8")
    data = encode(page)
    assert detect(data) == "html"
    doc = read(data)
    assert doc.format == "html"
    assert doc.meta["title"].startswith("孟津区科技和工业信息化局2023年")
    t2, t3, t4 = doc.grids()
    assert (t2.rows[3][1].text, t3.rows[3][3].text, t4.rows[3][0].text) == ("1", "5", "1")


def test_detect_html_fragment_and_text_with_a_tag() -> None:
    fragment = "<table><tr><td>行政许可</td><td>0</td></tr></table>".encode()
    assert detect(fragment) == "html"
    prose = "本报告中 a<b 的说法不是网页。\n二、主动公开政府信息情况\n".encode()
    assert detect(prose) == "text"


def test_detect_markdown_needs_markdown_marks() -> None:
    assert detect("# 标题\n\n## 一、总体情况\n正文\n".encode()) == "markdown"
    assert detect("| 规章 | 0 |\n|---|---|\n| 行政许可 | 0 |\n".encode()) == "markdown"
    # "- " bullets alone are common in plain text reports: still text
    assert detect("一、总体情况\n- 主动公开\n- 依申请公开\n".encode()) == "text"


def test_detect_binary_formats_by_magic() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    assert detect(buf.getvalue()) == "docx"
    assert detect(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj") == "pdf"
    assert detect(b"\x89PNG\r\n\x1a\n" + bytes(32)) == "image"
    assert detect(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64)) == "ole"
    assert detect(b"{\\rtf1\\ansi ...}") == "rtf"
    # ordinary text that happens to start with "BM" is not a bitmap
    assert detect("BMI 指数统计说明，共计三十二项内容。".encode()) == "text"


# ---- markdown --------------------------------------------------------------------------


def test_markdown_reader_strips_marks_and_builds_pipe_grids() -> None:
    md = "\n".join([
        "# 某局 2023 年政府信息公开工作年度报告 #",
        "",
        "## **一、总体情况**",
        "> 引用的一段话",
        "- 主动公开",
        "---",
        "| 信息内容 | 本年处理决定数量 |",
        "| --- | --- |",
        "| 行政许可 | 3 |",
        "| 行政\\|处罚 | 1<br>件 |",
        "",
        "-\t-\t0",
    ])
    doc = read_markdown(md.encode("gbk"))
    assert doc.meta["encoding"] == "gb18030"
    texts = [(b.text, b.loc.line) for b in doc.blocks if isinstance(b, Paragraph)]
    assert texts == [
        ("某局 2023 年政府信息公开工作年度报告", 1), ("", 2), ("一、总体情况", 3), ("引用的一段话", 4),
        ("主动公开", 5), ("", 11), ("-\t-\t0", 12),
    ]
    (grid,) = [b for b in doc.blocks if isinstance(b, Grid)]
    assert [[c.text for c in row] for row in grid.rows] == [
        ["信息内容", "本年处理决定数量"], ["行政许可", "3"], ["行政|处罚", "1\n件"],
    ]
    assert grid.rows[2][1].loc.line == 10 and (grid.rows[2][1].loc.row, grid.rows[2][1].loc.col) == (2, 1)


def test_markdown_table_separator_is_found_within_one_line() -> None:
    """The separator search never spans lines (it used to backtrack across blank lines: 2.5 ms on a sample)."""
    from nianbao.readers.detect import detect

    assert detect("标题\n\n| 项目 | 数量 |\n| --- | --- |\n| 规章 | 0 |\n".encode()) == "markdown"
    assert detect("---\n\n|---\n正文\n".encode()) == "text"
