"""Which rectangles of a space are sheet frames (图框).

A closed rectangle on some layer called "*Frame*" may be curtain-wall framing, a window or a
table; a sheet frame is told by what a sheet looks like:

- a frame block whose INSERT carries title-block attributes (图号, 图名, DWG NO, SHEET …);
- a frame block (named 图框, TK, FRAME, BORDER, TITLE or by sheet size: A0–A4, A1-横, 图框A2,
  TK-A3 …) inserted on a frame layer;
- such a frame block elsewhere, or a rectangle on a frame layer, when it is a standard sheet (GB/T 50001 / ISO
  A0–A4, lengthened long sides, ANSI A–E, ARCH A–E) at a plausible scale, or has title-block
  text (labels or a sheet number) in its lower-right corner;
- any rectangle or block of a standard sheet size with title-block text in that corner.

Inner margin lines and title-block tables inside a frame are dropped (the outermost border is
the sheet, title-block strip included).  Only visible entities are offered (``cad.extents``).
"""

from __future__ import annotations

import math
import re

import numpy as np

from drawreview.cad import textcodes, titleblock

FRAME_LAYER = re.compile(r"图框|(^|[^A-Z])(TK|BORDER|FRAME|TTLB|TITLE|SHEET)([^A-Z]|$)", re.I)
FRAME_BLOCK = re.compile(r"图框|图幅|(^|[^A-Z])(TK|BORDER|FRAME|TITLE|TTLB)([^A-Z]|$)|(^|[^A-Z])A[0-4]([^0-9]|$)", re.I)
# (long, short) in millimetres
SIZES = {
    "A0": (1189, 841), "A1": (841, 594), "A2": (594, 420), "A3": (420, 297), "A4": (297, 210),
    "ANSI A": (279.4, 215.9), "ANSI B": (431.8, 279.4), "ANSI C": (558.8, 431.8), "ANSI D": (863.6, 558.8),
    "ANSI E": (1117.6, 863.6), "ARCH A": (304.8, 228.6), "ARCH B": (457.2, 304.8), "ARCH C": (609.6, 457.2),
    "ARCH D": (914.4, 609.6), "ARCH E": (1219.2, 914.4),
}
NICE = (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8, 10)
TOL = 0.012


_TABLE = [(name if n == 0 else f"{name}+{n}/8", L * (1 + n / 8), S)
          for name, (L, S) in SIZES.items() for n in range(17)]
_ASPECT = np.array([L / S for _, L, S in _TABLE])


def sheet_size(w: float, h: float) -> str | None:
    """The standard sheet a w × h rectangle is, at some plausible scale (1:1, 1:100, 1:250 …,
    in any drawing unit), lengthened long sides (GB/T 50001: 1/8 steps) included; or None."""
    if w <= 0 or h <= 0:
        return None
    long, short = max(w, h), min(w, h)
    for i in np.nonzero(np.abs(_ASPECT * (short / long) - 1) <= 2 * TOL)[0]:
        name, L, S = _TABLE[i]
        k = short / S
        if abs(long / L - k) <= TOL * k and _nice(k):
            return name
    return None


def _nice(k: float) -> bool:
    e = math.floor(math.log10(k))
    m = k / 10 ** e
    return any(abs(m - n) <= TOL * n for n in NICE)


def title_texts(box, texts, attribs) -> bool:
    """True when the lower-right corner of *box* holds title-block lettering: a label (图号,
    图名, 比例, SHEET NO …) or a sheet number."""
    x0, y0, x1, y1 = box[:4]
    cx, cy = x0 + (x1 - x0) * 0.5, y0 + (y1 - y0) * 0.4
    for tag, value, x, y in attribs:
        if cx <= x <= x1 and y0 <= y <= cy and titleblock.is_field(tag):
            return True
    for e, x, y, _ in texts:
        if cx <= x <= x1 and y0 <= y <= cy:
            try:
                text = textcodes.words(e)
            except Exception:  # noqa: BLE001
                continue
            if titleblock.is_label(text) or titleblock.looks_like_number(text):
                return True
    return False


def line_rects(lines) -> list[tuple]:
    """Rectangles drawn as four LINEs (an exploded frame block): two horizontal lines spanning
    the same x range joined by two vertical lines at its ends.  Those on a frame layer, and the
    longest lines of other layers (a sheet's edge drawn on layer 0 or "help-lines", which
    ``find_frames`` takes only at a standard sheet size with a title block in its corner)."""
    framed = [ln for ln in lines if FRAME_LAYER.search(ln[4])][:4000]
    rest = [ln for ln in lines if not FRAME_LAYER.search(ln[4])]
    if len(rest) > 4000:
        rest.sort(key=lambda ln: ln[2] - ln[0] + ln[3] - ln[1], reverse=True)
    lines = framed + rest[:4000]
    if len(lines) < 4:
        return []
    def key(v):
        return round(v, 6)
    hs = [ln for ln in lines if ln[3] - ln[1] <= 1e-9 * (ln[2] - ln[0])]  # (boxes: x0 <= x1, y0 <= y1)
    sides: dict[float, set] = {}  # x -> the (y0, y1) of the vertical lines there
    for ln in lines:
        if ln[2] - ln[0] <= 1e-9 * (ln[3] - ln[1]):
            sides.setdefault(key(ln[0]), set()).add((key(ln[1]), key(ln[3])))
    by_span: dict[tuple, list] = {}
    for ln in hs:
        by_span.setdefault((key(ln[0]), key(ln[2])), []).append(ln)
    out = []
    for (xa, xb), group in by_span.items():  # (a line per pair of sides, not per pair of rows:
        ys = {key(ln[1]): ln[1] for ln in group}  # 4,000 parallel lines of one span are cheap)
        for y0, y1 in sorted(sides.get(xa, set()) & sides.get(xb, set())):
            if y0 in ys and y1 in ys:
                out.append((xa, ys[y0], xb, ys[y1], group[0][4]))
    return out


def find_frames(measured) -> list[tuple]:
    """(x0, y0, x1, y1, attribs, standard) of every sheet frame in a measured space."""
    got = []
    for x0, y0, x1, y1, layer in measured.rects + line_rects(getattr(measured, "axis_lines", [])):
        box = (x0, y0, x1, y1)
        std = sheet_size(x1 - x0, y1 - y0) is not None
        if (std or FRAME_LAYER.search(layer)) and (
                (std and FRAME_LAYER.search(layer)) or title_texts(box, measured.texts, measured.attribs)):
            got.append((*box, [], std))
    for name, layer, box, attribs in measured.inserts:
        fields = [(t, v) for t, v in attribs if titleblock.is_sheet_field(t)]  # a door's 编号 alone is none
        std = sheet_size(box[2] - box[0], box[3] - box[1]) is not None
        named = bool(FRAME_BLOCK.search(name) or FRAME_LAYER.search(layer))
        both = bool(FRAME_BLOCK.search(name) and FRAME_LAYER.search(layer))  # a frame block on a frame layer
        if fields or both or ((named or std) and (
                (named and std) or title_texts(box, measured.texts, measured.attribs))):
            got.append((*box[:4], attribs, std or bool(fields)))
    got.sort(key=lambda f: not f[4])  # a frame with title-block attributes wins a tie
    return outermost(got)


def outermost(frames: list) -> list:
    """Drop frames inside other frames (inner borders, title-block tables) and tiny ones that
    are no standard sheet (a set may mix a 1:1 detail sheet with 1:100 plans)."""
    if not frames:
        return []
    big = max((f[2] - f[0]) * (f[3] - f[1]) for f in frames)
    keep = []
    for f in frames:
        w, h = f[2] - f[0], f[3] - f[1]
        if w <= 0 or h <= 0 or (w * h < big * 0.02 and not f[5]) or max(w, h) / min(w, h) > 6:
            continue
        tol = 1e-6 * max(w, h)
        inside = any(g is not f and g[0] <= f[0] + tol and g[1] <= f[1] + tol and g[2] >= f[2] - tol
                     and g[3] >= f[3] - tol and (g[2] - g[0]) * (g[3] - g[1]) > w * h for g in frames)
        dup = any(abs(g[0] - f[0]) <= tol and abs(g[1] - f[1]) <= tol and abs(g[2] - f[2]) <= tol
                  and abs(g[3] - f[3]) <= tol for g in keep)
        if not inside and not dup:
            keep.append(f)
    return keep
