"""Geometric tolerances (TOLERANCE) that pycadkit drops, added back from ezdwg's rows.

A TOLERANCE keeps its text, insertion point, direction and dimension style, and the DWG
style's text height as a style override (pycadkit writes no dimension styles); the painter
draws its frames (``cad.tolerance``). ``dwgrecover`` places it and gives its properties.
"""

from __future__ import annotations

import logging

log = logging.getLogger("drawreview.dwg")


def add(layout, row, attribs: dict, dimstyles: dict) -> None:
    """A TOLERANCE in *layout* from ezdwg's row, with the entity's *attribs* (layer, colour...);
    *dimstyles*: ezdwg's {handle: (name, DIMSCALE, DIMTXT)} of the DWG's dimension styles."""
    doc = layout.doc
    handle, text, insert, direction, extrusion, height, _gap, dimstyle_handle = row
    attribs = attribs | {
        "insert": tuple(insert), "content": str(text).replace("\r\n", "^J").replace("\n", "^J"),
        "x_axis_vector": tuple(direction), "extrusion": tuple(extrusion),
        "dimstyle": _dimstyle(doc, dimstyles.get(dimstyle_handle))}
    entity = layout.new_entity("TOLERANCE", attribs)
    try:
        _sizes(doc, entity, float(height), dimstyles.get(dimstyle_handle))
    except Exception as exc:  # noqa: BLE001 - the entity stands, drawn at its style's height
        log.info("TOLERANCE %X height not kept: %r", int(handle), exc)


def _dimstyle(doc, dimstyle) -> str:
    if dimstyle and dimstyle[0] in doc.dimstyles:
        return doc.dimstyles.get(dimstyle[0]).dxf.name
    return "Standard"


def _sizes(doc, entity, height: float, dwg_style) -> None:
    """The frame's size as the DWG gives it, on the entity as the style override AutoCAD writes
    (ACAD DSTYLE: DIMTXT, DIMSCALE, DIMGAP) where the document's style differs: pycadkit writes
    no dimension styles, so the document's ``Standard`` is ezdxf's (2.5, metric) whatever the
    DWG's is. DIMTXT and DIMSCALE are the DWG style's (ezdwg's ``decode_dimstyles``), R13/R14
    an entity height of its own first; DIMGAP is not decoded by either reader: half the text
    height, the ratio of AutoCAD's default style (0.09 for 0.18)."""
    name, scale, txt = dwg_style if dwg_style else (None, 0.0, 0.0)
    scale = scale if scale > 0 else 1.0  # 0: scaled by the viewport (annotative)
    txt = height / scale if height > 0 else txt
    if txt <= 0 or entity.dxf.dimstyle not in doc.dimstyles:
        return
    style = doc.dimstyles.get(entity.dxf.dimstyle).dxf
    if abs(style.dimtxt * (style.dimscale or 1.0) - txt * scale) > 1e-9:
        entity.set_xdata("ACAD", [(1000, "DSTYLE"), (1002, "{"), (1070, 140), (1040, txt), (1070, 40), (1040, scale),
                                  (1070, 147), (1040, txt / 2), (1002, "}")])
