"""Entities the converter drops, drawn from the proxy graphics saved with them.

AutoCAD saves with an entity of a class it may not know elsewhere (a multileader, a mesh, an
AutoCAD Architecture wall, a 天正 door: any object an application adds) a graphic image: the
lines, arcs, polygons and texts it drew last, so that a program without that application can
still show it. pycadkit drops these entities (``dwgloss`` names them); their records still
hold the image. ``read`` finds the records of the dropped types (by class number where the
type is a class), decodes each one's common data and image (``dwgentity``), and ``draw`` adds
what ezdxf's proxy graphics reader makes of the image (``ezdxf.proxygraphic``) where the entity
stood, as a block reference's content is drawn: what is on layer "0" or BYBLOCK takes the
entity's own layer, colour, linetype and lineweight.

The image is what the drawing showed when it was saved, not the object's data (a wall's
thickness, a door's type): the notes say so. An entity without an image (AutoCAD writes none
for 3D solids and regions) or whose image does not decode stays named as dropped. A wipeout's
image is only its frame, not the mask: wipeouts are read from their records (``dwgwipeout``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from drawreview.cad.dwgentity import Common, decode_with_graphic


MIN_IMAGE = 16  # an image of the 8-byte head alone (or little more) draws nothing
_BYBLOCK_COLOR, _BYBLOCK_WEIGHT = 0, -2
_UNSET = object()
# the properties an image's parts share (ezdxf's ProxyGraphic._build_dxf_attribs, ``_inherit``)
_PROPERTIES = ("layer", "color", "linetype", "lineweight", "ltscale", "true_color", "invisible")


@dataclass(frozen=True)
class Proxy:
    handle: int
    kind: str  # the object type as pycadkit names it (MULTILEADER, TCH_WALL...)
    common: Common
    image: bytes


def class_names(props: dict) -> dict[int, str]:
    """{object type number: class name} of the file's classes (pycadkit's header properties
    list them as ``"526=MULTILEADER"``)."""
    out = {}
    for entry in props.get("dwg.classes") or ():
        number, _, name = str(entry).partition("=")
        if number.isdigit() and name:
            out[int(number)] = name
    return out


def handles(headers, kinds, classes: dict[int, str]) -> dict[int, str]:
    """{handle: type} of the objects of *kinds* among ezdwg's object *headers* (handle, offset,
    size, type number, name, kind): a class by its number in *classes* (ezdwg names R2004
    classes ``UNKNOWN(…)``), a fixed type by ezdwg's name."""
    kinds = set(kinds)
    out = {}
    for handle, _offset, _size, code, name, _kind in headers:
        code = int(code)
        kind = classes.get(code) if code >= 500 else str(name)
        if kind in kinds:
            out[int(handle)] = kind
    return out


def read(path: str, wanted: dict[int, str], version: str, limit: int | None = None, records=None) -> list[Proxy]:
    """The entities of *wanted* ({handle: type}) whose records decode and hold an image;
    *version* is the file's ``AC10xx``."""
    from drawreview.cad.dwgobjects import decoded

    def proxy(handle: int, record: bytes) -> Proxy | None:
        common, _, _, image = decode_with_graphic(record, version)
        return Proxy(handle, wanted[handle], common, image) if image is not None and len(image) >= MIN_IMAGE else None

    return decoded(path, wanted, proxy, "custom entity", limit, records)


def draw(doc, layout, proxy: Proxy, own: dict, layers: list[str], encoding: str | None) -> int:
    """Add the entities of *proxy*'s image to *layout*; how many. *own*: the entity's DXF
    attributes (layer, colour...) that stand in for layer "0" and BYBLOCK; *layers*: the DWG's
    layer names in table order (the image names layers by index); *encoding*: the codec of
    the DWG's code page, for texts the image stores as bytes."""
    from ezdxf.entities import factory

    image = _image_class()(proxy.image, doc)
    image.own = own
    if layers:
        image.layers = list(layers)
    if encoding:
        image.encoding = encoding
    made = list(image.virtual_entities())  # all or nothing: a broken image adds no part of itself
    for e in made:
        factory.bind(e, doc)
        layout.add_entity(e)
    return len(made)


@functools.cache
def _image_class():
    """ezdxf's proxy graphics reader, its texts on the document's styles: the image names a
    font (``Arial``; R2007+ often none), which ezdxf would make a style of its own of (named
    ``Arial`` with font ``Arial``, or with an empty name), so those texts were drawn in another
    font than the style that has it (``arial.ttf``) everywhere else; here a font is matched by
    its name without extension, case aside, and a text without one is on ``Standard``. Its
    polylines become LINEs and LWPOLYLINEs where those draw the same, and every part is made
    with the entity's own properties in place of layer "0" and BYBLOCK (``_inherit``)."""
    from pathlib import PurePath

    from struct import unpack_from

    from ezdxf.entities import Line, factory
    from ezdxf.math import Vec3
    from ezdxf.proxygraphic import ProxyGraphic, ProxyGraphicTypes

    @functools.lru_cache(maxsize=1024)
    def key(font: str) -> str:
        return PurePath(font).stem.lower() if font else ""

    # a LINE's points are set as they are only where ezdxf's check would set them so
    direct = _templated("LINE") and _point("LINE", "start") and _point("LINE", "end")

    class Image(ProxyGraphic):
        made: dict = {}  # templates, by type and properties: unbound, so shared by every image

        def __init__(self, data: bytes, doc=None) -> None:
            super().__init__(data, doc)
            self._factory = self._new

        def _new(self, dxftype: str, dxfattribs=None):
            """``ezdxf.entities.factory.new`` for the parts of an image, which share a handful of
            property sets: each set is checked once, on a template part, whose attributes a new
            part copies before its own (geometry) are set and checked (a mesh's image: 130
            edges of one set; 9.5 → 4 µs a LINE)."""
            attribs = dxfattribs or {}
            if not _templated(dxftype):
                return factory.new(dxftype, attribs)
            template = self._template(dxftype, attribs)
            entity = type(template)()
            dxf = entity.dxf = template.dxf.copy(entity)
            for k, v in attribs.items():
                if k in _PROPERTIES:
                    continue
                if type(v) is Vec3 and _point(dxftype, k):  # what the check would make of it: itself
                    dxf.unprotected_set(k, v)
                else:
                    dxf.set(k, v)
            return entity.cast() if hasattr(entity, "cast") else entity

        def unsafe_virtual_entities(self):
            """ezdxf's command loop (``ProxyGraphic.unsafe_virtual_entities``) with each command's
            method looked up once per type code instead of through the enum and ``getattr`` per
            command (an image is hundreds of commands)."""
            methods = self.__dict__.setdefault("_methods", {})
            buffer, index, end = self._buffer, self._index, len(self._buffer)
            while index < end:
                size, code = unpack_from("<2L", buffer, index)
                if size < 8:
                    raise ValueError("parsing error: chunk size < 8 bytes")
                method = methods.get(code, _UNSET)
                if method is _UNSET:
                    try:
                        name = ProxyGraphicTypes(code).name.lower()
                    except ValueError:
                        name = ""
                    method = methods[code] = getattr(self, name, None) if name else None
                if method is not None:
                    result = method(buffer[index + 8:index + size])
                    if isinstance(result, tuple):
                        for entity in result:
                            yield entity.transform(self.matrices[-1]) if self.matrices else entity
                    elif result:
                        yield result.transform(self.matrices[-1]) if self.matrices else result
                    if result:  # reset fill after each graphic entity
                        self.fill = False
                index += size

        def _template(self, dxftype: str, attribs: dict):
            own = tuple((k, attribs[k]) for k in _PROPERTIES if k in attribs)
            template = self.made.get((dxftype, own))
            if template is None:
                if len(self.made) > 4096:
                    self.made.clear()
                template = self.made[dxftype, own] = factory.new(dxftype, dict(own))
            return template

        def polyline(self, data: bytes):
            """A 2-point polyline (a mesh's image is hundreds of edges) read in one unpack and
            made a LINE from the template of the properties in force, which are looked up once
            per property state: what ezdxf's reading, ``_polyline`` and ``_new`` make of it."""
            if direct and len(data) >= 52 and data[:4] == b"\x02\x00\x00\x00":
                x0, y0, z0, x1, y1, z1 = unpack_from("<6d", data, 4)
                start, end = Vec3(x0, y0, z0), Vec3(x1, y1, z1)
                if not start.isclose(end):
                    state = (self.layer, self.color, self.linetype, self.lineweight, self.ltscale, self.true_color)
                    lines = self.__dict__.setdefault("_lines", {})
                    template = lines.get(state)
                    if template is None:
                        template = lines[state] = self._template("LINE", self._build_dxf_attribs())
                    entity = Line()
                    dxf = entity.dxf = template.dxf.copy(entity)
                    dxf.unprotected_set("start", start)
                    dxf.unprotected_set("end", end)
                    return entity
            return super().polyline(data)

        def _get_style(self, font: str, bigfont: str) -> str:
            styles = self._doc.styles
            if not hasattr(self, "_by_font"):
                self._by_font = {}
                for style in styles:
                    self._by_font.setdefault(key(style.dxf.get("font", "") or ""), style.dxf.name)
            if not key(font):
                return "Standard" if styles.has_entry("Standard") else next(iter(styles)).dxf.name
            return self._by_font.get(key(font)) or super()._get_style(font, bigfont)

        def _build_dxf_attribs(self) -> dict:
            return _inherit(super()._build_dxf_attribs(), self.own)

        def _polyline(self, vertices, *, close=False, normal=None):
            # the lighter entity where it draws the same: ezdxf makes every image polyline a
            # POLYLINE with a VERTEX entity per point (a mesh's image is hundreds of 2-point edges)
            if len(vertices) == 2 and not close and not vertices[0].isclose(vertices[1]):
                return self._factory("LINE", dxfattribs=self._build_dxf_attribs()
                                     | {"start": vertices[0], "end": vertices[1]})
            z = vertices[0].z if vertices else 0.0
            if len(vertices) > 2 and all(abs(v.z - z) < 1e-12 for v in vertices):
                line = self._factory("LWPOLYLINE", dxfattribs=self._build_dxf_attribs() | {"elevation": z})
                line.set_points([(v.x, v.y) for v in vertices], format="xy")
                line.closed = close
                return line
            return super()._polyline(vertices, close=close)

    return Image


@functools.cache
def _templated(dxftype: str) -> bool:
    """Whether parts of *dxftype* may be made from a template: none of its properties has a
    setter event (a POLYLINE passes a new layer or linetype on to its vertices)."""
    from ezdxf.entities import factory
    from ezdxf.entities.dxfns import SETTER_EVENTS

    return not any(hasattr(factory.cls(dxftype), handler) for handler in SETTER_EVENTS.values())


@functools.cache
def _point(dxftype: str, key: str) -> bool:
    """Whether *key* of a *dxftype* entity is a stored point without a validity check or a
    setter event of its own (setting a ``Vec3`` through ezdxf's check only copies it)."""
    from ezdxf.entities import factory
    from ezdxf.entities.dxfns import SETTER_EVENTS
    from ezdxf.lldxf.attributes import XType
    from ezdxf.lldxf.types import POINT_CODES

    attrib = factory.cls(dxftype)().dxf.dxfattribs.get(key)
    return (attrib is not None and attrib.code in POINT_CODES and attrib.xtype != XType.callback
            and attrib.validator is None and attrib.fixer is None and key not in SETTER_EVENTS)


def _inherit(attribs: dict, own: dict) -> dict:
    """Block-content semantics on a part's DXF attributes (ezdxf's, which leave out layer "0",
    BYLAYER and the default lineweight): layer "0" and BYBLOCK properties become the entity's own."""
    if attribs.get("layer", "0") == "0" and own.get("layer"):
        attribs["layer"] = own["layer"]
    if attribs.get("color", 256) == _BYBLOCK_COLOR and "true_color" not in attribs:
        attribs["color"] = own.get("color", 256)
        if "true_color" in own:
            attribs["true_color"] = own["true_color"]
    if str(attribs.get("linetype", "BYLAYER")).upper() == "BYBLOCK":
        attribs["linetype"] = own.get("linetype", "BYLAYER")
    if attribs.get("lineweight", -1) == _BYBLOCK_WEIGHT:
        attribs["lineweight"] = own.get("lineweight", -1)
    if own.get("invisible"):
        attribs["invisible"] = 1
    return attribs
