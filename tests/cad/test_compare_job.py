"""Choosing the overlay method (cad.compare_job.build_overlay, docs/decisions/010): vector for
DXF sheets from model space or a layout's paper-space entities, raster for a layout that shows
model space through a viewport and for sheets without a DXF source."""

from pathlib import Path

import ezdxf

from drawreview.cad import compare_job
from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets


def _rev(path: Path, x: float, viewport: bool) -> Path:
    doc = ezdxf.new("R2010", units=4)
    doc.modelspace().add_circle((x, 500), 200)
    layout = doc.layouts.new("A3")
    layout.add_lwpolyline([(0, 0), (420, 0), (420, 297), (0, 297)], close=True)
    layout.add_text("说明", height=5).set_placement((20 + x / 100, 20))
    if viewport:
        layout.add_viewport(center=(210, 150), size=(300, 200), view_center_point=(1000, 500), view_height=2000)
    doc.saveas(path)
    return path


def _sides(tmp: Path, viewport: bool, key: str) -> tuple[dict, dict]:
    out = []
    for n, x in ((1, 500), (2, 1500)):
        src = _rev(tmp / f"{viewport}-{n}.dxf", x, viewport)
        dwg = load_dxf(src)
        specs = [s for s in split_sheets(dwg) if s.key == key]
        res = render_drawing(dwg, specs, tmp / f"{viewport}-{n}")[0]
        out.append({"pdf": res.pdf, "source": str(src), "key": key, "width": res.width, "height": res.height,
                    "transform": res.map})
    return out[0], out[1]


def test_method_follows_the_sheet_kind(tmp_path):
    old, new = _sides(tmp_path, False, "layout:A3")  # paper-space entities only
    res = compare_job.build_overlay(old, new, str(tmp_path / "a.pdf"))
    assert res["method"] == "vector" and res["counts"]["changed"] == 1  # the note moved a little
    assert not any("outside" in n for n in res["notes"])
    assert (res["width"], res["height"], res["map"]) == (new["width"], new["height"], new["transform"])

    old, new = _sides(tmp_path, True, "layout:A3")  # the viewport shows model space: raster
    res = compare_job.build_overlay(old, new, str(tmp_path / "b.pdf"))
    assert res["method"] == "raster" and res["counts"]["removed"] + res["counts"]["changed"] >= 1

    old, new = _sides(tmp_path, False, "model")
    res = compare_job.build_overlay(old, new, str(tmp_path / "c.pdf"))
    assert res["method"] == "vector" and res["counts"]["added"] == res["counts"]["removed"] == 1  # moved away
    assert any("outside the new sheet's page" in n for n in res["notes"])  # the page is the new drawing's extents
    raster = compare_job.build_overlay({**old, "source": None}, new, str(tmp_path / "d.pdf"))  # e.g. a PDF upload
    assert raster["method"] == "raster"
