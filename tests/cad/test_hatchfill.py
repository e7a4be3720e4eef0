"""The numpy hatch pattern lines (cad/hatchfill.py) against ezdxf's own ``hatch_entity``."""

from __future__ import annotations

import random

import ezdxf
import numpy as np
import pytest
from ezdxf.render import hatching

from drawreview.cad import hatchfill

PATTERNS = [("ANSI31", 0.5, 0), ("ANSI37", 0.5, 30), ("DOTS", 1, 0), ("BRICK", 0.3, 15), ("HEX", 0.5, 0),
            ("AR-CONC", 0.05, 0), ("GRAVEL", 0.3, 0), ("ESCHER", 0.2, 10), ("AR-PARQ1", 0.05, 0)]


def _hatch(msp, name, scale, angle, shape):
    h = msp.add_hatch()
    h.set_pattern_fill(name, scale=scale * 0.25, angle=angle)
    if shape == "holes":  # a rectangle with a square hole and a round one (arc edges)
        h.paths.add_polyline_path([(0, 0), (10, 0), (10, 7), (0, 7)], is_closed=True)
        h.paths.add_polyline_path([(2, 2), (4, 2), (4, 4), (2, 4)], is_closed=True)
        h.paths.add_edge_path().add_arc((7, 4), 1.5, 0, 360)
    else:  # a pentagon with a bulge
        h.paths.add_polyline_path([(0, 0, 0), (10, 0, 0.5), (10, 7, 0), (5, 9, 0), (0, 7, 0)], is_closed=True)
    return h


def _reference(h, jiggle: bool = True) -> np.ndarray:
    """ezdxf's lines, as the painter drew them before (its origin "jiggle" on; seeded)."""
    random.seed(7)
    return np.array([(a.x, a.y, b.x, b.y) for a, b in hatching.hatch_entity(h, jiggle_origin=jiggle)]).reshape(-1, 4)


def _on(points: np.ndarray, segs: np.ndarray, tol: float) -> np.ndarray:
    """For each point, whether it lies within *tol* of one of *segs*."""
    a, b = segs[None, :, :2], segs[None, :, 2:]
    p = points[:, None, :]
    ab = b - a
    t = np.clip(((p - a) * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-300), 0, 1)
    d = np.hypot(*np.moveaxis(a + t[..., None] * ab - p, -1, 0))
    return d.min(axis=1) <= tol


@pytest.mark.parametrize("shape", ["holes", "pentagon"])
@pytest.mark.parametrize("name,scale,angle", PATTERNS)
def test_the_same_lines_as_ezdxf(name, scale, angle, shape):
    doc = ezdxf.new()
    h = _hatch(doc.modelspace(), name, scale, angle, shape)
    ours, ref = hatchfill.segments(h), _reference(h)
    assert ours is not None and len(ref) > 0 and len(ours) > 0
    length = lambda s: np.hypot(s[:, 2] - s[:, 0], s[:, 3] - s[:, 1])  # noqa: E731
    # ezdxf keys its hatch lines by distances rounded to 4 digits, which moves a pattern's
    # origin by up to ~1e-3 of this 10-unit hatch, and its jiggle is random; otherwise the
    # same geometry: the same length of dashes, the same dots
    assert length(ours).sum() == pytest.approx(length(ref).sum(), rel=2e-3)
    assert (length(ours) < 1e-9).sum() == pytest.approx((length(ref) < 1e-9).sum(), rel=0.01, abs=3)
    tol = 0.02
    for a, b in ((ours, ref), (ref, ours)):
        mids = (a[:, :2] + a[:, 2:]) / 2
        assert _on(mids, b, tol).mean() > 0.97


def test_a_hatch_of_many_lines_takes_this_path_and_matches():
    doc = ezdxf.new()
    h = doc.modelspace().add_hatch()
    h.set_pattern_fill("ANSI31", scale=0.02)
    h.paths.add_polyline_path([(0, 0), (100, 0), (100, 60), (0, 60)], is_closed=True)
    ours, ref = hatchfill.segments(h), _reference(h, jiggle=False)
    assert ours is not None and len(ours) == len(ref) > 1000
    # each line once, same ends (ezdxf's order differs)
    key = lambda s: np.round(np.sort(np.hstack([np.minimum(s[:, :2], s[:, 2:]), np.maximum(s[:, :2], s[:, 2:])]), axis=0), 6)  # noqa: E731
    assert np.allclose(key(ours), key(ref), atol=1e-3)  # the fixed jiggle: 1.5e-4 here


def test_unusual_hatches_are_left_to_ezdxf():
    doc = ezdxf.new()
    msp = doc.modelspace()
    few = _hatch(msp, "ANSI31", 40, 0, "pentagon")  # three hatch lines: ezdxf is quicker there
    assert hatchfill.segments(few) is None and len(_reference(few)) > 0
    h = msp.add_hatch(dxfattribs={"extrusion": (0, 0, -1)})  # mirrored: ezdxf's OCS handling
    h.set_pattern_fill("ANSI31", scale=0.05)
    h.paths.add_polyline_path([(0, 0), (10, 0), (10, 7), (0, 7)], is_closed=True)
    assert hatchfill.segments(h) is None
    huge = msp.add_hatch()  # ~10 million crossings: ezdxf's lazy generator (capped by the painter)
    huge.set_pattern_fill("ANSI31", scale=0.001)
    huge.paths.add_polyline_path([(0, 0), (10000, 0), (10000, 10000), (0, 10000)], is_closed=True)
    assert hatchfill.segments(huge) is None
    dense = msp.add_hatch()
    dense.set_pattern_fill("ANSI31", scale=1e-6)
    dense.paths.add_polyline_path([(0, 0), (1, 0), (1, 1)], is_closed=True)
    with pytest.raises(hatching.DenseHatchingLinesError):
        hatchfill.segments(dense)
