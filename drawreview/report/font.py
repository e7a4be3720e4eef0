"""The CJK font of the report part: loading, coverage and line wrapping.

The default is PyMuPDF's built-in ``china-s`` (Droid Sans Fallback, a real TrueType file
shipped inside PyMuPDF, so every machine has it). Any TrueType/OpenType file (``.ttf``,
``.otf``, ``.ttc``) can be given instead. Documents embed it and then subset it
(``Document.subset_fonts``) so only the glyphs used are stored.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pymupdf

from drawreview.errors import ValidationFailed

DEFAULT_FONT = "china-s"
_BUILTIN = ("china-s", "china-ss", "china-t", "china-ts", "japan", "korea", "cjk")

# Characters that must not start a line (CJK closing punctuation).
_NO_LINE_START = set("，。、；：？！）》」』】〕”’%,.;:!?)]}")


@lru_cache(maxsize=8)
def load_font(spec: str | Path = DEFAULT_FONT) -> pymupdf.Font:
    """A pymupdf.Font from a built-in CJK name or a font file path."""
    spec = str(spec)
    if spec in _BUILTIN:
        return pymupdf.Font(spec)
    path = Path(spec)
    if not path.is_file():
        raise ValidationFailed(f"找不到字体文件：{spec}", f"Font file not found: {spec}", details={"font": spec})
    try:
        return pymupdf.Font(fontfile=str(path))
    except Exception as exc:  # MuPDF raises plain RuntimeError/FzError for bad files
        raise ValidationFailed(
            f"字体文件无法读取：{spec}", f"Font file cannot be read: {spec}", details={"font": spec}
        ) from exc


def missing_chars(font: pymupdf.Font, text: str) -> set[str]:
    """Printable characters of ``text`` that ``font`` has no glyph for."""
    return {ch for ch in set(text) if not ch.isspace() and ch.isprintable() and not font.has_glyph(ord(ch))}


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, punctuation, kana, unified ideographs
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x20000 <= o <= 0x2FA1F
    )


def char_widths(font: pymupdf.Font, text: str, size: float) -> list[float]:
    """Advance widths of each character of ``text`` at ``size``; widths are cached on the
    font object (PyMuPDF's per-character lookup dominates long reports otherwise)."""
    cache: dict[str, float] | None = getattr(font, "_drawreview_widths", None)
    if cache is None:
        cache = {}
        font._drawreview_widths = cache
    new = [ch for ch in set(text) if ch not in cache]
    if new:
        for ch, w in zip(new, font.char_lengths("".join(new), fontsize=1.0)):
            cache[ch] = w
    return [cache[ch] * size for ch in text]


def wrap(font: pymupdf.Font, text: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` points.

    CJK text may break between any two characters; Latin words are kept whole when they
    fit on a line; closing punctuation never starts a line. Explicit newlines are kept.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        if not para:
            lines.append("")
            continue
        widths = char_widths(font, para, size)
        start, run, word_start = 0, 0.0, 0
        i = 0
        while i < len(para):
            ch = para[i]
            if run + widths[i] > width and i > start:
                brk = i
                if ch in _NO_LINE_START and i - 1 > start:
                    brk = i - 1  # take the previous char down with the punctuation
                elif _is_word_char(ch) and start < word_start < i:
                    brk = word_start  # whole Latin word to the next line
                lines.append(para[start:brk].rstrip())
                while brk < len(para) and para[brk] == " ":
                    brk += 1
                start = i = word_start = brk
                run = 0.0
                continue
            if not _is_word_char(ch):
                word_start = i + 1
            run += widths[i]
            i += 1
        lines.append(para[start:].rstrip())
    return lines


def _is_word_char(ch: str) -> bool:
    return not ch.isspace() and not is_cjk(ch)
