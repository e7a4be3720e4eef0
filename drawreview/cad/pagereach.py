"""Which of a sheet's optional layers reach beyond its page (docs/decisions/128).

The page is fitted to what the drawing shows by default (the plot: decision 122). A layer off
or not plotted in the drawing is kept in the sheet PDF as optional content, off by default, and
a reviewer may show it; what it holds outside the page is then cut at the page edge. The sheet
says so instead of growing the page: a page grown to a far-off construction line would shrink
the issued drawing and move every comment's coordinates, and such layers are where stray
content lives. MuPDF lists the box of everything drawn with every layer on (``get_bboxlog``,
nested forms too, each box with the optional content it is in); a layer with a box beyond the
page gets ``beyond_page: true`` in the sheet's layer list, and the viewer notes it. Run only for
a sheet with such a layer: measured 0.17 s of a 1.1 s render (``sky__floorplan.dxf``; drawing
only the optional layers saved nothing).
"""

from __future__ import annotations

import pymupdf

SLACK_PT = 1.0  # a line on the page's edge is not beyond it


def mark_beyond_page(path, layers: list[dict]) -> list[dict]:
    """*layers* (the sheet's list) with ``beyond_page`` set on each layer hidden by default
    whose content lies partly outside the page of sheet PDF *path*."""
    optional = {lay["name"] for lay in layers if lay.get("on") is False or lay.get("plot") is False}
    if not optional:
        return layers
    with pymupdf.open(path) as doc:
        for ui in doc.layer_ui_configs():
            if not ui["on"]:
                doc.set_layer_ui_config(ui["number"], 0)
        page = doc[0]
        r = page.rect
        beyond = {layer for _kind, (x0, y0, x1, y1), layer in page.get_bboxlog(layers=True)
                  if layer in optional and (x0 < r.x0 - SLACK_PT or y0 < r.y0 - SLACK_PT
                                            or x1 > r.x1 + SLACK_PT or y1 > r.y1 + SLACK_PT)}
    for lay in layers:
        if lay["name"] in beyond:
            lay["beyond_page"] = True
    return layers
