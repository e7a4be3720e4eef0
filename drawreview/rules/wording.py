"""A text's words as a reader reads them on the sheet: TEXT, ATTRIB and MTEXT control codes
decoded (ezdxf's ``plain_text``), MTEXT stacks written on one line (decision 126), and ``\\U+``
escapes read as characters."""

from __future__ import annotations

import re

from ezdxf.lldxf.encoding import decode_dxf_unicode, has_dxf_unicode
from ezdxf.tools.text import plain_mtext


def drawn_text(e) -> str:
    """A TEXT's, ATTRIB's or MTEXT's words as drawn: the control codes (%%u underline, %%c ⌀,
    %%d °; an MTEXT's formatting and its ``\\~`` non-breaking space) decoded by ezdxf's
    ``plain_text``, only where there are any (most texts have none), and ``\\U+5730`` escapes
    read as the characters CAD programs draw for them in a file of any version (converters write
    them in UTF-8 files too; the loader decodes them only in pre-2007 files)."""
    if e.dxftype() == "MTEXT":
        raw = e.text
        text = plain_mtext(unstacked(raw), split=False) if "\\S" in raw else e.plain_text()
        if "\\~" in text:  # MTEXT's non-breaking space, which plain_text leaves as written
            text = text.replace("\\~", " ")
    else:
        text = e.dxf.text
        text = e.plain_text() if "%%" in text else text
    return unescaped(text)


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
    """``\\U+5730\\U+4E0B`` → ``地下`` (ezdxf's decoder); any other text as it is."""
    return decode_dxf_unicode(text) if "\\" in text and has_dxf_unicode(text) else text
