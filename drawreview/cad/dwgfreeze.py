"""A DWG viewport's frozen layers (VPLAYER: a layer hidden in that viewport only), put back.

pycadkit's model keeps them (``"props":{"dwg.frozen_layers":[…]}`` of each VIEWPORT) but the
DXF it writes has no group 341, so every viewport showed every layer: a layout of an
institute's file that hides, say, the furniture or another discipline's layers in one of its
viewports was drawn with them, and nothing said so. ``read`` finds them in the model's JSON text
by their key (each viewport decoded alone from the ``{"id":`` that opens it, as ``dwgmodel``
does); ``restore`` sets them on the converted VIEWPORT of the same place, size and view (the
DXF numbers its handles anew), naming only layers the drawing has.
"""

from __future__ import annotations

import json
import re

_FROZEN = re.compile(r'"dwg\.frozen_layers":\[')


def read(text: str) -> list[tuple[tuple, list[str]]]:
    """[(place key, frozen layer names)] of the viewports in the model's JSON *text* that
    freeze any."""
    decoder = json.JSONDecoder()
    out = []
    for m in _FROZEN.finditer(text):
        opening = text.rfind('{"id":', 0, m.start())
        if opening < 0:
            continue
        try:
            entity, _ = decoder.raw_decode(text, opening)
        except ValueError:
            continue
        kind, props = entity.get("kind") or {}, entity.get("props") or {}
        names = [n for n in props.get("dwg.frozen_layers") or [] if isinstance(n, str) and n]
        if kind.get("type") != "viewport" or not names:
            continue
        try:
            c, vc = kind["center"], kind["view_center"]
            key = _key(c["x"], c["y"], kind["width"], kind["height"], vc["x"], vc["y"], kind["view_height"])
        except (KeyError, TypeError):
            continue
        out.append((key, names))
    return out


def _key(*values) -> tuple:
    return tuple(round(float(v), 6) for v in values)


def restore(doc, frozen: list) -> int:
    """Set *frozen* (``read``) on the matching VIEWPORTs of *doc*; the number set."""
    if not frozen:
        return 0
    wanted = {tuple(key): names for key, names in frozen}
    have = {layer.dxf.name.lower(): layer.dxf.name for layer in doc.layers}
    done = 0
    for vp in doc.entitydb.values():
        if vp.dxftype() != "VIEWPORT" or vp.frozen_layers:
            continue
        d = vp.dxf
        c, vc = d.get("center"), d.get("view_center_point")
        if c is None or vc is None:
            continue
        names = wanted.get(_key(c.x, c.y, d.get("width", 0), d.get("height", 0), vc.x, vc.y, d.get("view_height", 0)))
        names = [have[n.lower()] for n in names or () if n.lower() in have]
        if names:
            vp.frozen_layers = names
            done += 1
    return done
