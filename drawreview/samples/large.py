"""A large generated site for the benchmark: a grid of plots, each a small site plan.

Each plot has a site boundary, a road red line, a setback line, 4 buildings with texts,
fire lanes, hardstanding, green hatches, walls (an ignored class) and helper lines on an
unmapped layer: about 50 entities per plot.
"""

from __future__ import annotations

from pathlib import Path

from .sheet import Sheet

PER_PLOT = 50
PITCH = 200.0  # metres between plot origins


def _plot(s: Sheet, ox: float, oy: float, k: int) -> int:
    n = 0
    s.rect("A-REDL", ox, oy, ox + 150, oy + 120)
    s.line("A-ROAD-RED", ox - 20, oy, ox + 170, oy)
    s.rect("A-REDL-ARCH", ox + 5, oy + 8, ox + 145, oy + 115)
    n += 3
    h = 54.0 if k % 3 == 0 else 24.0
    for i, (x0, y0) in enumerate(((15, 30), (80, 30), (15, 80), (80, 80))):
        s.rect("A-MAST-ROOF", ox + x0, oy + y0, ox + x0 + 45, oy + y0 + 14)
        s.texts("A-ANNO-TEXT", [f"{i + 1}#楼", f"{int(h // 3)}F", f"H={h:.1f}", "一级"], ox + x0 + 22.5, oy + y0 + 7)
        n += 5
        for j in range(4):  # wall lines (ignored class)
            s.line("WALL", ox + x0 + j * 11, oy + y0, ox + x0 + j * 11, oy + y0 + 14)
        n += 4
    s.rect("消防车道", ox + 5, oy + 20, ox + 145, oy + 24)
    s.rect("消防车道", ox + 5, oy + 64, ox + 145, oy + 68)
    s.rect("登高场地", ox + 17, oy + 44.5, ox + 37, oy + 54.5)
    s.rect("登高场地", ox + 82, oy + 44.5, ox + 102, oy + 54.5)
    s.hatch("绿化", ox + 5, oy + 100, ox + 145, oy + 115)
    s.hatch("绿化", ox + 130, oy + 30, ox + 145, oy + 60)
    n += 6
    for j in range(4):
        s.line("临时辅助线", ox + j * 10, oy + 118, ox + j * 10 + 5, oy + 118)
    n += 4
    return n


def large_site(path: Path, n_entities: int) -> Path:
    """Write a site plan with at least ``n_entities`` model-space entities."""
    s = Sheet(scale=500)
    plots = max(1, -(-n_entities // 46))
    cols = max(1, int(plots ** 0.5))
    count = 0
    k = 0
    while count < n_entities:
        ox, oy = (k % cols) * PITCH, (k // cols) * PITCH
        count += _plot(s, ox, oy, k)
        k += 1
    return s.save(path)
