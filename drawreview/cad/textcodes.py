"""What a CAD text says, read as the painter draws it: a TEXT's or ATTRIB's AutoCAD codes
(``%%c``/``%%d``/``%%p`` and ``%%nnn``, the character numbered nnn), an MTEXT's inline codes
(paragraphs, non-breaking spaces, formatting) and its stacks (``\\S1^2;``, ``\\S1/2;``,
``\\S1#2;``, tolerances read as m², 1 1/2, +0.05/-0.02). Placement and widths are
``cad.lettering``'s."""

from __future__ import annotations

import functools
import re

from ezdxf.lldxf.const import SPECIAL_CHAR_ENCODING
from ezdxf.tools.text import caret_decode
from ezdxf.tools.text import plain_text as _ez_plain_text


@functools.lru_cache(maxsize=8192)
def plain_text(raw: str) -> str:
    """``Text.plain_text()`` of a TEXT or ATTRIB whose ``dxf.text`` is *raw* (ezdxf's
    ``plain_text``), read once per distinct string: the splitter measures each text and the
    painter draws it, and drawings repeat their labels (axis numbers, room names).  AutoCAD's
    ``%%nnn`` (the character numbered nnn; 127-129 are its °, ±, Ø, as R10-era dimensions
    write them: ``90%%127``, ``%%1292.0000``), which ezdxf keeps as written, is read first."""
    if "%%" in raw:
        raw = _NUMBERED.sub(_numbered, raw)
    return _ez_plain_text(raw)


_NUMBERED = re.compile(r"(?<!%)%%([0-9]{3})")
_SHAPE_SYMBOLS = {127: "°", 128: "±", 129: "Ø"}  # AutoCAD's fonts at these numbers


def _numbered(m: re.Match) -> str:
    n = int(m.group(1))
    if n in _SHAPE_SYMBOLS:
        return _SHAPE_SYMBOLS[n]
    if 32 <= n < 127 and n != 37 or 160 <= n <= 255:  # printable (a "%" would start a code again)
        return chr(n)
    return m.group(0)



_INLINE = re.compile(r"\\(?:([\\{}])|([PN~])|[LlOoKkX;]|S([^;]*);|[^;]+;|(.)|$)|[{}]|%%(.)?", re.S)
_BREAKS = {"P": "\n", "N": " ", "~": " "}  # "\~": a non-breaking space (ezdxf's fast reading keeps it as written)


def _plain_part(m: re.Match) -> str:
    literal, brk, stacked, unended, code = m.groups()
    if literal:
        return literal
    if stacked is not None:
        before = m.string[m.start() - 1] if m.start() else ""
        return stack(stacked, before)
    if brk:
        return _BREAKS[brk]
    if unended:  # a command without its ";" stays as written
        if unended == "S":  # (ezdxf keeps an unended stack's text twice: quirk for quirk)
            return m.string[m.end():] + "\\S"
        return "\\" + unended
    if m.group(0).startswith("%%"):
        if code is None:
            return ""
        return SPECIAL_CHAR_ENCODING.get(code.lower()) or "%%" + code
    return ""


_SUP = dict(zip("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ"))
_SUB = dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎"))


def _script(text: str, table: dict, mark: str) -> str:
    return "".join(table[c] for c in text) if all(c in table for c in text) else mark + text


def stack(content: str, before: str = "") -> str:
    """The reading of a stacked MTEXT fraction ``\\S<content>;``: ``2^`` → ², ``^2`` → ₂,
    ``+0.05^-0.02`` → +0.05/-0.02 (a tolerance), ``1/2`` and ``1#2`` → 1/2, set off by a space
    from a number before it (1 1/2)."""
    at = min((i for i in (content.find("^"), content.find("/"), content.find("#")) if i >= 0), default=-1)
    if at < 0:
        return content
    up, sep, low = content[:at].strip(), content[at], content[at + 1:].strip()
    if sep == "^" and not low:
        return _script(up, _SUP, "^")
    if sep == "^" and not up:
        return _script(low, _SUB, "_")
    if sep == "^":
        return f"{up}/{low}"  # (ASCII minus: the face has no U+2212)
    out = f"{up}/{low}"
    return " " + out if before.isdigit() else out


_STACK = re.compile(r"\\\\|\\S([^;]*);")


def plain_mtext(text: str) -> list[str]:
    """The lines of an MTEXT string without inline codes: ezdxf's ``fast_plain_mtext(split=True)``
    in one regular-expression pass (ezdxf copies the rest of the string at every command,
    which on a long formatted paragraph costs more than drawing it).  Where the fast reading
    keeps ``\\~`` as written, this reads it as AutoCAD and ezdxf's full MTEXT parser do: a
    (non-breaking) space, so LibreCAD's ``scale\\~1\\~:\\~1`` shows "scale 1 : 1"."""
    stacks: list[str] = []
    if "\\S" in text:  # read before caret decoding, which takes "^;" for a control character
        def grab(m: re.Match) -> str:
            if m.group(1) is None:
                return m.group(0)
            stacks.append(stack(m.group(1), m.string[m.start() - 1] if m.start() else ""))
            return "\ue000"

        text = _STACK.sub(grab, text)
    out = _INLINE.sub(_plain_part, caret_decode(text))
    if stacks:
        parts = iter(stacks)
        out = re.sub("\ue000", lambda _: next(parts), out)
    return out.split("\n")


def words(entity) -> str:
    """What a TEXT, ATTRIB or MTEXT says on one line, read as the painter draws it (title blocks
    are read with it: an MTEXT's ``\\~`` is a space there too)."""
    if entity.dxftype() == "MTEXT":
        return " ".join(plain_mtext(entity.text))
    return plain_text(entity.dxf.text)
