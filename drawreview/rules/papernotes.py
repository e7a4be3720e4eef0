"""Notes written on paper space plot at their own height (DR-02).

A layout is plotted at 1:1 (its plot settings' print scale, normally 1 paper unit = 1 drawing
unit) in its paper units (millimetres; inches when the plot settings say so): a 2.5 mm note
written on the layout next to the frame plots at 2.5 mm whatever the viewport's scale, where a
model-space note is divided by the sheet's scale. The layout read is the one made for the
region being checked (``paper.chosen_layout``); its TEXT and MTEXT, the ATTRIBs of its inserts
and the texts inside its blocks (not those inside a frame block: the frame's own labels, as in
model space) are the sheet's lettering, each placed in model space where the viewport that shows
the region puts that paper point, so a finding points at the sheet.
"""

from __future__ import annotations

from ezdxf.math import Vec3

from .features import Box, Text
from .inserts import _is_frame
from .mtextcodes import plotted_height
from .paper import Shown, chosen_layout, layouts_showing, paper_texts
from .wording import drawn_text

PAPER_UNIT_MM = {0: 25.4, 1: 1.0}  # PLOTSETTINGS paper units: inches, millimetres (pixels: read as mm)


def _print_mm(layout) -> float:
    """Plotted millimetres per paper-space drawing unit."""
    d = layout.dxf_layout.dxf
    unit = PAPER_UNIT_MM.get(int(d.get("plot_paper_units", 1) or 0), 1.0)
    num, den = float(d.get("scale_numerator", 1.0) or 0.0), float(d.get("scale_denominator", 1.0) or 0.0)
    return unit * (num / den if num > 0 and den > 0 else 1.0)


def _to_model(layout, region: Box | None):
    """Paper point → model point through the first viewport of *layout* whose window meets *region*."""
    from ..cad.viewport import model_viewports  # local: the CAD side, only for a layout with viewports

    for vp in model_viewports(layout):
        try:
            x0, y0, x1, y1 = vp.get_modelspace_limits()
            if region is not None and not (x0 <= region[2] and x1 >= region[0] and y0 <= region[3] and y1 >= region[1]):
                continue
            m = vp.get_transformation_matrix()
            m.inverse()
        except (ValueError, ZeroDivisionError, AttributeError, TypeError):
            continue
        return lambda x, y: m.transform(Vec3(x, y, 0))
    return None


def read_paper(doc, blocks, region: Box | None, whole: bool, hidden: frozenset[str],
               layer_map) -> tuple[Shown, list[Text], list[Text]]:
    """What paper space says about *region*: the layouts showing it (``paper.layouts_showing``), their
    words for the sheet's facts (``paper.paper_texts``), and the lettering of the one layout made for
    it, heights in plotted mm (``paper_notes``)."""
    shown = layouts_showing(doc, region)
    words = paper_texts(doc, blocks, region, whole=whole, shown=shown)
    one = chosen_layout(shown)
    if one is None:
        return shown, words, []
    return shown, words, paper_notes(one, blocks, region, hidden, lambda name, layer: _is_frame(
        name, layer_map.classify(layer, "INSERT", name)))


def paper_notes(layout, blocks, region: Box | None, hidden: frozenset[str], is_frame) -> list[Text]:
    """The lettering of *layout*, heights in plotted mm, at model-space points (``[]`` when no
    viewport of it shows *region*). *is_frame(name, layer)*: whether an insert is a title-block frame."""
    to_model = _to_model(layout, region)
    if to_model is None:
        return []
    mm = _print_mm(layout)
    found: list[tuple[float, float, str, float, str, str]] = []
    for e in layout:
        t = e.dxftype()
        layer = e.dxf.get("layer", "0")
        if layer.casefold() in hidden:
            continue
        if t == "TEXT":
            found.append((e.dxf.insert.x, e.dxf.insert.y, drawn_text(e), e.dxf.get("height", 0.0), layer, e.dxf.handle))
        elif t == "MTEXT":
            found.append((e.dxf.insert.x, e.dxf.insert.y, drawn_text(e),
                          plotted_height(e.text, e.dxf.get("char_height", 0.0)), layer, e.dxf.handle))
        elif t == "INSERT":
            own = ([(a.dxf.insert.x, a.dxf.insert.y, drawn_text(a), a.dxf.get("height", 0.0), layer)
                    for a in e.attribs] if is_frame(e.dxf.name, layer) else blocks.insert_texts(e))
            found += [(*f, e.dxf.handle) for f in own if f[4].casefold() not in hidden]
    out = []
    for x, y, text, height, tlayer, handle in found:
        p = to_model(x, y)
        out.append(Text(p.x, p.y, text, height * mm, handle, tlayer, "paper"))
    return out
