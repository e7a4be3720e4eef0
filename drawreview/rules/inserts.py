"""INSERTs as the checks read them: a title-block frame (its ATTRIBs are the sheet's words), a
symbol (door, exit, down-conductor: one point feature, named by its block or, for a dynamic
block's ``*U`` copy, by its definition), or anything else, whose primitives and texts are added
in place — with the symbols nested in it at any depth (a plan inserted whole).
"""

from __future__ import annotations

import numpy as np
import shapely
from ezdxf import bbox

from . import labels
from .blockdims import add_block_dims
from .features import Feature, Frame, Geometry, Text
from .features import inside as _inside
from .wording import drawn_text
from .xclips import shown_region
from .blockcache import BlockCache
from .primitives import flipped

FRAME_WORDS = ("图框", "tk", "frame")


def _attribs(insert) -> dict:
    return {a.dxf.tag: drawn_text(a) for a in insert.attribs}


def _is_frame(name: str, cls: str | None) -> bool:
    low = name.casefold()
    return cls == "frame" or any(w in low for w in FRAME_WORDS)


def frame_test(lm):
    """(block name, layer) -> whether an INSERT there is a title-block frame (``BlockCache.is_frame``)."""
    return lambda name, layer: _is_frame(name, lm.classify(layer, "INSERT", name))


def insert_point(e):
    """The INSERT's insertion point in WCS: it is written in the insert's OCS, so a block placed
    with extrusion (0, 0, -1) (mirrored in 3D, or copied from a flipped UCS) at (-45, 40) stands at
    (45, 40)."""
    p = e.dxf.insert
    return e.ocs().to_wcs(p) if flipped(e) else p


def _add_insert(geo: Geometry, builder, blocks: BlockCache, e) -> None:
    name = blocks.effective_name(e.dxf.name)  # a dynamic block's *U reference by its own name
    layer = e.dxf.get("layer", "0")
    cls = builder.lm.classify(layer, "INSERT", name)
    if _is_frame(name, cls):
        geo.layer_classes.setdefault(layer, "frame")
        prims = blocks.insert_prims(e)
        if prims:
            allc = np.vstack([p.coords for p in prims])
            bbox = (*allc.min(axis=0), *allc.max(axis=0))
            if not _inside((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2, builder.clip):
                return  # another sheet's frame
            geo.frames.append(Frame(e.dxf.handle, name, layer, tuple(float(v) for v in bbox),
                                    abs(float(e.dxf.get("xscale", 1.0))), _attribs(e)))
            for a in e.attribs:  # the title block's fields (图名=地下一层平面图) are the sheet's words too
                p = a.dxf.insert
                geo.texts.append(Text(p.x, p.y, f"{a.dxf.tag}={drawn_text(a)}", a.dxf.get("height", 0.0),
                                      e.dxf.handle, layer, "Standard"))
        elif e.attribs and _inside((p := insert_point(e)).x, p.y, builder.clip):
            # a title block of ATTRIBs alone (图签 TK-A1: 建筑高度 = 54.00m), its lines drawn apart: no frame,
            # but its fields are the sheet's words
            for a in e.attribs:
                q = a.dxf.insert
                geo.texts.append(Text(q.x, q.y, f"{a.dxf.tag}={drawn_text(a)}", a.dxf.get("height", 0.0),
                                      e.dxf.handle, layer, "Standard"))
        return
    shape = builder.lm.shape(cls)
    if shape == "point":
        p = insert_point(e)
        if not _inside(p.x, p.y, builder.clip):
            return
        _add_symbol(geo, builder, e, p, e.dxf.handle, layer, cls, name)
        return
    prims = blocks.insert_prims(e)
    if prims:  # a block wider than a symbol is a plan: its own circles and points can be symbols
        allc = np.vstack([p.coords for p in prims])
        builder.plan = float(np.ptp(allc, axis=0).max()) > builder.symbol
        part = None if builder.plan else _parts_class(builder.lm, prims)
        if part is not None:  # a symbol on a plain layer drawn on a door/exit layer: that is its class
            p = insert_point(e)
            if _inside(p.x, p.y, builder.clip):
                _add_symbol(geo, builder, e, p, e.dxf.handle, part[1], part[0], name)
            builder.plan = False
            return
    shown = shown_region(e)  # an XCLIPped plan: only what its boundary shows (xclips.py)
    for p in prims:
        if shown is None or shown.coords(p.coords):
            builder.add(p)
    builder.plan = False
    builder.shown = shown
    _nested_points(geo, builder, blocks, e, e.matrix44(), layer, e.dxf.handle)
    builder.shown = None
    for x, y, text, height, tlayer in blocks.insert_texts(e):  # ATTRIBs and texts inside the block
        if (_inside(x, y, builder.clip) and tlayer.casefold() not in builder.hidden
                and (shown is None or shown.point(x, y))):
            geo.texts.append(Text(x, y, text, height, e.dxf.handle, tlayer, "Standard"))
    add_block_dims(geo, e, lambda x, y, dlayer: (_inside(x, y, builder.clip) and dlayer.casefold() not in builder.hidden
                                                 and (shown is None or shown.point(x, y))), e.dxf.handle)
    builder.leaders.extend(blocks.insert_leaders(e))  # a labelled plan inserted whole: its leaders too


def _parts_class(lm, prims) -> tuple[str, str] | None:
    """(class, layer) of a symbol-sized block whose parts are drawn on the layers of one point
    class (a door block inserted on an annotation layer, its leaf and swing on A-DOOR), else None."""
    found: dict[str, str] = {}
    for p in prims:
        cls = lm.classify(p.layer, p.dxftype, p.block, p.pattern)
        if cls is not None:
            if lm.shape(cls) != "point":
                return None
            found.setdefault(cls, p.layer)
    return next(iter(found.items())) if len(found) == 1 else None


def _add_symbol(geo: Geometry, builder, insert, p, handle: str, layer: str, cls: str, name: str) -> None:
    """A point symbol (door, exit, down-conductor) at ``p``: its ATTRIBs, and a door's width read
    from its block name (FM乙0821 → 0.8 m) when no ATTRIB gives one. A generic door block (门,
    DOOR) whose ATTRIB holds the code (编号 = FM乙0821) is read as if named by that code: its
    width, and its class (a fire door on a door layer is an exit)."""
    if builder.hidden and layer.casefold() in builder.hidden:
        return  # on a frozen or switched-off layer: not on the sheet
    geo.layer_classes.setdefault(layer, cls)
    attrs = _attribs(insert)
    width = labels.door_width_m(name)
    if width is None and cls in ("door", "exit"):
        code = next((v for v in attrs.values() if labels.door_width_m(v) is not None), None)
        if code is not None:
            width = labels.door_width_m(code)
            cls = builder.lm.classify(layer, "INSERT", labels.norm(code).strip()) or cls
            cls = cls if cls in ("door", "exit") else "door"
    if width is None and cls in ("door", "exit") and name.startswith("*") and (inner := wrapped_name(insert)):
        width = labels.door_width_m(inner)  # an anonymous group around the door block (*U → *U → FM乙0821)
    if width is None and cls in ("door", "exit") and (scaled := _library_width(geo, insert, name)) is not None:
        attrs["scaled_width_m"] = scaled  # below a code written beside it (doors.sort_exits)
    if width is not None:
        attrs.setdefault("width_m", width)
    builder.points.setdefault(cls, []).append(Feature(shapely.Point(p.x, p.y), [handle], layer, cls, name, attrs))


def wrapped_name(insert, depth: int = 0) -> str | None:
    """The name of the one named block an anonymous block wraps, through anonymous blocks (a group or a
    copy made into ``*U`` blocks: ``*U5`` → ``*U4`` → ``FM乙0821``); None when a level holds no insert or
    several (a plan, not one symbol's wrapping)."""
    name = insert.dxf.name
    block = insert.doc.blocks.get(name) if insert.doc is not None and depth < 8 else None
    if block is None:
        return None
    inner = [e for e in block if e.dxftype() == "INSERT"]
    if len(inner) != 1:
        return None
    child = inner[0].dxf.name
    return wrapped_name(inner[0], depth + 1) if child.startswith("*") else child


def _library_width(geo: Geometry, insert, name: str) -> float | None:
    """A 天正 door-library symbol (``$DorLib2D$…``) drawn one unit wide and inserted scaled to the door's
    width: the X scale (in m). A library block drawn full size (1200 units) is a generic symbol whose
    width only its code tells."""
    if not labels.bare_block(name).casefold().startswith("$dorlib") or insert.doc is None:
        return None
    block = insert.doc.blocks.get(insert.dxf.name)
    if block is None:
        return None
    ext = geo.memo(("block-extent", insert.dxf.name), lambda: bbox.extents(block))
    if not ext.has_data or not 0.5 <= float(ext.size.x) <= 1.5:
        return None
    width = abs(float(insert.dxf.get("xscale", 1.0))) * float(ext.size.x) * geo.unit_m
    return round(width, 2) if width > 0 else None


def _nested_points(geo: Geometry, builder, blocks: BlockCache, insert, m, layer: str, handle: str,
                   depth: int = 0) -> None:
    """Point symbols (doors, exits, down-conductors) placed inside a block that is not itself a
    symbol — a floor plan bound from an xref or WBLOCKed and inserted whole: each nested symbol
    INSERT is a feature at its place in the drawing, as if it were inserted in model space
    (children on layer ``0`` take the enclosing insert's layer; the handle is the model-space
    insert's, the one a reviewer can pick)."""
    if depth >= 16:
        return
    lm = builder.lm
    for child in blocks.inserts(insert.dxf.name):
        name = blocks.effective_name(child.dxf.name)
        clayer = child.dxf.get("layer", "0")
        clayer = layer if clayer == "0" else clayer
        cls = lm.classify(clayer, "INSERT", name)
        if _is_frame(name, cls):  # a whole sheet inside one block (a GUID-named BIM export): its frame
            _nested_frame(geo, builder, blocks, child, m, clayer, handle, name)
            continue
        if lm.shape(cls) != "point":
            _nested_points(geo, builder, blocks, child, child.matrix44() * m, clayer, handle, depth + 1)
            continue
        p = m.transform(child.ocs().to_wcs(child.dxf.insert))
        if not _inside(p.x, p.y, builder.clip) or (builder.shown is not None and not builder.shown.point(p.x, p.y)):
            continue
        _add_symbol(geo, builder, child, p, handle, clayer, cls, name)


def _nested_frame(geo: Geometry, builder, blocks: BlockCache, child, m, layer: str, handle: str, name: str) -> None:
    """A title-block frame inside a block inserted in model space (the whole drawing, frame and plan, in one
    block named by a GUID and inserted once): a frame of the sheet, as if the block were exploded — its box
    through the inserts' matrices, its scale the frame insert's times the enclosing ones', its ATTRIBs its
    fields (they are already the sheet's words, read with the block's texts). The handle is the model-space
    insert's."""
    prims = blocks.insert_prims(child)
    if not prims:
        return
    local = np.vstack([p.coords for p in prims])
    allc = np.array([tuple(m.transform((float(x), float(y), 0.0)))[:2] for x, y in
                     (local.min(axis=0), local.max(axis=0), (local[:, 0].min(), local[:, 1].max()),
                      (local[:, 0].max(), local[:, 1].min()))])
    bbox = (*allc.min(axis=0), *allc.max(axis=0))
    if not _inside((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2, builder.clip):
        return
    scale = abs(float(child.dxf.get("xscale", 1.0))) * float(m.transform_direction((1.0, 0.0, 0.0)).magnitude)
    geo.layer_classes.setdefault(layer, "frame")
    geo.frames.append(Frame(handle, name, layer, tuple(float(v) for v in bbox), scale, _attribs(child)))
