"""The segments of a wide polyline that have no width (docs/decisions/141).

A polyline with a width somewhere is drawn as ezdxf's trace builder outlines it, filled
(``Painter._wide``). A segment whose start and end widths are both 0 has no outline to fill,
yet AutoCAD draws it, as a line of the pen's weight: sdxf writes a polyline's width after its
last vertex only, so that vertex's segment alone is wide, and a frame of four sides showed one.
The widths are read as the trace builder reads them (an LWPOLYLINE's constant width over its
vertices' widths; a POLYLINE vertex without widths takes the polyline's defaults).
"""

from __future__ import annotations

from ezdxf import path as ezpath
from ezdxf.path.tools import add_2d_polyline
from ezdxf.render.trace import should_include_vertex_for_rendering


def _points(e) -> tuple[list[tuple], bool]:
    """[(x, y, start width, end width, bulge)] in OCS, and whether the polyline is closed."""
    if e.dxftype() == "LWPOLYLINE":
        const = e.dxf.get("const_width", 0) or 0
        pts = [(x, y, const or sw, const or ew, b) for x, y, sw, ew, b in e.lwpoints]
        return pts, e.closed
    d0, d1 = e.dxf.get("default_start_width", 0) or 0, e.dxf.get("default_end_width", 0) or 0
    pts = []
    for v in e.vertices:
        if not should_include_vertex_for_rendering(v.dxf.get("flags", 0)):
            continue
        p = v.dxf.location
        sw = v.dxf.start_width if v.dxf.hasattr("start_width") else d0
        ew = v.dxf.end_width if v.dxf.hasattr("end_width") else d1
        pts.append((p.x, p.y, sw, ew, v.dxf.get("bulge", 0) or 0))
    return pts, e.is_closed


def thin_segments(e, ocs, elevation: float) -> list:
    """ezdxf paths (WCS) of *e*'s segments whose start and end widths are both 0."""
    pts, closed = _points(e)
    n = len(pts)
    out = []
    for i in range(n if closed else n - 1):
        x, y, sw, ew, bulge = pts[i]
        if sw or ew:
            continue
        nx, ny = pts[(i + 1) % n][:2]
        p = ezpath.Path()
        add_2d_polyline(p, [(x, y, bulge), (nx, ny, 0.0)], False, ocs, elevation, segments=16)
        if len(p):
            out.append(p)
    return out
