"""Wipeouts (WIPEOUT) that pycadkit drops, read back from their own records.

A wipeout is a mask: a polygon filled with the paper's colour that hides what lies under it (a
title block's background, the space behind a label over hatching). Without it, what it covered
shows through. pycadkit leaves it out; its image is only its frame (``dwgproxy`` does not draw
it). ``read`` decodes its record as the Open Design Specification lays out an IMAGE, which a
WIPEOUT shares: the common entity data (``dwgentity``), then the class version, the insertion
point and the pixel vectors u and v, the size in pixels, display properties, clipping,
brightness, contrast, fade, R2010+ the clip mode, and the clip boundary (a rectangle by two
corners or a polygon) in pixel coordinates; ``dwgrecover`` adds a WIPEOUT with those values,
which the painter fills as it fills a DXF's.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from drawreview.cad.dwgbits import Bits
from drawreview.cad.dwgentity import Common, decode_with_rest


TYPE_NAME = "WIPEOUT"
MAX_VERTICES = 100_000


@dataclass(frozen=True)
class Wipeout:
    handle: int
    common: Common
    insert: tuple[float, float, float]
    u: tuple[float, float, float]
    v: tuple[float, float, float]
    size: tuple[float, float]
    flags: int
    clipping: int
    brightness: int
    contrast: int
    fade: int
    clip_mode: int
    boundary: list[tuple[float, float]]  # two corners (rectangle) or a polygon's vertices, in pixels


def read(path: str, wanted, version: str, limit: int | None = None, records=None) -> list[Wipeout]:
    """The wipeouts among the handles *wanted* whose records decode."""
    from drawreview.cad.dwgobjects import decoded

    return decoded(path, wanted, lambda handle, record: decode(handle, record, version), "wipeout", limit, records)


def decode(handle: int, record: bytes, version: str) -> Wipeout:
    common, r, _ = decode_with_rest(record, version)
    r.bl()  # class version
    insert, u, v = _point(r), _point(r), _point(r)
    size = struct.unpack("<2d", r.raw(16))
    flags, clipping = r.bs(), r.bits(1)
    brightness, contrast, fade = r.raw(1)[0], r.raw(1)[0], r.raw(1)[0]
    clip_mode = r.bits(1) if version >= "AC1024" else 0
    kind = r.bs()
    count = 2 if kind == 1 else r.bl()
    if not 2 <= count <= MAX_VERTICES:
        raise ValueError(f"a clip boundary of {count} vertices")
    boundary = [struct.unpack("<2d", r.raw(16)) for _ in range(count)]
    values = (*insert, *u, *v, *size, *(c for p in boundary for c in p))
    if not all(abs(x) < 1e12 for x in values) or not any(u) or not any(v):
        raise ValueError("implausible placement")
    return Wipeout(handle, common, insert, u, v, size, flags, clipping, brightness, contrast, fade, clip_mode,
                   boundary)


def _point(r: Bits) -> tuple[float, float, float]:
    return r.bd(), r.bd(), r.bd()


def add(layout, w: Wipeout, attribs: dict) -> None:
    """A WIPEOUT in *layout* with the decoded values and *attribs* (layer, colour...)."""
    entity = layout.new_entity("WIPEOUT", attribs | {
        "insert": w.insert, "u_pixel": w.u, "v_pixel": w.v, "image_size": w.size, "flags": w.flags,
        "clipping": w.clipping, "brightness": w.brightness, "contrast": w.contrast, "fade": w.fade,
        "clip_mode": w.clip_mode})
    entity.set_boundary_path(w.boundary)
