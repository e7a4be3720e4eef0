"""Door widths from the sheet's door schedule (门窗表): an office that numbers its doors ``M1``, ``M2``,
``FM甲1`` (no size in the code, unlike ``M1021``) writes each door's opening size in a table on the sheet,
one row a code: ``M1 | 800X2100 | 3``. GB/T 50104 writes the opening 宽×高 (width first), so the row's
first size cell gives the code's width.

Read: a sheet that carries a schedule's title (``门窗表``, ``门窗统计表``, ``门窗明细表``, ``门表``, ``DOOR
SCHEDULE``); a row whose first cell is a door code (``M1``, ``M-1``, ``FM甲1``, ``FM乙2a``, ``TLM1``, ``JM1``)
and whose nearest size cell to the right on the row is ``W×H`` in mm (``800X2100``, ``800×2100``,
``800*2100``) with a door's proportions (0.3–6 m wide, 1.8–6 m high); the header ``高×宽`` / ``H×W`` turns
the size round. A code alone in one text with its size (``M1 800X2100``) reads the same. Not read: window
rows (``C1``, ``MLC1`` 门连窗), a size that is no door's (``2100X800`` under a 宽×高 header: 0.8 m high), a
row without a size cell, a sheet without a schedule's title."""

from __future__ import annotations

import re

import numpy as np

from .doorcodes import bare_block, mm_width
from .labels import norm

TITLE = re.compile(r"门窗(?:统计|明细)?表|^\s*门表|door\s*(?:and\s*window\s*)?schedule", re.I)
# a door code without its size: M1, M-1, M1a, FM甲1, FM乙-2, FMJ1, 甲FM1, TLM1, JM1 (not C1, MLC1, M1021)
CODE = re.compile(r"^\s*(?:[甲乙丙]级?)?\s*(?:tl|j|t)?(?:fm\s*[甲乙丙jyb]?|m)\s*[-_]?\s*\d{1,2}[a-z]?\s*$", re.I)
WINDOW = re.compile(r"mlc|lc|c\d", re.I)
HEIGHT_FIRST = re.compile(r"高\s*[x×*]\s*宽|h\s*[x×*]\s*w\b", re.I)
SIZE = re.compile(r"(?<!\d)(\d{3,4})\s*[x×*]\s*(\d{3,4})(?!\d)", re.I)
REACH = 40.0  # text heights: a schedule's size cell is a few cells to the right


def key(code: str) -> str:
    """``M-1``, ``m1``, ``M 1`` → ``M1``: a code as the schedule and the plan both write it."""
    return re.sub(r"[\s\-_]", "", norm(bare_block(code))).upper()


def is_code(text: str) -> bool:
    t = norm(text)
    return bool(CODE.match(t)) and not WINDOW.search(t)


def _width(size: str, height_first: bool) -> float | None:
    m = SIZE.search(size)
    if not m:
        return None
    a, b = m.group(1), m.group(2)
    return mm_width(f"{b}x{a}" if height_first else f"{a}x{b}")


def door_schedule(texts: list) -> dict[str, float]:
    """{code key: width in m} from the sheet's door schedule; {} for a sheet without one."""
    words = [norm(t.text) for t in texts]
    if not any(w and len(w) <= 24 and TITLE.search(w) for w in words):
        return {}
    height_first = any(HEIGHT_FIRST.search(w) for w in words if w and len(w) <= 24)
    out: dict[str, float] = {}
    codes = [k for k, w in enumerate(words) if w and len(w) <= 8 and is_code(w)]
    for k, w in enumerate(words):  # a row written as one text: M1 800X2100
        parts = w.split() if w else []
        if len(parts) >= 2 and is_code(parts[0]) and (v := _width(" ".join(parts[1:]), height_first)):
            out.setdefault(key(parts[0]), v)
    if not codes:
        return out
    xs = np.array([t.x for t in texts], dtype=float)
    ys = np.array([t.y for t in texts], dtype=float)
    hs = np.array([float(t.height or 0.0) for t in texts], dtype=float)
    sized = np.array([bool(w and SIZE.search(w)) for w in words])
    for k in codes:
        h = max(hs[k], 1e-9)
        dx = xs - xs[k]
        row = sized & (np.abs(ys - ys[k]) <= 0.75 * np.maximum(hs, h)) & (dx > 0) & (dx <= REACH * h)
        if row.any():
            first = int(np.flatnonzero(row)[np.argmin(dx[row])])
            if (v := _width(words[first], height_first)) is not None:
                out.setdefault(key(words[k]), v)
    return out
