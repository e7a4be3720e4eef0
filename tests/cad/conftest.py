"""Shared real inputs: the drawings in ../shared/drawings (beside the repo) and small generated specimens."""

from __future__ import annotations

from pathlib import Path

import ezdxf
import pytest

from drawreview.cad import specimen

from tests.thirdparty import SHARED  # noqa: E402

DRAWINGS = SHARED / "drawings"
REAL_FILES = sorted(p for p in DRAWINGS.iterdir() if p.suffix in (".dxf", ".pdf"))


@pytest.fixture(scope="session")
def specimens(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("specimens")
    out = {
        "attrib3": specimen.floor_plan(d / "attrib3.dxf", frames=3, rooms=(3, 2),
                                       numbers=["建施-01", "结施-03", "总图-01"],
                                       titles=["一层平面图", "基础平面图", "总平面图"]),
        "text2": specimen.floor_plan(d / "text2.dxf", frames=2, rooms=(3, 2), title="text",
                                     numbers=["人防-02", "防雷-01"], titles=["人防平面图", "屋面防雷平面图"]),
        "gbk": specimen.floor_plan(d / "gbk.dxf", frames=1, rooms=(3, 2), version="R2000", encoding="gbk"),
        "single": specimen.floor_plan(d / "single.dxf", frames=1, rooms=(4, 3)),
    }
    doc = ezdxf.new("R2000")
    doc.encoding = "cp950"  # Big5 (ANSI_950)
    doc.modelspace().add_text("臥室 廚房 樓梯間", height=300).set_placement((0, 0))
    doc.modelspace().add_line((0, -500), (5000, -500))
    doc.saveas(d / "big5.dxf")
    out["big5"] = d / "big5.dxf"
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A small plan with Chinese text as a GBK R2000 DWG (written by ezdwg: tests/dwg_inputs.py)."""
    from tests.dwg_inputs import dxf_to_dwg

    d = tmp_path_factory.mktemp("gbk")
    plan = specimen.floor_plan(d / "plan.dxf", frames=1, rooms=(2, 2), dimensions=0, numbers=["建施-01"],
                               titles=["一层平面图"])
    return dxf_to_dwg(plan, d / "plan.dwg")
