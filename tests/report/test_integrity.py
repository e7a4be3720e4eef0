"""SHA-256 verification and the verification QR code on the cover."""

from __future__ import annotations

import numpy as np
import pymupdf
import pytest

from drawreview.report.integrity import draw_qr, qr_matrix, sha256_hex, verify

from .conftest import VERIFY_URL


def test_verify_accepts_the_issued_bytes_and_rejects_any_change(rendered):
    pdf = rendered[0]
    digest = sha256_hex(pdf)
    assert verify(pdf, digest)
    assert verify(pdf, f"  {digest.upper()}\n")
    flipped = bytearray(pdf)
    flipped[len(pdf) // 2] ^= 0x80
    assert not verify(bytes(flipped), digest)
    assert not verify(pdf + b" ", digest)
    assert not verify(pdf[:-1], digest)
    assert not verify(pdf, "0" * 64)
    assert not verify(pdf, "")


def _read_qr(page: pymupdf.Page, area: pymupdf.Rect, n: int) -> list[list[bool]]:
    """Sample the centre of each of the n × n modules in ``area`` of the rendered page."""
    zoom = 8 * n / area.width
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=area, alpha=False, colorspace=pymupdf.csGRAY)
    img = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width)
    step_x, step_y = pix.width / n, pix.height / n
    return [[bool(img[int((r + 0.5) * step_y), int((c + 0.5) * step_x)] < 128) for c in range(n)] for r in range(n)]


def test_cover_qr_code_encodes_the_verification_url(rendered):
    doc = pymupdf.open("pdf", rendered[0])
    cover = doc[0]
    [link] = [lk for lk in cover.get_links() if lk["kind"] == pymupdf.LINK_URI]
    assert link["uri"] == VERIFY_URL
    expected = qr_matrix(VERIFY_URL)
    assert _read_qr(cover, link["from"], len(expected)) == expected
    assert "扫码核验" in cover.get_text()


def test_qr_differs_for_another_url():
    """The read-back above would notice a QR code for the wrong URL."""
    doc = pymupdf.open()
    page = doc.new_page()
    area = draw_qr(page, pymupdf.Rect(100, 100, 300, 300), VERIFY_URL + "x")
    expected = qr_matrix(VERIFY_URL)
    got = _read_qr(page, area, len(qr_matrix(VERIFY_URL + "x")))
    assert got != expected
    assert got == qr_matrix(VERIFY_URL + "x")


@pytest.mark.parametrize("url", ["https://a.example/v/1", "https://review.example.cn/verify?case=审-2025-1&round=3"])
def test_drawn_qr_reads_back(url):
    doc = pymupdf.open()
    page = doc.new_page()
    area = draw_qr(page, pymupdf.Rect(50, 50, 170, 170), url, link=False)
    assert not page.get_links()
    m = qr_matrix(url)
    assert _read_qr(page, area, len(m)) == m
