"""What old or locale-bound DXF writers put in a file that ezdxf's readers misread.

- **Decimal commas**: an exporter running in a German or Russian locale writes ``2,5``; the
  strict reader refuses the file and ezdxf's recover reader keeps the whole part (2.0), so every
  point moves. On the recovery path (``cad.dxf._recover``) the comma of a real-valued group
  code's value is made a point first.
- **3DLINE** (AutoCAD 2.6 to R10: a line with a z at each end; later releases read it as a
  LINE): ezdxf keeps it as an unknown entity that nothing draws, and its auditor removes it.
  Its group codes are a LINE's, so it is read as one (``convert_3dlines`` after the strict
  reader, ``renamed_3dlines`` before the recover reader, whose auditor runs inside it).
- **An escape cut between MTEXT chunks**: before R2007 a character outside the codepage is
  written ``\\U+043c``, and a long MTEXT is written in chunks of 250 characters. Writers that
  cut the chunks blindly (LibreCAD's dxflib: ``…\\U`` | ``+043c…``) leave an escape that
  neither ezdxf's reader (it decodes each chunk) nor we decoded: the paragraph showed
  ``раз\\U+043cеров``. ``joined_escapes`` decodes them in the joined text.
- **An LWPOLYLINE in an R12-style file** (sdxf): both ezdxf readers refuse the whole file;
  ``r12_lwpolylines`` writes it as the POLYLINE it stands for before the recover reader
  (docs/decisions/141).
- **A viewport's view in its MVIEW extended data** (an R13/R14 DXF: AutoCAD R13/R14, LibreDWG's
  dwg2dxf of such a DWG): the ``AcDbViewport`` subclass holds only place, size, status and id;
  target, direction, twist, view height and centre are in the ``ACAD`` xdata, as in R12. ezdxf
  reads that list into the viewport for an R12 file only, so every viewport of such a layout
  showed nothing. ``mview_views`` reads it with ezdxf's own R12 routine (docs/decisions/155).

docs/decisions/129.
"""

from __future__ import annotations

import re

# a real-valued group code (10-59, 110-149, 210-239, 460-469, 1010-1059) and, on the next line,
# a number written with a decimal comma; a group code never holds a comma, so the comma line is
# always a value, and a text (group code 1) "1,5 m" is never touched
_COMMA_NUMBER = re.compile(
    rb"(?m)^([ \t]*(?:[1-5][0-9]|1[1-4][0-9]|2[1-3][0-9]|46[0-9]|10[1-5][0-9])[ \t]*\r?\n[ \t]*[-+]?[0-9]*),"
    rb"([0-9]+(?:[eE][-+]?[0-9]+)?[ \t]*\r?)$")
DECIMAL_COMMAS = ("{n} 个坐标或数值以逗号作小数点（如 2,5），已按 2.5 读取 / {n} coordinates or values were written "
                  "with a decimal comma (2,5); read as 2.5")
_3DLINE = re.compile(rb"(?m)^([ \t]*0[ \t]*\r?\n)3DLINE([ \t]*\r?)$")
LINES_3D = "{n} 个 3DLINE（AutoCAD 2.6–R10 的三维直线）已按直线读取 / 3DLINE (AutoCAD 2.6 to R10) read as LINE: {n}"
_LINE_CODES = {8: "layer", 6: "linetype", 62: "color", 39: "thickness"}


def decimal_points(data: bytes) -> tuple[bytes, int]:
    """*data* with the decimal commas of its real values made points, and how many there were."""
    if b"," not in data:
        return data, 0
    return _COMMA_NUMBER.subn(rb"\1.\2", data)


def renamed_3dlines(data: bytes) -> tuple[bytes, int]:
    """*data* (an ASCII DXF) with each 3DLINE entity named LINE, and how many there were."""
    if b"3DLINE" not in data:
        return data, 0
    return _3DLINE.subn(rb"\1LINE\2", data)


def convert_3dlines(doc) -> int:
    """Replace each 3DLINE of a strictly read document (an unknown entity to ezdxf) by the
    LINE it is, in its block or layout; how many there were."""
    if doc.dxfversion > "AC1009":  # written by R13 or later: no 3DLINE
        return 0
    n = 0
    for block in doc.blocks:
        old = [e for e in block if e.dxftype() == "3DLINE"]
        for e in old:
            tags = {tag.code: tag.value for tag in e.xtags.noclass if tag.code in (10, 11, *_LINE_CODES)}
            if 10 in tags and 11 in tags:
                attribs = {name: tags[code] for code, name in _LINE_CODES.items() if code in tags}
                block.add_line(tags[10], tags[11], dxfattribs=attribs)
                n += 1
            block.delete_entity(e)
    return n


_ESCAPE = re.compile(r"\\U\+([0-9A-Fa-f]{4})")


def joined_escapes(doc) -> int:
    """Decode the ``\\U+xxxx`` escapes left in the joined text of *doc*'s MTEXTs (a pre-R2007
    file); return how many MTEXTs had one. The readers call it only for a file whose bytes hold
    escapes at all (a walk costs 0.1 s per 200,000 entities)."""
    if doc.dxfversion >= "AC1021":
        return 0
    n = 0
    for e in doc.entitydb.values():
        if e.dxftype() == "MTEXT" and "\\U+" in e.text:
            text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), e.text)
            if text != e.text:
                e.text = text
                n += 1
    return n



# LWPOLYLINE (R14 on) written into an R12-style file (no subclass markers), as sdxf (PyPI "dxf",
# the sdxf.py copied into scripts) writes it in its AC1006 files. ezdxf's readers, the recover one
# too, refuse the whole file ("missing 'AcDbPolyline' subclass": an R12 document has no place for
# it); AutoCAD reads it. Read as the R12 POLYLINE it stands for, vertices, widths and bulges kept.
_LWPOLYLINE = re.compile(rb"(?m)^[ \t]*0[ \t]*\r?\nLWPOLYLINE[ \t]*\r?$")
_HEAD_CODES = {b"8", b"6", b"62", b"39", b"48", b"60", b"67", b"210", b"220", b"230"}
_VERTEX_CODES = (b"10", b"20", b"40", b"41", b"42")
LWPOLYLINES_R12 = ("{n} 条轻量多段线写在 R12 格式文件中（sdxf 的写法），已按多段线读取 / {n} LWPOLYLINEs in an "
                   "R12-style file (sdxf writes them) read as POLYLINEs")


def r12_lwpolylines(data: bytes) -> tuple[bytes, int]:
    """*data* (an ASCII DXF without subclass markers: R12 style) with each LWPOLYLINE written as
    a POLYLINE with its VERTEXes and SEQEND, and how many there were."""
    if b"LWPOLYLINE" not in data or re.search(rb"(?m)^[ \t]*100[ \t]*\r?\nAcDb", data):
        return data, 0
    nl = b"\r\n" if b"\r\n" in data[:4096] else b"\n"
    out, at, n = [], 0, 0
    for m in _LWPOLYLINE.finditer(data):
        start = m.end() + len(nl)
        pairs, pos = [], start
        while True:
            a = data.find(nl, pos)
            b = data.find(nl, a + len(nl)) if a >= 0 else -1
            if a < 0 or b < 0:
                break
            code = data[pos:a].strip()
            if code == b"0":
                break
            pairs.append((code, data[a + len(nl):b]))
            pos = b + len(nl)
        if a < 0 or b < 0:
            continue  # cut off: as written
        head = [p for p in pairs if p[0] in _HEAD_CODES]
        flags = width = None
        vertices: list[dict] = []
        for code, value in pairs:
            if code == b"70":
                flags = value
            elif code == b"43":
                width = value
            elif code == b"10":
                vertices.append({b"10": value})
            elif code in _VERTEX_CODES and vertices:
                vertices[-1][code] = value
        layer = [p for p in pairs if p[0] == b"8"][:1]
        rows = [(b"0", b"POLYLINE")] + head + [(b"66", b"1"), (b"10", b"0.0"), (b"20", b"0.0"), (b"30", b"0.0")]
        rows += [(b"70", flags or b"0")] + ([(b"40", width), (b"41", width)] if width is not None else [])
        for v in vertices:
            rows += [(b"0", b"VERTEX")] + layer + [(c, v[c]) for c in _VERTEX_CODES if c in v]
        rows += [(b"0", b"SEQEND")] + layer
        out += [data[at:m.start()], nl.join(c + nl + v for c, v in rows), nl]
        at = pos
        n += 1
    if not n:
        return data, 0
    out.append(data[at:])
    return b"".join(out), n


def mview_views(doc) -> int:
    """Read the view of each paper-space VIEWPORT that has none (no view height) from its
    ``ACAD``/``MVIEW`` extended data, as ezdxf reads an R12 viewport; how many were read."""
    n = 0
    for layout in doc.layouts:
        if layout.is_modelspace:
            continue
        for vp in layout.query("VIEWPORT"):
            if vp.dxf.get("view_height", 0) or not vp.has_xdata("ACAD"):
                continue
            try:
                vp.load_xdata_into_dxf_namespace()  # ezdxf's R12 reading: the list in its order
            except Exception:  # noqa: BLE001 - a short or damaged list: the viewport stays as read
                continue
            n += vp.dxf.get("view_height", 0) > 0
    return n
