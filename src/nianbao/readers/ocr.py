"""OCR of scanned pages and image files, with RapidOCR (PP-OCRv4 models in ONNX).

RapidOCR was kept over Tesseract chi_sim because it reads the numbers of ruled tables
right where Tesseract loses them to the rules (docs/pdf-library.md has the figures).
Its models ship inside the wheel: nothing is downloaded at run time.

A page is read in two passes: detection + recognition over the whole page gives text
runs with boxes; ruling lines found in the image give the table cells (the same
geometry as a PDF text layer, see layout.py). A cell with ink in it but no text, or
with a short text read with low confidence, is read again on its own crop, where a
lone digit is not lost next to the rules. Every text keeps the engine's confidence.
"""

from __future__ import annotations

import io
import os
import threading
import time
import warnings
from functools import cache
from typing import TYPE_CHECKING, Any

from nianbao.document import Document
from nianbao.errors import E_CORRUPT, E_NO_TEXT, E_TIMEOUT, E_TOO_LARGE, MissingExtraError, NianbaoError, missing_extra
from nianbao.readers.layout import BBox, Glyph, PageContent, TableBuild, assemble, build_table, group_lines
from nianbao.readers.limits import Limits

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

# Below this confidence a text is not trusted as read: the extractor marks it unreadable.
RENDER_DPI = 200  # scanned pages are rendered (or assumed) at this resolution
MAX_PIXELS = 60_000_000  # an image larger than this is refused (a decompression bomb)
ENGINE = "rapidocr-onnxruntime"
_LOCK = threading.Lock()  # one engine per process; onnxruntime sessions are not shared across threads here


def available() -> bool:
    """OCR runs unless switched off (NIANBAO_OCR=0) or the engine is not installed."""
    return unavailable("") is None


def unavailable(needed_by: str) -> NianbaoError | None:
    """Why OCR cannot run (None when it can), for a file that ``needed_by`` describes: switched off
    (E_NO_TEXT), or the ``ocr`` extra not installed (E_EXTRA, naming the pip command)."""
    if os.environ.get("NIANBAO_OCR", "1").lower() in ("0", "off", "false", "no"):
        return NianbaoError(E_NO_TEXT, f"{needed_by}，但文字识别已关闭（NIANBAO_OCR=0）")
    try:
        import rapidocr_onnxruntime  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        extra = missing_extra("ocr", "rapidocr_onnxruntime")
        return MissingExtraError(extra.code, f"{needed_by}；{extra.reason}")
    return None


@cache
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    # text_score low: keep doubtful texts, with their confidence, rather than drop them;
    # max_side_len above an A4 page at RENDER_DPI, so that thin digits are not scaled away.
    return RapidOCR(text_score=0.1, use_cls=False, max_side_len=2600)


def _recognise(img: np.ndarray) -> list[tuple[list[list[float]], str, float]]:
    with _LOCK:
        result, _ = _engine()(img, use_cls=False, text_score=0.1)
    return [(box, text, float(conf)) for box, text, conf in (result or [])]


def _recognise_lines(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Recognition alone (no detection) on single-line crops, in one batch."""
    if not crops:
        return []
    with _LOCK:
        result, _ = _engine().text_rec(crops)
    return [(str(text).strip(), float(conf)) for text, conf in result]


def _rules(binary: np.ndarray) -> list[dict[str, Any]]:
    """Horizontal and vertical ruling lines as pdfplumber edges (pixel coordinates)."""
    import cv2

    h, w = binary.shape
    edges: list[dict[str, Any]] = []
    for orientation, kernel in (("h", (max(w // 40, 20), 1)), ("v", (1, max(h // 60, 20)))):
        mask = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, n):
            x, y, bw, bh, _ = (int(v) for v in stats[i])
            if orientation == "h":
                mid = y + bh / 2
                edges.append(
                    {
                        "x0": float(x),
                        "x1": float(x + bw),
                        "top": mid,
                        "bottom": mid,
                        "width": float(bw),
                        "height": 0.0,
                        "orientation": "h",
                    }
                )
            else:
                mid = x + bw / 2
                edges.append(
                    {
                        "x0": mid,
                        "x1": mid,
                        "top": float(y),
                        "bottom": float(y + bh),
                        "width": 0.0,
                        "height": float(bh),
                        "orientation": "v",
                    }
                )
    return edges


def _table_cells(binary: np.ndarray) -> list[list[tuple[float, float, float, float]]]:
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges

    edges = merge_edges(_rules(binary), snap_x_tolerance=4, snap_y_tolerance=4, join_x_tolerance=6, join_y_tolerance=6)
    cells = intersections_to_cells(edges_to_intersections(edges, x_tolerance=5, y_tolerance=5))
    return cells_to_tables(cells)


def _scaled(box: BBox, scale: float) -> BBox:
    """A box in pixels, in the page's units."""
    x0, top, x1, bottom = box
    return (x0 * scale, top * scale, x1 * scale, bottom * scale)


def page_content(image: Image.Image, number: int, scale: float) -> PageContent:
    """OCR one page image. ``scale`` turns pixels into the page's units (points)."""
    import cv2
    import numpy as np

    rgb = np.array(image.convert("RGB"))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    runs = _recognise(rgb[:, :, ::-1].copy())
    glyphs = []
    for box, text, conf in runs:
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        glyphs.append(Glyph(text, min(xs) * scale, min(ys) * scale, max(xs) * scale, max(ys) * scale, conf))
    tables: list[TableBuild] = []
    for cells in _table_cells(binary):
        table = build_table([_scaled(c, scale) for c in cells], glyphs, number)
        if table is not None:
            _reread_cells(table, rgb, binary, scale)
            tables.append(table)
    in_table = [t.bbox for t in tables]
    outside = [g for g in glyphs if not any(b[0] <= g.cx <= b[2] and b[1] <= g.cy <= b[3] for b in in_table)]
    return PageContent(number=number, tables=tables, lines=group_lines(outside))


def _reread_cells(table: TableBuild, rgb: np.ndarray, binary: np.ndarray, scale: float) -> None:
    """Read again, on its own crop, each cell with ink but no text and each short text
    read with low confidence; keep the more confident reading."""
    import numpy as np

    todo: list[tuple[int, np.ndarray]] = []
    for cid, (x0, top, x1, bottom) in table.boxes.items():
        text, conf = table.texts.get(cid, ""), table.confs.get(cid)
        if text and (len(text) > 4 or (conf or 0) >= 0.95):
            continue
        px0, py0, px1, py1 = (round(v / scale) for v in (x0, top, x1, bottom))
        inner = binary[py0 + 4 : py1 - 3, px0 + 4 : px1 - 3]
        if inner.size == 0:
            continue
        ys, xs = np.nonzero(inner)
        if len(xs) < 12:
            continue
        pad = 8
        cy0, cy1 = py0 + 4 + ys.min(), py0 + 4 + ys.max() + 1
        cx0, cx1 = px0 + 4 + xs.min(), px0 + 4 + xs.max() + 1
        crop = rgb[max(cy0 - pad, 0) : cy1 + pad, max(cx0 - pad, 0) : cx1 + pad]
        if cy1 - cy0 > 2.2 * max(cx1 - cx0, 1) and cy1 - cy0 > 60:
            continue  # a multi-line label, not a lone value: the page pass read it
        todo.append((cid, crop[:, :, ::-1].copy()))
    for (cid, _), (new_text, new_conf) in zip(todo, _recognise_lines([c for _, c in todo]), strict=True):
        if new_text and new_conf > (table.confs.get(cid) or 0):
            table.texts[cid], table.confs[cid] = new_text, new_conf


class Budget:
    """OCR time allowed: ``timeout_s`` for each page (a long scanned report is not a
    slow one), checked between pages since a page being read cannot be interrupted."""

    def __init__(self, limits: Limits) -> None:
        self.start = time.monotonic()
        self.per_page = limits.timeout_s
        self.done = 0

    def next_page(self) -> None:
        if time.monotonic() - self.start > self.per_page * max(self.done, 1):
            raise NianbaoError(E_TIMEOUT, f"文字识别超时（每页上限 {self.per_page:.0f} 秒）")
        self.done += 1


def read_images(images: list[Image.Image], limits: Limits, scale: float) -> list[PageContent]:
    budget = Budget(limits)
    pages = []
    for i, image in enumerate(images, start=1):
        budget.next_page()
        pages.append(page_content(image, i, scale))
    return pages


def check_pixels(width: float, height: float, limits: Limits) -> None:
    """An image (or a page about to be rendered) over ``Limits.max_pixels``: E_TOO_LARGE, told
    before a pixel is decoded (a 14 KB PNG may hold 7500×7500 pixels: 1.8 GB once read)."""
    if width * height > limits.max_pixels:
        raise NianbaoError(
            E_TOO_LARGE, f"图片过大（{width:.0f}×{height:.0f} 像素，上限 {limits.max_pixels / 1e6:.0f} 百万像素）"
        )


def read(data: bytes, limits: Limits) -> Document:
    """An image file (PNG, JPEG, TIFF with one or more pages, …) through OCR."""
    from PIL import Image, ImageFile, ImageSequence, UnidentifiedImageError

    # WeasyPrint, once imported in the process, lets Pillow load truncated images silently: a cut
    # file must stay an error here
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        Image.MAX_IMAGE_PIXELS = min(MAX_PIXELS, limits.max_pixels)  # Pillow's own guard, at our limit
        with warnings.catch_warnings():  # over the limit is refused just below, with our own message
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))  # the header only: nothing decoded yet
        check_pixels(img.width, img.height, limits)
        frames: list[Image.Image] = []
        for f in ImageSequence.Iterator(img):  # each frame's size from its header, before it is decoded
            check_pixels(f.width, f.height, limits)
            if len(frames) >= limits.max_pages:
                raise NianbaoError(E_TOO_LARGE, f"图片页数过多（超过 {limits.max_pages} 页）")
            frames.append(f.copy())
        for f in frames:
            f.load()
    except Image.DecompressionBombError:
        raise NianbaoError(E_TOO_LARGE, "图片像素过多（疑似解压炸弹）") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise NianbaoError(E_CORRUPT, f"图片文件已损坏或不完整（{type(e).__name__}）") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    why = unavailable("图片文件需要文字识别（OCR）")
    if why is not None:
        raise why
    dpi = img.info.get("dpi", (RENDER_DPI, RENDER_DPI))[0] or RENDER_DPI
    pages = read_images(frames, limits, 72.0 / float(dpi))
    blocks = assemble(pages)
    if not any(getattr(b, "text", None) or getattr(b, "rows", None) for b in blocks):
        raise NianbaoError(E_NO_TEXT, "图片中未识别出文字")
    return Document(blocks=blocks, format="image", meta={"ocr": ENGINE, "pages": str(len(pages))})
