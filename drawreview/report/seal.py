"""The authority's seal (公章) as an image: a configured PNG/JPEG, or a generated default.

The default is drawn the way Chinese official seals look: a red ring, a five-pointed star in
the middle, the authority's name along the upper arc and 审查专用章 under the star. It is
rendered by MuPDF to a PNG with a transparent background so it can sit over the 盖章 line.
The same bytes come out for the same name (nothing random, nothing dated), so a report
built twice carries the same image.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import pymupdf

from drawreview.errors import ValidationFailed
from drawreview.report.font import DEFAULT_FONT, font_chain

SEAL_RED = (0.86, 0.08, 0.08)
SIDE = 160.0  # points of the drawing page; the PNG is rendered at ZOOM
ZOOM = 3
SUBTITLE = "审查专用章"


def _star(cx: float, cy: float, r: float) -> list[pymupdf.Point]:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.382
        a = -math.pi / 2 + i * math.pi / 5
        pts.append(pymupdf.Point(cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


@lru_cache(maxsize=16)
def default_seal(authority: str, *, font: str = DEFAULT_FONT) -> bytes:
    """A PNG (RGBA) of the generated seal for ``authority``."""
    doc = pymupdf.open()
    page = doc.new_page(width=SIDE, height=SIDE)
    c = SIDE / 2
    ring = SIDE / 2 - 4
    shape = page.new_shape()
    shape.draw_circle((c, c), ring)
    shape.finish(color=SEAL_RED, width=4.5)
    shape.draw_polyline(_star(c, c, SIDE * 0.14))
    shape.finish(color=SEAL_RED, fill=SEAL_RED, closePath=True, width=0)
    shape.commit()
    name = authority.strip() or "审查机构"
    # the name along the upper arc, from lower left (210°) over the top to lower right (-30°)
    n = len(name)
    span = min(250.0, 24.0 * n)
    size = min(20.0, max(9.0, 2 * math.pi * (ring - 18) * span / 360.0 / max(n, 1) * 0.92))
    radius = ring - 6 - size
    # each character in the first report font that has it (a rare one in the name: a fallback
    # font, as the report's text; decision 132); one no font has is drawn as □
    chain = font_chain(font)
    name = "".join(ch if chain.has_glyph(ord(ch)) else "□" for ch in name)
    names: dict[int, str] = {}
    for k in sorted({chain.index(ch) for ch in name + SUBTITLE}):
        names[k] = f"F{k}"
        page.insert_font(fontname=names[k], fontbuffer=chain.fonts[k].buffer)
    fontname = names[chain.index(SUBTITLE[0])]
    for i, ch in enumerate(name):
        t = 0.5 if n == 1 else i / (n - 1)
        deg = 90 + span / 2 - t * span  # 90° = straight up
        a = math.radians(deg)
        x, y = c + radius * math.cos(a), c - radius * math.sin(a)
        # the glyph's baseline centre sits on the arc, its top facing outwards
        rot = deg - 90
        origin = pymupdf.Point(x - size / 2 * math.cos(math.radians(rot)), y + size / 2 * math.sin(math.radians(rot)))
        page.insert_text(origin, ch, fontsize=size, fontname=names[chain.index(ch)], color=SEAL_RED,
                         morph=(origin, pymupdf.Matrix(rot)))
    sub = SIDE * 0.1
    width = chain.fonts[chain.index(SUBTITLE[0])].text_length(SUBTITLE, sub)
    page.insert_text((c - width / 2, c + SIDE * 0.3), SUBTITLE, fontsize=sub, fontname=fontname, color=SEAL_RED)
    pix = page.get_pixmap(matrix=pymupdf.Matrix(ZOOM, ZOOM), alpha=True)
    png = pix.tobytes("png")
    doc.close()
    return png


def load_seal(path: str | Path | None, authority: str) -> bytes:
    """The configured seal image's bytes (PNG or JPEG), or the generated default."""
    if not path:
        return default_seal(authority)
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ValidationFailed(f"找不到印章图片：{p.name}", f"Seal image not found: {p.name}",
                               details={"seal_image": p.name}) from exc
    try:
        pix = pymupdf.Pixmap(data)
    except Exception as exc:
        raise ValidationFailed(f"印章图片无法读取（需 PNG 或 JPEG）：{p.name}",
                               f"The seal image cannot be read (PNG or JPEG expected): {p.name}",
                               details={"seal_image": p.name}) from exc
    if pix.width < 32 or pix.height < 32:
        raise ValidationFailed(f"印章图片太小：{p.name}", f"The seal image is too small: {p.name}",
                               details={"seal_image": p.name, "width": pix.width, "height": pix.height})
    return data
