"""Text placement: TEXT / ATTRIB / MTEXT to PDF text operators in the CJK font ``/F0``.

The font is MuPDF's built-in CJK face (Droid Sans Fallback), embedded in each sheet PDF as a
subset (``Identity-H``, glyph ids), so downloaded sheets show Chinese in any PDF viewer.
ASCII widths come from that face (``WIDTHS``), so we can align text (centre, right, middle,
fit) without measuring glyphs one call at a time.

In CAD a text's height is the height of its capital letters, not the em size of the font: the
face is set at ``h / CAP`` (``CAP``: the face's cap height in em, measured by
``tests/cad/test_lettering.py`` from rendered glyphs), and every width here is in units of that
height. What a text says (AutoCAD's ``%%`` codes, MTEXT's inline codes and stacks) is read by
``cad.textcodes``.
"""

from __future__ import annotations

import math
import weakref

import pymupdf

from drawreview.cad import textmirror
from drawreview.cad.textcodes import plain_mtext
from drawreview.cad.tiles import _lock as _mupdf  # MuPDF is not thread-safe: glyph look-ups take its lock

_font = pymupdf.Font("cjk")
ASCII_W = [round(_font.glyph_advance(c) * 1000) for c in range(32, 127)]  # CID 1..95
CAP = 0.715  # cap height of the face in em ("H", "E": 0.715 em rendered)
EM = 1.0 / CAP  # font size per unit of CAD text height
WIDTHS = {chr(32 + i): w / 1000 * EM for i, w in enumerate(ASCII_W)}  # advance per text height
del _font


class _Advances(dict):
    def __missing__(self, ch: str) -> float:
        """Beyond ASCII, the face's own advance, looked up once per character: the sheet PDF
        sets each glyph at that advance (its ``/W`` widths), so the layout must too. CJK is one
        em; Cyrillic, Greek, accented Latin and the signs of drawings (± ° Ø ²) are about half
        of that, and counted as one em they wrapped an MTEXT column twice as early and shifted
        centred text. A character the face lacks stays at one em."""
        with _mupdf:
            w = FONT.glyph_advance(ord(ch)) * EM if FONT.has_glyph(ord(ch)) else EM
        self[ch] = w
        return w


_ADVANCE = _Advances(WIDTHS)


def text_width(text: str) -> float:
    """Advance of *text* in units of the text height (the cap height)."""
    return sum(map(_ADVANCE.__getitem__, text))


FONT = pymupdf.Font("cjk")  # embedded (as a subset) in every sheet PDF: glyph ids, Identity-H


class _GlyphIds(dict):
    """Character -> hex glyph id in ``FONT``, looked up once per distinct character."""

    def __missing__(self, ch: str) -> str:
        with _mupdf:  # painting otherwise runs without the lock
            g = self[ch] = "%04x" % FONT.has_glyph(ord(ch))
        return g


_GID = _GlyphIds()
_face = None


def face():
    """``FONT`` parsed for :mod:`fontembed` (once per process, on the first lettered sheet)."""
    global _face
    if _face is None:
        from drawreview.cad.fontembed import Face

        _face = Face(FONT.buffer, FONT.name)
    return _face


def glyph_ids(chars) -> dict[str, int]:
    """Character -> glyph id in ``FONT`` for every character in *chars* (0: not in the face)."""
    return {ch: int(_GID[ch], 16) for ch in chars}


def encode(text: str) -> str:
    """Hex glyph ids of *text* in ``FONT`` (a missing glyph becomes .notdef)."""
    return "<" + "".join(map(_GID.__getitem__, text)) + ">"


def text_op(text: str, x: float, y: float, h: float, angle_deg: float, wf: float = 1.0,
            oblique_deg: float = 0.0) -> str:
    """``BT … ET`` drawing *text* with its baseline start at (x, y) (canvas coordinates); *h*
    is the CAD height (capital letters), so the face is set at ``h * EM``."""
    h *= EM
    t = math.radians(angle_deg)
    c, s = math.cos(t), math.sin(t)
    sk = math.tan(math.radians(oblique_deg)) if oblique_deg else 0.0
    a, b = wf * h * c, wf * h * s
    cc, d = h * (sk * c - s), h * (sk * s + c)
    return "BT /F0 1 Tf %.6f %.6f %.6f %.6f %.6f %.6f Tm %s Tj ET\n" % (a, b, cc, d, x, y, encode(text))


def box(x: float, y: float, w: float, h: float, angle_deg: float) -> tuple[float, float, float, float]:
    """Axis-aligned bounds of a text box (baseline start x, y; width w; cap height h): from the
    descenders (0.3 h below the baseline) to the top of CJK glyphs (1.15 h)."""
    t = math.radians(angle_deg)
    c, s = math.cos(t), math.sin(t)
    lo, hi = -0.3 * h, 1.15 * h  # the four corners (0 | w, lo | hi), as plain arithmetic
    x0, x1, x2, x3 = x + 0.0 * c - lo * s, x + 0.0 * c - hi * s, x + w * c - lo * s, x + w * c - hi * s
    y0, y1, y2, y3 = y + 0.0 * s + lo * c, y + 0.0 * s + hi * c, y + w * s + lo * c, y + w * s + hi * c
    return min(x0, x1, x2, x3), min(y0, y1, y2, y3), max(x0, x1, x2, x3), max(y0, y1, y2, y3)


def row_boxes(rows, h: float, angle_deg: float, dx: float = 0.0, dy: float = 0.0) -> list[tuple]:
    """``box(x - dx, y - dy, w, h, angle)`` of each ``(text, x, y, w)`` row of an MTEXT (one
    height and angle for all: the rotation is computed once)."""
    t = math.radians(angle_deg)
    c, s = math.cos(t), math.sin(t)
    lo, hi = -0.3 * h, 1.15 * h
    ls, hs, lc, hc = lo * s, hi * s, lo * c, hi * c
    out = []
    for _, x, y, w in rows:
        x, y = x - dx, y - dy
        x0, x1, x2, x3 = x + 0.0 * c - ls, x + 0.0 * c - hs, x + w * c - ls, x + w * c - hs
        y0, y1, y2, y3 = y + 0.0 * s + lc, y + 0.0 * s + hc, y + w * s + lc, y + w * s + hc
        out.append((min(x0, x1, x2, x3), min(y0, y1, y2, y3), max(x0, x1, x2, x3), max(y0, y1, y2, y3)))
    return out


def shown_text(e) -> str:
    """What a TEXT, ATTRIB or ATTDEF shows: an attribute definition outside a block shows its
    tag (AutoCAD; ezdxf draws it so too), the others their text."""
    return e.dxf.get("tag", "") if e.dxftype() == "ATTDEF" else e.dxf.text


def place_text(d: dict, text: str) -> tuple[float, float, float, float, float, float] | None:
    """Baseline start, height, angle, width factor, width for a TEXT/ATTRIB dxf dict (mirrored
    as its flags ask: ``textmirror``; the width factor and width negative when turned)."""
    h = d.get("height", 2.5)
    if not h or h <= 0:
        return None
    angle = d.get("rotation", 0.0)
    wf = d.get("width", 1.0) or 1.0
    ins = d.get("insert")
    if ins is None:
        return None
    x, y = ins.x, ins.y
    halign, valign = d.get("halign", 0), d.get("valign", 0)
    w = text_width(text) * h * wf
    if halign or valign:
        al = d.get("align_point")
        al = ins if al is None else al
        t = math.radians(angle)
        c, s = math.cos(t), math.sin(t)
        if halign in (3, 5):  # aligned / fit between insert and align point
            dist = math.hypot(al.x - x, al.y - y)
            if w > 0 and dist > 0:
                if halign == 3:  # aligned: the proportions kept, the height follows the stretch
                    h *= dist / w
                else:  # fit: the height kept, the width stretched
                    wf *= dist / w
                w = dist
            angle = math.degrees(math.atan2(al.y - y, al.x - x)) if dist > 0 else angle
            return textmirror.apply(d, (x, y, h, angle, wf, w))
        dx = {0: 0.0, 1: -w / 2, 2: -w, 4: -w / 2}.get(halign, 0.0)
        dy = {0: 0.0, 1: 0.2 * h, 2: -h / 2, 3: -h}.get(valign, 0.0)
        if halign == 4:
            dy = -h / 2
        x, y = al.x + dx * c - dy * s, al.y + dx * s + dy * c
    return textmirror.apply(d, (x, y, h, angle, wf, w))


def mtext_lines(entity) -> tuple[list[str], float, float, int, float, float, float] | None:
    """(lines, insert x, y, attachment, height, angle, wrap width) of an MTEXT."""
    d = entity.dxf.__dict__
    h = d.get("char_height", 2.5)
    ins = d.get("insert")
    if ins is None or not h or h <= 0:
        return None
    try:
        lines = plain_mtext(entity.text)
    except Exception:  # noqa: BLE001 - malformed inline codes: fall back to raw text
        lines = [entity.text]
    width = d.get("width", 0.0) or 0.0
    if width > 0:
        lines = [part for line in lines for part in _wrap(line, width / (h * style_width(entity)))]
    try:
        angle = entity.get_rotation()
    except Exception:  # noqa: BLE001
        angle = d.get("rotation", 0.0)
    return lines, ins.x, ins.y, d.get("attachment_point", 1), h, angle, width


def style_width(entity) -> float:
    """The width factor of an MTEXT's text style (a TEXT carries its own): AutoCAD and ezdxf
    draw a paragraph of a 0.7 style (仿宋 0.7, the common Chinese setting) at 0.7 of its width."""
    doc = entity.doc
    style = doc.styles.get(entity.dxf.__dict__.get("style", "Standard")) if doc is not None else None
    wf = style.dxf.__dict__.get("width", 1.0) if style is not None else 1.0
    return wf if isinstance(wf, (int, float)) and 0.01 <= wf <= 100 else 1.0


def _wrap(line: str, em: float) -> list[str]:
    """Break *line* into rows no wider than *em*: at the last space when there is one, anywhere
    next to a CJK character; a Latin word longer than the row overflows, as in CAD programs."""
    limit = em * 1.02
    if em <= 0 or text_width(line) <= limit:
        return [line]
    widths = list(map(_ADVANCE.__getitem__, line))
    out: list[str] = []
    start, cw = 0, 0.0  # the row so far: line[start:i], cw wide
    for i, w in enumerate(widths):
        if cw + w > limit and i > start:
            ch = line[i]
            cut = line.rfind(" ", start + 1, i)
            if cut > 0 and ch != " ":
                out.append(line[start:cut])
                start, cw = cut + 1, text_width(line[cut + 1:i])
            elif ch == " " or ord(ch) > 0x2E7F or ord(line[i - 1]) > 0x2E7F:  # CJK breaks anywhere
                out.append(line[start:i])
                start, cw = i, 0.0
                if ch == " ":
                    start = i + 1
                    continue
        cw += w
    if start < len(line):
        out.append(line[start:])
    return out


_LAYOUTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def mtext_layout(entity) -> tuple[list[tuple[str, float, float, float]], float, float, float] | None:
    """MTEXT lines placed as the painter draws them: ([(line, baseline x, y, width)], height,
    angle, the style's width factor); rows ``5/3 h`` apart (times the line spacing factor), aligned by the attachment point.
    Kept per entity (the splitter measures what the painter then draws: one reading of a long
    formatted paragraph, not two)."""
    d = entity.dxf.__dict__
    key = (entity.text, d.get("char_height"), d.get("width"), d.get("insert"), d.get("attachment_point"),
           d.get("line_spacing_factor"), d.get("rotation"), d.get("text_direction"), d.get("extrusion"),
           d.get("style"))
    try:
        cached = _LAYOUTS.get(entity)
    except TypeError:  # not weakly referable: no cache
        return _mtext_layout(entity)
    if cached is not None and cached[0] == key:
        return cached[1]
    got = _mtext_layout(entity)
    _LAYOUTS[entity] = (key, got)
    return got


def _mtext_layout(entity):
    if entity.has_columns:  # laid out in columns (R2018 column data, or linked MTEXTs)
        from drawreview.cad import mtextcolumns

        return mtextcolumns.layout(entity, _wrap, text_width, style_width(entity))
    got = mtext_lines(entity)
    if got is None:
        return None
    lines, x, y, att, h, angle, _ = got
    if not any(s.strip() for s in lines):
        return None
    d = entity.dxf.__dict__
    step = h * 1.667 * (d.get("line_spacing_factor", 1.0) or 1.0)
    total = h + step * (len(lines) - 1)
    row, col = (att - 1) // 3, (att - 1) % 3
    top = {0: 0.0, 1: total / 2, 2: total}.get(row, 0.0)
    t = math.radians(angle)
    c, s = math.cos(t), math.sin(t)
    out, wf = [], style_width(entity)
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        w = text_width(line) * h * wf
        dx = -w * col / 2
        dy = top - h - i * step
        out.append((line, x + dx * c - dy * s, y + dx * s + dy * c, w))
    return out, h, angle, wf


def mtext_box(entity) -> tuple[float, float, float, float] | None:
    """World box of an MTEXT's lettering (the union of its placed lines)."""
    got = mtext_layout(entity)
    if got is None:
        return None
    lines, h, angle, _ = got
    boxes = row_boxes(lines, h, angle)
    d = entity.dxf.__dict__
    width, ins = d.get("width", 0.0) or 0.0, d.get("insert")
    if width > 0 and ins is not None:  # the column as defined (CAD extents count it, ink or not)
        col = (d.get("attachment_point", 1) - 1) % 3
        t = math.radians(angle)
        dx = -width * col / 2
        _, x0, y0, _ = lines[0]
        ux, uy = math.cos(t), math.sin(t)
        # the first row's baseline start moved along the row to the column's own left edge
        lx = x0 - ((x0 - ins.x) * ux + (y0 - ins.y) * uy) * ux + dx * ux
        ly = y0 - ((x0 - ins.x) * ux + (y0 - ins.y) * uy) * uy + dx * uy
        boxes.append(box(lx, ly, width, h, angle))
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
