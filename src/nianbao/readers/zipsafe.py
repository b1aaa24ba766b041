"""Open ZIP containers (DOCX, XLSX) and their XML parts without trusting them.

Sizes and compression ratios are checked against the limits before anything is
unpacked (zip bombs), each part is read with a cap whatever its header claims, and
XML is parsed without entities, DTDs or network access.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from lxml import etree

from nianbao.document import Document
from nianbao.errors import E_CORRUPT, E_ENCRYPTED, E_TOO_LARGE, E_UNSUPPORTED, NianbaoError
from nianbao.readers.limits import Limits

MAX_RATIO = 200  # a real Office part compresses at most ~30:1; a bomb at thousands:1
MAX_ENTRIES = 10_000
_RATIO_FLOOR = 1024 * 1024  # small parts may compress well: the ratio applies above this size


def open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """A ZipFile whose declared contents fit the limits."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        raise NianbaoError(E_CORRUPT, f"文件已损坏或不完整（ZIP 结构无法读取：{e}）") from None
    if len(infos) > MAX_ENTRIES:
        raise NianbaoError(E_TOO_LARGE, f"压缩包内文件过多（{len(infos)} 个）")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        limit = limits.max_unpacked_bytes / 1e6
        raise NianbaoError(E_TOO_LARGE, f"解压后内容过大（{total / 1e6:.0f} MB，上限 {limit:.0f} MB），疑似压缩炸弹")
    for i in infos:
        if i.flag_bits & 0x1:
            raise NianbaoError(E_ENCRYPTED, "文件已加密，需要密码才能打开")
        if i.file_size > _RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            ratio = i.file_size // max(i.compress_size, 1)
            raise NianbaoError(E_TOO_LARGE, f"压缩比异常（{i.filename}：{ratio}:1），疑似压缩炸弹")
        if i.file_size > limits.max_part_bytes and is_xml(i.filename):
            raise part_too_large(i.filename, i.file_size, limits)
    return zf


def is_xml(name: str) -> bool:
    """A part parsed as XML (its size bounds the parser's memory, unlike a picture's)."""
    return name.lower().endswith((".xml", ".rels", ".vml"))


def part_too_large(name: str, size: int, limits: Limits) -> NianbaoError:
    """A part over ``Limits.max_part_bytes``: refused before it is parsed (lxml takes ~10 × its size)."""
    limit = limits.max_part_bytes / 1e6
    return NianbaoError(E_TOO_LARGE, f"文档部件 {name} 解压后过大（{size / 1e6:.0f} MB，上限 {limit:.0f} MB）")


def stream_part(zf: zipfile.ZipFile, name: str, limits: Limits, chunk: int = 1 << 20) -> Iterator[bytes]:
    """A part's bytes in chunks, stopping past ``max_part_bytes`` whatever its header claims."""
    info = zf.getinfo(name)
    seen = 0
    try:
        with zf.open(info) as f:
            while block := f.read(chunk):
                seen += len(block)
                if seen > limits.max_part_bytes:
                    raise part_too_large(name, seen, limits)
                yield block
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
        raise NianbaoError(E_CORRUPT, f"文件已损坏或不完整（{name}：{e}）") from None


def read_part(zf: zipfile.ZipFile, name: str, limits: Limits) -> bytes | None:
    """One part's bytes, or None when absent. Reading stops past the limit even when the
    header lied about the size."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    cap = min(limits.max_unpacked_bytes, MAX_RATIO * max(info.compress_size, 1) + _RATIO_FLOOR)
    if is_xml(name):
        cap = min(cap, limits.max_part_bytes)
    try:
        with zf.open(info) as f:
            out = f.read(cap + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
        raise NianbaoError(E_CORRUPT, f"文件已损坏或不完整（{name}：{e}）") from None
    if len(out) > cap:
        raise NianbaoError(E_TOO_LARGE, f"{name} 解压后过大，疑似压缩炸弹")
    return out


def parse_xml(data: bytes, name: str) -> etree._Element:
    """Parse an XML part: entities are not expanded, nothing is fetched. (A parser per
    call: lxml parsers are not to be shared between threads.)"""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as e:
        raise NianbaoError(E_CORRUPT, f"文件已损坏（{name} 不是有效的 XML：{e.msg}）") from None


def read(data: bytes, limits: Limits) -> Document:
    """A ZIP that detection could not name: cut short (its directory, at the end, is
    missing) or an archive that is no DOCX, XLSX or OpenDocument."""
    open_zip(data, limits).close()
    raise NianbaoError(E_UNSUPPORTED, "压缩包不是 Word（DOCX）、Excel（XLSX）或 OpenDocument 文档")
