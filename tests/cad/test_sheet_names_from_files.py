"""A drawing with no title block, in a file named after its one sheet (建施-01 一层平面图.dwg, as
design institutes name them), gets that number and title: completeness and the report then know
the sheet instead of showing it as "图纸 #n" and every category missing. Only a file of one
sheet: a file of several sheets, or a name that is no sheet number, names nothing."""

from __future__ import annotations

from pathlib import Path

import ezdxf
import pymupdf

from drawreview.cad import pipeline, sheets


def _specs(path: Path, tmp: Path) -> list[dict]:
    items: list = []
    pipeline.process_drawing(str(path), "", path.name, str(tmp / "work"), None, emit=items.append)
    return [s for kind, batch in items if kind == "specs" for s in batch]


def _plan(path: Path, layouts: int = 0) -> Path:
    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (30000, 0), (30000, 12000), (0, 12000)], close=True)
    msp.add_line((0, 6000), (30000, 6000))
    for i in range(layouts):
        (doc.layouts.get("Layout1") if i == 0 else doc.layouts.new(f"Layout{i + 1}")).add_line((0, 0), (420, 297))
    doc.saveas(path)
    return path


def _pdf(path: Path, pages: int) -> Path:
    doc = pymupdf.open()
    for _ in range(pages):
        page = doc.new_page(width=1190, height=842)
        page.draw_rect(pymupdf.Rect(40, 40, 1150, 800))
    doc.save(path)
    return path


def test_a_one_sheet_dxf_is_numbered_by_its_file_name(tmp_path):
    [spec] = _specs(_plan(tmp_path / "建施-01 一层平面图.dxf"), tmp_path)
    assert (spec["number"], spec["title"], spec["discipline"]) == ("建施-01", "一层平面图", "建筑")
    assert sheets.NUMBER_FROM_FILE in spec["notes"]  # the sheet says where its number came from


def test_a_name_that_is_no_sheet_number_names_nothing(tmp_path):
    for name in ("Drawing1.dxf", "plan2.dxf", "总说明.dxf"):
        [spec] = _specs(_plan(tmp_path / name), tmp_path / name.replace(".", "_"))
        assert spec["number"] is None and sheets.NUMBER_FROM_FILE not in spec["notes"], name


def test_a_file_of_several_sheets_is_no_one_sheets_name(tmp_path):
    specs = _specs(_plan(tmp_path / "建施-02.dxf", layouts=1), tmp_path)
    assert len(specs) == 2 and not any(s["number"] for s in specs)


def test_a_one_page_pdf_is_numbered_by_its_file_name_and_a_set_is_not(tmp_path):
    [spec] = _specs(_pdf(tmp_path / "结施-03_基础平面布置图.pdf", 1), tmp_path / "one")
    assert (spec["number"], spec["title"], spec["discipline"], spec["detected"]) == (
        "结施-03", "基础平面布置图", "结构", True)
    two = _specs(_pdf(tmp_path / "结施-04.pdf", 2), tmp_path / "two")
    assert len(two) == 2 and not any(s["number"] for s in two)
