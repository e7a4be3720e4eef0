"""The words and measures a drawing carries, as the rules read them: TEXT and MTEXT at their
anchor, a MULTILEADER's text at its arrowhead, an ACAD_TABLE's cells, a DIMENSION's measurement.
Each adds to a :class:`features.Geometry` what lies inside the region being read (``clip``)."""

from __future__ import annotations

import math

from ezdxf.protocols import query_virtual_entities
from ezdxf.tools.text import plain_mtext

from .features import Box, Dimension, Geometry, Text
from .features import inside as _inside
from .primitives import TEXT_TYPES, flipped
from .hanzi import simplified
from .mtextcodes import plotted_height
from .struck import MARK, struck_through
from .wording import drawn_text, unescaped


def table_cells(e) -> list:
    try:
        return [v for v in query_virtual_entities(e) if v.dxftype() in TEXT_TYPES]
    except Exception:  # noqa: BLE001 - a damaged table loses its notes, not the check
        return []


def anchor_inside(e, d: dict, clip: Box) -> bool:
    """Cheap position test for an entity we do not otherwise read (unmapped layers)."""
    for key in ("start", "insert", "center", "location", "defpoint"):
        p = d.get(key)
        if p is not None:
            return _inside(p[0], p[1], clip)
    if e.dxftype() == "LWPOLYLINE" and len(e.lwpoints):
        x, y = e.lwpoints.values[0][:2]
        return _inside(x, y, clip)
    return True


def _words(e) -> str:
    """The words as drawn; struck through (``%%k``, ``\\K``), they carry the cancelled mark (struck.py)."""
    text = drawn_text(e)
    return text + MARK if text and struck_through(e) else text


def add_text(geo: Geometry, e, t: str, clip: Box | None = None) -> None:
    if t == "TEXT":
        p = e.dxf.insert
        if e.dxf.get("halign", 0) or e.dxf.get("valign", 0):
            p = e.dxf.get("align_point", p)
        if flipped(e):  # a TEXT's points are in its OCS
            p = e.ocs().to_wcs(p)
        if not _inside(p.x, p.y, clip):
            return
        geo.texts.append(Text(p.x, p.y, _words(e), e.dxf.get("height", 0.0), e.dxf.handle,
                              e.dxf.get("layer", "0"), e.dxf.get("style", "Standard")))
    else:
        p = e.dxf.insert
        if not _inside(p.x, p.y, clip):
            return
        height = plotted_height(e.text, e.dxf.get("char_height", 0.0))  # \H250; inline, not the char height
        geo.texts.append(Text(p.x, p.y, _words(e), height, e.dxf.handle,
                              e.dxf.get("layer", "0"), e.dxf.get("style", "Standard")))


def add_leader_text(geo: Geometry, e, clip: Box | None = None) -> None:
    """A MULTILEADER's text (``H=54.0`` on a leader pointing into the building), placed at the
    leader's arrowhead: the point the drafter labels, not where the words happen to sit."""
    ctx = getattr(e, "context", None)
    mtext = getattr(ctx, "mtext", None)
    if mtext is None or not mtext.default_content:
        return
    p = mtext.insert
    for leader in ctx.leaders:
        for line in leader.lines:
            if line.vertices:
                p = line.vertices[0]
                break
        else:
            continue
        break
    if not _inside(p[0], p[1], clip):
        return
    words = plain_mtext(mtext.default_content, split=False).replace("\\~", " ")  # \~: non-breaking space
    words = simplified(unescaped(words))
    geo.texts.append(Text(p[0], p[1], words, ctx.char_height,
                          e.dxf.handle, e.dxf.get("layer", "0"), "Standard"))


def length_factor(e) -> float:
    """The DIMLFAC the dimension shows its length with (its own override, else its style's): a
    detail drawn twice size writes 0.5, a drawing in metres dimensioned in mm 1000. ``<>`` shows
    the measurement times this factor, so an override that agrees with it is no override. A
    negative factor applies only in paper space (AutoCAD), so in model space it is 1."""
    try:
        factor = float(e.override().get("dimlfac", 1.0) or 1.0)
    except (TypeError, ValueError, AttributeError, KeyError):
        return 1.0
    return factor if factor > 0 else 1.0


LENGTHS = (0, 1, 3, 4)  # linear, aligned, diameter, radius: a length, shown times DIMLFAC
ANGLES = (2, 5)  # angular (two lines, three points): an angle in degrees, DIMLFAC does not apply
ANGLE_UNIT = {0: 1.0, 1: 1.0, 2: 400.0 / 360.0, 3: math.pi / 180.0}  # DIMAUNIT: degrees, d°m's", grads, radians


def shown_measurement(e) -> float | None:
    """The number ``<>`` shows for the DIMENSION: a length (linear, aligned, and the radius or diameter
    after its ``R`` / ``%%c``) times its DIMLFAC, or an angle in its DIMAUNIT (degrees unless set);
    ``None`` for an ordinate or a surveyor's angle, whose text is not one number."""
    try:
        kind = e.dimtype
        if kind in LENGTHS:
            return float(e.get_measurement()) * length_factor(e)
        if kind in ANGLES:
            unit = ANGLE_UNIT.get(int(e.override().get("dimaunit", 0) or 0))
            return None if unit is None else float(e.get_measurement()) * unit
    except (TypeError, ValueError, AttributeError, KeyError, ZeroDivisionError):
        return None
    return None


SHOWN_UNITS_MM = (1.0, 10.0, 25.4, 304.8, 1000.0)  # a length is shown in mm, cm, inches, feet or m


def shown_unit_mm(e, unit_m: float) -> float:
    """What one unit of the number a length DIMENSION shows stands for, in mm: the drawing unit over its
    DIMLFAC, taken as the nearest of mm, cm, inches, feet and m (a metre drawing shows metres, or mm with
    DIMLFAC 1000; a detail drawn twice size in mm with DIMLFAC 0.5 still shows mm). An angle: 1, as before."""
    try:
        if e.dimtype not in LENGTHS:
            return 1.0
    except (AttributeError, TypeError, ValueError):
        return 1.0
    mm = unit_m * 1000.0 / length_factor(e)
    return min(SHOWN_UNITS_MM, key=lambda u: abs(math.log10(mm / u))) if mm > 0 else 1.0


def add_dim(geo: Geometry, e, clip: Box | None = None) -> None:
    p = e.dxf.get("text_midpoint", e.dxf.get("defpoint"))
    if p is not None and not _inside(p.x, p.y, clip):
        return
    measured = shown_measurement(e)
    geo.dims.append(Dimension(e.dxf.handle, e.dxf.get("layer", "0"), e.dxf.get("text", ""),
                              measured, p.x if p else 0.0, p.y if p else 0.0, shown_unit_mm(e, geo.unit_m)))
