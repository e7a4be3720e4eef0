"""Crops of a sheet around a markup, with the markup drawn on them.

A :class:`SheetCache` opens each sheet PDF once per report. A crop adds the comment's
markup as a native annotation (:func:`drawreview.report.annots.add_comment`) to the cached,
never-saved page, renders the padded clip to a pixmap, and removes the annotation again.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pymupdf

from drawreview.errors import UnreadableDrawing
from drawreview.report.annots import add_comment
from drawreview.report.model import Comment

PADDING = 36.0  # points around the markup at least
MIN_ASPECT, MAX_ASPECT = 1.0, 2.2  # width / height of a crop
MIN_SIDE = 240.0  # points: a pin still shows its surroundings
MAX_ZOOM = 4.0


class SheetCache:
    """Sheet PDFs opened on demand; ``page(path)`` returns page 0 of each. At most ``keep``
    stay open (least recently used closed first): an open sheet costs ~0.75 MB, and a
    1,000-comment report on 1,000 sheets kept them all (+340 MB). The report walks the comments
    sheet by sheet within each discipline, so a small window still opens each sheet about once
    per discipline that commented on it."""

    def __init__(self, keep: int = 16) -> None:
        self.keep = max(1, keep)
        self._docs: OrderedDict[Path, pymupdf.Document] = OrderedDict()
        self.opened = 0  # how many times a sheet PDF was opened

    def page(self, path: Path | str) -> pymupdf.Page:
        path = Path(path)
        doc = self._docs.get(path)
        if doc is not None:
            self._docs.move_to_end(path)
            return doc[0]
        try:
            doc = pymupdf.open(path)
        except Exception as exc:
            raise UnreadableDrawing(
                f"图纸 PDF 无法读取：{path.name}",
                f"The sheet PDF cannot be read: {path.name}",
                details={"path": str(path)},
            ) from exc
        if not doc.is_pdf or doc.page_count < 1:
            doc.close()
            raise UnreadableDrawing(
                f"图纸 PDF 无法读取：{path.name}",
                f"The sheet PDF cannot be read: {path.name}",
                details={"path": str(path)},
            )
        self.opened += 1
        self._docs[path] = doc
        while len(self._docs) > self.keep:
            self._docs.popitem(last=False)[1].close()
        return doc[0]

    @property
    def open_now(self) -> int:
        return len(self._docs)

    def close(self) -> None:
        for doc in self._docs.values():
            doc.close()
        self._docs.clear()

    def __enter__(self) -> SheetCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def crop_rect(page_rect: pymupdf.Rect, bbox: tuple[float, float, float, float]) -> pymupdf.Rect:
    """The clip shown for a markup: its bbox padded, widened to a sensible aspect ratio and
    kept inside the page."""
    r = pymupdf.Rect(bbox)
    pad = max(PADDING, 0.25 * max(r.width, r.height))
    r = pymupdf.Rect(r.x0 - pad, r.y0 - pad, r.x1 + pad, r.y1 + pad)
    w, h = max(r.width, MIN_SIDE), max(r.height, MIN_SIDE * 0.6)
    if w / h < MIN_ASPECT:
        w = h * MIN_ASPECT
    elif w / h > MAX_ASPECT:
        h = w / MAX_ASPECT
    w, h = min(w, page_rect.width), min(h, page_rect.height)
    cx, cy = (r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2
    x0 = min(max(cx - w / 2, page_rect.x0), page_rect.x1 - w)
    y0 = min(max(cy - h / 2, page_rect.y0), page_rect.y1 - h)
    return pymupdf.Rect(x0, y0, x0 + w, y0 + h)


def render_crop(
    page: pymupdf.Page, comment: Comment, discipline_code: str, *, width_px: int = 900
) -> tuple[pymupdf.Pixmap, pymupdf.Rect]:
    """(pixmap, clip): the sheet around ``comment``'s markup, markup drawn, about
    ``width_px`` pixels wide."""
    clip = crop_rect(page.rect, comment.geometry.bbox())
    zoom = min(MAX_ZOOM, width_px / clip.width)
    annot = add_comment(page, comment, discipline_code)
    try:
        pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip, annots=True, alpha=False)
    finally:
        page.delete_annot(annot)
    return pix, clip
