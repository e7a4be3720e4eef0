"""Integrity of an issued report: SHA-256 of the final file and a verification QR code.

The QR code on the cover carries only a verification URL (it cannot carry the file's own
hash: the hash is taken of the final, signed file, after the cover was drawn). The
verification service looks the issued report up by that URL and compares the SHA-256 it
recorded at issue time with the file presented, using :func:`verify`.
"""

from __future__ import annotations

import hashlib
import hmac

import pymupdf
import segno


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify(file_bytes: bytes, expected_sha256: str) -> bool:
    """True when ``file_bytes`` is exactly the issued file whose SHA-256 was recorded."""
    expected = expected_sha256.strip().lower()
    return hmac.compare_digest(sha256_hex(file_bytes), expected)


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR modules for ``url`` (True = dark), without the quiet zone."""
    qr = segno.make(url, error="m", micro=False)
    return [[bool(v) for v in row] for row in qr.matrix]


def draw_qr(page: pymupdf.Page, rect: pymupdf.Rect, url: str, *, link: bool = True) -> pymupdf.Rect:
    """Draw the QR code for ``url`` as vector squares in the square that fits ``rect``,
    with a 2-module quiet zone; optionally make it a link to the URL. Returns the area
    covered by the modules."""
    matrix = qr_matrix(url)
    n = len(matrix)
    side = min(rect.width, rect.height)
    module = side / (n + 4)
    x0, y0 = rect.x0 + 2 * module, rect.y0 + 2 * module
    shape = page.new_shape()
    shape.draw_rect(pymupdf.Rect(rect.x0, rect.y0, rect.x0 + side, rect.y0 + side))
    shape.finish(color=None, fill=(1, 1, 1), width=0)
    for r, row in enumerate(matrix):
        c = 0
        while c < n:  # one rectangle per horizontal run of dark modules
            if not row[c]:
                c += 1
                continue
            start = c
            while c < n and row[c]:
                c += 1
            shape.draw_rect(pymupdf.Rect(x0 + start * module, y0 + r * module, x0 + c * module, y0 + (r + 1) * module))
    shape.finish(color=None, fill=(0, 0, 0), width=0)
    shape.commit()
    area = pymupdf.Rect(x0, y0, x0 + n * module, y0 + n * module)
    if link:
        page.insert_link({"kind": pymupdf.LINK_URI, "from": area, "uri": url})
    return area
