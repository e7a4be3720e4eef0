"""What pycadkit reads of a DWG's texts but leaves out of the DXF it writes, put back.

- A TEXT's mirroring flags (DXF 71: 2 backward, 4 upside down): the reader's model keeps them
  (``"props":{"dwg.generation":2,…}``), its DXF has no group 71, so every mirrored text came
  out plain (AutoCAD writes them for a text mirrored with MIRRTEXT 1; other writers as asked).
- A text style's big font (DXF 4; ``gbcbig.shx`` and the like, the SHX font of the Chinese
  characters): the model keeps it (``"dwg.big_font"``), the DXF writes it empty.

``read`` finds them in the model's JSON text (the flags by their key, each entity decoded alone
from the ``{"id":`` that opens it, as ``dwgmodel`` finds unknown objects); ``restore`` sets
them on the converted document: a flag on the TEXT of the same string at the same insert (the
converted DXF numbers its handles anew), a big font on the style of that name. Nothing is lost
once restored, so no note. An ATTRIB's or ATTDEF's flags the model does not keep (left).
"""

from __future__ import annotations

import json
import re

_GENERATION = re.compile(r'"dwg\.generation":(\d+)')
MIRRORED = 2 | 4


def read(text: str, styles: list[dict]) -> dict:
    """``{"flags": [(string, x, y, flags)], "big_fonts": {style: font}}`` from the model's JSON
    *text* and its parsed ``text_styles``; empty parts left out."""
    out: dict = {}
    flags = list(_flags(text))
    if flags:
        out["flags"] = flags
    fonts = {s["name"]: s["props"]["dwg.big_font"] for s in styles or []
             if isinstance(s, dict) and isinstance(s.get("props"), dict) and s["props"].get("dwg.big_font")}
    if fonts:
        out["big_fonts"] = fonts
    return out


def _flags(text: str):
    decoder = json.JSONDecoder()
    for m in _GENERATION.finditer(text):
        flag = int(m.group(1))
        if not flag & MIRRORED:
            continue
        opening = text.rfind('{"id":', 0, m.start())
        if opening < 0:
            continue
        try:
            entity, _ = decoder.raw_decode(text, opening)
        except ValueError:
            continue
        kind, props = entity.get("kind") or {}, entity.get("props") or {}
        if kind.get("type") != "text" or not isinstance(kind.get("value"), str):
            continue
        at = props.get("dwg.insertion_point") or [(kind.get("position") or {}).get(k) for k in "xy"]
        if len(at) >= 2 and all(isinstance(v, (int, float)) for v in at[:2]):
            yield kind["value"], float(at[0]), float(at[1]), flag & MIRRORED


def _key(s: str, x: float, y: float) -> tuple:
    return s, round(x, 6), round(y, 6)


def restore(doc, facts: dict) -> int:
    """Set the flags and big fonts of *facts* (``read``) on *doc*; the number of texts set."""
    for name, font in (facts.get("big_fonts") or {}).items():
        if doc.styles.has_entry(name):
            style = doc.styles.get(name)
            if not style.dxf.get("bigfont"):
                style.dxf.bigfont = font
    wanted = {_key(s, x, y): f for s, x, y, f in facts.get("flags") or ()}
    done = 0
    if not wanted:
        return done
    for e in doc.entitydb.values():
        if e.dxftype() != "TEXT" or e.dxf.get("text_generation_flag"):
            continue
        ins = e.dxf.get("insert")
        flag = wanted.get(_key(e.dxf.get("text", ""), ins.x, ins.y)) if ins is not None else None
        if flag:
            e.dxf.text_generation_flag = flag
            done += 1
    return done
