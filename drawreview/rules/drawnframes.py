"""A frame drawn as plain linework: the institute's frame block exploded (or never a block) into lines,
polylines and texts on the frame layer (图框, TK, C-BORDER). With no INSERT there is no frame and no
scale, so nothing could be judged at plotted size (DR-01, DR-02).

Read here: the outermost closed rectangle the frame layer's linework makes (LINEs or a polyline,
``shapely.polygonize``) is a frame when a text inside it writes a scale ``1:N`` and the rectangle, at
that scale, is a standard sheet (GB/T 50001: A0–A4, the long side lengthened at most 2.5 times). Its
title fields are read from the texts on the frame layer inside it: ``比例`` is the scale text,
``图名`` the text holding it (``三层平面图  1:100``), ``图号`` a sheet number (``建施-03``, ``A-101``). A
sheet that draws two scales on its frame layer (a 1:100 plan and its 1:20 detail titles) takes the one
its frame fits; none fits: no frame. Only read where no frame block was found.
"""

from __future__ import annotations

import re

import numpy as np
import shapely

from .features import Frame
from .labels import norm, scale_denominator

SHORT_SIDES = (841.0, 594.0, 420.0, 297.0, 210.0)  # A0 … A4, mm
LONG_SIDES = (1189.0, 841.0, 594.0, 420.0, 297.0)
TOLERANCE = 0.01
RE_SHEET_NO = re.compile(r"^[A-Za-z\u4e00-\u9fff]{1,4}\s*[-－_]?\s*\d{1,3}[A-Za-z]?$")


def _sheet(w_mm: float, h_mm: float) -> bool:
    long_, short = max(w_mm, h_mm), min(w_mm, h_mm)
    return any(abs(short - s) <= TOLERANCE * s and l * (1 - TOLERANCE) <= long_ <= 2.5 * l
               for s, l in zip(SHORT_SIDES, LONG_SIDES))


def _rectangles(prims: list) -> list:
    """Closed rectangles the linework (line prims) makes, largest first."""
    lines = [shapely.LineString(np.vstack([p.coords, p.coords[:1]]) if p.closed else p.coords)
             for p in prims if len(p.coords) >= 2]
    if not lines:
        return []
    cells = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.node(shapely.union_all(lines)))))
    outer = shapely.get_parts(shapely.union_all(cells)) if len(cells) else []
    rects = [p for p in outer if p.area > 0 and abs(p.envelope.area - p.area) <= 1e-3 * p.area]
    return sorted(rects, key=lambda p: -p.area)


def frames_from_lines(geo, prims: list, layer: str, handle: str = "") -> None:
    """Add the frame the frame layer's linework (*prims*) draws, if it is one (see the module)."""
    if geo.frames or not prims:
        return
    for rect in _rectangles(prims)[:4]:
        x0, y0, x1, y1 = rect.bounds
        inside = [t for t in geo.texts if x0 <= t.x <= x1 and y0 <= t.y <= y1 and t.text]
        scaled = [(t, n) for t in inside if (n := scale_denominator(t.text))]
        scaled.sort(key=lambda tn: tn[0].layer != layer)  # the frame layer's own scale first
        for t, n in scaled:
            k = geo.unit_m * 1000.0 / n
            if not _sheet((x1 - x0) * k, (y1 - y0) * k):
                continue
            attrs = {"比例": f"1:{n:g}", "图名": norm(t.text).strip()}
            if number := next((norm(s.text).strip() for s in inside
                               if s.layer == layer and RE_SHEET_NO.match(norm(s.text).strip())), None):
                attrs["图号"] = number
            geo.frames.append(Frame(handle, "", layer, (x0, y0, x1, y1), n, attrs))
            return
