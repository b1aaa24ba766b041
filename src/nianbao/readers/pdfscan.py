"""A PDF's streams measured before PDFium decodes any of them.

A 1 MB PDF may hold a content stream that inflates to 1 GiB: PDFium would then hold it (and
what is built from it) in memory whole. Here every FlateDecode stream is inflated once into
nothing, counting its bytes, and the file is refused as soon as the total passes
``Limits.max_stream_bytes``; an image's declared /Width × /Height is held to ``max_pixels``.
One pass over the file, memory bounded by the chunk size.
"""

from __future__ import annotations

import re
import zlib

from nianbao.errors import E_TOO_LARGE, NianbaoError
from nianbao.readers.limits import Limits

_STREAM = re.compile(rb"stream\r?\n")
_DICT_SPAN = 1024  # how far before "stream" its dictionary is looked for
_CHUNK = 1 << 20
_WIDTH = re.compile(rb"/Width\s+(\d{1,9})")
_HEIGHT = re.compile(rb"/Height\s+(\d{1,9})")


def check_streams(data: bytes, limits: Limits) -> int:
    """The inflated size of the PDF's Flate streams, all together; E_TOO_LARGE past the limits."""
    total = 0
    pos = 0
    while (m := _STREAM.search(data, pos)) is not None:
        start = m.end()
        if m.start() > 0 and data[m.start() - 1 : m.start()] == b"d":  # "endstream"
            pos = start
            continue
        head = data[max(0, m.start() - _DICT_SPAN) : m.start()]
        head = head[head.rfind(b"obj") + 1 :] if b"obj" in head else head
        end = data.find(b"endstream", start)
        end = len(data) if end < 0 else end
        if b"/Image" in head:
            w, h = _WIDTH.search(head), _HEIGHT.search(head)
            if w and h and int(w.group(1)) * int(h.group(1)) > limits.max_pixels:
                raise NianbaoError(
                    E_TOO_LARGE, f"PDF 中的图片过大（{int(w.group(1))}×{int(h.group(1))} 像素），无法处理"
                )
        if b"Fl" in head:  # /FlateDecode, or /Fl abbreviated
            total += _inflated(data, start, end, limits.max_stream_bytes - total)
            if total > limits.max_stream_bytes:
                limit = limits.max_stream_bytes / 1e6
                raise NianbaoError(E_TOO_LARGE, f"PDF 内容解压后过大（超过 {limit:.0f} MB），疑似压缩炸弹")
        pos = end
    return total


def _inflated(data: bytes, start: int, end: int, budget: int) -> int:
    """How many bytes data[start:end] inflates to, stopping a little past ``budget``."""
    d = zlib.decompressobj()
    out = 0
    pos = start
    try:
        while pos < end and not d.eof and out <= budget:
            buf = data[pos : min(end, pos + _CHUNK)]
            pos += len(buf)
            out += len(d.decompress(buf, _CHUNK))
            while d.unconsumed_tail and out <= budget:
                out += len(d.decompress(d.unconsumed_tail, _CHUNK))
    except zlib.error:
        pass  # a damaged stream: PDFium will say so, or read what it can
    return out
