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
