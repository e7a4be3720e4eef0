"""What an XCLIPped block shows.

A bound floor plan inserted whole and XCLIPped to one zone (AutoCAD's XCLIP, a SPATIAL_FILTER on the
INSERT) shows only what lies inside the clipping boundary; the rest belongs to another sheet. An
inverted clip shows what lies outside its boundary. A part of the plan is shown when the middle of
its extent is (a compartment belongs to the sheet that shows most of it); a symbol or a text when
its point is. ezdxf reads the boundary (``ezdxf.xclip.XClip``), in WCS."""

from __future__ import annotations

import numpy as np
import shapely
from ezdxf.xclip import XClip


class Shown:
    """The region an XCLIPped INSERT shows (``None`` from ``shown_region`` when it is not clipped)."""

    __slots__ = ("area", "inverted")

    def __init__(self, area, inverted: bool) -> None:
        self.area, self.inverted = area, inverted

    def point(self, x: float, y: float) -> bool:
        inside = self.area.covers(shapely.Point(x, y))
        return inside != self.inverted

    def coords(self, coords: np.ndarray) -> bool:
        if not len(coords):
            return False
        lo, hi = coords.min(axis=0), coords.max(axis=0)
        return self.point(float(lo[0] + hi[0]) / 2, float(lo[1] + hi[1]) / 2)


def shown_region(insert) -> Shown | None:
    try:
        clip = XClip(insert)
        if not clip.has_clipping_path or not clip.is_clipping_enabled:
            return None
        path = clip.get_wcs_clipping_path()
        vertices = path.inner_polygon() if path.is_inverted_clip else path.vertices
    except Exception:  # noqa: BLE001 - a damaged filter shows the whole block, as before
        return None
    if len(vertices) < 3:
        return None
    area = shapely.Polygon([(v.x, v.y) for v in vertices])
    area = area if area.is_valid else shapely.make_valid(area)
    return Shown(area, bool(path.is_inverted_clip)) if area.area > 0 else None
