"""Small generators of the hostile files of issue 14: each a few KB to a few MB on disk, made on
the fly (nothing big is committed). Each is under the file-size, ratio and total caps that were
there before; each used to cost gigabytes or minutes."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="{target}"/></Relationships>'
)
_SS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx_many_cells(sheets: int = 195, cells: int = 62_000, per_row: int = 100) -> bytes:
    """A workbook of ``sheets`` sheets of ``cells`` numeric cells each (the issue's: 195 × 62,000,
    about 425 KB)."""
    row_xml = "".join("<c><v>1</v></c>" for _ in range(per_row))
    rows = "".join(f'<row r="{r + 1}">{row_xml}</row>' for r in range(cells // per_row))
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_SS}"><sheetData>{rows}</sheetData></worksheet>'
    overrides = (
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, sheets + 1)
        )
    )
    wb = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_SS}" xmlns:r="{_R}"><sheets>'
        + "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, sheets + 1))
        + "</sheets></workbook>"
    )
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_R}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, sheets + 1)
        )
        + "</Relationships>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CT.format(overrides=overrides))
        z.writestr("_rels/.rels", _RELS.format(target="xl/workbook.xml"))
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        for i in range(1, sheets + 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", sheet)
    return buf.getvalue()


def docx_huge_document(mb: int = 190) -> bytes:
    """A DOCX whose document.xml unpacks to ``mb`` MB (the issue's: 190 MB in a 1.2 MB file)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    head = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>'.encode()
    tail = b"</w:body></w:document>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            _CT.format(
                overrides='<Override PartName="/word/document.xml" ContentType='
                '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            ),
        )
        z.writestr("_rels/.rels", _RELS.format(target="word/document.xml"))
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head)
            n = 0
            for _ in range(mb):
                block = []
                for _ in range(1024 * 1024 // 80):
                    n = (n * 1103515245 + 12345) % 2**31  # a number that varies: a ratio under the cap (~130:1)
                    block.append(f"<w:p><w:r><w:t>政府信息公开工作年度报告第{n % 256:02x}段</w:t></w:r></w:p>")
                f.write("".join(block).encode())
            f.write(tail)
    return buf.getvalue()


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_huge(side: int = 7500) -> bytes:
    """A blank grey PNG of side × side pixels: a few KB on disk (the issue's: 7500², 14 KB)."""
    raw = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * side
    body = b"".join(raw.compress(row) for _ in range(side)) + raw.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b"")


def pdf_huge_stream(inflated_mb: int = 1024) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated_mb`` MB (the issue's: 1 GiB in
    about 1 MB)."""
    comp = zlib.compressobj(9)
    line = b"0 0 m 1 1 l S\n" * 4096
    chunks = [comp.compress(line) for _ in range(inflated_mb * 1024 * 1024 // len(line))]
    stream = b"".join(chunks) + comp.flush()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def deep_json(levels: int = 50_000) -> bytes:
    return b"[" * levels + b"]" * levels


def deep_yaml(levels: int = 50_000) -> bytes:
    return b"a: " + b"[" * levels + b"]" * levels + b"\n"


def deep_yaml_block(levels: int = 3_000) -> bytes:
    return "".join(" " * i + f"k{i}:\n" for i in range(levels)).encode() + b" " * levels + b"v: 1\n"


def long_line(mb: float = 1.0) -> bytes:
    """Text of one line of about ``mb`` MB: report words and numbers, no newline."""
    unit = "政府信息公开 行政处罚 12 自然人 3 0 5 ".encode()
    return unit * int(mb * 1024 * 1024 // len(unit))


def notice() -> bytes:
    """A notice, not a report, that names one table row with a number."""
    return "关于2023年度执法情况的通报\n本年度共实施行政处罚5次。\n特此通报。\n".encode()
