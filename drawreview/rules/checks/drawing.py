"""Drawing-standard (制图) checks: frames, text heights, $INSUNITS, audit, dimension overrides."""

from __future__ import annotations

import re

import numpy as np
import shapely

from .. import labels
from ..finding import make
from ..mtextcodes import as_read
from .registry import check
from .measure import r

# a number as a dimension writes it: 1200, -0.45, 1,200 (thousands grouped by commas, never a decimal comma)
RE_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|-?\d+(?:\.\d+)?")


# a unit written after the number: 6.00m, 6000mm, 600cm, 6.00米 (not m², m2, m³, mph …)
RE_UNIT = re.compile(r"\s*(mm|cm|m|毫米|厘米|米)(?![a-z²³\d])", re.I)
UNIT_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "毫米": 1.0, "厘米": 10.0, "米": 1000.0}


def in_drawing_units(text: str, end: int, unit_mm: float) -> float:
    """What one written unit of the number ending at *end* is in drawing units: a value written with its unit
    (``6.00m`` in a millimetre drawing) is that many of its unit; a bare number is in the drawing's unit (1)."""
    m = RE_UNIT.match(text, end)
    return UNIT_MM[m.group(1).casefold()] / unit_mm if m and unit_mm else 1.0


def half_last_place(number: str) -> float:
    """Half a unit of a written number's last place: ``6.50`` → 0.005, ``6.4`` → 0.05, ``6000`` → 0.5."""
    _, dot, decimals = number.partition(".")
    return 0.5 * 10.0 ** -len(decimals) if dot else 0.5


def frame_scale(frame) -> float:
    for key in ("比例", "SCALE", "scale"):
        if key in frame.attrs and (s := labels.scale_denominator(frame.attrs[key])):
            return s
    return frame.insert_scale or 1.0


def _paper_mm(geo, frame) -> tuple[float, float]:
    x0, y0, x1, y1 = frame.bbox
    k = geo.unit_m * 1000.0 / frame_scale(frame)
    w, h = (x1 - x0) * k, (y1 - y0) * k
    return max(w, h), min(w, h)


@check("frame_size")
def frame_size(geo, rule):
    sizes = {name: tuple(map(float, wh)) for name, wh in rule.p("sizes").items()}
    tol = float(rule.p("tolerance"))
    title_keys = [set(k) for k in rule.p("title_keys")]
    for fr in geo.frames:
        long_, short = _paper_mm(geo, fr)
        ok = any(abs(short - s) <= tol * s and long_ >= l * (1 - tol) and long_ <= l * float(rule.p("max_lengthen"))
                 for l, s in sizes.values())
        has_title = all(keys & set(fr.attrs) for keys in title_keys)
        if not ok or not has_title:
            ev = shapely.box(*fr.bbox).exterior
            f = make(rule, measured=f"{long_:.0f}×{short:.0f}" + ("" if has_title else " (无图签/no title block)"),
                     required=" / ".join(f"{k} {l:.0f}×{s:.0f}" for k, (l, s) in sizes.items()),
                     evidence=ev, unit="mm")
            f.handles, f.layer = [fr.handle], fr.layer
            yield f
    if not geo.frames and rule.p("require_frame"):
        yield make(rule, measured="无图框/no frame", required="A0–A4", unit="")


@check("text_height")
def text_height(geo, rule):
    allowed = np.array(sorted(float(v) for v in rule.p("heights_mm")))
    tol = float(rule.p("tolerance"))
    if geo.texts:
        xy = np.array([(t.x, t.y) for t in geo.texts])
        hs = np.array([t.height for t in geo.texts])
        regions = [(fr.bbox, frame_scale(fr)) for fr in geo.frames]
        if not regions and geo.params.get("drawing_scale"):
            regions = [(None, float(geo.params["drawing_scale"]))]
        for bbox, scale in regions:
            mask = np.ones(len(xy), bool) if bbox is None else (
                (xy[:, 0] >= bbox[0]) & (xy[:, 0] <= bbox[2]) & (xy[:, 1] >= bbox[1]) & (xy[:, 1] <= bbox[3]))
            yield from _heights(rule, geo.texts, xy, hs * geo.unit_m * 1000.0 / scale, mask, allowed, tol, scale)
    if geo.paper_notes:  # written on the layout that shows this sheet: plotted 1:1 (papernotes.py)
        notes = geo.paper_notes
        yield from _heights(rule, notes, np.array([(t.x, t.y) for t in notes]), np.array([t.height for t in notes]),
                            np.ones(len(notes), bool), allowed, tol, 1.0)


def _heights(rule, texts, xy, plotted, mask, allowed, tol, scale):
    """One finding per plotted height outside the set, among the texts *mask* keeps."""
    rel = np.min(np.abs(plotted[:, None] - allowed[None, :]) / allowed[None, :], axis=1)
    bad = np.nonzero(mask & (rel > tol))[0]
    for h in sorted(set(np.round(plotted[bad], 2))):
        sel = bad[np.round(plotted[bad], 2) == h]
        f = make(rule, measured=float(h), required="/".join(f"{a:g}" for a in allowed), unit="mm",
                 evidence=shapely.multipoints(xy[sel]), count=len(sel), scale=f"1:{scale:g}")
        f.handles = [texts[i].handle for i in sel]
        f.layer = texts[sel[0]].layer
        yield f


# what a $INSUNITS value says, and the unit the checks used instead (geometry.unit_m)
_HEADER = {0: ("未设置图形单位", "drawing units not set"), 1: ("英寸，非国标图纸单位", "inches, no unit of a GB drawing"),
           2: ("英尺，非国标图纸单位", "feet, no unit of a GB drawing")}
_ASSUMED = {0.0254: ("英寸", "inches"), 0.001: ("毫米", "millimetres"), 0.01: ("厘米", "centimetres"), 1.0: ("米", "metres")}


@check("insunits")
def insunits(geo, rule):
    allowed = set(rule.p("allowed"))
    if geo.insunits not in allowed:
        header = _HEADER.get(geo.insunits, ("非国标图纸单位", "no unit of a GB drawing"))
        assumed = _ASSUMED.get(round(geo.unit_m, 6), (f"{geo.unit_m:g} 米/单位", f"{geo.unit_m:g} m per unit"))
        yield make(rule, measured=geo.insunits, required="/".join(str(a) for a in sorted(allowed)), unit="",
                   header_zh=header[0], header_en=header[1], assumed_zh=assumed[0], assumed_en=assumed[1])


@check("audit_clean")
def audit_clean(geo, rule):
    problems = (geo.audit or {}).get("errors", 0) + (geo.audit or {}).get("fixes", 0)
    if problems > 0:
        yield make(rule, measured=problems, required=0, unit="",
                   detail="; ".join(geo.audit.get("messages", [])[:5]))


@check("dimension_override")
def dimension_override(geo, rule):
    tol_abs = float(rule.p("tolerance_abs"))
    tol_rel = float(rule.p("tolerance_rel"))
    for d in geo.dims:
        text = (d.override or "").strip()
        if not text or "<>" in text or d.measured is None:
            continue
        shown = as_read(text)
        m = RE_NUMBER.search(shown)  # \A1;6000 reads 6000, as the sheet shows it
        if not m:
            continue
        per = in_drawing_units(shown, m.end(), d.unit_mm)  # 6.00m in a millimetre drawing is 6000
        value = float(m.group(0).replace(",", "")) * per
        # the tolerance in the shown unit (tolerance_abs is in mm: 0.0005 in a metre drawing's 6.50), and
        # never tighter than the written number's last place (6.4 is 6.35 rounded; 6.00m is 5995 … 6005 mm)
        written = half_last_place(m.group(0)) * per
        if abs(value - d.measured) > max(tol_abs / d.unit_mm, tol_rel * abs(d.measured), written):
            f = make(rule, measured=value, required=r(d.measured, 1), unit="", evidence=shapely.Point(d.x, d.y),
                     text=text)
            f.handles, f.layer = [d.handle], d.layer
            yield f
