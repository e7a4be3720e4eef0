"""Whether a rendered sheet has ink near drawing points (a white page with dark lettering and lines)."""

from __future__ import annotations

import numpy as np
import pymupdf


def ink_at(res, points, reach: int = 1, scale: float = 2.0) -> list[bool]:
    """For each drawing point (x, y) of the rendered sheet *res*, whether a pixel within *reach*
    pixels of it (at *scale* pixels per point) is darker than near-white."""
    with pymupdf.open(res.pdf) as doc:
        pix = doc[0].get_pixmap(matrix=pymupdf.Matrix(scale, scale), alpha=False)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n).min(axis=2)
    a, e, f = res.map
    out = []
    for x, y in points:
        row, col = int((f - a * y) * scale), int((a * x + e) * scale)
        out.append(bool((img[row - reach:row + reach + 1, col - reach:col + reach + 1] < 250).any()))
    return out


def colour_at(res, point, reach: int = 2, scale: float = 2.0) -> tuple[int, int, int] | None:
    """The darkest pixel's colour (r, g, b) within *reach* pixels of drawing point *point* of the
    rendered sheet *res*, or None where there is no ink."""
    with pymupdf.open(res.pdf) as doc:
        pix = doc[0].get_pixmap(matrix=pymupdf.Matrix(scale, scale), alpha=False)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)
    a, e, f = res.map
    row, col = int((f - a * point[1]) * scale), int((a * point[0] + e) * scale)
    window = img[row - reach:row + reach + 1, col - reach:col + reach + 1].reshape(-1, pix.n)
    inked = window[window.min(axis=1) < 250]
    if not len(inked):
        return None
    return tuple(int(v) for v in inked[inked.sum(axis=1).argmin()])
