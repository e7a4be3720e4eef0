"""Report documents drawn in a child process, so the serving loop stays free (docs/decisions/128).

MuPDF keeps the GIL while it draws. A report draws a crop of the sheet around every comment
(``report.crop``), so building one in a worker thread of the app held the event loop for as
long as MuPDF drew: measured on a round of two 60,000-stroke sheets, 0.43 s for the issuing
dialog's preview and 0.45–0.8 s for issuing (the app's loop watch, ``/healthz``). The report
preview (drawn, watermarked, counted, its page pictures) and the issued report (drawn and
signed) are therefore made here, in a warm child of the same kind as the tile child
(``cad.isolate``, ``cad/tileserver.py``), started at the first report a process draws.

One child of its own rather than the tile child: issuing a round of many sheets takes seconds,
and tiles (a viewer waits for each) would queue behind it. The child is not niced: someone
waits for each of these documents too. Calls queue first come, first served; a child that
crashes or overruns its deadline is replaced and the call is a readable error.

The process has one printer (``printer()``), like it has one drawing pool (``isolate.pool``):
services reach it without the request, and the app's lifespan closes it at stop.
"""

from __future__ import annotations

import atexit
import threading
import time

from ..cad import isolate
from ..errors import DrawReviewError, ServiceUnavailable

TIMEOUT_S = 600.0  # a round of many large sheets: every crop is drawn, then the report signed
PREVIEW_WATERMARK = "预览 · 未签发  PREVIEW · NOT ISSUED"


class ReportDrawingFailed(DrawReviewError):
    status = 500
    code = "report_drawing_failed"


# -- in the child ------------------------------------------------------------------------------

def preview_document(data, seal: bytes | None, *, emit) -> tuple[bytes, int]:
    """(the report as issuing would draw it, unsigned and marked as a preview on every page;
    its page count)."""
    import pymupdf

    from .pdf import render_report

    pdf, _info = render_report(data, verify_url=None, **({"seal": seal} if seal is not None else {}))
    doc = pymupdf.open("pdf", pdf)
    try:
        for page in doc:
            r = page.rect
            page.insert_textbox(pymupdf.Rect(r.x0, r.y0 + 8, r.x1, r.y0 + 30), PREVIEW_WATERMARK,
                                fontname="china-s", fontsize=11, color=(0.78, 0.16, 0.16), align=1)
        return doc.tobytes(garbage=1, deflate=True), doc.page_count
    finally:
        doc.close()


def page_picture(pdf: bytes, page_no: int, width_px: int, *, emit) -> bytes:
    """PNG of page *page_no* (1-based, checked by the caller) *width_px* wide."""
    import pymupdf

    with pymupdf.open("pdf", pdf) as doc:
        page = doc[page_no - 1]
        zoom = width_px / page.rect.width
        return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")


def issued_report(data, signing, verify_url: str, seal: bytes | None, *, emit):
    """``report.issuance.issue_report``: the report drawn and signed (``IssuedReport``)."""
    from .issuance import issue_report

    return issue_report(data, signing=signing, verify_url=verify_url, seal=seal)


def warm_up() -> None:
    """Paid when the child starts: MuPDF, the report modules and the report font."""
    from . import issuance, pdf

    del issuance, pdf  # imported: that is the warming


# -- in the app --------------------------------------------------------------------------------

class ReportPrinter:
    def __init__(self, size: int = 1, timeout_s: float = TIMEOUT_S) -> None:
        self.pool = isolate.Pool(size, preload=("drawreview.report.printer",), nice=0)
        self.timeout_s = timeout_s

    async def run(self, fn, *args):
        """``fn(*args)`` in the child; its own errors (a missing glyph) are raised here as they were."""
        try:
            return await self.pool.run(fn, args, deadline=time.monotonic() + self.timeout_s)
        except isolate.Timeout:
            raise ServiceUnavailable(
                f"意见书生成超时（超过 {self.timeout_s:.0f} 秒），请稍后重试",
                f"Drawing the report took too long (over {self.timeout_s:.0f} s); try again later",
                code="report_timeout", details={"timeout_s": self.timeout_s}) from None
        except isolate.ChildDied as exc:
            raise ReportDrawingFailed("意见书生成失败（图纸 PDF 无法绘制）",
                                      "Drawing the report failed (a sheet PDF could not be drawn)",
                                      details={"reason": str(exc)[:200]}) from None

    async def preview(self, data, seal: bytes | None) -> tuple[bytes, int]:
        return await self.run(preview_document, data, seal)

    async def page_png(self, pdf: bytes, page_no: int, width_px: int = 900) -> bytes:
        return await self.run(page_picture, pdf, page_no, width_px)

    async def issue(self, data, *, signing, verify_url: str, seal: bytes | None):
        return await self.run(issued_report, data, signing, verify_url, seal)

    def close(self) -> None:
        self.pool.close()


_printer: ReportPrinter | None = None
_lock = threading.Lock()


def printer() -> ReportPrinter:
    """The process's report printer (its child starts at the first report drawn)."""
    global _printer
    with _lock:
        if _printer is None:
            _printer = ReportPrinter()
            atexit.register(_printer.close)
        return _printer


def close() -> None:
    """Stop the process's printer child (the app's lifespan, at stop); a later report starts another."""
    with _lock:
        if _printer is not None:
            _printer.close()
