"""What pycadkit drops and a second reader gives back: multilines (MLINE), geometric
tolerances (TOLERANCE), tables (ACAD_TABLE, as the block that draws them: ``dwgtable``) and
wipeouts (``dwgwipeout``), read from the DWG (``dwgsource``: their own records, or ezdwg's
passes) and added to the converted document; every other dropped entity that carries proxy
graphics is drawn from them (``dwgproxy``).

Draftsmen draw walls with MLINE in plain AutoCAD; a review drawing without them misleads the
reviewer and the rule checks. pycadkit maps both types to unknown objects and leaves them out
of its DXF (``dwgloss`` names them); their records decode (``dwgmline``, ``dwgtolerance``; or
ezdwg's ``raw.decode_mline_entities``, ``raw.decode_tolerance_entities``), but the entities
live in block and paper-space content too: each entity goes where the DWG's own placement
says (its entity mode: model space, the active paper space, or an owner block record), to the
layout of that block record (the LAYOUT objects) or the block of that handle (pycadkit's
blocks keep the DWG handles and names), with its layer, colour, linetype and lineweight.
Placement and properties come from these entities' own records (``dwgentity``: ~0.1 ms, where
ezdwg's passes over every entity of the file cost 5–9 ms); ezdwg's passes stay the fallback
for a record it refuses. pycadkit renumbers handles, so the DWG handles are looked up in the
DWG's tables, never in the DXF's.

A multiline is drawn by ezdxf from its style; the style it names is decoded from the DWG
(``dwgmlstyle``) and written into the document; a style that cannot be read leaves its
multilines on ezdxf's ``Standard`` (two lines at ±0.5 × scale) and a note says so. The
geometry is ezdxf's from the DWG's vertices and the style; gaps cut into a multiline's lines
(MLEDIT) are not carried: the per-vertex line parameters that hold them are skipped.
A TOLERANCE is added by ``dwgtolerance``.

``recover`` runs only for the types the conversion dropped, so files without them pay
nothing. Any failure of the second reader costs the recovery only: it is logged, and the
pycadkit result and its notes naming the losses stay as they are.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from drawreview.cad.dwgsource import owner

log = logging.getLogger("drawreview.dwg")

KINDS = ("MLINE", "TOLERANCE", "ACAD_TABLE", "WIPEOUT")
_LINETYPE_FLAGS = {1: "BYBLOCK", 2: "CONTINUOUS"}  # 0: BYLAYER, 3: by handle


@dataclass
class Recovery:
    counts: dict[str, int] = field(default_factory=dict)  # recovered, by type
    notes: list[str] = field(default_factory=list)
    images: dict[str, int] = field(default_factory=dict)  # drawn from their proxy graphics, by type


def wanted(lost) -> list[str]:
    """The recoverable types among *lost* ({type: count}): those with a reader of their own,
    then every other one, whose entities may carry an image to draw (``dwgproxy``)."""
    return [k for k in KINDS if lost.get(k)] + [k for k, n in lost.items() if n and k not in KINDS]


def block_names(blocks: list[dict]) -> dict[int, str]:
    """{DWG block record handle: name} of pycadkit's block definitions (``to_dict()["blocks"]``),
    layouts' blocks left out (the DXF writer renames those: they are found by layout)."""
    out = {}
    for b in blocks:
        name, handle = b.get("name"), b.get("id")
        if isinstance(handle, int) and name and not str(name).upper().startswith(("*MODEL_SPACE", "*PAPER_SPACE")):
            out[handle] = str(name)
    return out


def layer_names(layers: list[dict]) -> dict[int, str]:
    """{DWG LAYER handle: name} of pycadkit's layers (``to_dict()["layers"]``: its ``id`` is the
    DWG handle; the same table as ezdwg's ``raw.decode_layer_names`` on every sample)."""
    return {int(la["id"]): str(la["name"]) for la in layers if isinstance(la.get("id"), int) and la.get("name")}


def recover(doc, path: str | Path, lost: dict[str, int], facts: dict, max_objects: int | None = None,
            pages=None) -> Recovery:
    """Add the MLINE and TOLERANCE entities of the DWG at *path* that the conversion dropped
    (*lost*) to *doc*; what was added, by type, and notes. *facts*: the conversion's
    (``spaces``, ``blocks``, ``version``, ``codepage``)."""
    kinds = wanted(lost)
    if not kinds:
        return Recovery()
    import ezdwg

    from drawreview.cad import dwgsource

    try:
        source = dwgsource.read(str(path), kinds, facts, max_objects, pages)
    except Exception as exc:  # noqa: BLE001 - the second reader's failure costs the recovery only
        log.warning("DWG %s: %s not recovered, second reader failed: %r", Path(path).name, "/".join(kinds), exc)
        return Recovery()
    finally:
        ezdwg.clear_decode_caches()  # path-keyed caches: a drawing child reads many files
    return _add(doc, source, facts)


def _add(doc, source: dict, facts: dict) -> Recovery:
    from drawreview.cad import dwgtolerance, dwgwipeout
    from drawreview.cad.dwgbits import codec

    counts: dict[str, int] = {}
    containers: dict[int | None, object] = {}
    styles = _styles(doc, source.get("mline_styles") or {})
    unstyled = 0
    images: dict[str, int] = {}
    image_args = None  # (layer names, codec): the same for every image of the file
    rows = ([("MLINE", int(row[0]), row) for row in source["mlines"]]
            + [("TOLERANCE", int(row[0]), row) for row in source["tolerances"]]
            + [("ACAD_TABLE", t.handle, t) for t in source.get("tables") or ()]
            + [("WIPEOUT", w.handle, w) for w in source.get("wipeouts") or ()]
            + [(p.kind, p.handle, p) for p in source.get("proxies") or ()])
    for kind, handle, row in rows:
        block = owner(*source["placements"].get(handle, (-1, -1)), facts.get("spaces") or {})
        if block not in containers:
            containers[block] = container_of(doc, block, facts, source.get("layouts") or {})
        layout = containers[block]
        if layout is None:
            continue
        try:  # one entity that cannot be made stays lost; the others are added
            if kind == "MLINE":
                _mline(doc, layout, row, source, styles)
                unstyled += row[8] not in styles
            elif kind == "TOLERANCE":
                dwgtolerance.add(layout, row, _common(doc, int(row[0]), source), source["dimstyles"])
            elif kind == "ACAD_TABLE":
                _table(doc, layout, row, source, facts)
            elif kind == "WIPEOUT":
                dwgwipeout.add(layout, row, _common(doc, row.handle, source))
            else:
                if image_args is None:
                    image_args = (list((facts.get("layers") or {}).values()), codec(facts.get("codepage")))
                if _image(doc, layout, row, source, *image_args):
                    images[kind] = images.get(kind, 0) + 1
                continue
        except Exception as exc:  # noqa: BLE001
            log.info("DWG %s %X not added: %r", kind, handle, exc)
            continue
        counts[kind] = counts.get(kind, 0) + 1
    notes = []
    if unstyled:
        notes.append(f"{unstyled} 条多线的样式未能从 DWG 读取，按 Standard 样式（两条线，偏移 ±0.5 × 比例）绘制 / "
                     f"{unstyled} multilines' styles could not be read from the DWG; they are drawn with the "
                     "Standard style (two lines at ±0.5 × their scale)")
    return Recovery(counts, notes, images)


def _image(doc, layout, proxy, source: dict, layers: list[str], text_codec: str) -> int:
    """An entity drawn from its proxy graphics (``dwgproxy``), with its own properties; *layers*:
    the DWG's layer names in table order, *text_codec*: its code page's codec."""
    from drawreview.cad import dwgproxy

    own = _common(doc, proxy.handle, source)
    return dwgproxy.draw(doc, layout, proxy, own, layers, text_codec)


def _mline(doc, layout, row, source: dict, styles: dict[int, str]) -> None:
    handle, scale, justification, _base, extrusion, flags, _lines, vertices, style_handle = row
    points = [tuple(v[0]) for v in vertices if v]
    if not points:
        raise ValueError("no vertices")
    attribs = _common(doc, int(handle), source) | {
        "style_name": styles.get(style_handle, "Standard"), "scale_factor": float(scale),
        "justification": int(justification), "extrusion": tuple(extrusion), "flags": int(flags)}
    mline = layout.add_mline(None, close=bool(int(flags) & 2), dxfattribs=attribs)
    try:
        mline.extend(points)  # ezdxf computes the lines from the style
    except Exception:
        layout.delete_entity(mline)
        raise


def _table(doc, layout, table, source: dict, facts: dict) -> None:
    """The table's ``*T`` block inserted where the table stands (``dwgtable``); a table whose
    block the conversion does not have stays lost."""
    import math

    name = (facts.get("blocks") or {}).get(table.block)
    if not name or name not in doc.blocks:
        raise LookupError(f"no block for handle {table.block:X}")
    x, y, z = table.scale
    layout.add_blockref(name, table.insert, dxfattribs=_common(doc, table.handle, source) | {
        "xscale": x, "yscale": y, "zscale": z, "rotation": math.degrees(table.rotation),
        "extrusion": table.extrusion})


def container_of(doc, block: int | None, facts: dict, layouts: dict[int, str]):
    """The ezdxf layout or block definition of a DWG block record handle (*layouts*: {block
    record: layout name} of the LAYOUT objects), None if the converted document has none."""
    if block is None or block < 0:
        return None
    if block == (facts.get("spaces") or {}).get("model"):
        return doc.modelspace()
    name = layouts.get(block)
    if name is not None:
        try:
            return doc.layouts.get(name)
        except KeyError:
            return None
    name = (facts.get("blocks") or {}).get(block)
    return doc.blocks.get(name) if name else None


def _styles(doc, decoded: dict[int, dict]) -> dict[int, str]:
    """Write the decoded multiline styles into *doc*; {DWG style handle: name in doc}. A style
    of the same name (ezdxf's default ``Standard``) takes the DWG's definition."""
    out = {}
    for handle, s in decoded.items():
        try:
            style = doc.mline_styles.get(s["name"]) or doc.mline_styles.new(s["name"])
            style.dxf.description = s["description"][:255]
            style.dxf.flags, style.dxf.fill_color = s["flags"], s["fill_color"]
            style.dxf.start_angle, style.dxf.end_angle = s["start_angle"], s["end_angle"]
            style.elements.elements.clear()
            for offset, color, linetype in s["elements"]:
                style.elements.append(offset, color, linetype if linetype in doc.linetypes else "BYLAYER")
            out[handle] = style.dxf.name
        except Exception as exc:  # noqa: BLE001 - its multilines fall back to Standard
            log.info("MLINESTYLE %s not written: %r", s.get("name"), exc)
    return out


def _common(doc, handle: int, source: dict) -> dict:
    """Layer, colour, linetype and lineweight of a DWG entity, by handle (values ezdxf would
    refuse are left to their defaults)."""
    from ezdxf.lldxf.validator import is_valid_lineweight

    c = source["common"].get(handle)
    if c is None:
        return {"layer": _layer(doc, "0")}
    out = {"layer": _layer(doc, source["layer_names"].get(c.layer, "0"))}
    if isinstance(c.color, int) and 0 <= c.color < 256:
        out["color"] = c.color
    if isinstance(c.true_color, int):
        out["true_color"] = c.true_color & 0xFFFFFF
    linetype = _LINETYPE_FLAGS.get(c.linetype_flags) or (
        source["linetype_names"].get(c.linetype) if c.linetype_flags == 3 else None)
    if linetype and linetype in doc.linetypes:
        out["linetype"] = doc.linetypes.get(linetype).dxf.name
    if isinstance(c.linetype_scale, float) and 0 < c.linetype_scale < 1e12 and c.linetype_scale != 1.0:
        out["ltscale"] = c.linetype_scale
    if isinstance(c.lineweight, int) and c.lineweight != -1 and is_valid_lineweight(c.lineweight):
        out["lineweight"] = c.lineweight
    if c.invisible:
        out["invisible"] = 1
    return out


def _layer(doc, name: str) -> str:
    layer = doc.layers.get(name) if name in doc.layers else None
    return layer.dxf.name if layer is not None else doc.layers.add(name).dxf.name
