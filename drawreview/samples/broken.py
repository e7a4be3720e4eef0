"""A small drawing with file-quality defects the DXF auditor must repair (for DR-03B)."""

from __future__ import annotations

from pathlib import Path

from .sheet import Sheet


def broken_drawing(path: Path) -> Path:
    """A floor-plan-like sheet holding an INSERT of a block that is not defined."""
    s = Sheet(scale=100)
    s.frame(0, 0, {"图号": "建施-99", "图名": "缺块示例", "专业": "建筑"})
    s.line("WALL", 5, 5, 30, 5)
    s.msp.add_blockref("未定义块", (s.m(10), s.m(10)), dxfattribs={"layer": "A-DOOR"})
    return s.save(path)
