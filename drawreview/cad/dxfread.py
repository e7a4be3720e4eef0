"""A faster front end for ezdxf's strict loader.

``ezdxf.readfile`` spends about half its time turning the file into tags: a ``readline`` call
per line (or a generator step per binary tag), then a tag compiler and a grouping pass, each a
Python generator stacked on the last.  :func:`readfile` reads the file in one call, splits it
into group codes and values (ASCII: one ``split``; binary DXF: one tight loop with ezdxf's
binary rules), then does what the three steps do (typed values, x/y/z merged into vertices,
comments dropped, groups per structure tag, sections) in a single loop, and hands the sections
to ezdxf's own document loader, so the document is ezdxf's in every other respect.

It takes only well-formed files: at the first thing it does not expect (a bad group code, a
point without its y, a value that is not a number, a section not closed, no EOF, a binary file
cut short) it gives up and ``ezdxf.readfile`` reads the file instead, with its own errors and
messages.  tests/cad/test_dxfread.py holds ezdxf's tags and documents as the reference.
"""

from __future__ import annotations

import struct
from collections import OrderedDict
from pathlib import Path

import ezdxf
from ezdxf.document import Drawing as EzDoc
from ezdxf.lldxf.tags import Tags
from ezdxf.lldxf.types import BINARY_DATA, POINT_CODES, TYPE_TABLE, DXFBinaryTag, DXFTag, DXFVertex
from ezdxf.tools.codepage import toencoding

from .codepage import CODEPAGE as _CODEPAGE, VERSION as _VERSION, GBK_SNIFFED, UTF8_LINES, declares_western
from .codepage import sniffed_encoding, utf8_lines_escaped
from . import hatchread, slips
from .legacy import joined_escapes


class NotPlain(Exception):
    """The file needs ezdxf's own reader (it may be damaged, or unusual)."""




REORDERED = ("直线坐标为旧式顺序（x1 x2 y1 y2），已按 ezdxf 的修复层重排后读取 / LINE coordinates were in the "
             "old x1 x2 y1 y2 order; recovered by reordering them (ezdxf's repair layer)")


def readfile(path: str | Path) -> EzDoc:
    """``ezdxf.readfile(path)``, faster (see :func:`read`)."""
    return read(path)[0]


def read(path: str | Path, patterns_apart: bool = True) -> tuple[EzDoc, list[str]]:
    """``ezdxf.readfile(path)``, faster, and what had to be repaired to read it.

    In a pre-2007 file that holds ``\\U+xxxx`` / ``\\M+`` escapes (characters outside its
    codepage, kept that way by older CAD programs) every string value is decoded, as ezdxf's
    recover loader does; :class:`NotPlain` is raised for such a file when it is binary or
    unusual, so the caller can use a decoding reader.  An ASCII file whose LINEs give their
    coordinates in the old x1 x2 y1 y2 order (the strict reader refuses it) is read through
    ezdxf's own reordering layer, and that repair is returned.  An ASCII file's hatch patterns
    are read apart (``cad.hatchread``) unless *patterns_apart* is false."""
    path = str(path)
    with open(path, "rb") as fh:
        data = fh.read()
    binary = data.startswith(BINARY_SENTINEL)
    western = not binary and declares_western(data)
    gbk = western and sniffed_encoding(data, "cp1252") == "gbk"
    override = "gbk" if gbk else None
    sections, repairs = None, []
    data, nuls = (data, 0) if binary else slips.nul_ends(data)
    if nuls:
        repairs = [slips.NUL_ENDS.format(n=nuls)]
    if western and not gbk:
        data, utf8 = utf8_lines_escaped(data)
        repairs += [UTF8_LINES.format(n=utf8)] if utf8 else []
    escaped = b"\\U+" in data or b"\\M+" in data
    patterns: list | None = [] if patterns_apart and not binary else None
    try:
        if binary:
            sections = binary_sections_of(data, escaped)
        else:
            try:
                sections = _text_sections(data, escaped, override, patterns)
            except hatchread.Unplaced:
                patterns = None
                sections = _text_sections(data, escaped, override)
    except NotPlain as exc:
        if str(exc).startswith(NO_Y) and not escaped and not binary:
            sections = _reordered_sections(data, override)
            repairs = repairs + ([REORDERED] if sections is not None else [])
    except LookupError:
        pass
    del data
    if gbk:
        repairs = repairs + [GBK_SNIFFED]
    if sections is not None:
        sections.pop("THUMBNAILIMAGE", None)
        doc = EzDoc()
        doc._load_section_dict(sections)
        if patterns:
            try:
                hatchread.attach(doc, patterns)
            except hatchread.Unplaced:
                return read(path, patterns_apart=False)
        doc.filename = path
        if gbk:  # written again (a sheet's own DXF), it says what it holds
            doc.header["$DWGCODEPAGE"] = "ANSI_936"
            doc.encoding = "gbk"
        if escaped:  # an escape cut between MTEXT chunks (dxflib): decoded in the joined text
            joined_escapes(doc)
        return doc, repairs
    if nuls:  # the file as it is would keep them
        raise NotPlain("a file whose strings end in NUL, read apart")
    doc = ezdxf.readfile(path, encoding="gbk") if gbk else ezdxf.readfile(path)
    if escaped and doc.dxfversion < "AC1021":
        raise NotPlain("a binary or unusual pre-2007 file with unicode escapes")
    return doc, []


def _reordered_sections(data: bytes, override: str | None = None) -> OrderedDict | None:
    """ezdxf's strict tag pipeline with its LINE coordinate reordering layer in front."""
    from io import StringIO

    from ezdxf.lldxf import loader
    from ezdxf.lldxf.repair import tag_reorder_layer
    from ezdxf.lldxf.tagger import ascii_tags_loader, tag_compiler

    header = data[:data.find(b"ENDSEC")]
    version, codepage = _VERSION.search(header), _CODEPAGE.search(header)
    if not version or version.group(1) >= b"AC1021":
        return None
    text = data.decode(override or toencoding(codepage.group(1).decode() if codepage else ""), "surrogateescape")
    try:
        tags = ascii_tags_loader(StringIO(text, newline=None))
        return loader.load_dxf_structure(tag_compiler(tag_reorder_layer(tags)))
    except ezdxf.DXFError:
        return None


def _text_sections(data: bytes, escaped: bool, override: str | None = None,
                   patterns: list | None = None) -> OrderedDict | None:
    header = data[:data.find(b"ENDSEC")]
    version, codepage = _VERSION.search(header), _CODEPAGE.search(header)
    # (no $DWGCODEPAGE: ezdxf reads the file as ANSI_1252; no $ACADVER, as R12: gnuplot)
    ver = version.group(1).decode() if version else "AC1009"
    encoding = "utf-8" if ver >= "AC1021" else override or toencoding(codepage.group(1).decode() if codepage else "")
    return _structure(_line_blocks(_text_blocks(data, encoding)), True, escaped and ver < "AC1021", patterns)


def sections_of(text: str, decode_unicode: bool = False) -> OrderedDict:
    """The section dict ``ezdxf.lldxf.loader.load_dxf_structure`` makes of the same ASCII file."""
    return _structure(_line_blocks([text]), True, decode_unicode)


BLOCK = 4 << 20  # bytes of the file split into lines at a time


def _text_blocks(data: bytes, encoding: str):
    """The file decoded a block at a time, each block ending after a line break (so a
    multi-byte character or a CR LF is never cut), as a file opened in text mode reads it."""
    pos, n = 0, len(data)
    while pos < n:
        cut = data.find(b"\n", min(pos + BLOCK, n))
        cut = n if cut < 0 else cut + 1
        text = data[pos:cut].decode(encoding, "surrogateescape")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        pos = cut
        yield text
        del text


def _line_blocks(texts):
    """(group codes, values) of consecutive pieces of a DXF text: the lines of each piece,
    paired across the pieces as ``text.split("\n")`` of the whole would pair them."""
    known: dict[str, int] = {}
    carry: list[str] = []
    for text in texts:
        lines = text.split("\n")
        tail = lines.pop()  # the piece ends after a line break: "" (or the last line of the file)
        if carry:
            lines[:0] = carry
        carry = [lines.pop()] if len(lines) % 2 else []
        if tail:
            carry.append(tail)
        raw = lines[0::2]
        for line in set(raw).difference(known):
            try:
                known[line] = int(line)
            except ValueError:
                known[line] = -1  # not a group code: an error if the structure pass reaches it
        yield list(map(known.__getitem__, raw)), lines[1::2]
        del lines, raw
    if len(carry) == 2:  # the file's last value has no line break after it
        try:
            yield [int(carry[0])], [carry[1]]
        except ValueError:
            yield [-1], [carry[1]]


NO_Y = "point without y"
BINARY_SENTINEL = b"AutoCAD Binary DXF\r\n\x1a\x00"


def binary_sections_of(data: bytes, decode_unicode: bool = False) -> OrderedDict:
    """The section dict ezdxf makes of the same binary DXF (``binary_tags_loader``'s rules:
    1-byte group codes up to R12, 2-byte after; values typed by group code; comments kept)."""
    from ezdxf.lldxf.types import BYTES, DOUBLE, INT16, INT32, INT64

    if data[:22] != BINARY_SENTINEL:
        raise NotPlain("not binary DXF")
    encoding, version = _binary_params(data)
    r12 = version <= "AC1009"
    widths = {**{c: (2, "<h") for c in INT16}, **{c: (8, "<d") for c in DOUBLE},
              **{c: (4, "<i") for c in INT32}, **{c: (8, "<q") for c in INT64}}
    unpack = struct.unpack_from
    codes: list[int] = []
    values: list = []
    strings: list[int] = []  # where in *values* the strings go: decoded in one call below
    raw: list[bytes] = []
    pos, n = 22, len(data)
    try:
        while pos < n:
            code = data[pos]
            if r12:
                if code == 255:
                    code = data[pos + 1] | data[pos + 2] << 8
                    pos += 3
                else:
                    pos += 1
            else:
                code |= data[pos + 1] << 8
                pos += 2
            w = widths.get(code)
            if w is not None:
                value = unpack(w[1], data, pos)[0]
                pos += w[0]
            elif code in BINARY_DATA:
                size = data[pos]
                value = DXFBinaryTag(code, data[pos + 1:pos + 1 + size])
                pos += 1 + size
            elif code in BYTES:
                value = data[pos]
                pos += 1
            else:
                stop = data.index(b"\0", pos)
                value = data[pos:stop]
                pos = stop + 1
                if code == 0 and value == b"EOF":
                    codes.append(code)
                    values.append("EOF")
                    break
                strings.append(len(values))
                raw.append(value)
            codes.append(code)
            values.append(value)
    except (IndexError, ValueError, struct.error) as exc:
        raise NotPlain(f"binary data cut short near byte {pos}") from exc
    # one decoding call for every string of the file (no string holds a NUL: it ends them)
    for i, text in zip(strings, b"\0".join(raw).decode(encoding, "surrogateescape").split("\0")):
        values[i] = text
    return _structure([(codes, values)], False, decode_unicode and version < "AC1021")


def _binary_params(data: bytes) -> tuple[str, str]:
    """(encoding, version) as ezdxf's binary loader reads them from the first 1 KB."""
    version, encoding = "AC1009", "cp1252"
    at = data.find(b"$ACADVER", 22, 1024)
    if at >= 0:
        start = at + 10 if data[at + 10] == 65 else at + 11
        version = data[start:start + 6].decode("ascii", "replace")
    if version >= "AC1021":
        return "utf8", version
    at = data.find(b"$DWGCODEPAGE", 22, 1024)
    if at >= 0:
        start = at + 14 if data[at + 14] == 65 else at + 15
        end = data.find(b"\0", start + 5)
        encoding = toencoding(data[start:end].decode("ascii", "replace"))
    return encoding, version


def _plain_codes(skip_comments: bool) -> dict[int, type]:
    """Group code -> value type of every code _structure takes as it is (no structure tag,
    point, binary data or skipped comment)."""
    return {c: TYPE_TABLE.get(c, str) for c in range(1, 1072)
            if c not in POINT_CODES and c not in BINARY_DATA and not (c == 999 and skip_comments)}


_PLAIN = {True: _plain_codes(True), False: _plain_codes(False)}


def _typed(code: int, cast, value, i: int, decode_unicode: bool) -> DXFTag:
    """The tag of one group code and value, typed as ezdxf types it (leniently where it is lenient)."""
    try:
        tag = DXFTag(code, cast(value))
    except ValueError:
        tag = _lenient(code, cast, value, i)
    if decode_unicode and cast is str:
        from ezdxf.lldxf.encoding import decode_dxf_unicode, has_dxf_unicode

        if has_dxf_unicode(value):
            tag = DXFTag(code, decode_dxf_unicode(value))
    return tag


def _lenient(code: int, cast, value: str, i: int) -> DXFTag:
    """A value its group code's type refused: an integer written as a float (some exporters do,
    and ezdxf accepts it), else the file is not plain DXF here."""
    if cast is int:
        try:
            return DXFTag(code, int(float(value)))
        except ValueError:
            pass
    raise NotPlain(f"value {value!r} near tag {i}") from None


UNIQUE = frozenset((5, 105))  # handles: never repeated, not worth keeping
SHARED = 1 << 16  # distinct tags kept for sharing at most (then the table starts again)


def _structure(blocks, skip_comments: bool, decode_unicode: bool, patterns: list | None = None) -> OrderedDict:
    """Typed tags (vertices merged), grouped per structure tag, in sections: what ezdxf's tag
    compiler, ``group_tags`` and ``load_dxf_structure`` make of the same tags.  *blocks* yields
    (group codes, values) lists in file order, so a large file is never split into lines all
    at once.  *patterns*: a list to collect (HATCH group, pattern lines) in, where a hatch's
    pattern definition is read by ``cad.hatchread`` and left out of its tags."""
    sections: OrderedDict = OrderedDict()
    section: list | None = None
    group: Tags | None = None
    types = TYPE_TABLE
    points = POINT_CODES
    plain = _PLAIN[skip_comments]
    Tag, Vertex = DXFTag, DXFVertex
    codes: list = []
    values: list = []
    # a tag is immutable (ezdxf's ``DXFTag.clone`` returns it): one object serves every
    # repetition of the same code and value (a layer, a subclass marker, 0.0 …: 3 in 4 tags)
    made = {code: {} for code in plain}
    hatches: list = []  # every HATCH group, when patterns are read apart
    typed = (lambda code, cast, value, i: _typed(code, cast, value, i, False))
    i = end = stop = 0
    blocks = iter(blocks)
    while True:
        if i >= stop:  # the next block, with what is left of this one (a point may span them)
            more = next(blocks, None)
            if more is None:
                if i >= end:
                    break
                stop = end
            else:
                codes, values = codes[i:] + more[0], values[i:] + more[1]
                i, end = 0, len(codes)
                stop = end - 3  # a point's y and z must be in view
                continue
        code = codes[i]
        value = values[i]
        i += 1
        cast = plain.get(code)
        if cast is not None:  # the common tag: one look-up instead of the checks below
            if code == 78 and patterns is not None and group is not None and group[0].value == "HATCH":
                got = hatchread.read(group, codes, values, i, end, typed)
                if got is not None:
                    i, lines = got
                    patterns.append((group, lines))
                    continue
            same = made[code]
            tag = same.get(value)
            if tag is None:
                tag = _typed(code, cast, value, i, decode_unicode)
                if type(value) is str and code not in UNIQUE:  # (a binary file's numbers come typed:
                    # 0.0 and -0.0 would be one key)
                    if len(same) >= SHARED:
                        same.clear()
                    same[value] = tag
            if group is not None:
                group.append(tag)
            continue
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
                if patterns:
                    hatchread.check(hatches, patterns)
                return sections
            group = Tags([Tag(0, value)])
            if patterns is not None and value == "HATCH":
                hatches.append(group)
            continue
        if code in points:
            if i >= end or codes[i] != code + 10:
                raise NotPlain(f"{NO_Y} at tag {i}")
            try:
                x, y = float(value), float(values[i])
                i += 1
                if i < end and codes[i] == code + 20:
                    tag = Vertex(code, (x, y, float(values[i])))
                    i += 1
                else:
                    tag = Vertex(code, (x, y))
            except ValueError:
                raise NotPlain(f"coordinate is not a number near tag {i}") from None
        elif code == 999 and skip_comments:
            continue
        elif code in BINARY_DATA:
            if isinstance(value, DXFBinaryTag):
                tag = value
            else:
                try:
                    tag = DXFBinaryTag.from_string(code, value)
                except ValueError:
                    raise NotPlain(f"binary data near tag {i}") from None
        elif code < 0:
            raise NotPlain(f"group code {value!r} near tag {i}")
        else:
            tag = _typed(code, types.get(code, str), value, i, decode_unicode)
        if group is not None:
            group.append(tag)
    raise NotPlain("no EOF")
