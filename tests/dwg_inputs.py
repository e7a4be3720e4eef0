"""Generated DWGs with Chinese text, written by ezdwg's native AC1015 (R2000) writer.

``dxf_to_dwg`` copies an ezdxf document (the project's own specimens) entity by entity into
an ezdwg drawing: layers (colour, lineweight, simple linetypes), block definitions with ATTDEFs, INSERTs with ATTRIBs, lines, arcs,
circles, light-weight polylines, TEXT, MTEXT, solid hatches. The strings are stored in the
code page asked for (ANSI_936 / GBK by default), as a Chinese AutoCAD 2000 would store them.
ezdwg is the only DWG writer on PyPI; it writes AC1015 only, so Unicode DWGs (R2007+) with
Chinese text cannot be generated here (the real R2007–R2018 samples carry the newer formats).
"""

from __future__ import annotations

from pathlib import Path

import ezdwg
import ezdxf

CODEPAGE_GBK = 39  # $DWGCODEPAGE index of ANSI_936


def dxf_to_dwg(source: str | Path, target: str | Path, codepage: int = CODEPAGE_GBK) -> Path:
    doc = ezdxf.readfile(source)
    out = ezdwg.new()
    out.header["codepage"] = codepage
    out.header["insunits"] = int(doc.header.get("$INSUNITS", 0))
    used = {layer.dxf.get("linetype", "Continuous") for layer in doc.layers}
    for lt in doc.linetypes:
        name = lt.dxf.name
        if name in used and name.upper() not in ("CONTINUOUS", "BYLAYER", "BYBLOCK"):
            dashes = [float(v) for v in lt.simplified_line_pattern()]
            if 0 < len(dashes) <= 12:
                out.linetypes[name] = {"description": lt.dxf.get("description", ""), "dashes": dashes}
    for layer in doc.layers:
        if layer.dxf.name != "0":
            row = {"color_index": abs(layer.dxf.color), "lineweight": layer.dxf.get("lineweight", -3)}
            if layer.dxf.get("linetype", "Continuous") in out.linetypes:
                row["linetype"] = layer.dxf.linetype
            out.layers[layer.dxf.name] = row
    for block in doc.blocks:
        if block.name.startswith("*") or block.is_any_layout:
            continue
        target_block = out.blocks.new(block.name, base_point=tuple(block.block.dxf.base_point))
        for e in block:
            _copy(e, target_block)
    msp = out.modelspace()
    for e in doc.modelspace():
        _copy(e, msp)
    out.save(str(target))
    return Path(target)


def _common(e) -> dict:
    attrs = {"layer": e.dxf.get("layer", "0")}
    if e.dxf.hasattr("color") and e.dxf.color not in (256,):
        attrs["color_index"] = e.dxf.color
    return attrs


def _copy(e, layout) -> None:
    kind = e.dxftype()
    a = _common(e)
    if kind == "LINE":
        layout.add_line(tuple(e.dxf.start), tuple(e.dxf.end), **a)
    elif kind == "CIRCLE":
        layout.add_circle(tuple(e.dxf.center), e.dxf.radius, **a)
    elif kind == "ARC":
        layout.add_arc(tuple(e.dxf.center), e.dxf.radius, e.dxf.start_angle, e.dxf.end_angle, **a)
    elif kind == "LWPOLYLINE":
        points = [(x, y) for x, y, *_ in e.get_points("xyseb")]
        layout.add_lwpolyline(points, closed=e.closed, **a)
    elif kind == "TEXT":
        align = e.dxf.get("halign", 0), e.dxf.get("valign", 0)
        insert = tuple(e.dxf.align_point) if any(align) and e.dxf.hasattr("align_point") else tuple(e.dxf.insert)
        layout.add_text(e.dxf.text, insert, height=e.dxf.height, **a)
    elif kind == "MTEXT":
        layout.add_mtext(e.text, tuple(e.dxf.insert), char_height=e.dxf.char_height, **a)
    elif kind == "ATTDEF":
        layout.add_attdef(e.dxf.tag, e.dxf.text, tuple(e.dxf.insert), e.dxf.height, prompt=e.dxf.get("prompt", ""))
    elif kind == "INSERT":
        ref = layout.add_blockref(e.dxf.name, tuple(e.dxf.insert),
                                  scale=(e.dxf.xscale, e.dxf.yscale, e.dxf.zscale), rotation=e.dxf.rotation, **a)
        for att in e.attribs:
            layout.add_attrib(ref, att.dxf.tag, att.dxf.text, tuple(att.dxf.insert), att.dxf.height, layer=a["layer"])
    elif kind == "HATCH":
        paths = [[(v[0], v[1]) for v in p.vertices] for p in e.paths if hasattr(p, "vertices")]
        if paths:
            layout.add_hatch(paths, **a)
    # dimensions and the rest are left out: the specimens are made without them


def gbk_zip(entries: dict[str, bytes]) -> bytes:
    """A zip whose entry names are GBK bytes without the UTF-8 flag, as Windows zip tools
    write them: ASCII placeholders of the same length are written, then swapped for the GBK
    bytes (Python's zipfile would store a non-ASCII name as flagged UTF-8)."""
    import io
    import zipfile

    out = io.BytesIO()
    swaps = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(entries.items()):
            raw = name.encode("gbk")
            placeholder = (f"N{i}_" + "x" * len(raw))[: len(raw)]
            swaps[placeholder.encode()] = raw
            zf.writestr(placeholder, data)
    blob = out.getvalue()
    for placeholder, raw in swaps.items():
        blob = blob.replace(placeholder, raw)
    return blob
