"""Geometric tolerances (TOLERANCE, AutoCAD's feature control frames) as the lines, circles,
arcs and texts AutoCAD draws for them: ezdxf reads the entity but draws nothing for it (no
``virtual_entities``, and its drawing frontend skips it), so the painter asks this module.

The content is AutoCAD's string: rows split by ``^J`` (or a newline), compartments by
``%%v``, a symbol of the GDT font as ``{\\Fgdt;x}``. Each row is a chain of boxes from the
insertion point along the entity's x direction, the insertion point at the middle of the first
row's left edge, rows one below the other; empty compartments take no box. Sizes come from the
dimension style, as for a dimension: text height DIMTXT × DIMSCALE, the gap between text and
box DIMGAP × DIMSCALE (the entity's ``ACAD DSTYLE`` overrides first), a row as tall as the text
plus a gap above and below; a compartment holding a lone symbol is square, the others as wide
as their text plus a gap each side (at least square).

The GDT font (``gdt.shx``) is a shape font: its symbols are strokes, drawn here as strokes in a
one-text-height box (``STROKES``), since the sheet's text face has few of them. Which letter is
which symbol is AutoCAD's GDT font table (the TOLERANCE dialog's symbols as ``{\\Fgdt;x}``
codes: a angularity … u straightness; AutoCAD's "Geometric Tolerance" and "Characteristic
symbols" help pages, and its ``gdt.shp`` source shipped with AutoCAD); ``SYMBOLS`` keeps the
Unicode character of each for the sheet's text index.
"""

from __future__ import annotations

import math
import re

from drawreview.cad import lettering

# GDT font letter → Unicode symbol (ISO 1101 / ASME Y14.5 characters)
SYMBOLS = {
    "a": "∠", "b": "⊥", "c": "⏥", "d": "⌓", "e": "○", "f": "∥", "g": "⌭", "h": "↗", "i": "⌯",
    "j": "⌖", "k": "⌒", "l": "Ⓛ", "m": "Ⓜ", "n": "⌀", "p": "Ⓟ", "q": "℄", "r": "◎", "s": "Ⓢ",
    "t": "⌰", "u": "⏤", "v": "⌴", "w": "⌵", "x": "↧", "y": "⌲", "z": "⌳",
}
_C30, _S30 = math.cos(math.radians(60)), math.sin(math.radians(60))
# strokes of a symbol in a box one text height tall, centred on (0, 0): ("l", x0, y0, x1, y1),
# ("c", cx, cy, r), ("a", cx, cy, r, start°, end°), ("t", letter) a ringed letter's letter
STROKES = {
    "a": [("l", -.5, -.45, .5, -.45), ("l", -.5, -.45, .45, .3)],
    "b": [("l", -.5, -.45, .5, -.45), ("l", 0, -.45, 0, .5)],
    "c": [("l", -.6, -.3, .3, -.3), ("l", .3, -.3, .6, .3), ("l", .6, .3, -.3, .3), ("l", -.3, .3, -.6, -.3)],
    "d": [("a", 0, -.3, .6, 0, 180), ("l", -.6, -.3, .6, -.3)],
    "e": [("c", 0, 0, .5)],
    "f": [("l", -.45, -.5, -.05, .5), ("l", .05, -.5, .45, .5)],
    "g": [("c", 0, 0, .35), ("l", -.4 * _S30 - .6 * _C30, .4 * _C30 - .6 * _S30, -.4 * _S30 + .6 * _C30, .4 * _C30 + .6 * _S30),
          ("l", .4 * _S30 - .6 * _C30, -.4 * _C30 - .6 * _S30, .4 * _S30 + .6 * _C30, -.4 * _C30 + .6 * _S30)],
    "h": [("l", -.4, -.5, .4, .5), ("l", .4, .5, .1, .4), ("l", .4, .5, .35, .2)],
    "i": [("l", -.4, -.3, .4, -.3), ("l", -.6, 0, .6, 0), ("l", -.4, .3, .4, .3)],
    "j": [("c", 0, 0, .35), ("l", -.6, 0, .6, 0), ("l", 0, -.6, 0, .6)],
    "k": [("a", 0, -.3, .6, 0, 180)],
    "l": [("c", 0, 0, .55), ("t", "L")],
    "m": [("c", 0, 0, .55), ("t", "M")],
    "n": [("c", 0, 0, .4), ("l", -.45, -.55, .45, .55)],
    "p": [("c", 0, 0, .55), ("t", "P")],
    "r": [("c", 0, 0, .5), ("c", 0, 0, .25)],
    "s": [("c", 0, 0, .55), ("t", "S")],
    "t": [("l", -.6, -.5, .1, -.5), ("l", -.6, -.5, -.1, .5), ("l", -.1, -.5, .4, .5), ("l", -.1, .5, -.35, .35),
          ("l", .4, .5, .15, .35)],
    "u": [("l", -.6, 0, .6, 0)],
}
_SYMBOL = re.compile(r"\{\\F(?:gdt|amgdt)[^;{}]*;([^{}])\}", re.I)
_CODES = re.compile(r"\\[A-Za-z][^;\\{}]*;|[{}]")
_PERCENT = {"%%c": "⌀", "%%d": "°", "%%p": "±", "%%%": "%"}


def rows(content: str) -> list[list[list[tuple[str, str]]]]:
    """The content's rows of non-empty compartments, each a list of runs ("g", GDT letter) or
    ("t", text)."""
    out = []
    for line in re.split(r"\^J|\r?\n|\\P", content or ""):
        row = []
        for part in line.split("%%v"):
            runs, at = [], 0
            for m in _SYMBOL.finditer(part):
                runs += _text_run(part[at:m.start()])
                runs.append(("g", m.group(1).lower()))
                at = m.end()
            runs += _text_run(part[at:])
            if runs:
                row.append(runs)
        if row:
            out.append(row)
    return out


def _text_run(s: str) -> list[tuple[str, str]]:
    s = _CODES.sub("", s)
    for code, ch in _PERCENT.items():
        s = re.sub(re.escape(code), ch, s, flags=re.I)
    return [("t", s)] if s.strip() else []


def sizes(entity) -> tuple[float, float]:
    """(text height, gap) of *entity* in drawing units: its dimension style's DIMTXT and
    DIMGAP times DIMSCALE (0: as 1), the entity's ``ACAD DSTYLE`` override first."""
    doc, style = entity.doc, None
    for name in (entity.dxf.get("dimstyle", "Standard"), "Standard"):
        if doc is not None and name in doc.dimstyles:
            style = doc.dimstyles.get(name)
            break
    txt, gap, scale = (style.dxf.dimtxt, style.dxf.dimgap, style.dxf.dimscale) if style is not None else (2.5, 0.625, 1.0)
    over = _overrides(entity)
    txt, gap, scale = over.get(140, txt), over.get(147, gap), over.get(40, scale)
    scale = scale if scale and scale > 0 else 1.0
    return float(txt) * scale, abs(float(gap)) * scale


def _overrides(entity) -> dict[int, float]:
    if not entity.has_xdata("ACAD"):
        return {}
    tags = list(entity.get_xdata("ACAD"))
    out = {}
    for (code, value), (code2, value2) in zip(tags, tags[1:]):
        if code == 1070 and code2 in (1040, 1070):
            out[int(value)] = float(value2)
    return out


def virtual_entities(entity) -> list:
    """The boxes, symbols and texts of *entity* as ezdxf LINE, CIRCLE, ARC and TEXT entities
    (world coordinates, the entity's layer, colour, linetype and lineweight)."""
    from ezdxf.entities import Arc, Circle, Line, Text
    from ezdxf.math import Vec3

    h, g = sizes(entity)
    if not h > 0:
        return []
    origin = Vec3(entity.dxf.insert)
    ux = Vec3(entity.dxf.get("x_axis_vector", (1, 0, 0)))
    ux = Vec3(1, 0, 0) if ux.magnitude < 1e-12 else Vec3(ux.x, ux.y, 0).normalize()
    uy = Vec3(-ux.y, ux.x, 0)
    angle = math.degrees(math.atan2(ux.y, ux.x))
    attribs = {k: entity.dxf.get(k) for k in ("layer", "color", "true_color", "linetype", "lineweight", "ltscale")
               if entity.dxf.hasattr(k)}
    doc = entity.doc
    out = []

    def at(x: float, y: float) -> Vec3:
        return origin + ux * x + uy * y

    # the frame's lines share their properties: checked once, on a template each line copies
    # before its own points are set (``Line.new`` per line checked every property again: a
    # frame is 10-20 lines, most of the time of drawing it)
    template = Line.new(dxfattribs=attribs, doc=doc)

    def line(x0, y0, x1, y1):
        ln = Line()
        ln.doc = doc
        dxf = ln.dxf = template.dxf.copy(ln)
        dxf.unprotected_set("start", at(x0, y0))  # a Vec3: what the check would make of it
        dxf.unprotected_set("end", at(x1, y1))
        out.append(ln)

    def text(s: str, cx: float, cy: float, height: float):
        p = at(cx, cy)
        out.append(Text.new(dxfattribs=attribs | {"text": s, "insert": p, "align_point": p, "height": height,
                                                  "rotation": angle, "halign": 1, "valign": 2}, doc=doc))

    def symbol(letter: str, cx: float, cy: float):
        for s in STROKES.get(letter, [("t", SYMBOLS.get(letter, letter))]):
            if s[0] == "l":
                line(cx + s[1] * h, cy + s[2] * h, cx + s[3] * h, cy + s[4] * h)
            elif s[0] == "c":
                out.append(Circle.new(dxfattribs=attribs | {"center": at(cx + s[1] * h, cy + s[2] * h),
                                                            "radius": s[3] * h}, doc=doc))
            elif s[0] == "a":
                out.append(Arc.new(dxfattribs=attribs | {"center": at(cx + s[1] * h, cy + s[2] * h), "radius": s[3] * h,
                                                         "start_angle": s[4] + angle, "end_angle": s[5] + angle}, doc=doc))
            else:
                text(s[1], cx, cy, h * (0.6 if len(STROKES.get(letter, ())) > 1 else 1.0))

    row_h = h + 2 * g
    for i, row in enumerate(rows(entity.dxf.get("content", ""))):
        top, bottom = row_h / 2 - i * row_h, -row_h / 2 - i * row_h
        mid = (top + bottom) / 2
        x = 0.0
        for runs in row:
            widths = [h * 1.2 if kind == "g" else lettering.text_width(value) * h for kind, value in runs]
            lone_symbol = len(runs) == 1 and runs[0][0] == "g"
            w = row_h if lone_symbol else max(row_h, sum(widths) + 2 * g)
            cx = x + (w - sum(widths)) / 2
            for (kind, value), rw in zip(runs, widths):
                if kind == "g":
                    symbol(value, cx + rw / 2, mid)
                else:
                    text(value, cx + rw / 2, mid, h)
                cx += rw
            line(x, bottom, x, top)
            line(x, top, x + w, top)
            line(x, bottom, x + w, bottom)
            x += w
        line(x, bottom, x, top)
    return out


def texts(entity) -> list[str]:
    """The compartments' text with the symbols as Unicode characters (for the sheet's text index)."""
    return ["".join(SYMBOLS.get(v, v) if k == "g" else v for k, v in runs)
            for row in rows(entity.dxf.get("content", "")) for runs in row]
