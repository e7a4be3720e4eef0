"""The text of complex linetypes, drawn along their lines as AutoCAD plots it.

A complex linetype holds text between its dashes (GAS_LINE ``----GAS----``; Chinese pipes
``--J--``, ``--给水--``, ``--HW--``). Its LTYPE pattern lists the elements (49: dash or gap
length) and, after an element, the text set at the end of that element: 74 flags (1: the
rotation is absolute, to the x axis, else relative to the line; 2: a text; 4: a shape; 8: kept
upright, never upside down), 340 the text style, 46 the scale (the height, or a factor of the
style's fixed height), 50 the rotation (radians), 44 / 45 the offsets along and across the
line, 9 the text. Each pattern cycle along the line shows each text once, at the linetype's
scale (entity × $LTSCALE × the viewport's, as its dashes).

ezdxf's drawing add-on draws such a line solid, without text; ``cad.linetypes.dashes`` gives
its dashes and gaps. The text here is set in the gaps of those dashes: the PDF dash array
starts with the first dash (a pattern that starts with a gap is rotated by
``compile_line_pattern``), so each text's position is taken in that phase. Shapes (74 flag 4)
come from an SHX file that does not travel with the drawing: they stay undrawn and named
(``linetypes.linetype_note``). Text is set in the sheet's one CJK face, as every other text.
"""

from __future__ import annotations

import bisect
import math
import weakref
from typing import NamedTuple

from ezdxf import path as ezpath

from drawreview.cad import lettering
from drawreview.cad.canvas import TEXT
from drawreview.cad.notes import info

MAX_PER_ENTITY = 2000  # symbols along one entity (a tiny scale on a long line would set millions)
MAX_PER_PAINTER = 20000  # symbols on one sheet (or viewport form): ~10 µs each, and each a text
NOTE = ("复杂线型中的文字过多，本图只画出前 {n} 个，其余线只画出短划线 / the text of complex linetypes is drawn "
        "for its first {n:,} occurrences on this sheet; past them the lines show their dashes only")


class Symbol(NamedTuple):
    at: float  # where along one cycle (unscaled, in the phase of the dash array)
    text: str
    height: float  # unscaled
    rotation: float  # degrees
    absolute: bool
    upright: bool
    dx: float  # offset along the line (unscaled)
    dy: float  # offset across the line (unscaled)
    wf: float  # the style's width factor


class Pattern(NamedTuple):
    length: float  # one cycle, unscaled
    symbols: tuple[Symbol, ...]


def pattern_of(lt, doc) -> Pattern | None:
    """The text elements of linetype *lt* and its cycle length; None: no text in it."""
    tags = lt.pattern_tags
    if not tags.is_complex_type():
        return None
    pos, lead, leading = 0.0, 0.0, True
    raw: list[dict] = []
    cur: dict | None = None
    for t in tags.tags:
        code, value = t.code, t.value
        if code == 49:
            cur = None
            v = float(value)
            if leading and v < 0:
                lead += -v  # leading gaps: the dash array starts after them
            else:
                leading = False
            pos += abs(v)
        elif code == 74:
            cur = {"flags": int(value), "at": pos} if int(value) & 2 else None
            if cur is not None:
                raw.append(cur)
        elif cur is not None and code in (340, 46, 50, 44, 45, 9):
            cur[code] = value
    total = float(tags.tags.get_first_value(40, 0.0) or 0.0)
    length = max(total, pos)
    if not raw or length <= 0:
        return None
    out = []
    for r in raw:
        text = str(r.get(9, "") or "")
        if not text.strip():
            continue
        style = _style(doc, r.get(340))
        fixed = float(style.dxf.get("height", 0.0) or 0.0) if style is not None else 0.0
        wf = float(style.dxf.get("width", 1.0) or 1.0) if style is not None else 1.0
        scale = float(r.get(46, 1.0) or 1.0)
        height = scale * fixed if fixed > 0 else scale
        if height <= 0:
            continue
        flags = r["flags"]
        out.append(Symbol((r["at"] - lead) % length, text, height, math.degrees(float(r.get(50, 0.0) or 0.0)),
                          bool(flags & 1), bool(flags & 8), float(r.get(44, 0.0) or 0.0),
                          float(r.get(45, 0.0) or 0.0), wf if 0.01 <= wf <= 100 else 1.0))
    return Pattern(length, tuple(out)) if out else None


def _style(doc, handle):
    if doc is None or not handle:
        return None
    try:
        e = doc.entitydb.get(str(handle))
    except Exception:  # noqa: BLE001 - a dangling handle (AutoCAD ignores it too)
        return None
    return e if e is not None and e.dxftype() == "STYLE" else None


_BY_DOC: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def text_linetypes(doc) -> dict[str, Pattern]:
    """Upper-case linetype name -> its text pattern, for the linetypes that hold text (read
    once per document: a sheet makes a painter per viewport scale and per frame)."""
    try:
        got = _BY_DOC.get(doc)
    except TypeError:  # not weakly referable
        return _text_linetypes(doc)
    if got is None or got[0] != len(doc.linetypes):
        got = _BY_DOC[doc] = (len(doc.linetypes), _text_linetypes(doc))
    return got[1]


def _text_linetypes(doc) -> dict[str, Pattern]:
    out = {}
    for lt in doc.linetypes:
        try:
            p = pattern_of(lt, doc)
        except Exception:  # noqa: BLE001 - a malformed linetype keeps its dashes only
            continue
        if p is not None:
            out[lt.dxf.name.upper()] = p
    return out


def placed(points, pattern: Pattern, scale: float, text_width):
    """(text, baseline x, y, height, angle°, width factor, width) of each symbol along the
    polyline *points* [(x, y), …], a cycle every ``pattern.length * scale`` from its start."""
    n = len(points)
    if n < 2 or scale <= 0:
        return []
    cum = [0.0]
    for i in range(1, n):
        (x0, y0), (x1, y1) = points[i - 1], points[i]
        cum.append(cum[-1] + math.hypot(x1 - x0, y1 - y0))
    total, cycle = cum[-1], pattern.length * scale
    if total <= 0 or cycle <= 0 or total / cycle * len(pattern.symbols) > MAX_PER_ENTITY:
        return []
    out = []
    k = 0
    while k * cycle <= total:
        for sym in pattern.symbols:
            s = k * cycle + sym.at * scale
            if s > total:
                continue
            i = min(max(bisect.bisect_right(cum, s), 1), n - 1)
            while i < n - 1 and cum[i] - cum[i - 1] <= 0:
                i += 1
            (x0, y0), (x1, y1) = points[i - 1], points[i]
            seg = cum[i] - cum[i - 1]
            if seg <= 0:
                continue
            ux, uy = (x1 - x0) / seg, (y1 - y0) / seg
            f = s - cum[i - 1]
            px, py = x0 + ux * f, y0 + uy * f
            dx, dy = sym.dx * scale, sym.dy * scale
            x, y = px + dx * ux - dy * uy, py + dx * uy + dy * ux
            h = sym.height * scale
            angle = sym.rotation if sym.absolute else math.degrees(math.atan2(uy, ux)) + sym.rotation
            w = text_width(sym.text) * h * sym.wf
            if sym.upright and math.cos(math.radians(angle)) < -1e-9:  # turned half round about its middle
                t = math.radians(angle)
                cx = x + w / 2 * math.cos(t) - h / 2 * math.sin(t)
                cy = y + w / 2 * math.sin(t) + h / 2 * math.cos(t)
                x, y, angle = 2 * cx - x, 2 * cy - y, angle + 180.0
            out.append((sym.text, x, y, h, angle, sym.wf, w))
        k += 1
    return out


CURVES = {"LINE", "LWPOLYLINE", "CIRCLE", "ARC", "POLYLINE", "ELLIPSE", "SPLINE"}


def attach(painter) -> None:
    """Draw the text of complex linetypes with *painter*: its curve handlers are wrapped so each
    curve drawn with such a linetype gets its text too. A drawing without one keeps the
    painter as it is (its lines cost what they cost)."""
    patterns = text_linetypes(painter.doc)
    if not patterns:
        return
    from ezdxf.entities import Arc, Circle, Line, LWPolyline

    drawer = _Drawer(painter, patterns)
    for cls in (Line, LWPolyline, Circle, Arc):
        painter._by_class[cls] = drawer.wrap(painter._by_class[cls])
    painter._other = drawer.wrap(painter._other)


class _Drawer:
    def __init__(self, painter, patterns: dict[str, Pattern]) -> None:
        self.painter = painter
        self.patterns = patterns
        self.left = MAX_PER_PAINTER

    def wrap(self, handler):
        def drawn(e, d, cv, in_block, oc):
            handler(e, d, cv, in_block, oc)
            pattern = self.pattern_for(d, in_block)
            if pattern is not None and e.dxftype() in CURVES:
                try:
                    self.draw(e, d, cv, in_block, oc, pattern)
                except Exception:  # noqa: BLE001 - a curve without a path (a mesh): its line stands
                    pass
        return drawn

    def pattern_for(self, d: dict, in_block: bool) -> Pattern | None:
        """The text pattern of the linetype the entity is drawn with, as ``Styles`` resolves it
        (BYBLOCK, and BYLAYER on layer 0 inside a block, take the insert's: not drawn)."""
        name = str(d.get("linetype", "BYLAYER")).upper()
        if name == "BYLAYER":
            styles = self.painter.styles
            layer = d.get("layer", "0")
            if in_block and layer == "0":
                if styles.zero is None:
                    return None
                layer = styles.zero
            name = str(styles.layer(layer).linetype).upper()
        return self.patterns.get(name)

    def draw(self, e, d, cv, in_block, oc, pattern: Pattern) -> None:
        if self.left <= 0:  # the sheet's share is drawn (noted once)
            return
        styles = self.painter.styles
        scale = (d.get("ltscale", 1.0) or 1.0) * styles.ltscale * styles.dash_factor
        if pattern.length * scale * cv.unit_pt <= 2.0:  # the canvas draws so dense a pattern solid
            return
        if e.dxftype() == "LINE":
            s, t = d["start"], d["end"]
            points = [(s.x, s.y), (t.x, t.y)]
        else:
            step = max(pattern.length * scale / 64, 1e-9)
            points = [(v.x, v.y) for v in ezpath.make_path(e).flattening(step, segments=8)]
        got = placed(points, pattern, scale, lettering.text_width)
        if not got:
            return
        if len(got) > self.left:
            got = got[:self.left]
            self.painter.notes.append(info(NOTE.format(n=MAX_PER_PAINTER)))
        self.left -= len(got)
        run = cv.use(TEXT, oc, styles.pen(d, in_block))
        ox, oy = cv.ox, cv.oy
        for text, x, y, h, angle, wf, w in got:
            if not cv.ok(x, y, h):
                continue
            run.append(lettering.text_op(text, x - ox, y - oy, h, angle, wf))
            cv.texts.append((text, *lettering.box(x - ox, y - oy, w, h, angle), oc))
