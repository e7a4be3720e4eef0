"""The code page a DXF's texts are really in. A pre-2007 DXF declares its code page in
``$DWGCODEPAGE``; an English CAD program saving a Chinese drawing writes ANSI_1252 over GBK
bytes, and read as declared its layer names and texts are mojibake (no layer maps, no rule
checks anything)."""

from __future__ import annotations

import codecs
import re

from ezdxf.tools.codepage import toencoding

VERSION = re.compile(rb"\$ACADVER[ \t]*\r?\n[ \t]*1[ \t]*\r?\n[ \t]*(AC\d{4})")
CODEPAGE = re.compile(rb"\$DWGCODEPAGE[ \t]*\r?\n[ \t]*3[ \t]*\r?\n[ \t]*([\w-]+)")

GBK_SNIFFED = ("文件声明代码页为 ANSI_1252（或未声明），但其文字为 GBK 编码（常见于英文版 CAD 保存的中文图纸），已按 GBK 读取 / "
               "the file declares code page ANSI_1252 (or none) but its texts are GBK (Chinese saved by an "
               "English CAD program); read as GBK")
UTF8_LINES = ("文件声明代码页为 ANSI_1252，但其中 {n} 行（图层名、文字等）为 UTF-8 编码（常见于 GDAL 等程序导出的图纸），"
              "已按 UTF-8 读取 / the file declares code page ANSI_1252 but {n} of its lines (layer names, texts) "
              "are UTF-8 (as GDAL's ogr2ogr writes them); read as UTF-8")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_HIGH = re.compile(rb"[\x80-\xff]")
SNIFF_BYTES = 4 << 20  # the header, the tables (layer names) and the first entities' texts


def sniffed_encoding(data: bytes, declared: str) -> str:
    """*declared*, or ``gbk`` for a file that says ANSI_1252 (or nothing) while its texts are
    GBK: the bytes decode as GBK, and most characters are common Chinese ones (both bytes in
    GB2312's rows, 0xA1–0xFE). A Western text decodes as GBK too, but its accented letter
    pairs with the ASCII letter after it ("ü" + "r" in "Türen"), outside those rows."""
    if declared != "cp1252":
        return declared
    sample = data[:SNIFF_BYTES]
    if not _HIGH.search(sample):  # ASCII only (most files; Chinese as \U+ escapes): nothing to decide
        return declared
    try:  # incremental: a character cut at the sample's end is not an error
        text = codecs.getincrementaldecoder("gbk")().decode(sample, final=False)
    except UnicodeDecodeError:
        return declared
    chars = _NON_ASCII.findall(text, 0, len(text))[:20_000]
    common = sum(1 for ch in chars if _gb2312(ch))
    return "gbk" if len(chars) >= 4 and common >= 0.8 * len(chars) else declared


def _gb2312(ch: str) -> bool:
    b = ch.encode("gbk")
    return len(b) == 2 and b[0] >= 0xA1 and b[1] >= 0xA1


def declares_western(data: bytes) -> bool:
    """A pre-2007 text file whose code page is ANSI_1252 or not given (read as ANSI_1252). A
    file without $ACADVER is read as R12 (gnuplot's DXF terminal writes none, and its labels in
    UTF-8)."""
    header = data[:data.find(b"ENDSEC")]
    version, codepage = VERSION.search(header), CODEPAGE.search(header)
    return (version is None or version.group(1) < b"AC1021") and toencoding(
        codepage.group(1).decode() if codepage else "") == "cp1252"


_HEADER = re.compile(rb"(?m)^[ \t]*2[ \t]*(\r?\n)HEADER[ \t]*\r?\n")


def declared_gbk(data: bytes) -> bytes:
    """*data* (a pre-2007 ASCII DXF that says ANSI_1252 or nothing, over GBK texts) saying
    ANSI_936: its declaration replaced, or one put at the head of its header (sdxf, and old
    writers like it, write none; Python on a Chinese Windows writes their texts in GBK)."""
    header = data[:data.find(b"ENDSEC")]
    found = CODEPAGE.search(header)
    if found:
        return data[:found.start(1)] + b"ANSI_936" + data[found.end(1):]
    m = _HEADER.search(header)
    if m is None:
        return data
    nl = m.group(1)
    return data[:m.end()] + b"9" + nl + b"$DWGCODEPAGE" + nl + b"3" + nl + b"ANSI_936" + nl + data[m.end():]


def utf8_lines_escaped(data: bytes) -> tuple[bytes, int]:
    """*data* (a pre-2007 ASCII DXF declared ANSI_1252, not GBK) with each line that is UTF-8
    written as the DXF's own ``\\U+xxxx`` escapes, and how many lines that was. GDAL writes layer
    names in UTF-8 into such a file (its texts as escapes, a ``±`` as the ANSI byte), so one
    file holds both: judged a line at a time. A line of ANSI letters is valid UTF-8 only where
    its accented letters come in the pairs of mojibake (``Ã©``); such a line (its characters
    U+0080–U+00FF: ``±``, ``Ø``, ``é``) is taken only when another line shows the file's writer
    writes UTF-8: a character of three bytes or more (every CJK one), which ANSI letters form
    only as ``â€™`` and the like. makerjs writes ``卧室 ±0.000`` and ``Ø20`` so.
    Only the lines holding a byte above 0x7F are looked at (one pass from each to its line's end)."""
    lines, wide = [], False
    m = _HIGH.search(data)
    while m is not None:
        start = data.rfind(b"\n", 0, m.start()) + 1
        end = data.find(b"\n", m.start())
        end = len(data) if end < 0 else end
        try:
            text = data[start:end].decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            latin = any(0x80 <= ord(ch) <= 0xFF for ch in text)  # Ã©: ANSI, unless the file says UTF-8
            wide = wide or any(ord(ch) > 0x7FF for ch in text)
            lines.append((start, end, text, latin))
        m = _HIGH.search(data, end)
    parts, pos, n = [], 0, 0
    for start, end, text, latin in lines:
        if latin and not wide:
            continue
        parts += [data[pos:start], _NON_ASCII.sub(_escape, text).encode("ascii")]
        pos, n = end, n + 1
    if not n:
        return data, 0
    parts.append(data[pos:])
    return b"".join(parts), n


def _escape(c: re.Match) -> str:
    return "\\U+%04x" % ord(c.group(0)) if ord(c.group(0)) <= 0xFFFF else "?"
