"""Words written on paper space about model space: the title block and design notes of the one
layout whose viewports show the part of model space being checked (图名 地下一层平面图, 设自动喷水
灭火系统 …). Many sets keep the frame and its notes in a layout and only the plan in model space.

A layout counts when one of its viewports' model-space windows meets the checked region (a
model-space frame, or the whole model space); when several layouts do, none is used — their
words cannot be told apart — and the sheet's facts come from model space alone, as before.
"""

from __future__ import annotations

from .features import Text
from .primitives import TEXT_TYPES, BlockCache, drawn_text

Box = tuple[float, float, float, float]


def _meets(a: Box, b: Box | None) -> bool:
    return b is not None and a[0] <= b[2] and a[2] >= b[0] and a[1] <= b[3] and a[3] >= b[1]


def _windows(layout) -> list[Box]:
    if not any(e.dxftype() == "VIEWPORT" for e in layout):
        return []
    from ..cad.viewport import model_viewports  # local: the CAD side (PyMuPDF), only for a layout with viewports

    out = []
    for vp in model_viewports(layout):
        if not vp.is_top_view:
            continue
        try:
            out.append(tuple(float(v) for v in vp.get_modelspace_limits()))
        except (ValueError, ZeroDivisionError, AttributeError):
            continue
    return out


def paper_texts(doc, blocks: BlockCache, region: Box | None) -> list[Text]:
    """The texts (TEXT, MTEXT, INSERT ATTRIBs as ``tag=value`` and texts inside blocks) of the one
    paper-space layout that shows *region* of model space (a frame, or the extent of what is
    drawn); [] when none or several do, or there is no region."""
    showing = []
    for layout in doc.layouts:
        if layout.is_modelspace:
            continue
        if any(_meets(w, region) for w in _windows(layout)):
            showing.append(layout)
            if len(showing) > 1:
                return []
    if not showing:
        return []
    out: list[Text] = []
    for e in showing[0]:
        t = e.dxftype()
        if t in TEXT_TYPES:
            p = e.dxf.insert
            text = drawn_text(e) if t == "TEXT" else e.plain_text()
            out.append(Text(p.x, p.y, text, 0.0, e.dxf.handle, e.dxf.get("layer", "0"), "paper"))
        elif t == "INSERT":
            for x, y, text, height, layer in blocks.insert_texts(e):
                out.append(Text(x, y, text, height, e.dxf.handle, layer, "paper"))
    return out
