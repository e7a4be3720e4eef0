"""DWG input (cad/dwg.py, cad/loader.py): every real DWG in ../shared/drawings/dwg, generated
GBK DWGs, the fidelity of the conversion against ACadSharp's own DXF of the same file, and bad
input (truncated, garbage, too many objects, a .dwg that is something else)."""

from __future__ import annotations

import collections
import io
from pathlib import Path

import ezdxf
import pymupdf
import pytest
from ezdxf import recover

from drawreview.cad import dwg, dwgloss
from drawreview.cad import errors as E
from drawreview.cad import specimen
from drawreview.cad.cli import render_file
from drawreview.cad.loader import load_drawing
from drawreview.cad.sheets import split_sheets

from ..dwg_inputs import dxf_to_dwg
from .conftest import DRAWINGS

DWGS = DRAWINGS / "dwg"
SAMPLES = sorted(DWGS.glob("acadsharp__sample_AC*.dwg"))
REFERENCE = DWGS / "acadsharp__sample_AC1032_ascii.dxf"


def _types(layout) -> collections.Counter:
    return collections.Counter(e.dxftype() for e in layout)


def _all_types(doc) -> collections.Counter:
    out = collections.Counter()
    for block in doc.blocks:  # model and paper spaces are block records too
        out.update(_types(block))
    return out


def test_every_shared_dwg_renders_or_names_what_it_could_not_draw(tmp_path):
    files = sorted(DWGS.glob("*.dwg"))
    assert len(files) >= 9 and len(SAMPLES) == 7
    for path in files:
        if path.name == "acadsharp__geoloc.dwg":
            # geolocation data only: ACadSharp's own DXF of it holds no entity either
            ref = ezdxf.readfile(DWGS / "acadsharp__geoloc.dxf")
            assert sum(len(layout) for layout in ref.layouts) == 0
            with pytest.raises(E.NoDrawableContent) as info:
                render_file(path, tmp_path / path.stem)
            assert path.name in info.value.message_zh
            continue
        records = render_file(path, tmp_path / path.stem)
        assert records and all("error" not in r for r in records), records
        for r in records:
            page = pymupdf.open(r["pdf"])
            assert page.page_count == 1 and r["width"] > 0
            page.close()


def test_aec_objects_are_drawn_from_their_images_with_counts_and_advice():
    """The wall, door and windows pycadkit drops are drawn from the proxy graphics saved with
    them (cad/dwgproxy.py), each on its own layer, and the note says their data is not kept."""
    from ezdwg import raw

    path = DWGS / "acadsharp__AecObjects.dwg"
    drawing = load_drawing(path)
    assert drawing.dwg["lost"] == {}
    assert drawing.dwg["images"] == {"AEC_WINDOW": 2, "AEC_DOOR": 1, "AEC_WALL": 1}
    notes = "\n".join(drawing.notes)
    assert "1 个 AEC_WALL" in notes and "2 个 AEC_WINDOW" in notes and "代理图形" in notes
    assert "drawn from the proxy graphics" in notes and "-AECEXPORTTOAUTOCAD" in notes
    assert "DWG 转换未保留" not in notes
    # each object's lines on its own layer (the DWG's layer table, as pycadkit names it), none on "0"
    names = {str(n) for _h, n in raw.decode_layer_names(str(path))}
    assert {"A-Wall", "A-Door", "A-Glaz"} <= names
    lines = [e for e in drawing.doc.modelspace() if e.dxftype() in LINEWORK]
    assert {e.dxf.layer for e in lines} == {"A-Wall", "A-Door", "A-Glaz"}
    assert len(lines) >= 9  # the wall's, door's and windows' outlines
    # the header's display settings pycadkit's DXF leaves out come from its reader's model
    assert "defaults" not in notes and drawing.doc.header["$PSLTSCALE"] == 1
    # conversion notes are the file's notes, not the DXF auditor's repairs (rule DR-03B counts those)
    assert not any("DWG" in r for r in drawing.repairs)
    # the model space now holds the objects: a sheet of its own beside the layout with its viewports
    assert [s.key for s in split_sheets(drawing)] == ["model", "layout:Work"]


def test_fidelity_against_acadsharp_dxf_of_the_same_file():
    """The converted R2018 sample against the DXF ACadSharp exported from the same DWG: same
    layers, layouts, blocks, viewports and attributes; per type, the entities missing are
    exactly what the notes name."""
    drawing = load_drawing(DWGS / "acadsharp__sample_AC1032.dwg")
    doc, ref = drawing.doc, ezdxf.readfile(REFERENCE)
    assert sorted(la.dxf.name for la in doc.layers) == sorted(la.dxf.name for la in ref.layers)
    assert sorted(doc.layout_names()) == sorted(ref.layout_names())
    assert sorted(b.name for b in doc.blocks) == sorted(b.name for b in ref.blocks)
    got, want = _all_types(doc), _all_types(ref)
    lost = drawing.dwg["lost"]
    assert lost  # this sample holds tables, multileaders, solids...
    tables = drawing.dwg["recovered"].get("ACAD_TABLE", 0)  # read back as INSERTs of their blocks
    assert tables == want["ACAD_TABLE"] == 2
    images = drawing.dwg["images"]
    assert images == {"MULTILEADER": 15, "MESH": 2}
    drawn = _image_parts(ref, images)  # what the reference's own copies of those images draw
    # an image's polylines are drawn as LINE / LWPOLYLINE where those draw the same: linework counted as one
    got, want, drawn = (_linework(c) for c in (got, want, drawn))
    for kind in set(got) | set(want):
        moved = tables if kind == "ACAD_TABLE" else -tables if kind == "INSERT" else 0
        assert want[kind] - got[kind] == lost.get(kind, 0) + images.get(kind, 0) + moved - drawn[kind], kind
    notes = "\n".join(drawing.notes)
    assert all(f"{n} 个 {kind}" in notes for kind, n in (lost | images).items())


def _linework(counts: collections.Counter) -> collections.Counter:
    out = collections.Counter({k: n for k, n in counts.items() if k not in LINEWORK})
    out["linework"] = sum(counts[k] for k in LINEWORK)
    return out


LINEWORK = ("LINE", "LWPOLYLINE", "POLYLINE")


def _image_parts(ref, kinds) -> collections.Counter:
    """Per type, the entities ezdxf makes of the proxy graphics the reference DXF (ACadSharp's
    export) stores with its entities of *kinds*: the same images the DWG holds, read from
    another file by another writer."""
    from ezdxf.proxygraphic import ProxyGraphic

    out: collections.Counter = collections.Counter()
    for layout in ref.layouts:
        for e in layout:
            if e.dxftype() in kinds and getattr(e, "proxy_graphic", None):
                out.update(x.dxftype() for x in ProxyGraphic(e.proxy_graphic, ref).virtual_entities())
    return out

    def viewports(d):
        return sorted((la.name, round(v.dxf.width, 3), round(v.dxf.height, 3), round(v.dxf.view_height, 3))
                      for la in d.layouts if not la.is_modelspace for v in la.query("VIEWPORT"))

    def attribs(d):
        return sorted((i.dxf.name, tuple(sorted(a.dxf.tag for a in i.attribs)))  # tables read back aside
                      for la in d.layouts for i in la.query("INSERT") if not i.dxf.name.upper().startswith("*T"))

    assert viewports(doc) == viewports(ref) and attribs(doc) == attribs(ref)

    def papers(d):  # the plot settings pycadkit does not carry, restored from the LAYOUT objects
        out = {}
        for la in d.layouts:
            if not la.is_modelspace:
                x = la.dxf_layout.dxf
                out[la.name] = (round(x.paper_width, 2), round(x.paper_height, 2), x.paper_size, x.plot_rotation,
                                tuple(round(v, 4) for v in (x.limmin.x, x.limmin.y, x.limmax.x, x.limmax.y)))
        return out

    assert papers(doc) == papers(ref)
    # the multi-line attribute: ACadSharp's DXF writes its value empty, the DWG holds the text
    multi = {a.dxf.tag: a.dxf.text for la in doc.layouts for i in la.query("INSERT") for a in i.attribs}
    ref_multi = {a.dxf.tag: a.dxf.text for la in ref.layouts for i in la.query("INSERT") for a in i.attribs}
    assert ref_multi["MULTI_LINE_ATT"] == "" and "multi line text" in multi["MULTI_LINE_ATT"]
    texts = sorted(t.dxf.text for t in doc.modelspace().query("TEXT"))
    assert texts == sorted(t.dxf.text for t in ref.modelspace().query("TEXT"))


def test_rendered_sheets_draw_nothing_the_reference_does_not(tmp_path):
    """Every sheet of the converted DWG vs the same sheet of ACadSharp's DXF, both drawn by the
    pipeline: same page sizes, and what the DWG sheet inks is inked in the reference too (the
    reference has more: what the notes name as dropped). The one allowance: the multi-line
    attribute text ACadSharp's DXF leaves empty (about 20 px at 36 dpi)."""
    got = render_file(DWGS / "acadsharp__sample_AC1032.dwg", tmp_path / "dwg")
    ref = render_file(REFERENCE, tmp_path / "ref")
    assert [r["key"] for r in got] == [r["key"] for r in ref]
    for a, b in zip(got, ref):
        assert (round(a["width"]), round(a["height"])) == (round(b["width"]), round(b["height"]))
        ink_a, ink_b = _ink(a["pdf"]), _ink(b["pdf"], grow=2)
        extra = sum(1 for p in ink_a if p not in ink_b)
        assert extra <= 0.025 * max(1, len(ink_a)), (a["key"], extra, len(ink_a))


def _ink(pdf: str, grow: int = 0) -> set[tuple[int, int]]:
    doc = pymupdf.open(pdf)
    pix = doc[0].get_pixmap(dpi=36, colorspace=pymupdf.csGRAY)
    doc.close()
    w, h, data = pix.width, pix.height, pix.samples
    ink = {(i % w, i // w) for i in range(w * h) if data[i] < 200}
    if grow:
        ink = {(x + dx, y + dy) for x, y in ink for dx in range(-grow, grow + 1) for dy in range(-grow, grow + 1)}
    return ink


def _views(doc):
    return sorted((la.name, round(v.dxf.view_height, 4), round(v.dxf.view_center_point.x, 4),
                   round(v.dxf.view_center_point.y, 4)) for la in doc.layouts if not la.is_modelspace
                  for v in la.query("VIEWPORT") if v.dxf.get("view_height", 0) > 0 and v.dxf.width < 20)


def test_every_version_gives_the_same_drawing():
    """The sample saved as R14 … R2018: every layer of the file's own table (R14 names are upper
    case, and ACadSharp's R14 copy has two extra ones), the same model-space entities, losses."""
    import cadkit

    base = load_drawing(SAMPLES[-1])
    for path in SAMPLES:
        d = load_drawing(path)
        assert d.version.endswith(path.stem[-6:])
        table = {la["name"] for la in cadkit.read(str(path)).layers}
        assert {la.dxf.name for la in d.doc.layers} == table, path.name
        assert {n.upper() for n in table} >= {la.dxf.name.upper() for la in base.doc.layers}, path.name
        assert _types(d.doc.modelspace()) == _types(base.doc.modelspace()), path.name
        assert sorted(d.doc.layout_names()) == sorted(base.doc.layout_names()), path.name  # R14 too
        # viewports look at the same model space (R14 keeps the view in the viewport's MVIEW data)
        assert _views(d.doc) == _views(base.doc), path.name
        assert d.dwg["lost"] == base.dwg["lost"], path.name


def test_converted_dxf_read_as_bytes_keeps_its_content():
    """pycadkit writes CR LF: ezdxf.recover reading the bytes gets every entity (a text stream
    without universal newlines would silently give an empty drawing)."""
    import cadkit

    data = cadkit.read(str(SAMPLES[-1])).to_dxf_bytes("r2018")
    assert b"\r\n" in data[:64]
    doc, _ = recover.read(io.BytesIO(data))
    loaded = load_drawing(SAMPLES[-1])  # plus what the second reader read back (cad/dwgrecover)
    converted = [e for e in loaded.doc.modelspace() if e.dxftype() not in loaded.dwg["recovered"]
                 and not (e.dxftype() == "INSERT" and e.dxf.name.upper().startswith("*T"))]  # tables read back
    drawn = sum(_image_parts(ezdxf.readfile(REFERENCE), loaded.dwg["images"]).values())  # drawn from images
    assert len(doc.modelspace()) == len(converted) - drawn > 100


@pytest.fixture(scope="module")
def chinese(tmp_path_factory):
    d = tmp_path_factory.mktemp("cn")
    dxf = specimen.floor_plan(d / "plan.dxf", frames=2, rooms=(3, 2), dimensions=0,
                              numbers=["建施-01", "建施-02"], titles=["一层平面图", "二层平面图"])
    return dxf, dxf_to_dwg(dxf, d / "plan.dwg")


def test_generated_gbk_dwg_splits_like_its_dxf(chinese):
    dxf, dwg_path = chinese
    assert dwg_path.read_bytes()[:6] == b"AC1015"
    got, ref = load_drawing(dwg_path), load_drawing(dxf)
    assert got.dwg["codepage"] == "ANSI_936" and got.version == "R2000/AC1015"
    assert not any("DWG 转换未保留" in n for n in got.notes)  # nothing dropped
    sheets = [(s.key, s.number, s.title, s.discipline, s.bbox) for s in split_sheets(got)]
    assert sheets == [(s.key, s.number, s.title, s.discipline, s.bbox) for s in split_sheets(ref)]
    assert [s[1] for s in sheets] == ["建施-01", "建施-02"]
    assert _types(got.doc.modelspace()) == _types(ref.doc.modelspace())
    texts = sorted(t.dxf.text for t in got.doc.modelspace().query("TEXT"))
    assert texts == sorted(t.dxf.text for t in ref.doc.modelspace().query("TEXT"))
    assert any("卫生间" in t for t in texts) and any("㎡" in t for t in texts)
    mtext = [m.plain_text() for m in got.doc.modelspace().query("MTEXT")]
    assert any("本图尺寸以毫米计" in m for m in mtext)
    assert got.units == "mm"


def test_generated_gbk_dwg_renders_its_chinese_text(chinese, tmp_path):
    _, dwg_path = chinese
    records = render_file(dwg_path, tmp_path / "out")
    assert [r["number"] for r in records] == ["建施-01", "建施-02"]
    doc = pymupdf.open(records[0]["pdf"])
    text = doc[0].get_text()
    doc.close()
    assert "一层平面图" in text and "建施-01" in text


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [SAMPLES[0], SAMPLES[1], SAMPLES[2], SAMPLES[3], SAMPLES[-1]], ids=lambda p: p.stem[-6:])
def test_truncated_dwg(tmp_path, path):
    cut = tmp_path / "截断.dwg"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(E.TruncatedDrawing) as info:
        load_drawing(cut)
    err = info.value
    assert err.code == "truncated_drawing" and "截断.dwg" in err.message_zh and "截断.dwg" in err.message_en
    assert path.stem[-6:] in err.message_zh and "truncated" in err.message_en


def test_dwg_header_with_garbage(tmp_path):
    import random

    rnd = random.Random(7)
    for source in (SAMPLES[0], SAMPLES[-1]):
        bad = tmp_path / "乱码.dwg"
        bad.write_bytes(source.read_bytes()[:128] + bytes(rnd.randrange(256) for _ in range(200_000)))
        with pytest.raises((E.UnreadableDwg, E.TruncatedDrawing)) as info:
            load_drawing(bad)
        err = info.value
        assert "乱码.dwg" in err.message_zh and err.details["reason"] and err.details["version"]
        assert err.details["reason"] in err.message_en


def test_a_dwg_past_the_input_limit_is_refused_by_size(tmp_path):
    """Within its limit the reader gets the file's bytes; past it the path, and the reader refuses
    the file by its size without reading it into memory: the same specific error either way."""
    size = SAMPLES[-1].stat().st_size
    assert load_drawing(SAMPLES[-1], dwg_limits=dwg.DwgLimits(max_input_bytes=size)).doc.modelspace()
    with pytest.raises(E.DwgTooComplex) as info:
        load_drawing(SAMPLES[-1], dwg_limits=dwg.DwgLimits(max_input_bytes=size - 1))
    assert info.value.details["limit"] == f"max_input_bytes={size - 1}"


def test_huge_object_count_stops_at_the_limit(tmp_path):
    with pytest.raises(E.DwgTooComplex) as info:
        load_drawing(SAMPLES[-1], dwg_limits=dwg.DwgLimits(max_objects=200))
    err = info.value
    assert err.code == "dwg_too_complex" and "200" in err.message_en and err.details["limit"] == "max_objects=200"
    assert "PURGE" in err.message_zh
    # a generated drawing of many objects: the limit, not the size of the machine, decides
    big = specimen.floor_plan(tmp_path / "big.dxf", frames=1, rooms=(10, 8), dimensions=0)
    big_dwg = dxf_to_dwg(big, tmp_path / "big.dwg")
    with pytest.raises(E.DwgTooComplex):
        load_drawing(big_dwg, dwg_limits=dwg.DwgLimits(max_objects=1000))
    assert len(load_drawing(big_dwg).doc.modelspace()) > 2000


def test_dwg_named_file_that_is_a_dxf_or_pdf(tmp_path, chinese):
    dxf, _ = chinese
    fake = tmp_path / "plan.dwg"
    fake.write_bytes(dxf.read_bytes())
    drawing = load_drawing(fake)
    assert [s.number for s in split_sheets(drawing)] == ["建施-01", "建施-02"]
    pdf = next(p for p in DRAWINGS.iterdir() if p.suffix == ".pdf")
    fake.write_bytes(pdf.read_bytes())
    with pytest.raises(E.NotADrawing):  # a PDF is a drawing of another kind, not a vector one
        load_drawing(fake)


def test_versions_outside_r14_r2018_are_named(tmp_path):
    for code, release, word in ((b"AC1012", "R13", "older"), (b"AC1009", "R11/R12", "older"),
                                (b"AC1040", "newer than R2018", "newer")):
        p = tmp_path / "old.dwg"
        p.write_bytes(code + SAMPLES[0].read_bytes()[6:4096])
        with pytest.raises(E.DwgVersionUnsupported) as info:
            load_drawing(p)
        assert code.decode() in info.value.message_en and release in info.value.message_en
        assert word in info.value.message_en and "AC1014–AC1032" in info.value.message_zh


def test_loss_families_give_fitting_advice():
    assert "T3" in dwgloss.family("TCH_WALL")[2] and "天正" in dwgloss.family("TCH_OPENING")[3]
    assert "AECEXPORTTOAUTOCAD" in dwgloss.family("AEC_DOOR")[3]
    assert "EXPLODE" in dwgloss.family("ACAD_TABLE")[3] and "FLATSHOT" in dwgloss.family("3DSOLID")[3]
    assert dwgloss.family("SOME_VENDOR_THING")[1] == "custom object"
    zh, en = dwgloss.summary({"TCH_WALL": 12, "TCH_OPENING": 4})
    assert "12 个 TCH_WALL" in zh and "T3" in zh and "4 TCH_OPENING" in en


def test_layout_papers_when_the_layout_reader_fails(tmp_path):
    """pycadkit's placeholder limits (0,0–420,297) are dropped when the LAYOUT objects cannot be
    read, so the splitter sizes the sheet by its content; the note says so."""
    from drawreview.cad import dwglayout

    import cadkit

    data = cadkit.read(str(SAMPLES[-1])).to_dxf_bytes("r2018")
    doc, _ = recover.read(io.BytesIO(data))
    lay = doc.layouts.get("Layout1").dxf_layout.dxf
    assert (lay.limmax.x, lay.limmax.y) == (420.0, 297.0)  # what pycadkit writes for every layout
    notes = dwglayout.restore(doc, tmp_path / "missing.dwg")
    assert notes and "paper sizes could not be read" in notes[0]
    assert not lay.hasattr("limmax")
    assert [s.key for s in split_sheets(dxf_drawing(doc))][1:] == ["layout:Layout1", "layout:Layout2", "layout:MyLayout"]


def dxf_drawing(doc):
    from drawreview.cad.dxf import Drawing

    return Drawing(doc, "x.dwg", None)


def test_conversion_past_its_memory_budget_stops_its_process(tmp_path):
    """The native reader runs under an address-space cap (what the process uses + the budget):
    past it an allocation fails and the process converting stops (the reader aborts, or Python
    raises MemoryError) — in production that process is a drawing child (cad.isolate), so
    only the child dies and the file gets processing_crashed. Within its budget the same
    conversion works, and the cap is lifted afterwards."""
    import subprocess
    import sys

    code = ("import sys, resource; from drawreview.cad import dwg; from drawreview.cad.loader import load_drawing\n"
            "before = resource.getrlimit(resource.RLIMIT_AS)\n"
            "d = load_drawing(sys.argv[1], dwg_limits=dwg.DwgLimits(max_memory_bytes=int(sys.argv[2])))\n"
            "assert resource.getrlimit(resource.RLIMIT_AS) == before\n"
            "print(len(d.doc.modelspace()))\n")
    root = Path(__file__).resolve().parents[2]
    env = {**__import__("os").environ, "PYTHONPATH": str(root)}

    def run(budget: int):
        return subprocess.run([sys.executable, "-c", code, str(SAMPLES[-1]), str(budget)], capture_output=True,
                              text=True, env=env, timeout=120)

    starved = run(1024**2)
    assert starved.returncode != 0
    assert "memory allocation" in starved.stderr or "MemoryError" in starved.stderr, starved.stderr[-500:]
    fed = run(0)  # the default budget: max(1 GiB, 64 × file size)
    assert fed.returncode == 0 and int(fed.stdout.strip()) > 100, fed.stderr[-500:]


def test_revision_overlay_of_two_dwgs_is_a_vector_compare(tmp_path):
    """Two revisions uploaded as DWG are compared entity by entity like two DXFs, against the
    overlay of the DXFs they were written from."""
    from drawreview.cad import compare_job
    from drawreview.cad.render import render_drawing

    sides = {}
    for kind in ("dxf", "dwg"):
        pair = []
        for n, titles in ((1, ["一层平面图"]), (2, ["一层平面图（修改）"])):
            dxf = specimen.floor_plan(tmp_path / f"r{n}.dxf", frames=1, rooms=(2, 2) if n == 1 else (3, 2),
                                      dimensions=0, numbers=["建施-01"], titles=titles)
            src = dxf if kind == "dxf" else dxf_to_dwg(dxf, tmp_path / f"r{n}.dwg")
            d = load_drawing(src)
            spec = next(s for s in split_sheets(d) if s.key == "model")
            res = render_drawing(d, [spec], tmp_path / f"{kind}{n}")[0]
            pair.append({"pdf": res.pdf, "source": str(src), "key": "model", "width": res.width,
                         "height": res.height, "transform": res.map})
        sides[kind] = compare_job.build_overlay(pair[0], pair[1], str(tmp_path / f"{kind}.pdf"))
    assert sides["dwg"]["method"] == sides["dxf"]["method"] == "vector"
    got, want = sides["dwg"]["counts"], sides["dxf"]["counts"]
    # the same entities on each side and the same left untouched; which moved ones pair up as
    # "changed" rather than removed + added follows the handles, which the DWG writer numbers
    # by entity type
    assert got["unchanged"] == want["unchanged"] and got["added"] > 0
    assert got["added"] + got["changed"] == want["added"] + want["changed"]
    assert got["removed"] + got["changed"] == want["removed"] + want["changed"]


@pytest.mark.parametrize("source", sorted(DWGS.glob("*.dwg")), ids=lambda p: p.name)
def test_layouts_read_with_the_header_spaces_equal_ezdwgs_own_table(source, tmp_path, caplog):
    """The layout settings are read from the LAYOUT objects alone, model tab and active sheet
    taken from the header's space block records (pycadkit's model); the reference is ezdwg's own
    ``layouts()``, which finds both by decoding every block header and entity placement. Each
    read uses its own copy: ezdwg caches by path, and the caches are released after the read."""
    import shutil

    import ezdwg

    from drawreview.cad import dwglayout

    _, facts = dwg.convert(source)
    spaces = facts["spaces"]
    assert set(spaces) == {"model", "paper", "layouts"} and isinstance(spaces["model"], int)
    assert isinstance(spaces["paper"], int)
    assert isinstance(spaces["layouts"], int) or source.name.endswith("AC1014.dwg")  # R14: no layouts dictionary
    theirs_path, mine_path = tmp_path / "theirs.dwg", tmp_path / "mine.dwg"
    shutil.copyfile(source, theirs_path)
    shutil.copyfile(source, mine_path)
    theirs = ezdwg.read(str(theirs_path)).layouts()
    ezdwg.clear_decode_caches()
    with caplog.at_level("INFO", logger="drawreview.dwg"):
        mine = dwglayout.read_layouts(mine_path, spaces)  # R2004 family: the LAYOUT records decoded here (dwgsheet)
    assert mine == theirs
    assert "not read from their records" not in caplog.text  # no silent fall back to ezdwg
    assert sum(v["model"] for v in mine.values()) == 1 and sum(v["active"] for v in mine.values()) == 1
    # ezdwg's rows when an ezdwg read of the file follows (the recovery reuses its decompression)
    assert dwglayout.read_layouts(mine_path, spaces, release=False) == theirs
    ezdwg.clear_decode_caches()
    # a layouts dictionary handle that names another object: ezdwg's rows
    assert dwglayout.read_layouts(mine_path, {**spaces, "layouts": spaces["model"]}) == theirs
    # without the header's handles (or with rows it cannot read) it is ezdwg's table itself
    assert dwglayout.read_layouts(mine_path) == theirs
