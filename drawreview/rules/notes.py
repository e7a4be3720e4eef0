"""Project facts from a sheet's design notes, legends and notes tables.

A fact written in one text (``设自动喷水灭火系统``, ``建筑物防雷类别：第二类``) is read by
``labels.project_facts``. A notes table writes the key in one cell and the value in the next
(``自动喷水灭火系统 | 无``, ``防雷类别 | 二类``, ``耐火等级 | 二级``): a key cell with no value of
its own is paired with the nearest text to its right on the same row. ACAD_TABLE contents
arrive as texts too (``geometry.extract`` reads its cells).
"""

from __future__ import annotations

import re

import numpy as np

from . import basements, labels
from .features import Geometry

KEY = re.compile(r"喷水|喷淋|自动灭火系统|防雷(类别|分类|等级)|耐火等级|建筑高度|檐口高度|建筑(分类|类别)|使用性质|结构(形式|类型)")


def sheet_facts(texts: list) -> tuple[dict, dict]:
    """(facts, {fact: the text it came from}) for a sheet's texts (``features.Text`` items)."""
    plain = [t.text for t in texts if t.text]
    extra = _table_rows(texts) + title_rows(texts) + storey_table_height(texts)
    return labels.project_facts(extra + plain)


# a 天正 楼层表 (storey table): its title, a roof row (屋面 … 54.000), storey rows (18F | 3.000 | 51.000)
STOREY_TABLE = re.compile(r"楼层表|层高表|楼层信息表|楼层标高表")
ROOF_ROW = re.compile(r"^\s*(?:屋面|屋顶|屋面层|主屋面|rf)\s*$", re.I)
STOREY_ROW = re.compile(r"^\s*\d{1,3}\s*(?:f|层)\s*$", re.I)
NUMBERS = re.compile(r"-?\d+(?:\.\d+)?")


def storey_table_height(texts: list) -> list[str]:
    """``建筑高度：54.0m`` read from a storey table, when the sheet has one (楼层表, 层高表): the roof
    row's elevation (屋面 | 54.000), else the top of the highest storey row (its elevation plus its
    storey height: 18F | 3.000 | 51.000 → 54.0; the larger of a row's two numbers is the elevation).
    The height is measured from ±0.000, as the table's elevations are; [] for a sheet without one."""
    if not any(t.text and STOREY_TABLE.search(labels.norm(t.text)) for t in texts):
        return []
    roofs = [_numbers(row) for row in _table_rows(texts, ROOF_ROW, cells=2)]
    tops = [max(n) for n in roofs if n]
    if not tops:
        tops = [max(n) + min(n) for n in map(_numbers, _table_rows(texts, STOREY_ROW, cells=2))
                if len(n) == 2]
    top = max(tops, default=0.0)
    return [f"建筑高度：{top:g}m（楼层表）"] if 0 < top < 1000 else []


def _numbers(row: str) -> list[float]:
    return [float(v) for v in NUMBERS.findall(row.partition("：")[2])]


# a floor's name written alone — 地下一层 / 负一层 / B1 / -1F / B1~B2 — with 平面图 in the next text of its row
FLOOR_NAME = basements.FLOOR_NAME


def title_rows(texts: list) -> list[str]:
    """``地下一层平面图`` for a title split over two texts on one row (``地下一层`` then ``平面图`` at
    most 10 heights to its right), as a title block's cells or a drafter's two texts write it."""
    return _table_rows(texts, FLOOR_NAME, reach=10.0, sep="")


AREA_KEY = re.compile(r"用地面积|建筑面积")


def area_rows(texts: list) -> list[str]:
    """``用地面积：30000.00 ㎡`` for an indicator table that writes the key, the value and the unit in
    cells of one row (the value and the next cell to its right)."""
    return _table_rows(texts, AREA_KEY, cells=2)


def _table_rows(texts: list, key_re: re.Pattern = KEY, cells: int = 1, reach: float = 40.0, sep: str = "："
                ) -> list[str]:
    """``key：value`` for key cells whose value sits in the next cell (``cells`` cells, within ``reach``
    text heights) to the right."""
    keys = [k for k, t in enumerate(texts) if t.text and len(t.text) <= 24 and key_re.search(labels.norm(t.text))]
    keys = [k for k in keys if not labels.project_facts([texts[k].text])[0] and not _inline_value(texts[k].text)]
    if not keys:
        return []
    xs = np.array([t.x for t in texts], dtype=float)
    ys = np.array([t.y for t in texts], dtype=float)
    hs = np.array([float(t.height or 0.0) for t in texts], dtype=float)
    order = np.argsort(ys, kind="stable")
    ys_sorted = ys[order]
    out = []
    for k in keys:  # texts of the key's row only (a window of the y-sorted texts): no pass over all
        t = texts[k]
        h = max(hs[k], 1e-9)
        lo, hi = np.searchsorted(ys_sorted, [t.y - 1.5 * h, t.y + 1.5 * h])
        win = order[int(lo):int(hi)]
        dx = xs[win] - t.x
        row = (np.abs(ys[win] - t.y) <= 0.75 * np.maximum(hs[win], h)) & (dx > 0) & (dx <= reach * h) & (win != k)
        if not row.any():
            continue
        right = win[row][np.argsort(dx[row], kind="stable")][:cells]
        value = " ".join(_cell(texts[int(i)].text) for i in right)
        key = labels.norm(t.text).strip().rstrip(":：")
        out.append(f"{key}{sep}{value}")
    return out


# an ATTRIB's words arrive as ``tag=value`` (``YDMJ=30000.00``): a table cell holding a number shows the value
ATTRIB_NUMBER = re.compile(r"^[^=\s]{1,24}=\s*(?=[\d.,]+\s*$)")


def _cell(text: str) -> str:
    """A value cell's words as drawn: an ATTRIB's number without its tag."""
    return ATTRIB_NUMBER.sub("", labels.norm(text).strip())


def _inline_value(text: str) -> bool:
    """``自动喷水灭火系统：无`` carries its own value."""
    _, sep, value = labels.norm(text).partition("：") if "：" in text else labels.norm(text).partition(":")
    return bool(sep and value.strip())


def apply_sheet_facts(geo: Geometry, explicit: dict, defaults: dict, labelled=None, paper=()) -> None:
    """Project facts written on the sheet (design notes: sprinklers, high-rise, lightning class,
    height, rating, use) fill what the project parameters leave open: the parameters stated
    explicitly win, the sheet's text beats the city's and the program's defaults. Texts that
    label a building or roof (``labelled``) are that feature's facts, not the sheet's; ``paper``
    are the words of the paper-space layout that shows this region (``paper.paper_texts``)."""
    texts = geo.texts if labelled is None else [t for t, used in zip(geo.texts, labelled) if not used]
    texts = [*texts, *paper]  # the title block and notes of the layout showing this region (``paper``)
    facts, src = sheet_facts(texts)
    geo.params = {**defaults, **facts, **explicit}
    for key in facts:
        if key not in explicit:
            geo.sources[key] = f"图面文字 text on sheet:「{src[key]}」"
    for key in explicit:
        geo.sources.setdefault(key, "项目参数 project parameter")
