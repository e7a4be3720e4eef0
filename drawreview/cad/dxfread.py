"""A faster front end for ezdxf's strict loader (ASCII DXF).

``ezdxf.readfile`` spends about half its time turning text into tags: a ``readline`` call per
line, then a tag compiler and a grouping pass, each a Python generator stacked on the last.
:func:`readfile` reads the file in one call, splits it in one call and does what those three
steps do (typed values, x/y/z merged into vertices, comments dropped, groups per structure
tag, sections) in a single loop, then hands the sections to ezdxf's own document loader, so
the document is ezdxf's in every other respect.

It takes only well-formed files: at the first thing it does not expect (a bad group code, a
point without its y, a value that is not a number, a section not closed, no EOF) it gives up
and ``ezdxf.readfile`` reads the file instead, with its own errors and messages. Binary DXF
goes to ezdxf directly. tests/cad/test_dxfread.py holds ezdxf's tags as the reference.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path

import ezdxf
from ezdxf.document import Drawing as EzDoc
from ezdxf.lldxf.tags import Tags
from ezdxf.lldxf.types import BINARY_DATA, POINT_CODES, TYPE_TABLE, DXFBinaryTag, DXFTag, DXFVertex
from ezdxf.tools.codepage import toencoding


class NotPlain(Exception):
    """The file needs ezdxf's own reader (it may be damaged, or unusual)."""


_VERSION = re.compile(rb"\$ACADVER[ \t]*\r?\n[ \t]*1[ \t]*\r?\n[ \t]*(AC\d{4})")
_CODEPAGE = re.compile(rb"\$DWGCODEPAGE[ \t]*\r?\n[ \t]*3[ \t]*\r?\n[ \t]*([\w-]+)")


def readfile(path: str | Path) -> EzDoc:
    """``ezdxf.readfile(path)``, faster; in a pre-2007 file that holds ``\\U+xxxx`` / ``\\M+``
    escapes (characters outside its codepage, kept that way by older CAD programs) every string
    value is decoded, as ezdxf's recover loader does.  Raises :class:`NotPlain` for such a file
    when it is binary or unusual, so the caller can use a decoding reader."""
    path = str(path)
    with open(path, "rb") as fh:
        data = fh.read()
    escaped = b"\\U+" in data or b"\\M+" in data
    if not data.startswith(b"AutoCAD Binary DXF"):
        header = data[:data.find(b"ENDSEC")]
        version, codepage = _VERSION.search(header), _CODEPAGE.search(header)
        if version:  # (no $DWGCODEPAGE: ezdxf reads it as ANSI_1252)
            ver = version.group(1).decode()
            encoding = "utf-8" if ver >= "AC1021" else toencoding(codepage.group(1).decode() if codepage else "")
            try:
                text = data.decode(encoding, "surrogateescape")
                if "\r" in text:  # as a file opened in text mode reads it
                    text = text.replace("\r\n", "\n").replace("\r", "\n")
                del data
                sections = sections_of(text, escaped and ver < "AC1021")
            except (NotPlain, LookupError):
                pass
            else:
                del text
                sections.pop("THUMBNAILIMAGE", None)
                doc = EzDoc()
                doc._load_section_dict(sections)
                doc.filename = path
                return doc
    doc = ezdxf.readfile(path)
    if escaped and doc.dxfversion < "AC1021":
        raise NotPlain("a binary or unusual pre-2007 file with unicode escapes")
    return doc


def sections_of(text: str, decode_unicode: bool = False) -> OrderedDict:
    """The section dict ``ezdxf.lldxf.loader.load_dxf_structure`` makes of the same file."""
    if decode_unicode:
        from ezdxf.lldxf.encoding import decode_dxf_unicode, has_dxf_unicode
    lines = text.split("\n")
    end = len(lines) - 1
    i = 0
    sections: OrderedDict = OrderedDict()
    section: list | None = None
    group: Tags | None = None
    codes: dict[str, int] = {}
    types = TYPE_TABLE
    points = POINT_CODES
    Tag, Vertex = DXFTag, DXFVertex

    def code_of(line: str) -> int | None:
        got = codes.get(line)
        if got is None:
            try:
                got = codes[line] = int(line)
            except ValueError:
                return None
        return got

    while i < end:
        raw = lines[i]
        code = codes.get(raw)
        if code is None:
            try:
                code = codes[raw] = int(raw)
            except ValueError:
                raise NotPlain(f"group code {raw!r} at line {i + 1}") from None
        value = lines[i + 1]
        i += 2
        if code == 0:
            value = value.strip()
            if group is not None and section is not None:
                section.append(group)
            group = None
            if value == "SECTION":
                if section is not None:
                    raise NotPlain("SECTION inside a section")
                section = []
            elif value == "ENDSEC":
                if section is None or len(section[0]) < 2 or section[0][1].code != 2:
                    raise NotPlain("ENDSEC without a named SECTION")
                sections[section[0][1].value] = section
                section = None
                continue
            elif value == "EOF":
                if section is not None:
                    raise NotPlain("EOF inside a section")
                return sections
            group = Tags([Tag(0, value)])
            continue
        if code in points:
            if i >= end or code_of(lines[i]) != code + 10:
                raise NotPlain(f"point without y at line {i}")
            try:
                x, y = float(value), float(lines[i + 1])
                i += 2
                if i < end and code_of(lines[i]) == code + 20:
                    tag = Vertex(code, (x, y, float(lines[i + 1])))
                    i += 2
                else:
                    tag = Vertex(code, (x, y))
            except ValueError:
                raise NotPlain(f"coordinate is not a number near line {i}") from None
        elif code == 999:
            continue
        elif code in BINARY_DATA:
            try:
                tag = DXFBinaryTag.from_string(code, value)
            except ValueError:
                raise NotPlain(f"binary data near line {i}") from None
        else:
            cast = types.get(code, str)
            try:
                tag = Tag(code, cast(value))
            except ValueError:
                if cast is not int:
                    raise NotPlain(f"value {value!r} near line {i}") from None
                try:  # some exporters write integers as floats, which ezdxf accepts
                    tag = Tag(code, int(float(value)))
                except ValueError:
                    raise NotPlain(f"value {value!r} near line {i}") from None
            if decode_unicode and cast is str and has_dxf_unicode(value):
                tag = Tag(code, decode_dxf_unicode(value))
        if group is not None:
            group.append(tag)
    raise NotPlain("no EOF")
