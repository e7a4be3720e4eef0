"""MTEXT formatting codes as a reader meets them on the sheet: the height the words are plotted at
when an inline ``\\H`` code sets it (``\\H250;注：…`` at char height 350 is 250 high, ``\\H0.5x;`` half
the char height), and a DIMENSION's override read without its codes (``\\A1;6000`` reads 6000,
``{\\H2.5;\\C1;6000}``, ``\\W0.8;\\fSimSun|b0;%%c1800`` ⌀1800). Both by ezdxf's own MTEXT parser."""

from __future__ import annotations

from ezdxf.tools.text import MTextContext, MTextParser, TokenType, plain_mtext

CODE_MARKS = ("\\", "{", "%%")


def plotted_height(content: str, char_height: float) -> float:
    """The height most of an MTEXT's characters are drawn at: its char height, unless inline ``\\H``
    codes change it (absolute ``\\H250;`` or relative ``\\H0.5x;``, in a group ``{\\H2x;…}`` or not).
    Characters are counted, so a short heading at another height does not set the note's height;
    on a tie the first height wins."""
    if "\\H" not in content:
        return char_height
    ctx = MTextContext()
    ctx.cap_height = char_height
    counts: dict[float, int] = {}
    try:
        for token in MTextParser(content, ctx):
            if token.type == TokenType.WORD:
                h = round(float(token.ctx.cap_height), 6)
                counts[h] = counts.get(h, 0) + len(token.data.strip())
    except Exception:  # noqa: BLE001 - a malformed code: the char height, as before
        return char_height
    counts = {h: n for h, n in counts.items() if n}
    return max(counts, key=counts.get) if counts else char_height


def as_read(text: str) -> str:
    """A dimension override's words without MTEXT codes: ``\\A1;6000`` → ``6000``, ``\\L6000\\l`` →
    ``6000``, ``%%c1800`` → ``Ø1800``, ``6000\\P(typ.)`` → ``6000 (typ.)``; a text with no code as it is."""
    if not any(mark in text for mark in CODE_MARKS):
        return text
    return plain_mtext(text, split=False).replace("\n", " ")
