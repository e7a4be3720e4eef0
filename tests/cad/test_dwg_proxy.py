"""Entities pycadkit drops, drawn from the proxy graphics saved with them (cad/dwgproxy.py):
on every ACadSharp sample, R14 to R2018, each multileader of the DXF ACadSharp exported from
the R2018 sample comes back as its texts, where that multileader stands; and on images built
here, byte by byte, as the Open Design Specification lays them out: layer "0" and BYBLOCK
take the entity's own properties, layers are named by index, texts stored as bytes are read
in the DWG's code page, and an image that does not decode adds nothing."""

from __future__ import annotations

import collections
import struct

import ezdxf
import pytest
from ezdxf import bbox

from drawreview.cad import dwgproxy
from drawreview.cad.dwgentity import Common
from drawreview.cad.loader import load_drawing

from .conftest import DRAWINGS

DWGS = DRAWINGS / "dwg"
SAMPLES = sorted(DWGS.glob("acadsharp__sample_AC*.dwg"))
REFERENCE = DWGS / "acadsharp__sample_AC1032_ascii.dxf"


@pytest.fixture(scope="module")
def reference():
    doc = ezdxf.readfile(REFERENCE)
    return doc, {s.dxf.name.casefold() for s in doc.styles}  # before ezdxf's own drawing of them adds any


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem.rsplit("_", 1)[-1])
def test_multileaders_come_back_as_their_texts(path, reference):
    reference, styles = reference
    drawing = load_drawing(path, audit=False)
    assert drawing.dwg["images"]["MULTILEADER"] == 15 and "MULTILEADER" not in drawing.dwg["lost"]
    texts = [e for e in drawing.doc.modelspace().query("TEXT")]
    leaders = reference.modelspace().query("MULTILEADER")
    assert len(leaders) == 15
    for leader in leaders:
        box = bbox.extents([leader])
        # its words, as AutoCAD wrapped them into rows when it drew the image
        words = collections.Counter(" ".join(leader.context.mtext.default_content.split("\\P")).split())
        near = collections.Counter(w for t in texts if box.inside(t.dxf.insert) for w in t.dxf.text.split())
        assert words <= near, (leader.dxf.handle, words, near)
    # the images' texts are on the document's own styles: none made of a bare font name, or nameless
    ours = {s.dxf.name.casefold() for s in drawing.doc.styles} - {"_"}  # "_": a shape file pycadkit lists
    assert ours == styles
    assert all(t.dxf.style in drawing.doc.styles for t in texts)


# -- images built here --------------------------------------------------------------------
def _chunk(kind: int, data: bytes) -> bytes:
    return struct.pack("<2L", 8 + len(data), kind) + data


def _image(*chunks: bytes) -> bytes:
    body = b"".join(chunks)
    return struct.pack("<2L", 8 + len(body), len(chunks)) + body


def _polyline(*points) -> bytes:
    return _chunk(6, struct.pack("<L", len(points)) + b"".join(struct.pack("<3d", x, y, 0) for x, y in points))


def _text(x: float, y: float, raw: bytes) -> bytes:
    padded = raw + b"\0" + b"\0" * (-(len(raw) + 1) % 4)
    return _chunk(10, struct.pack("<12d", x, y, 0, 0, 0, 1, 1, 0, 0, 2.5, 1.0, 0.0) + padded)


def _proxy(image: bytes) -> dwgproxy.Proxy:
    common = Common(2, 0, 3, None, 0, 0, None, 1.0, None, False)
    return dwgproxy.Proxy(0x2A, "TCH_DOOR", common, image)


def test_image_parts_take_the_entity_properties_like_block_content():
    doc = ezdxf.new("R2018")
    for name in ("A-Wall", "A-Door"):
        doc.layers.add(name)
    msp = doc.modelspace()
    image = _image(
        _polyline((0, 0), (1, 0)),  # nothing set: layer "0", BYLAYER
        _chunk(14, struct.pack("<L", 0)), _polyline((0, 1), (1, 1)),  # BYBLOCK colour
        _chunk(16, struct.pack("<L", 2)), _chunk(14, struct.pack("<L", 5)), _polyline((0, 2), (1, 2)),
        _text(0, 3, "防火门 FM甲".encode("gbk")),
    )
    own = {"layer": "A-Door", "color": 3}
    made = dwgproxy.draw(doc, msp, _proxy(image), own, ["0", "A-Wall", "A-Door"], "gbk")
    assert made == 4 and len(msp) == 4
    first, byblock, named, text = list(msp)
    assert (first.dxf.layer, first.dxf.color) == ("A-Door", 256)  # layer "0" → the entity's; BYLAYER stays
    assert (byblock.dxf.layer, byblock.dxf.color) == ("A-Door", 3)  # BYBLOCK → the entity's colour
    assert (named.dxf.layer, named.dxf.color) == ("A-Door", 5)  # layer index 2 of the DWG's table
    assert text.dxftype() == "TEXT" and text.dxf.text == "防火门 FM甲" and text.dxf.layer == "A-Door"
    assert all(e.dxf.handle and e.dxf.owner == msp.layout_key for e in msp)  # bound: real entities of the doc


def test_layers_by_index_follow_the_dwg_table_not_the_document():
    doc = ezdxf.new("R2018")
    for name in ("Z-last", "A-first"):
        doc.layers.add(name)
    msp = doc.modelspace()
    image = _image(_chunk(16, struct.pack("<L", 1)), _polyline((0, 0), (1, 1)))
    dwgproxy.draw(doc, msp, _proxy(image), {"layer": "0"}, ["0", "A-first", "Z-last"], None)
    assert [e.dxf.layer for e in msp] == ["A-first"]


def test_a_broken_image_adds_nothing():
    doc = ezdxf.new("R2018")
    msp = doc.modelspace()
    broken = _image(_polyline((0, 0), (1, 1))) + struct.pack("<2L", 4, 6)  # a chunk shorter than its head
    with pytest.raises(Exception):
        dwgproxy.draw(doc, msp, _proxy(broken), {"layer": "0"}, ["0"], None)
    assert len(msp) == 0


def test_types_are_found_by_class_number_or_fixed_name():
    classes = dwgproxy.class_names({"dwg.classes": ["500=ACDBDICTIONARYWDFLT", "526=MULTILEADER", "bad", "7=",
                                                    "900=TCH_WALL"]})
    assert classes == {500: "ACDBDICTIONARYWDFLT", 526: "MULTILEADER", 900: "TCH_WALL"}
    headers = [(1, 0, 0, 526, "UNKNOWN(0x20E)", ""), (2, 0, 0, 900, "TCHAPP|x", "E"), (3, 0, 0, 38, "3DSOLID", "E"),
               (4, 0, 0, 1, "TEXT", "E"), (5, 0, 0, 901, "TCH_WALL", "E")]
    assert dwgproxy.handles(headers, ["MULTILEADER", "TCH_WALL", "3DSOLID"], classes) == \
        {1: "MULTILEADER", 2: "TCH_WALL", 3: "3DSOLID"}
    assert collections.Counter(dwgproxy.handles(headers, ["TEXT"], classes).values()) == {"TEXT": 1}


def test_polylines_become_lines_and_lwpolylines_that_draw_the_same():
    doc = ezdxf.new("R2018")
    msp = doc.modelspace()
    image = _image(_polyline((0, 0), (5, 0)),  # two points: a LINE
                   _polyline((0, 0), (5, 0), (5, 5)),  # level: an LWPOLYLINE
                   _chunk(7, struct.pack("<L", 3) + b"".join(struct.pack("<3d", x, y, 2.0)
                                                              for x, y in ((0, 0), (1, 0), (1, 1)))),  # closed polygon
                   _chunk(6, struct.pack("<L", 3) + struct.pack("<9d", 0, 0, 0, 1, 0, 1, 1, 1, 2)))  # 3D
    dwgproxy.draw(doc, msp, _proxy(image), {"layer": "0"}, ["0"], None)
    line, level, polygon, spatial = list(msp)
    assert line.dxftype() == "LINE" and (line.dxf.start, line.dxf.end) == ((0, 0, 0), (5, 0, 0))
    assert level.dxftype() == "LWPOLYLINE" and list(level.vertices()) == [(0, 0), (5, 0), (5, 5)]
    assert not level.closed
    assert polygon.dxftype() == "LWPOLYLINE" and polygon.closed and polygon.dxf.elevation == 2.0
    assert spatial.dxftype() == "POLYLINE" and spatial.is_3d_polyline
    assert [tuple(v) for v in spatial.points()] == [(0, 0, 0), (1, 0, 1), (1, 1, 2)]


def test_handles_listed_by_the_converter_match_ezdwgs_headers():
    """pycadkit's model names each object it could not translate with its DWG handle: the same
    handles ezdwg's object headers give those types (classes by pycadkit's class numbers)."""
    import cadkit
    from ezdwg import raw

    from drawreview.cad import dwgmodel

    for path in [*SAMPLES, DWGS / "acadsharp__AecObjects.dwg"]:
        model = dwgmodel.read(cadkit.read(str(path)), r14=path.name.endswith("AC1014.dwg"))
        listed = model["unknown_handles"]
        kinds = set(listed.values()) - {"ATTDEF", "XLINE", "RAY"}  # carried by the converter
        classes = dwgproxy.class_names(model.get("props") or {})
        headers = dwgproxy.handles(raw.list_object_headers_with_type(str(path)), kinds, classes)
        assert {h: k for h, k in listed.items() if k in kinds} == headers, path.name


def test_records_page_by_page_equal_ezdwgs(monkeypatch):
    """Where no multiline or tolerance makes ezdwg decompress the whole file, the dropped
    entities' records are read page by page (cad/dwgobjects.py): the same bytes ezdwg gives, and
    AecObjects' objects are drawn without ezdwg listing or decompressing anything."""
    from ezdwg import raw

    from drawreview.cad import dwgobjects

    for path in [*SAMPLES, DWGS / "acadsharp__AecObjects.dwg"]:
        if "AC1021" in path.name:
            continue  # R2007 pages are not read here: ezdwg reads them
        handles = [int(h) for h, *_ in raw.list_object_headers_with_type(str(path))][:400]
        ours = dict(dwgobjects.by_pages(path)(str(path), handles))
        assert ours == dict(dwgobjects.by_ezdwg(str(path), handles)) and len(ours) == len(handles), path.name

    def refuse(*_a, **_k):
        raise AssertionError("ezdwg read the whole file")

    for name in ("list_object_headers_with_type", "read_object_records_by_handle", "decode_layout_objects"):
        monkeypatch.setattr(raw, name, refuse)
    drawing = load_drawing(DWGS / "acadsharp__AecObjects.dwg", audit=False)
    assert drawing.dwg["images"] == {"AEC_WINDOW": 2, "AEC_DOOR": 1, "AEC_WALL": 1}
    assert not any("could not be read" in n for n in drawing.notes)  # its layout read page by page too
    assert drawing.doc.layouts.get("Work").dxf.get("paper_width", 0) > 0


def test_parts_made_from_templates_equal_ezdxfs_own(monkeypatch):
    """The parts of every sample's images are made from a template per property set (checked
    once) instead of ezdxf's ``factory.new`` each, and 2-point polylines read in one unpack: the
    same entities, tag for tag, as ezdxf's own reading of each command and its factory."""
    import io

    from ezdxf.entities import factory
    from ezdxf.lldxf.tagwriter import TagWriter
    from ezdxf.proxygraphic import ProxyGraphic

    drawn = []
    draw = dwgproxy.draw
    monkeypatch.setattr(dwgproxy, "draw", lambda *a: drawn.append(a) or draw(*a))
    load_drawing(SAMPLES[-1], audit=False)
    image = dwgproxy._image_class()

    class Reference(image):  # ezdxf's own reading of every command, each part made by its factory
        polyline = ProxyGraphic.polyline
        unsafe_virtual_entities = ProxyGraphic.unsafe_virtual_entities

    def parts(doc, proxy, own, layers, encoding, new) -> list[str]:
        img = (image if new is None else Reference)(proxy.image, doc)
        if new is not None:
            img._factory = new
        img.own, img.layers, img.encoding = own, list(layers), encoding
        out = []
        for e in img.virtual_entities():
            factory.bind(e, doc)
            e.dxf.handle = "1"
            tags = io.StringIO()
            e.export_dxf(TagWriter(tags, dxfversion=doc.dxfversion))
            out.append(tags.getvalue())
        return out

    kinds = collections.Counter()
    for doc, _layout, proxy, own, layers, encoding in drawn:
        ours = parts(doc, proxy, own, layers, encoding, None)
        assert ours == parts(doc, proxy, own, layers, encoding, factory.new) and ours
        kinds.update(t.split("\n")[1] for t in ours)
    assert set(kinds) >= {"LINE", "TEXT", "HATCH", "LWPOLYLINE"} and sum(kinds.values()) > 300
