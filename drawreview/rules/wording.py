"""A text's words as a reader reads them on the sheet: TEXT, ATTRIB and MTEXT control codes
decoded (ezdxf's ``plain_text``), MTEXT stacks written on one line (decision 126), and ``\\U+``
escapes read as characters."""

from __future__ import annotations

import re

from ezdxf.lldxf.encoding import decode_dxf_unicode, decode_mif_to_unicode, has_dxf_unicode, has_mif_encoding
from ezdxf.tools.text import plain_mtext

from .hanzi import simplified


def drawn_text(e) -> str:
    """A TEXT's, ATTRIB's or MTEXT's words as drawn: the control codes (%%u underline, %%c ⌀,
    %%d °; an MTEXT's formatting and its ``\\~`` non-breaking space) decoded by ezdxf's
    ``plain_text``, only where there are any (most texts have none), and ``\\U+5730`` escapes
    read as the characters CAD programs draw for them in a file of any version (converters write
    them in UTF-8 files too; the loader decodes them only in pre-2007 files), as are ``\\M+5B5D8``
    multibyte escapes; a tab stop written ``\\t`` parts cells as a tab does; a letter-spaced title
    is read as its word (``letters_joined``); traditional characters are read as simplified ones
    (``hanzi.simplified``: 地下一層平面圖 → 地下一层平面图)."""
    if e.dxftype() == "MTEXT":
        raw = e.text
        text = plain_mtext(unstacked(raw), split=False) if "\\S" in raw else e.plain_text()
        if "\\~" in text:  # MTEXT's non-breaking space, which plain_text leaves as written
            text = text.replace("\\~", " ")
        if "\\t" in text:  # a tab stop written \t (plain_text reads ^I and a tab character, not this)
            text = text.replace("\\t", "    ")
    else:
        text = e.dxf.text
        text = e.plain_text() if "%%" in text else text
    return letters_joined(simplified(unescaped(text)))


# an MTEXT stack: \S1/2; (a fraction), \S1#2; (diagonal), \S2^; (superscript), \S18F^-2F; (tolerance);
# ezdxf's plain_text reads the caret as a control code (\S18^F; → "18\x06")
STACK = re.compile(r"\\S([^;^/#]*)([/#^])([^;]*);")


def unstacked(text: str) -> str:
    r"""An MTEXT's stacks written on one line as a reader says them: ``\S1/2;`` → ``1/2``, ``m\S2^;`` →
    ``m2`` (a superscript), ``\S18^F;`` → ``18F`` (a unit under its number), ``\S18F^-2F;`` →
    ``18F/-2F`` (storeys above over below ground)."""

    def one(m: re.Match) -> str:
        top, sep, bottom = m.group(1).strip(), m.group(2), m.group(3).strip()
        if sep == "^" and (not top or not bottom):
            return top or bottom
        if sep == "^" and bottom.isascii() and bottom.isalpha():
            return top + bottom
        return f"{top}/{bottom}"

    return STACK.sub(one, text)


def unescaped(text: str) -> str:
    """``\\U+5730\\U+4E0B`` → ``地下`` and the multibyte escapes ODA's converter and old AutoCAD write,
    ``\\M+5B5D8`` → ``地`` (``\\M+n``: the code page n, 1 Shift-JIS, 2 Big5, 3 Wansung, 4 Johab, 5 GBK, then
    the character's two bytes), both by ezdxf's decoders; any other text as it is."""
    if "\\" not in text:
        return text
    if has_dxf_unicode(text):
        text = decode_dxf_unicode(text)
    return decode_mif_to_unicode(text) if has_mif_encoding(text) else text


# a title letter-spaced for its look: 地 下 一 层 平 面 图 (single ideographs, each after a space)
SPACED = re.compile(r"(?<!\S)[\u3400-\u9fff](?:[ \u3000]{1,3}[\u3400-\u9fff](?!\S))+")


def letters_joined(text: str) -> str:
    """``地 下 一 层 平 面 图  1:100`` → ``地下一层平面图  1:100``, ``图 例`` → ``图例``: ideographs that each
    stand alone, one to three spaces apart, are one word spaced out as titles are; words of two or
    more characters (``1#楼 一级``, ``防火分区一  面积``) stay apart."""
    if " " not in text and "\u3000" not in text:
        return text
    return SPACED.sub(lambda m: re.sub(r"[ \u3000]+", "", m.group(0)), text)
