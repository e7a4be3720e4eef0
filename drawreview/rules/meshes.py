"""A lightning mesh drawn as a pattern hatch: the hatch's pattern lines are the conductors.

A drafter may fill the roof on the air-termination layer with a grid pattern (``ANSI37``, ``NET``, a
user-defined double hatch) scaled so its lines fall at the mesh's spacing: the pattern's spacing × its
scale is the cell. The lines are what ezdxf's hatching renders (``render.hatching.hatch_entity``,
clipped to the boundary). Only continuous pattern lines (no dashes, no dots) at least ``MIN_SPACING_M``
apart are read as conductors: a roof-finish hatch (ANSI31 at a few millimetres, a dotted gravel) is not
a mesh, and a dense fill would render tens of thousands of lines.
"""

from __future__ import annotations

import numpy as np
from ezdxf.render import hatching

from .primitives import Prim

MIN_SPACING_M = 1.0  # a conductor mesh's cells are metres wide (GB 50057: 5 × 5 m and up)
MAX_LINES = 4000


def _spacing(line) -> float:
    """The distance between neighbouring lines of one pattern line family (its offset across the
    line's direction)."""
    d = line.angle * np.pi / 180.0
    return abs(-np.sin(d) * line.offset.x + np.cos(d) * line.offset.y)


def mesh_prims(e, unit_m: float, layer: str, handle: str) -> list[Prim]:
    """The pattern lines of a HATCH drawn as a conductor mesh (a grid of continuous lines, metres
    apart), clipped to its boundary, as line prims; [] for a solid, gradient or fine pattern fill."""
    if e.dxf.get("solid_fill", 0) or getattr(e, "pattern", None) is None or not e.pattern.lines:
        return []
    lines = e.pattern.lines
    if any(ln.dash_length_items for ln in lines) or len(lines) < 2:
        return []  # dashed or dotted (a finish), or one family of parallel lines (no cells)
    if min(_spacing(ln) for ln in lines) * unit_m < MIN_SPACING_M:
        return []
    out: list[Prim] = []
    try:
        for start, end in hatching.hatch_entity(e, filter_text_boxes=False, jiggle_origin=False):
            out.append(Prim("line", np.array([(start.x, start.y), (end.x, end.y)], dtype=float), False, layer,
                            "HATCH", handle, e.dxf.get("pattern_name", "")))
            if len(out) > MAX_LINES:
                return []
    except (hatching.HatchingError, ValueError, ZeroDivisionError):
        return []
    return out
