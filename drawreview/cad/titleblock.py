"""Read sheet number, title, discipline and scale from a title block.

Two forms (docs/contracts.md): ATTRIBs with tags ``图号/SHEET_NO``, ``图名/TITLE``,
``专业/DISCIPLINE``, ``比例/SCALE``; or TEXT labels ``图号``/``图名`` with the value right of
or below the label.  Failing both, any text in the title-block corner that looks like a sheet
number (建施-01, 结施-03, 总图-01, DR-01 …) is used.
"""

from __future__ import annotations

import re

FIELDS = {  # (and GOST 2.104's: Обозначение, Наименование, Масштаб — LibreCAD's A0–A4 sheets)
    "number": ("图号", "SHEET_NO", "SHEET", "SHEET_NUMBER", "SHEET_NUM", "DWG_NO", "DWG_NUM", "DWG_NUMBER",
               "DRAWING_NO", "DRAWING_NUMBER", "DRG_NO", "图纸编号", "图纸号", "编号", "Обозначение"),
    "title": ("图名", "TITLE", "DWG_NAME", "DWG_TITLE", "DRAWING_TITLE", "DRAWING_NAME", "SHEET_TITLE",
              "SHEET_NAME", "图纸名称", "Наименование"),
    "discipline": ("专业", "DISCIPLINE"),
    "scale": ("比例", "SCALE", "Масштаб"),
}


def _norm(tag: str) -> str:
    """A tag or label as compared: upper case, without spaces, ``_ . - # :`` (DWG NO. = DWG_NO)."""
    return re.sub(r"[\s_.\-#:：]", "", tag).upper()


_TAG = {_norm(alias): key for key, aliases in FIELDS.items() for alias in aliases}


def is_field(tag: str) -> bool:
    """True for a title-block attribute tag (图号, SHEET NO, DWG_NO, TITLE …)."""
    return _norm(tag) in _TAG


# tags every numbered symbol carries too (a door's, a window's, an axis bubble's 编号): a title-block
# field, but on its own no sign that the block is a title block
GENERIC_TAGS = frozenset({_norm("编号")})


def is_sheet_field(tag: str) -> bool:
    """True for a title-block attribute tag that only a title block carries (not a bare 编号)."""
    return is_field(tag) and _norm(tag) not in GENERIC_TAGS


def is_label(text: str) -> bool:
    """True for title-block label lettering (``图号``, ``图 名``, ``DWG NO.``, ``比例：1:100``,
    ``图号 建施-01`` …)."""
    m = _INLINE.match(text)
    return _label(m.group(1) if m else text) is not None or _leading(text) is not None
NUMBER = re.compile(r"^([\u4e00-\u9fa5]{1,4}|[A-Za-z]{1,4})\s*[-－—_]?\s*(\d{1,3}[A-Za-z]?)$")
DISCIPLINES = [  # longest prefixes first
    ("人防", "人防"), ("防雷", "防雷"), ("节能", "节能"), ("总图", "总图"), ("消防", "消防"), ("景观", "景观"),
    ("幕墙", "幕墙"), ("建", "建筑"), ("结", "结构"), ("水", "给排水"), ("给", "给排水"), ("暖", "暖通"),
    ("电", "电气"), ("总", "总图"), ("装", "装饰"), ("景", "景观"), ("消", "消防"), ("气", "气象"),
    ("A", "建筑"), ("S", "结构"), ("P", "给排水"), ("M", "暖通"), ("E", "电气"), ("G", "总图"),
]


def discipline_of(number: str | None) -> str | None:
    if not number:
        return None
    head = number.strip().upper()
    for prefix, name in DISCIPLINES:
        if head.startswith(prefix.upper()):
            if prefix.isascii() and not NUMBER.match(number.strip()):
                continue
            return name
    return None


def looks_like_number(text: str) -> bool:
    return bool(NUMBER.match(text.strip())) and any(ch.isdigit() for ch in text)


# a file named after its one sheet: 建施-01 一层平面图.dwg, 结施03_基础平面.pdf, A-101 Plan.dxf
_FILE_NUMBER = re.compile(r"^\s*((?:[\u4e00-\u9fa5]{1,4}|[A-Za-z]{1,2})\s*[-－—_]?\s*\d{1,3}[A-Za-z]?)"
                          r"(?![0-9A-Za-z])[\s_\-－—、.,，]*(.*)$")


def number_from_file_name(name: str) -> tuple[str, str] | None:
    """(sheet number, title) from a drawing file's name that begins with a sheet number of a
    known discipline (建施-01 一层平面图.dwg → 建施-01, 一层平面图); None for other names
    (Drawing1.dwg, plan2.dxf, 总说明.pdf)."""
    stem = re.split(r"[\\/]", name)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    m = _FILE_NUMBER.match(stem)
    if not m or not discipline_of(m.group(1)):
        return None
    return m.group(1).strip(), m.group(2).strip()


_INLINE = re.compile(r"^\s*([^:：]{2,12})\s*[:：]\s*(.+)$")


def _label(text: str) -> str | None:
    return _TAG.get(_norm(text))


_SCALE = re.compile(r"^1\s*[:：/]\s*\d+(\.\d+)?$")
_LONGEST_LABEL = max(len(a) for aliases in FIELDS.values() for a in aliases) + 3  # room for spaces and dots


def _fits(key: str, value: str) -> bool:
    """Whether *value* can be the *key* field's value (a number that looks like one, a ratio …)."""
    if not value or _label(value) or _INLINE.match(value):
        return False
    if key == "number":
        return looks_like_number(value)
    if key == "scale":
        return bool(_SCALE.match(value))
    return len(value) <= 60


def _leading(text: str) -> tuple[str, str] | None:
    """(field, value) of lettering that starts with a label and goes on with its value, with a
    space or nothing between: ``图号 建施-01``, ``图号建施-01``, ``DWG NO. A-101``, ``比例 1:100``.
    A PDF joins a title block's label cell and value cell into one line, and some programs write
    the pair as one TEXT. The value must fit the field (``SHEET 1 OF 5`` is no sheet number), and
    a Latin label must end at a word's end (``SCALEBAR`` holds no label)."""
    s = text.strip()
    for n in range(min(len(s) - 1, _LONGEST_LABEL), 0, -1):  # the longest label first
        head, rest = s[:n], s[n:]
        key = _label(head)
        if key is None or (head[-1].isascii() and head[-1].isalnum() and rest[:1].isascii() and rest[:1].isalnum()):
            continue
        value = rest.strip().lstrip(":：").strip()
        if _fits(key, value):
            return key, value
    return None


def read(attribs: list[tuple[str, str]], texts: list[tuple[str, float, float, float]]) -> dict:
    """Fields from ATTRIB (tag, value) pairs and (text, x, y, height) items in the corner."""
    out: dict[str, str | None] = {"number": None, "title": None, "discipline": None, "scale": None}
    for tag, value in attribs:
        key = _TAG.get(_norm(tag))
        if key and value.strip() and not out[key]:
            out[key] = value.strip()
    for i, (text, x, y, h) in enumerate(texts):
        m = _INLINE.match(text)
        if m and _label(m.group(1)) and not out[_label(m.group(1))]:
            out[_label(m.group(1))] = m.group(2).strip()
            continue
        key = _label(text)
        if key is None:
            pair = _leading(text)
            if pair and not out[pair[0]]:
                out[pair[0]] = pair[1]
            continue
        if out[key]:
            continue
        value = _neighbour(i, texts)
        if value:
            out[key] = value
    if not out["number"]:
        for text, x, y, h in sorted(texts, key=lambda t: (-t[2], t[1])):
            if looks_like_number(text) and not _label(text) and not _dated_row(y, h, texts):
                out["number"] = text.strip()
                break
    if not out["discipline"]:
        out["discipline"] = discipline_of(out["number"])
    return out


# a date as title blocks and revision tables write it: 01/01/01, 07.01.2004, 2024-03-01, 2024.3,
# 2023年5月8日 (not "1/1", a sheet of a set)
DATE = re.compile(r"^(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}\s*[./\-年]\s*\d{1,2}(\s*[./\-月]\s*\d{1,2}\s*日?)?\s*月?)$")


def _dated_row(y: float, h: float, texts) -> bool:
    """Whether a row of lettering at *y* holds a date: a revision table's or a sign-off row
    (LibreCAD's A3 sheet: ``A1 | initial design | 01/01/01 | DDil``, A1 the zone of the change).
    An unlabelled number-like text there is that row's entry, not the sheet's number."""
    return any(DATE.match(t.strip()) and abs(ty - y) < max(h, th) * 0.9 for t, _, ty, th in texts)


def _neighbour(i: int, texts) -> str | None:
    """Text right of the label on the same row, else the nearest one below it."""
    _, x, y, h = texts[i]
    best, best_d = None, None
    for j, (t, tx, ty, th) in enumerate(texts):
        if j == i or not t.strip() or _label(t) or _INLINE.match(t):
            continue
        dx, dy = tx - x, ty - y
        if dx > 0 and abs(dy) < max(h, th) * 0.9:
            d = dx
        elif dy < 0 and abs(dx) < max(h, th) * 3:
            d = -dy * 3.0 + abs(dx)
        else:
            continue
        if best_d is None or d < best_d:
            best, best_d = t.strip(), d
    return best
