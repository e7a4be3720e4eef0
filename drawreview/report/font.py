"""The CJK font of the report part: loading, coverage and line wrapping.

The default is PyMuPDF's built-in ``china-s`` (Droid Sans Fallback, a real TrueType file
shipped inside PyMuPDF, so every machine has it). Any TrueType/OpenType file (``.ttf``,
``.otf``, ``.ttc``) can be given instead. Documents embed it and then subset it
(``Document.subset_fonts``) so only the glyphs used are stored.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pymupdf

from drawreview.errors import ValidationFailed

DEFAULT_FONT = "china-s"
_BUILTIN = ("china-s", "china-ss", "china-t", "china-ts", "japan", "korea", "cjk")
# Fonts that draw what the default lacks (CJK Extension B and later, recent BMP ideographs such
# as 鿰) when the machine has them: Debian's fonts-hanazono and fonts-babelstone-han; and the
# check marks, pins and emoji a reviewer types on a phone (✔ ✘ ✅ 📌 🚒, Unicode 9 and earlier,
# in outline): fonts-symbola (Makefile, Dockerfile). Missing files are skipped; a character no
# font has is drawn as □.
FALLBACK_FONTS = (
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
    "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
)


def invisible(ch: str) -> bool:
    """A format character (Unicode category Cf: the marks and overrides of right-to-left text
    U+200E/U+200F/U+202A–U+202E/U+2066–U+2069, zero-width space and joiners, the soft hyphen,
    U+FEFF): it has no visible form. BabelStone Han draws each as a dotted box with its
    abbreviation ("RLM"), so a designer's answer pasted from a right-to-left editor printed
    boxes in the report; such characters are left out of every drawn text."""
    return unicodedata.category(ch) == "Cf"


def visible(text: str) -> str:
    """``text`` without its format characters (:func:`invisible`)."""
    return "".join(ch for ch in text if not invisible(ch)) if any(map(invisible, text)) else text


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


class FontChain:
    """A primary font and fallbacks, used where a ``pymupdf.Font`` is (``has_glyph``,
    ``char_lengths``, ``text_length``): each character is measured and drawn with the first
    font that has a glyph for it (the primary when none has). The fallback files (about 100 MB)
    are read only when a character the primary lacks is first asked for."""

    def __init__(self, primary: pymupdf.Font, fallbacks: tuple[str, ...] = ()) -> None:
        self.primary = primary
        self.fonts = [primary]
        self._pending = fallbacks
        self._which: dict[str, int] = {}

    def _load_fallbacks(self) -> None:
        paths, self._pending = self._pending, ()
        for path in paths:
            if Path(path).is_file():
                try:
                    self.fonts.append(load_font(path))
                except ValidationFailed:
                    continue  # an unreadable fallback is no fallback

    def index(self, ch: str) -> int:
        i = self._which.get(ch)
        if i is None:
            cp = ord(ch)
            if not self.primary.has_glyph(cp) and self._pending:
                self._load_fallbacks()
            i = next((k for k, f in enumerate(self.fonts) if f.has_glyph(cp)), 0)
            self._which[ch] = i
        return i

    def has_glyph(self, cp: int) -> int:
        ch = chr(cp)
        return self.fonts[self.index(ch)].has_glyph(cp)

    def char_lengths(self, text: str, fontsize: float = 11.0) -> list[float]:
        return [self.fonts[self.index(ch)].text_length(ch, fontsize) for ch in text]

    def text_length(self, text: str, fontsize: float = 11.0) -> float:
        return sum(self.char_lengths(text, fontsize))

    def runs(self, text: str) -> list[tuple[pymupdf.Font, str]]:
        """``text`` cut where the drawing font changes: (font, piece) in order."""
        out: list[tuple[pymupdf.Font, str]] = []
        for ch in visible(text):
            f = self.fonts[self.index(ch)]
            if out and out[-1][0] is f:
                out[-1] = (f, out[-1][1] + ch)
            else:
                out.append((f, ch))
        return out


def append_text(tw: pymupdf.TextWriter, x: float, baseline: float, text: str, font, size: float) -> float:
    """Append ``text`` at (x, baseline) to ``tw`` in the font of each character (``font``: a
    :class:`FontChain` or a plain font); a character no font has is written as □. Returns the
    end x. The one way small drawings (signature field, sheet stamp) write a name in a report font."""
    text = visible(text)
    if isinstance(font, FontChain):
        text = "".join(ch if ch.isspace() or font.has_glyph(ord(ch)) else "□" for ch in text)
        runs = font.runs(text)
    else:
        runs = [(font, text)]
    for f, piece in runs:
        tw.append((x, baseline), piece, font=f, fontsize=size)
        x += f.text_length(piece, size)
    return x


@lru_cache(maxsize=8)
def font_chain(spec: str | Path = DEFAULT_FONT, fallbacks: tuple[str, ...] = FALLBACK_FONTS) -> FontChain:
    """The report's font (``load_font(spec)``) with the fallbacks found on this machine."""
    return FontChain(load_font(spec), fallbacks)


_WIDE = re.compile(rb"(<[0-9a-fA-F]{4}>\s+(?:<[0-9a-fA-F]{4}>\s+)?)<([0-9a-fA-F]{5,6})>")


def _utf16(match: re.Match) -> bytes:
    cp = int(match.group(2), 16) - 0x10000
    return match.group(1) + b"<%04X%04X>" % (0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF))


def fix_tounicode(doc: pymupdf.Document) -> None:
    """Write a character beyond the BMP (CJK Extension B: 𠀀) in every font's ToUnicode map as the
    UTF-16 surrogate pair the PDF format asks for. MuPDF writes its code point as five hex
    digits, which readers cut to 16 bits: 𠀀 (U+20000) extracted as U+2000, a space."""
    for xref in range(1, doc.xref_length()):
        kind, value = doc.xref_get_key(xref, "ToUnicode")
        if kind != "xref":
            continue
        cmap = int(value.split()[0])
        data = doc.xref_stream(cmap)
        fixed = _WIDE.sub(_utf16, data)
        if fixed != data:
            doc.update_stream(cmap, fixed)


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
