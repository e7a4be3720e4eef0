"""Overlay compare of two revisions: a specimen plan with one entity removed, one moved, one added."""

import ezdxf
import numpy as np
import pymupdf
import pytest

from drawreview.cad import diff, rasterdiff, specimen
from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets

from .conftest import DRAWINGS


@pytest.fixture(scope="module")
def revisions(tmp_path_factory):
    d = tmp_path_factory.mktemp("revs")
    rev1 = specimen.floor_plan(d / "rev1.dxf", rooms=(4, 3))
    doc = ezdxf.readfile(rev1)
    msp = doc.modelspace()
    circle = msp.query("CIRCLE")[0]
    gone = (circle.dxf.center.x, circle.dxf.center.y)
    msp.delete_entity(circle)
    wall = msp.query("LINE[layer=='WALL']")[5]
    wall.dxf.start += (3000, 0)  # same handle, new geometry: "changed"
    wall.dxf.end += (3000, 0)
    msp.add_text("新增说明", height=600, dxfattribs={"layer": "TEXT"}).set_placement((60000, 50000))
    doc.saveas(d / "rev2.dxf")
    old, new = load_dxf(rev1), load_dxf(d / "rev2.dxf")
    return d, old, new, gone


def _rgb_at(pdf, x, y):
    pix = pymupdf.open(pdf)[0].get_pixmap(matrix=pymupdf.Matrix(4, 4), clip=pymupdf.Rect(x - 3, y - 3, x + 3, y + 3))
    return {pix.pixel(i, j) for i in range(pix.width) for j in range(pix.height)}


def test_entity_diff_counts_regions_and_colours(revisions):
    d, old, new, gone = revisions
    res = diff.diff_drawings(old, split_sheets(old)[0], new, split_sheets(new)[0], d / "diff.pdf")
    assert res.method == "entities"
    assert {k: res.counts[k] for k in ("added", "removed", "changed")} == {"added": 1, "removed": 1, "changed": 1}
    assert res.counts["unchanged"] > 300
    kinds = sorted(r["kind"] for r in res.regions)
    assert kinds == ["added", "changed", "removed"]
    a, e, f = res.map
    removed = next(r["bbox"] for r in res.regions if r["kind"] == "removed")
    px, py = a * gone[0] + e, -a * gone[1] + f
    assert removed[0] < px < removed[2] and removed[1] < py < removed[3]
    # the removed circle is stroked red, the new text is green, the rest grey
    x0, y0, x1, y1 = removed
    assert any(r > g + 30 and g == b for r, g, b in _rgb_at(res.pdf, x0, (y0 + y1) / 2))  # red hairline
    added = next(r["bbox"] for r in res.regions if r["kind"] == "added")
    assert any(g > r + 30 for r, g, b in _rgb_at(res.pdf, (added[0] + added[2]) / 2, (added[1] + added[3]) / 2))
    doc = pymupdf.open(res.pdf)
    names = {v["name"] for v in doc.get_ocgs().values()}
    assert set(diff.CATEGORIES.values()) <= names  # the viewer can hide a category
    assert "新增说明" in doc[0].get_text()


def test_same_drawing_has_no_changes(revisions):
    d, old, _, _ = revisions
    spec = split_sheets(old)[0]
    res = diff.diff_drawings(old, spec, old, spec, d / "same.pdf")
    assert res.counts["added"] == res.counts["removed"] == res.counts["changed"] == 0 and not res.regions


def test_raster_diff_of_rendered_sheets(revisions):
    d, old, new, gone = revisions
    a = render_drawing(old, split_sheets(old), d / "o1")[0]
    b = render_drawing(new, split_sheets(new), d / "o2")[0]
    res = rasterdiff.diff_sheet_pdfs(a.pdf, b.pdf, d / "rdiff.pdf")
    assert res.method == "raster" and (res.width, res.height) == (b.width, b.height)
    ax, e, f = b.map
    px, py = ax * gone[0] + e, -ax * gone[1] + f
    hits = [r for r in res.regions if r["bbox"][0] - 5 < px < r["bbox"][2] + 5 and r["bbox"][1] - 5 < py < r["bbox"][3] + 5]
    assert hits and hits[0]["kind"] == "removed"
    assert res.counts["added"] >= 1 and res.counts["removed"] >= 1
    assert 3 <= len(res.regions) <= 6  # only near the three edits


def test_raster_diff_of_pdf_upload(tmp_path):
    src = DRAWINGS / "ezdxf__dimtad-dimjust_bricscad.pdf"
    doc = pymupdf.open(src)
    doc[0].draw_rect(pymupdf.Rect(600, 100, 700, 160), color=(0, 0, 0), width=1)
    doc.save(tmp_path / "rev2.pdf")
    res = rasterdiff.diff_sheet_pdfs(src, tmp_path / "rev2.pdf", tmp_path / "d.pdf")
    assert res.counts == {"added": 1, "removed": 0, "changed": 0, "unchanged": 0}
    x0, y0, x1, y1 = res.regions[0]["bbox"]
    assert x0 <= 600 and y0 <= 100 and x1 >= 700 and y1 >= 160 and x1 - x0 < 150


def test_changes_on_layers_hidden_by_default_are_reported_apart(tmp_path):
    """The overlay shows the sheets as issued: a layer off or not plotted is there but off. A
    change on such a layer is counted apart (``hidden``) and its region flagged, so the steps
    through the changes stop only where the overlay shows something; poppler (``pdftoppm``,
    which draws optional content in its default state) is the reference for what is shown. A
    block inserted on an off layer that holds content on other layers is seen: it counts."""
    import subprocess

    def revision(path, moved: bool):
        doc = ezdxf.new("R2010", units=4)
        msp = doc.modelspace()
        doc.layers.add("WALL")
        doc.layers.add("SHUT").off()
        doc.layers.add("TEMP").dxf.plot = 0
        door = doc.blocks.new("DOOR")
        door.add_line((0, 0), (0, 900), dxfattribs={"layer": "WALL"})
        dx = 2000 if moved else 0
        msp.add_lwpolyline([(0, 0), (20000, 0), (20000, 10000), (0, 10000)], close=True, dxfattribs={"layer": "WALL"})
        msp.add_line((1000 + dx, 1000), (1000 + dx, 3000), dxfattribs={"layer": "WALL"})  # seen: changed
        msp.add_line((1000 + dx, 5000), (1000 + dx, 7000), dxfattribs={"layer": "SHUT"})  # off: changed
        if moved:
            msp.add_line((15000, 1000), (17000, 1000), dxfattribs={"layer": "TEMP"})  # not plotted: added
            msp.add_blockref("DOOR", (15000, 6000), dxfattribs={"layer": "SHUT"})  # off, its WALL line shows: added
        doc.saveas(path)
        return load_dxf(path)

    old, new = revision(tmp_path / "r1.dxf", False), revision(tmp_path / "r2.dxf", True)
    old_spec, new_spec = split_sheets(old)[0], split_sheets(new)[0]
    res = diff.diff_drawings(old, old_spec, new, new_spec, tmp_path / "overlay.pdf")
    assert (res.counts["changed"], res.counts["added"], res.counts["removed"]) == (1, 1, 0)
    assert res.hidden == {"added": 1, "removed": 0, "changed": 1, "layers": ["SHUT", "TEMP"]}
    seen = [r for r in res.regions if not r.get("hidden")]
    unseen = [r for r in res.regions if r.get("hidden")]
    assert len(seen) == 2 and len(unseen) == 2

    subprocess.run(["pdftoppm", "-r", "36", "-png", "-singlefile", str(tmp_path / "overlay.pdf"),
                    str(tmp_path / "poppler")], check=True)
    pix = pymupdf.Pixmap(str(tmp_path / "poppler.png"))
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)
    s = pix.width / res.width

    def coloured(r) -> bool:  # red, green or orange ink inside the region (the grey is unchanged)
        x0, y0, x1, y1 = (int(v * s) for v in r["bbox"])
        part = img[max(0, y0 - 1):y1 + 2, max(0, x0 - 1):x1 + 2, :3].astype(int)
        return bool(((part.max(axis=2) - part.min(axis=2)) > 80).any())

    assert all(coloured(r) for r in seen), seen
    assert not any(coloured(r) for r in unseen), unseen
