"""Writers' slips that ezdxf's readers take literally, read as the writer meant them.

- **An empty number**: makerjs writes a layer's colour as an empty value (``62`` and a blank
  line) when the layer is given a linetype and no colour. Both ezdxf readers refuse the whole
  file (``Invalid tag (62, "")``). On the recovery path (``cad.dxf._recover``) each pair of a
  numeric group code and an empty value is left out, so the value takes its default (a layer
  without a colour is colour 7, as AutoCAD makes it).
- **A full turn rounded up**: an ELLIPSE's parameters are radians, and a writer that rounds
  them writes a full ellipse as 0 to 6.2832 (dxf-doc). That is 7e-6 past 2π, and ezdxf (and we,
  through it) read the span modulo a turn: a dot where the ellipse was. ``full_ellipses`` makes
  a span that passes a full turn by less than ``ROUNDING`` exactly one turn.
- **A string with its terminator**: libdxfrw (LibreCAD's library; the npm build of it converting
  a DWG) writes each string it read from the DWG with the DWG's terminating NUL: layer ``0``
  is ``0\\0``, ``Defpoints\\0`` plots, no layer name maps to a rule, every text ends in a
  control character. AutoCAD's strings end at a NUL; ``nul_ends`` cuts each line there,
  before either reader sees it.
- **A face index written unsigned**: a polyface mesh's face record names its corners by vertex
  number (71–74), a 16-bit signed value, negative where the edge from that corner is invisible.
  LibreDWG's dwg2dxf writes the DWG's value unsigned: -4 as 65532, -1 as 65535. ezdxf takes the
  number as written, and the mesh failed to draw (a vertex 65532 is not there; ezdxf's own
  drawing add-on stops on it). ``face_indices`` reads such a number as the signed value it is.

docs/decisions/147, 155.
"""

from __future__ import annotations

import math
import re

# a numeric group code (DXF reference: 10-59, 60-99, 110-179, 210-239, 270-289, 290-299,
# 370-389, 400-409, 420-429, 440-469, 1010-1071) on its line and an empty value on the next;
# a group code line is never empty, so the blank line is always a value and the line before
# it its group code
_EMPTY_NUMBER = re.compile(
    rb"(?m)^[ \t]*(?:[1-9][0-9]|1[1-7][0-9]|2[1-3][0-9]|2[7-9][0-9]|3[78][0-9]|40[0-9]|42[0-9]"
    rb"|4[4-6][0-9]|10[1-6][0-9]|107[01])[ \t]*\r?\n[ \t]*\r?\n")
EMPTY_NUMBERS = ("{n} 个数值为空（如图层颜色），已按缺省值读取 / {n} numeric values were written empty "
                 "(a layer's colour, as makerjs writes it); read as not given")
_NUL_END = re.compile(rb"\x00[^\r\n]*")
NUL_ENDS = ("{n} 行文字以 NUL 结尾（libdxfrw 由 DWG 转出的图层名、文字等），已截去 / {n} lines (layer names, texts) "
            "ended in a NUL character (libdxfrw's conversion of a DWG); cut there")
ROUNDING = 1e-3  # radians: a span this far past a full turn is a rounded full turn
FULL_ELLIPSES = ("{n} 个椭圆的参数范围因舍入略超一整圈（如 0–6.2832），已按整椭圆绘制 / {n} ellipses whose "
                 "parameter span passes a full turn by a rounding (0 to 6.2832) drawn as full ellipses")


def empty_numbers(data: bytes) -> tuple[bytes, int]:
    """*data* (an ASCII DXF) without its numeric group codes that have an empty value, and how
    many there were."""
    if b"\n\n" not in data and b"\n\r\n" not in data:
        return data, 0
    return _EMPTY_NUMBER.subn(b"", data)


def nul_ends(data: bytes) -> tuple[bytes, int]:
    """*data* (an ASCII DXF) with each line cut at its first NUL byte, and how many lines were."""
    if b"\x00" not in data:
        return data, 0
    return _NUL_END.subn(b"", data)


def full_ellipses(doc) -> int:
    """Make each ELLIPSE of *doc* (model and paper space, blocks) whose end parameter passes
    its start by a full turn and less than ``ROUNDING`` a full ellipse; how many there were."""
    n = 0
    for block in doc.blocks:
        for e in block.query("ELLIPSE"):
            start, end = e.dxf.get("start_param", 0.0), e.dxf.get("end_param", math.tau)
            if math.tau < end - start < math.tau + ROUNDING:
                e.dxf.end_param = start + math.tau
                n += 1
    return n


FACE_INDICES = ("{n} 个多面网格的顶点编号按无符号数写出（如 65532），已按有符号数（-4，不可见边）读取 / {n} polyface "
                "vertex numbers were written unsigned (65532, LibreDWG's dwg2dxf); read as the signed value (-4, an "
                "invisible edge)")
_FACE_CORNERS = ("vtx0", "vtx1", "vtx2", "vtx3")


def face_indices(doc) -> int:
    """Read each polyface face record's vertex number above 32767 as the 16-bit signed value it
    was (65532: -4); how many there were."""
    n = 0
    for block in doc.blocks:
        for e in block.query("POLYLINE"):
            if not e.is_poly_face_mesh:
                continue
            for v in e.vertices:
                for key in _FACE_CORNERS:
                    i = v.dxf.get(key)
                    if isinstance(i, int) and 32767 < i < 65536:
                        v.dxf.set(key, i - 65536)
                        n += 1
    return n
