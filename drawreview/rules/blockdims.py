"""Dimensions drawn inside a block (a unit plan drawn once and inserted twice, the right-hand one
mirrored; a detail WBLOCKed with its dimensions): each is on the sheet wherever the insert puts
it, and its text shows what it showed in the block. Mirroring, turning or scaling the insert
moves and stretches the dimension's drawing, not its number: AutoCAD draws a dimension as a block
of lines and text and does not measure it again inside another block. So an override is judged
against the dimension's own measurement (``texts.shown_measurement``), as one in model space is.

Each dimension is placed at its text's point (else its definition point) through the inserts'
matrices; its handle is the model-space insert's (the one a reviewer can pick); on layer ``0`` it
takes the insert's layer.
"""

from __future__ import annotations

import numpy as np

from .features import Dimension, Geometry
from .primitives import copies, transform
from .texts import shown_measurement, shown_unit_mm

DEPTH = 16


def _own(doc, name: str, unit_m: float, cache: dict, depth: int = 0) -> list[tuple]:
    """``(x, y, layer, override, measured, unit mm)`` of the block's dimensions, nested blocks' too,
    in the block's coordinates (once per block name)."""
    if name in cache:
        return cache[name]
    cache[name] = []  # guards against recursive definitions
    block = doc.blocks.get(name) if depth < DEPTH else None
    if block is None:
        return []
    out: list[tuple] = []
    for e in block:
        t = e.dxftype()
        if t == "DIMENSION":
            p = e.dxf.get("text_midpoint", e.dxf.get("defpoint"))
            if p is not None:
                out.append((p.x, p.y, e.dxf.get("layer", "0"), e.dxf.get("text", ""), shown_measurement(e),
                            shown_unit_mm(e, unit_m)))
        elif t == "INSERT" and not e.dxf.name.startswith("*D"):  # *D: a dimension's own drawing
            for ref in copies(e):
                out.extend(_placed(doc, ref, unit_m, cache, depth + 1))
    cache[name] = out
    return out


def _placed(doc, insert, unit_m: float, cache: dict, depth: int = 0) -> list[tuple]:
    """The block's dimensions in the insert's parent coordinates."""
    inner = _own(doc, insert.dxf.name, unit_m, cache, depth)
    if not inner:
        return []
    m = np.array(list(insert.matrix44()), dtype=float).reshape(4, 4)
    xy = transform(np.array([(d[0], d[1]) for d in inner], dtype=float), m)
    layer = insert.dxf.get("layer", "0")
    return [(float(x), float(y), layer if d[2] == "0" else d[2], *d[3:]) for (x, y), d in zip(xy, inner)]


def add_block_dims(geo: Geometry, insert, inside, handle: str) -> None:
    """The dimensions inside *insert* (at any depth) that *inside(x, y, layer)* keeps, as the sheet's."""
    if insert.doc is None:
        return
    cache = geo.memo("block-dims", dict)
    for x, y, layer, text, measured, unit_mm in _placed(insert.doc, insert, geo.unit_m, cache):
        if inside(x, y, layer):
            geo.dims.append(Dimension(handle, layer, text, measured, x, y, unit_mm))
