"""Text placement: TEXT / ATTRIB / MTEXT to PDF text operators in the CJK font ``/F0``.

The font is MuPDF's built-in CJK face (Droid Sans Fallback), embedded in each sheet PDF as a
subset (``Identity-H``, glyph ids), so downloaded sheets show Chinese in any PDF viewer.
ASCII widths come from that face (``WIDTHS``), so we can align text (centre, right, middle,
fit) without measuring glyphs one call at a time.
"""

from __future__ import annotations

import math

import pymupdf

from drawreview.cad.tiles import _lock as _mupdf  # MuPDF is not thread-safe: glyph look-ups take its lock

_font = pymupdf.Font("cjk")
ASCII_W = [round(_font.glyph_advance(c) * 1000) for c in range(32, 127)]  # CID 1..95
WIDTHS = {chr(32 + i): w / 1000 for i, w in enumerate(ASCII_W)}
del _font


def text_width(text: str) -> float:
    """Advance of *text* in em (1 em = text height)."""
    get = WIDTHS.get
    return sum(get(ch, 1.0) for ch in text)


FONT = pymupdf.Font("cjk")  # embedded (as a subset) in every sheet PDF: glyph ids, Identity-H
_GID: dict[str, str] = {}
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
    encode("".join(ch for ch in chars if ch not in _GID))
    return {ch: int(_GID[ch], 16) for ch in chars}


def encode(text: str) -> str:
    """Hex glyph ids of *text* in ``FONT`` (a missing glyph becomes .notdef)."""
    out = []
    for ch in text:
        g = _GID.get(ch)
        if g is None:
            with _mupdf:  # once per distinct character; painting otherwise runs without the lock
                g = _GID[ch] = "%04x" % FONT.has_glyph(ord(ch))
        out.append(g)
    return "<" + "".join(out) + ">"


def text_op(text: str, x: float, y: float, h: float, angle_deg: float, wf: float = 1.0,
            oblique_deg: float = 0.0) -> str:
    """``BT … ET`` drawing *text* with its baseline start at (x, y) (canvas coordinates)."""
    t = math.radians(angle_deg)
    c, s = math.cos(t), math.sin(t)
    sk = math.tan(math.radians(oblique_deg)) if oblique_deg else 0.0
    a, b = wf * h * c, wf * h * s
    cc, d = h * (sk * c - s), h * (sk * s + c)
    return "BT /F0 1 Tf %.6f %.6f %.6f %.6f %.6f %.6f Tm %s Tj ET\n" % (a, b, cc, d, x, y, encode(text))


def box(x: float, y: float, w: float, h: float, angle_deg: float) -> tuple[float, float, float, float]:
    """Axis-aligned bounds of a text box (baseline start x, y; width w; height h)."""
    t = math.radians(angle_deg)
    c, s = math.cos(t), math.sin(t)
    xs = [x, x + w * c, x - h * s * 1.0, x + w * c - h * s]
    ys = [y - 0.2 * h, y + w * s - 0.2 * h, y + h * c, y + w * s + h * c]
    return min(xs), min(ys), max(xs), max(ys)


def place_text(d: dict, text: str) -> tuple[float, float, float, float, float, float] | None:
    """Baseline start, height, angle, width factor, width for a TEXT/ATTRIB dxf dict."""
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
                wf *= dist / w
                w = dist
            angle = math.degrees(math.atan2(al.y - y, al.x - x)) if dist > 0 else angle
            return x, y, h, angle, wf, w
        dx = {0: 0.0, 1: -w / 2, 2: -w, 4: -w / 2}.get(halign, 0.0)
        dy = {0: 0.0, 1: 0.2 * h, 2: -h / 2, 3: -h}.get(valign, 0.0)
        if halign == 4:
            dy = -h / 2
        x, y = al.x + dx * c - dy * s, al.y + dx * s + dy * c
    return x, y, h, angle, wf, w


def mtext_lines(entity) -> tuple[list[str], float, float, int, float, float, float] | None:
    """(lines, insert x, y, attachment, height, angle, wrap width) of an MTEXT."""
    d = entity.dxf.__dict__
    h = d.get("char_height", 2.5)
    ins = d.get("insert")
    if ins is None or not h or h <= 0:
        return None
    try:
        lines = entity.plain_text(split=True)
    except Exception:  # noqa: BLE001 - malformed inline codes: fall back to raw text
        lines = [entity.text]
    width = d.get("width", 0.0) or 0.0
    if width > 0:
        lines = [part for line in lines for part in _wrap(line, width / h)]
    try:
        angle = entity.get_rotation()
    except Exception:  # noqa: BLE001
        angle = d.get("rotation", 0.0)
    return lines, ins.x, ins.y, d.get("attachment_point", 1), h, angle, width


def _wrap(line: str, em: float) -> list[str]:
    if em <= 0 or text_width(line) <= em * 1.02:
        return [line]
    out, cur, cw = [], "", 0.0
    for ch in line:
        w = WIDTHS.get(ch, 1.0)
        if cw + w > em * 1.02 and cur:
            cut = cur.rfind(" ")
            if cut > 0 and ch != " ":
                out.append(cur[:cut])
                cur, cw = cur[cut + 1:], text_width(cur[cut + 1:])
            elif ch == " " or ord(ch) > 0x2E7F or ord(cur[-1]) > 0x2E7F:  # CJK breaks anywhere
                out.append(cur)
                cur, cw = "", 0.0
                if ch == " ":
                    continue
            # else: a Latin word longer than the column overflows, as in CAD programs
        cur += ch
        cw += w
    if cur:
        out.append(cur)
    return out
