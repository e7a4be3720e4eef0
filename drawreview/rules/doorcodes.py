"""Door codes as drawing sets write them (门窗编号): ``M1021`` is a door 1.0 m wide and 2.1 m high
(the first two digits are the width in decimetres); ``FM甲1221`` a class-A fire door (GB 50016 6.5.1:
甲 / 乙 / 丙 are classes A / B / C).

Offices write the fire-door class in several places: after FM (``FM甲1221``, ``FM甲-1221``), in pinyin
initials (``FMJ1221``: J 甲 jia, Y 乙 yi, B 丙 bing), before the code (``甲FM1221``, ``甲级FM1221``) or
after the size (``FM1221甲``), any of them in brackets (``FM(甲)0821``, ``FM0821(甲)``). ``door_code``
writes each of them the one way (``FM甲1221``), so the width and the class are read alike whatever the
habit. A BIM program's door family names its size in
mm instead (``甲级防火门-单扇-800 x 2100mm``), a door library by its grade in words and its width alone
(``乙级防火门800``, ``防火门-1000mm``): ``door_width_m`` reads that width when there is no code."""

from __future__ import annotations

import re
import unicodedata

from .hanzi import simplified
from .wording import unescaped

PINYIN = {"j": "甲", "y": "乙", "b": "丙"}
RE_CODE = re.compile(
    r"^(?:(?P<before>[甲乙丙])\s*级?\s*)?"  # 甲FM1221, 甲级FM1221
    r"(?P<prefix>[a-z]*?)(?:(?P<fm>fm)\s*[-_]?\s*(?:[(\[]?\s*(?P<grade>[甲乙丙]|[jyb](?![a-z]))\s*级?\s*[)\]]?)?|m)"
    r"\s*[-_]?\s*(?P<w>\d{2})(?P<h>\d{2})"  # FM甲, FM-J, FM甲级, FM(甲) (full-width brackets by NFKC); 1221, -1221
    r"(?:\s*[(\[]?\s*(?P<after>[甲乙丙])级?[)\]]?)?", re.I)  # FM1221甲, FM1221(甲)
# a BIM door family's type named by its size in mm, width first: 甲级防火门-单扇-800 x 2100mm, 900×2100
RE_MM_SIZE = re.compile(r"(?<!\d)(?P<w>\d{3,4})\s*[x×*]\s*(?P<h>\d{3,4})\s*(?:mm)?(?!\d)", re.I)
RE_BOUND = re.compile(r"^.*\$\d+\$")
# a door library's name with its width alone in mm: 乙级防火门800, 防火门-1000mm, FIRE DOOR 900 (not a window:
# 门连窗 / 窗 / window name a width that is no door's)
RE_DOOR_WORD = re.compile(r"门|(?<!out)(?<!in)door", re.I)  # not an INDOOR / OUTDOOR unit
RE_WINDOW_WORD = re.compile(r"窗|window|win\b", re.I)
RE_NUMBERS = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


def bare_block(name: str) -> str:
    """A block's own name, without the prefix binding an xref gives it (``三层平面$0$FM甲1221``,
    ``XREF|FM甲1221`` → ``FM甲1221``)."""
    name = unescaped(name) if "\\" in (name or "") else name  # FM\\M+5BCD71221: FM甲1221 in an old file
    name = simplified(unicodedata.normalize("NFKC", name or "").strip()).rsplit("|", 1)[-1]  # 甲級防火門 too
    return RE_BOUND.sub("", name) if "$" in name else name


def door_code(name: str) -> str | None:
    """The code a door's block name or label writes, the one way: ``FMJ0821``, ``甲FM0821``,
    ``FM1221甲`` → ``FM甲0821`` / ``FM甲1221``; ``M1021`` → ``M1021``; ``LM1521`` → ``LM1521``; None for
    a name that is no door code."""
    m = RE_CODE.search(bare_block(name))
    if not m:
        return None
    size = m.group("w") + m.group("h")
    if not m.group("fm"):
        return f"{m.group('prefix').upper()}M{size}"
    grade = m.group("grade") or m.group("before") or m.group("after") or ""
    return f"{m.group('prefix').upper()}FM{PINYIN.get(grade.casefold(), grade)}{size}"


def door_width_m(block_name: str) -> float | None:
    """``M1021`` → 1.0; ``FM甲1221``, ``FMJ1221``, ``甲FM1221`` → 1.2 (the first two digits are the
    width in dm)."""
    code = door_code(block_name)
    if code:
        return int(code[-4:-2]) / 10.0
    return mm_width(block_name) or lone_mm_width(block_name)


def mm_width(name: str) -> float | None:
    """A door family's width from its size in mm (``甲级防火门-单扇-800 x 2100mm-345678`` → 0.8): a width
    of 0.3–6 m by a height of 1.8–6 m (a window 1800 x 1500 is none), as a Revit or ArchiCAD type name writes it."""
    m = RE_MM_SIZE.search(bare_block(name))
    if not m:
        return None
    w, h = int(m.group("w")), int(m.group("h"))
    return w / 1000.0 if 300 <= w <= 6000 and 1800 <= h <= 6000 else None


def lone_mm_width(name: str) -> float | None:
    """A door library's width written alone in mm after its name (``乙级防火门800`` → 0.8, ``甲级防火门-1200mm``,
    ``FIRE DOOR 900``): a name that says door (门, door) and no window (窗, window), with one number and that
    of 3–4 digits, 500–3000 mm. Two numbers (``防火门1000-2100``, an id after the size) say nothing sure."""
    name = bare_block(name)
    if not RE_DOOR_WORD.search(name) or RE_WINDOW_WORD.search(name):
        return None
    numbers = RE_NUMBERS.findall(name)
    if len(numbers) != 1 or not numbers[0].isdigit() or not 3 <= len(numbers[0]) <= 4:
        return None
    mm = int(numbers[0])
    return mm / 1000.0 if 500 <= mm <= 3000 else None
