"""Words written on paper space about model space: the title block and design notes of the one
layout whose viewports show the part of model space being checked (图名 地下一层平面图, 设自动喷水
灭火系统 …). Many sets keep the frame and its notes in a layout and only the plan in model space.

A layout counts when one of its viewports' model-space windows meets the checked region (a
model-space frame, or the whole model space). When several do, the one made for the region is
used: it shows at least half of the region, and the region fills several times more of its
window than of any other's (the plan's own layout beside a key plan or a site overview whose
window takes in far more). Otherwise (two layouts of the same region: an A1 sheet and its A3
print) only the words every one of them writes count (the same title, the same notes): words one
layout alone writes cannot be told to be this region's.
"""

from __future__ import annotations

import shapely

from .features import Text
from .wording import drawn_text
from .blockcache import BlockCache
from .primitives import TEXT_TYPES

Box = tuple[float, float, float, float]


def _meets(a: Box, b: Box | None) -> bool:
    return b is not None and a[0] <= b[2] and a[2] >= b[0] and a[1] <= b[3] and a[3] >= b[1]


def _area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _fill(window: Box, region: Box) -> float:
    """How much of *window* the region fills, if the window shows at least half of the region
    (else 0): a plan's own viewport is mostly the plan, a key plan's is mostly elsewhere."""
    inter = _area((max(window[0], region[0]), max(window[1], region[1]),
                   min(window[2], region[2]), min(window[3], region[3])))
    if inter <= 0 or inter < 0.5 * _area(region):
        return 0.0
    return inter / _area(window) if _area(window) > 0 else 0.0


CLEARLY = 4.0  # the region fills this many times more of the chosen layout's window than of any other's


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


Shown = tuple[list, list]  # ([(fill, layout, windows that meet the region)], [blank layouts]), best first


def layouts_showing(doc, region: Box | None) -> Shown:
    """The layouts whose viewports show *region* of model space, with how much of their windows it fills
    (best first) and the windows that meet it; and the layouts that show no model space at all."""
    showing = []  # (how much of its windows the region fills, layout, windows)
    blank = []  # layouts that show no model space
    for layout in doc.layouts:
        if layout.is_modelspace:
            continue
        all_windows = _windows(layout)
        windows = [w for w in all_windows if _meets(w, region)]
        if windows:
            showing.append((max(_fill(w, region) for w in windows), layout, windows))
        elif not all_windows and not any(e.dxftype() == "VIEWPORT" for e in layout):
            blank.append(layout)
    showing.sort(key=lambda s: -s[0])
    return showing, blank


def chosen_layout(shown: Shown):
    """The one layout made for the region (the only one showing it, or clearly the most), else None."""
    showing = shown[0]
    if len(showing) == 1 or (len(showing) > 1 and showing[0][0] > CLEARLY * showing[1][0]):
        return showing[0][1]
    return None


def paper_texts(doc, blocks: BlockCache, region: Box | None, whole: bool = False,
                shown: Shown | None = None) -> list[Text]:
    """The texts (TEXT, MTEXT, INSERT ATTRIBs as ``tag=value`` and texts inside blocks) of the one
    paper-space layout that shows *region* of model space (a frame, or the extent of what is
    drawn), or the words shared by all when several show it equally. When none shows it and the
    region is the *whole* of model space (one drawing, no frames splitting it), the layouts with no
    viewport at all (a sheet of notes kept in the file, 设计说明) speak for that one drawing: their
    words count, those every one of them writes when several write any (not their tabs' names: a notes
    sheet's tab names no plan). Else []. *shown*: ``layouts_showing(doc, region)`` when already known."""
    showing, blank = shown if shown is not None else layouts_showing(doc, region)
    if not showing:
        notes = ([texts for texts in (layout_texts(layout, blocks, named=False) for layout in blank) if texts]
                 if whole else [])
        return _common(notes) if notes else []
    if (one := chosen_layout((showing, blank))) is not None:
        return layout_texts(one, blocks)
    # no layout made for this region alone (an A1 layout and an A3 print of one sheet): the words
    # every one of them writes (the same title, the same notes) are still this region's
    return _common([layout_texts(layout, blocks) for _, layout, _ in showing])


def _common(each: list[list[Text]]) -> list[Text]:
    """The texts of the first list whose words every list writes."""
    common = set.intersection(*({t.text for t in texts} for texts in each))
    return [t for t in each[0] if t.text in common]


def layout_texts(layout, blocks: BlockCache, named: bool = True) -> list[Text]:
    """The layout's words; its tab's name first: a sheet named on its tab (``地下一层平面图``) over a model
    space whose own title says only ``平面图`` is that sheet (a tab named ``布局1`` / ``Layout1`` says nothing)."""
    nowhere = float("nan")  # the tab is on no row of the sheet: its name pairs with no table cell (notes.py)
    out: list[Text] = [Text(nowhere, nowhere, layout.name, 0.0, "", "", "layout")] if named and layout.name else []
    for e in layout:
        t = e.dxftype()
        if t in TEXT_TYPES:
            p = e.dxf.insert
            text = drawn_text(e)
            out.append(Text(p.x, p.y, text, 0.0, e.dxf.handle, e.dxf.get("layer", "0"), "paper"))
        elif t == "INSERT":
            for x, y, text, height, layer in blocks.insert_texts(e):
                out.append(Text(x, y, text, height, e.dxf.handle, layer, "paper"))
    return out


def drawn_extent(geo) -> tuple[float, float, float, float] | None:
    """The bounding box of every feature drawn (model space without a frame)."""
    geoms = [f.geom for feats in geo.features.values() for f in feats]
    if not geoms:
        return None
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    return float(x0), float(y0), float(x1), float(y1)
