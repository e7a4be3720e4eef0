"""Habits of LibreDWG's dwg2dxf (decision 155), built with ezdxf and a rewrite of the text.

- An R13/R14 DXF keeps a paper-space viewport's view (target, direction, twist, height,
  centre) in its ``ACAD`` ``MVIEW`` extended data, as R12 does; the ``AcDbViewport``
  subclass holds only place, size, status and id. ezdxf reads that list for an R12 file only:
  the layouts of LibreDWG's AC1014 files (and of AutoCAD R14's own DXF) showed no model space.
- A DWG stores no viewport ids; LibreDWG writes id 1 for every viewport, and id 1 was taken as
  "the layout's own window" for each of them: no viewport showed model space.
"""

from __future__ import annotations

import ezdxf

from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets
from tests.cad.ink import ink_at

_KEEP = {5, 330, 100, 8, 10, 20, 30, 40, 41, 68, 69, 102, 360}


def _plan(path):
    """A circle and a cross at (500, 500) in model space, seen in a layout through one viewport
    at 1:2 (paper centre (210, 148.5))."""
    doc = ezdxf.new("R2000", units=4)
    msp = doc.modelspace()
    msp.add_circle((500, 500), 200)
    msp.add_line((300, 500), (700, 500))
    layout = doc.layouts.new("平面")
    layout.page_setup(size=(420, 297), margins=(0, 0, 0, 0), units="mm")
    layout.add_viewport(center=(210, 148.5), size=(380, 260), view_center_point=(500, 500), view_height=520)
    doc.saveas(path)
    return path


def _rewrite(path, mview: bool, ids_one: bool):
    """Each VIEWPORT as LibreDWG writes it: with *mview*, the subclass cut to place, size,
    status and id and the view moved into MVIEW xdata; with *ids_one*, every id 1."""
    doc = ezdxf.readfile(path)
    views = {vp.dxf.handle: vp.dxf for layout in doc.layouts for vp in layout.query("VIEWPORT")}
    lines = path.read_text(encoding="utf-8").splitlines()
    tags = [(int(lines[i]), lines[i + 1]) for i in range(0, len(lines) - 1, 2)]
    out, i = [], 0
    while i < len(tags):
        code, value = tags[i]
        if not (code == 0 and value == "VIEWPORT"):
            out.append(tags[i])
            i += 1
            continue
        j = i + 1
        while tags[j][0] != 0:
            j += 1
        body = tags[i + 1:j]
        handle = next(v for c, v in body if c == 5)
        d = views[handle]
        if mview:
            body = [(c, v) for c, v in body if c in _KEEP]
        if ids_one:
            body = [(c, "1" if c == 69 else v) for c, v in body]
        if mview:
            t, n, vc = d.view_target_point, d.view_direction_vector, d.view_center_point
            body += [(1001, "ACAD"), (1000, "MVIEW"), (1002, "{"), (1070, "16"),
                     (1010, t.x), (1020, t.y), (1030, t.z), (1010, n.x), (1020, n.y), (1030, n.z),
                     (1040, d.view_twist_angle), (1040, d.view_height), (1040, vc.x), (1040, vc.y),
                     (1040, 50.0), (1040, 0.0), (1040, 0.0), (1070, 0), (1070, 1000), (1070, 1), (1070, 3),
                     (1070, 0), (1070, 1), (1070, 0), (1070, 0), (1040, 0.0), (1040, 0.0), (1040, 0.0),
                     (1040, 0.5), (1040, 0.5), (1040, 0.5), (1040, 0.5), (1070, 0), (1002, "{"), (1002, "}"),
                     (1002, "}")]
        out += [(0, "VIEWPORT"), *body]
        i = j
    path.write_text("".join(f"{c}\n{v}\n" for c, v in out), encoding="utf-8")
    return path


def _circle_seen(path, tmp_path) -> bool:
    d = load_dxf(path)
    specs = split_sheets(d)
    res = next(r for r in render_drawing(d, specs, tmp_path) if r.key.startswith("layout:"))
    # the circle's top (500, 700) is at paper (210, 148.5 + 200 × 260/520) = (210, 248.5)
    return ink_at(res, [(210, 248.5), (210 + 100, 148.5)], reach=2) == [True, True]


def test_a_viewport_whose_view_is_in_mview_xdata_shows_model_space(tmp_path):
    path = _rewrite(_plan(tmp_path / "r14.dxf"), mview=True, ids_one=False)
    assert _circle_seen(path, tmp_path)


def test_viewports_all_numbered_one_still_show_model_space(tmp_path):
    path = _rewrite(_plan(tmp_path / "ids.dxf"), mview=False, ids_one=True)
    assert _circle_seen(path, tmp_path)


def test_libredwgs_r14_viewports_show_model_space(tmp_path):
    path = _rewrite(_plan(tmp_path / "both.dxf"), mview=True, ids_one=True)
    assert _circle_seen(path, tmp_path)


def test_a_polyface_whose_invisible_edge_is_written_unsigned_is_drawn(tmp_path):
    """LibreDWG writes a face record's vertex number -4 (the edge from vertex 4 invisible) as
    65532: the mesh failed to draw (ezdxf's drawing add-on stops on it with an IndexError)."""
    doc = ezdxf.new("R2000", units=4)
    msp = doc.modelspace()
    mesh = msp.add_polyface()
    mesh.append_face([(0, 0), (1000, 0), (1000, 1000), (0, 1000)])
    msp.add_line((-200, -200), (1200, -200))
    path = tmp_path / "face.dxf"
    doc.saveas(path)
    text = path.read_text(encoding="utf-8")
    face = text.index(" 74\n", text.rindex("\nVERTEX\n"))  # the face record (last vertex): corner 4 as -4
    path.write_text(text[:face] + " 74\n65532\n" + text[face:].split("\n", 2)[2], encoding="utf-8")
    d = load_dxf(path)
    res = render_drawing(d, split_sheets(d), tmp_path)[0]
    assert ink_at(res, [(500, 0), (1000, 500), (500, 1000)], reach=2) == [True] * 3
    (v,) = [v for v in d.doc.modelspace().query("POLYLINE")[0].vertices if v.dxf.flags & 128 and not v.dxf.flags & 64]
    assert v.dxf.vtx3 == -4
    from drawreview.cad import slips

    assert slips.FACE_INDICES.format(n=1) in d.repairs
