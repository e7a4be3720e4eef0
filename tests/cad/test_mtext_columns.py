"""cad/mtextcolumns.py: an MTEXT in columns is drawn in its columns, row for row where ezdxf's
text layout engine (``MTextExplode``, the layout its drawing add-on draws) puts each row."""

from __future__ import annotations

import ezdxf
import pytest
from ezdxf.addons import MTextExplode

from drawreview.cad import lettering, textcodes

LATIN = " ".join(f"{i}. Fire compartments shall not exceed the area limits, stairs have fire doors."
                 for i in range(1, 9))
CJK = "设计说明：" + "".join(f"{i}、本工程消防设计按现行国家标准执行，防火分区面积不大于两千五百平方米，"
                              "疏散楼梯间应采用甲级防火门。" for i in range(1, 9))
W, GUTTER = 2000, 300


def _doc(kind: str, text: str, version: str = "R2018", att: int = 1):
    doc = ezdxf.new(version, units=4)
    msp = doc.modelspace()
    msp.add_lwpolyline([(-100, -3000), (9000, -3000), (9000, 4000), (-100, 4000)], close=True)
    attribs = {"char_height": 100, "insert": (0, 3000), "attachment_point": att}
    if kind == "static":
        third = len(text) // 3
        msp.add_mtext_static_columns([text[:third], text[third:2 * third], text[2 * third:]], width=W,
                                     gutter_width=GUTTER, height=2500, dxfattribs=attribs)
    elif kind == "auto":
        msp.add_mtext_dynamic_auto_height_columns(text, width=W, gutter_width=GUTTER, height=1000, count=3,
                                                  dxfattribs=attribs)
    else:
        msp.add_mtext_dynamic_manual_height_columns(text, width=W, gutter_width=GUTTER, heights=[1200, 600, 2000],
                                                    dxfattribs=attribs)
    return doc


def _reloaded(doc, tmp_path):
    doc.saveas(tmp_path / "c.dxf")
    return ezdxf.readfile(tmp_path / "c.dxf")


def _row_starts(msp, mtext) -> list[tuple[str, int, int]]:
    """(first word, x, y) of each row as ezdxf's layout engine places it (left attachment)."""
    with MTextExplode(msp) as xpl:
        xpl.explode(mtext)
    rows: dict = {}
    for t in msp.query("TEXT"):
        x, y = t.dxf.insert.x, t.dxf.insert.y
        key = (round(x) // (W + GUTTER), round(y))
        if key not in rows or x < rows[key][1]:
            rows[key] = (t.dxf.text, x, y)
    return sorted((w, round(x), round(y)) for w, x, y in rows.values())


@pytest.mark.parametrize("version", ["R2018", "R2000"])  # column data / linked MTEXTs
@pytest.mark.parametrize("kind", ["static", "auto", "manual"])
def test_rows_land_where_ezdxfs_layout_puts_them(kind, version, tmp_path):
    doc = _reloaded(_doc(kind, LATIN, version), tmp_path)
    (m,) = doc.modelspace().query("MTEXT")
    assert m.has_columns
    ours = sorted((row.split()[0], round(x), round(y)) for row, x, y, _ in lettering.mtext_layout(m)[0])
    assert ours == _row_starts(doc.modelspace(), m)
    assert len({x for _, x, _ in ours}) >= 3  # in three columns or more, not one


@pytest.mark.parametrize("version", ["R2018", "R2000"])
def test_chinese_notes_in_static_columns_are_all_drawn_within_them(version, tmp_path):
    """Each column 2000 wide (rows broken between CJK characters), no row below the column's
    2500 height, every character drawn: an R2000 file's linked columns too."""
    from drawreview.cad.dxf import load_dxf
    from drawreview.cad.render import render_drawing
    from drawreview.cad.sheets import split_sheets

    _doc("static", CJK, version).saveas(tmp_path / "c.dxf")
    d = load_dxf(tmp_path / "c.dxf")
    res = render_drawing(d, split_sheets(d), tmp_path)[0]
    (m,) = d.doc.modelspace().query("MTEXT")
    rows = lettering.mtext_layout(m)[0]
    assert "".join(r[0] for r in rows) == "".join(textcodes.plain_mtext(CJK.replace("\\", "")))
    assert [t["text"] for t in res.texts] == [r[0] for r in rows]
    for row, x, y, w in rows:
        k = round(x) // (W + GUTTER)
        assert k * (W + GUTTER) <= x and x + w <= k * (W + GUTTER) + W * 1.02, row
        assert y >= 3000 - 2500 - 1e-6, row
    assert {round(x) // (W + GUTTER) for _, x, _, _ in rows} == {0, 1, 2}


def test_a_column_break_starts_the_next_column():
    doc = ezdxf.new("R2018")
    m = doc.modelspace().add_mtext_dynamic_manual_height_columns(
        "A\\NB\\\\NC", width=100, gutter_width=10, heights=[50, 50], dxfattribs={"char_height": 5, "insert": (0, 0)})
    rows = lettering.mtext_layout(m)[0]
    assert [(r[0], round(r[1])) for r in rows] == [("A", 0), ("B\\NC", 110)]  # "\\N": a backslash and N
