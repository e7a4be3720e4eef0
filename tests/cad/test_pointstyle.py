"""POINT symbols drawn from their computed geometry (cad/pointstyle.py) against ezdxf's LINE
and CIRCLE entities of the same symbol painted like any entity: the sheet's content must be the
same bytes, for every $PDMODE, turned and tilted points, linetypes, layers and colours, in a
block and out of it; and the direct way must be the cheaper one."""

from __future__ import annotations

import itertools
import time

import ezdxf
import pytest

from drawreview.cad import pointstyle
from drawreview.cad.canvas import Canvas
from drawreview.cad.painter import Painter
from drawreview.cad.style import Styles

MODES = [m | extra for m in (0, 2, 3, 4, 1) for extra in (0, 32, 64, 96) if m | extra not in (0, 1)]  # 0, 1: a dot, nothing


def _doc():
    doc = ezdxf.new("R2010", setup=["linetypes"])
    doc.layers.add("PTS", color=3, linetype="DASHED")
    doc.layers.add("SURVEY", color=1)
    return doc


def _points(doc):
    msp = doc.modelspace()
    out = []
    for i, (angle, extrusion, layer, props) in enumerate(itertools.product(
            (0.0, 30.0, -90.0), (None, (0, 0, 1), (0, 0, -1), (0.3, 0.2, 0.93)), ("0", "PTS", "SURVEY"),
            ({}, {"color": 5, "linetype": "DASHED", "lineweight": 50}, {"true_color": 0x336699, "ltscale": 2.5}))):
        attribs = {"layer": layer, "angle": angle, **props}
        if extrusion is not None:
            attribs["extrusion"] = extrusion
        out.append(msp.add_point((12.5 * i - 0.25, 7.75 - 3.5 * i, 0.5), dxfattribs=attribs))
    return out


def _paint(painter, point, size, mode, in_block, reference: bool) -> tuple[str, int]:
    cv = Canvas(2.83, 3.0, -1.5, 3, layer_names={})
    d = point.dxf.__dict__
    if reference:
        painter._point_entities(point, cv, in_block, size, mode)
    else:  # the optional content paint() gives the point and each of ezdxf's entities alike
        layer = d.get("layer", "0")
        painter._point(point, d, cv, in_block, None if in_block and layer == "0" else painter.styles.layer(layer).name)
    return cv.close(), cv.skipped


@pytest.mark.parametrize("mode", MODES)
def test_symbols_equal_ezdxfs_entities_painted(mode):
    doc = _doc()
    points = _points(doc)
    doc.header["$PDMODE"], doc.header["$PDSIZE"] = mode, 2.5
    painter = Painter(doc, Styles(doc), 2.83, 3, {})
    drawn = 0
    for point, in_block in itertools.product(points, (False, True)):
        mine = _paint(painter, point, 2.5, mode, in_block, reference=False)
        theirs = _paint(painter, point, 2.5, mode, in_block, reference=True)
        assert pointstyle.symbol(point, point.dxf.__dict__, 2.5, mode) is not None  # ezdxf's POINT OCS is flat
        assert mine == theirs, (mode, point.dxf.angle, point.dxf.get("extrusion"), point.dxf.layer, in_block)
        drawn += bool(mine[0])
    assert drawn or mode & 7 == 1 and not mode & 96


def test_the_direct_symbol_is_cheaper():
    doc = _doc()
    doc.header["$PDMODE"], doc.header["$PDSIZE"] = 34, 1.0
    pts = [doc.modelspace().add_point((i, i % 7), dxfattribs={"layer": "SURVEY"}) for i in range(400)]
    painter = Painter(doc, Styles(doc), 2.83, 3, {})

    def run(reference):
        cv = Canvas(2.83, 0.0, 0.0, 3, layer_names={})
        t = time.process_time()
        for p in pts:
            if reference:
                painter._point_entities(p, cv, False, 1.0, 34)
            else:
                painter._point(p, p.dxf.__dict__, cv, False, "SURVEY")
        return time.process_time() - t, cv.close()

    from drawreview.gcpause import gc_paused

    with gc_paused():  # the entities the reference makes would start collections in either run
        (fast, a), (slow, b) = min(run(False) for _ in range(5)), min(run(True) for _ in range(5))
    assert a == b
    assert fast < slow * 0.7  # ~0.35 on a quiet machine; the margin is for a shared one
