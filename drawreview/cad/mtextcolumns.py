"""MTEXT in columns, laid out as AutoCAD and ezdxf's text layout engine place them.

An MTEXT may hold its paragraphs in columns (long 设计说明 often are): R2018 writes the column
data on the MTEXT (``MText.columns``), older versions a chain of linked MTEXTs, one per column,
which ezdxf reads into the first one (``MTextColumns.linked_columns``). Each column is
``columns.width`` wide with ``columns.gutter_width`` between two; its height is the defined
height (static columns, dynamic columns of auto height) or its own (dynamic columns of manual
heights, the last one of flexible height). The text flows row by row from one column into the
next when a column is full, and jumps to the next at a column break (``\\N``); rows past the
last column open new ones of its height (ezdxf's ``Layout``). The whole block of columns is
aligned at the insertion point by the attachment point; each row within its column.

Before, the painter read only the first MTEXT's own text (an R2000 file's other columns were
not drawn at all), took ``\\N`` for a space and wrapped everything at one column's width into
one column running down past the defined height. Rows are wrapped as ``cad.lettering`` wraps
every MTEXT (CJK anywhere, Latin at spaces) and spaced as it spaces them (5/3 of the height).
"""

from __future__ import annotations

import math
import re

from drawreview.cad.textcodes import plain_mtext

_COLUMN_BREAK = re.compile(r"\\\\|\\N")  # an escaped backslash is kept; "\N" breaks the column


def split_columns(raw: str) -> list[str]:
    """The MTEXT string cut at its column breaks (``\\N``; ``\\\\N`` is a backslash and an N)."""
    parts, start = [], 0
    for m in _COLUMN_BREAK.finditer(raw):
        if m.group(0) == "\\N":
            parts.append(raw[start:m.start()])
            start = m.end()
    parts.append(raw[start:])
    return parts


def content(entity) -> str:
    """The text of all columns, a linked column (R2000-R2013) starting a new one: each is a
    column as AutoCAD flowed or set it (ezdxf's ``all_columns_raw_content`` joins them as one)."""
    raw = entity.text
    try:
        linked = entity.columns.linked_columns
    except Exception:  # noqa: BLE001 - a broken chain of linked columns: the MTEXT's own text
        return raw
    for col in linked:
        more = col.text
        if more and raw and not raw.endswith("\\N"):
            raw += "\\N"
        raw += more
    return raw


def heights(columns) -> list[float | None]:
    """Each column's height (None: as tall as its rows), as ezdxf's MTEXT renderer reads them;
    a height of 0 (written by some programs for dynamic columns) is a flexible one."""
    if columns.heights:  # dynamic, manual heights: the last one flexible
        out = [v if v and v > 1e-6 else None for v in columns.heights]
        out[-1] = None
        return out
    defined = abs(columns.defined_height or 0.0)
    if defined < 1e-6:
        return [None]
    return [defined] * max(int(columns.count or 1), 1)


def layout(entity, wrap, text_width, style_wf: float):
    """``lettering.mtext_layout``'s answer for an MTEXT with columns: ([(row, baseline x, y,
    width)], height, angle, width factor) or None. *wrap* (line, em) and *text_width* are
    ``cad.lettering``'s."""
    d = entity.dxf.__dict__
    h = d.get("char_height", 2.5)
    ins = d.get("insert")
    cols = entity.columns
    if ins is None or not h or h <= 0 or cols is None:
        return None
    width = cols.width or d.get("width", 0.0) or 0.0
    gutter = cols.gutter_width or 0.0
    raw = content(entity)
    step = h * 1.667 * (d.get("line_spacing_factor", 1.0) or 1.0)
    limits = heights(cols)
    placed: list[list[str]] = [[]]  # rows of each column (empty paragraphs kept: they take a row)

    def room(k: int) -> int | None:  # how many rows column k holds (None: any number)
        hk = limits[k] if k < len(limits) else limits[-1]
        return None if hk is None else max(int((hk - h) / step + 1e-9) + 1, 1)

    for n, chunk in enumerate(split_columns(raw)):
        if n:
            placed.append([])  # a column break
        try:
            lines = plain_mtext(chunk)
        except Exception:  # noqa: BLE001 - malformed inline codes: the raw text
            lines = [chunk]
        em = width / (h * style_wf) if width > 0 else 0.0
        for line in lines:
            for row in (wrap(line, em) if em > 0 else [line]):
                cap = room(len(placed) - 1)
                if cap is not None and len(placed[-1]) >= cap:
                    placed.append([])  # the column is full: the text flows on into the next
                placed[-1].append(row)
    if not any(s.strip() for rows in placed for s in rows):
        return None
    used = [h + step * (len(rows) - 1) if rows else 0.0 for rows in placed]
    tall = max((used[k] if (limits[k] if k < len(limits) else limits[-1]) is None
                else (limits[k] if k < len(limits) else limits[-1])) for k in range(len(placed)))
    total_w = len(placed) * width + (len(placed) - 1) * gutter
    att = d.get("attachment_point", 1)
    arow, acol = (att - 1) // 3, (att - 1) % 3
    left = -total_w * acol / 2
    top = {0: 0.0, 1: tall / 2, 2: tall}.get(arow, 0.0)
    try:
        angle = entity.get_rotation()
    except Exception:  # noqa: BLE001
        angle = d.get("rotation", 0.0)
    t = math.radians(angle)
    c, s = math.cos(t), math.sin(t)
    x, y = ins.x, ins.y
    out = []
    for k, rows in enumerate(placed):
        x0 = left + k * (width + gutter)
        for i, row in enumerate(rows):
            if not row.strip():
                continue
            w = text_width(row) * h * style_wf
            dx = x0 + (width - w) * acol / 2
            dy = top - h - i * step
            out.append((row, x + dx * c - dy * s, y + dx * s + dy * c, w))
    return out, h, angle, style_wf
