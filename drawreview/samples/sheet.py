"""A drawing sheet for the generators: mm units, CJK text style, layers, A1 frame + title block.

Callers work in metres (``Sheet.m`` scales to drawing mm). The frame follows
docs/contracts.md: an INSERT of block ``TK_A1`` (paper size 841×594, inserted at the drawing
scale) with ATTRIBs 图号 / 图名 / 专业 / 比例, title block in the lower-right corner.
"""

from __future__ import annotations

from pathlib import Path

import ezdxf
from ezdxf.enums import TextEntityAlignment

FONT_STYLE = "HZ"
A1 = (841.0, 594.0)
TITLE_FIELDS = ("图号", "图名", "专业", "比例")


class Sheet:
    def __init__(self, scale: float = 100.0, insunits: int = 4) -> None:
        self.scale = scale
        self.doc = ezdxf.new("R2013", setup=True)
        self.doc.header["$INSUNITS"] = insunits
        self.doc.header["$MEASUREMENT"] = 1
        self.doc.styles.new(FONT_STYLE, dxfattribs={"font": "simsun.ttc"})
        self.msp = self.doc.modelspace()

    # --- helpers in metres -------------------------------------------------------------
    @staticmethod
    def m(v: float) -> float:
        return v * 1000.0

    def layer(self, name: str, color: int = 7) -> str:
        if name not in self.doc.layers:
            self.doc.layers.add(name, color=color)
        return name

    def rect(self, layer: str, x0: float, y0: float, x1: float, y1: float, closed: bool = True):
        pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        return self.poly(layer, pts, closed)

    def poly(self, layer: str, pts, closed: bool = True, bulges: dict | None = None):
        self.layer(layer)
        m = self.m
        data = [(m(x), m(y), 0, 0, (bulges or {}).get(i, 0.0)) for i, (x, y) in enumerate(pts)]
        return self.msp.add_lwpolyline(data, format="xyseb", close=closed, dxfattribs={"layer": layer})

    def line(self, layer: str, x0: float, y0: float, x1: float, y1: float):
        self.layer(layer)
        return self.msp.add_line((self.m(x0), self.m(y0)), (self.m(x1), self.m(y1)), dxfattribs={"layer": layer})

    def circle(self, layer: str, x: float, y: float, r: float):
        self.layer(layer)
        return self.msp.add_circle((self.m(x), self.m(y)), self.m(r), dxfattribs={"layer": layer})

    def hatch(self, layer: str, x0: float, y0: float, x1: float, y1: float, pattern: str = "GRASS"):
        self.layer(layer, 3)
        h = self.msp.add_hatch(color=3, dxfattribs={"layer": layer})
        h.set_pattern_fill(pattern, scale=self.scale / 10)
        m = self.m
        h.paths.add_polyline_path([(m(x0), m(y0)), (m(x1), m(y0)), (m(x1), m(y1)), (m(x0), m(y1))], is_closed=True)
        return h

    def text(self, layer: str, s: str, x: float, y: float, plotted_mm: float = 3.5, center: bool = True):
        """A TEXT whose plotted height is ``plotted_mm`` at the sheet scale."""
        self.layer(layer)
        t = self.msp.add_text(s, height=plotted_mm * self.scale, dxfattribs={"layer": layer, "style": FONT_STYLE})
        t.set_placement((self.m(x), self.m(y)), align=TextEntityAlignment.MIDDLE_CENTER if center else TextEntityAlignment.LEFT)
        return t

    def texts(self, layer: str, lines: list[str], x: float, y: float, plotted_mm: float = 3.5):
        """Several centred lines stacked around (x, y)."""
        step = plotted_mm * self.scale * 1.6 / 1000.0
        top = y + step * (len(lines) - 1) / 2
        return [self.text(layer, s, x, top - i * step, plotted_mm) for i, s in enumerate(lines)]

    def door(self, layer: str, block: str, x: float, y: float, width_m: float, rotation: float = 0.0):
        """A door INSERT (block name like M1021 / FM甲1221) drawn on layer 0 inside the block."""
        if block not in self.doc.blocks:
            b = self.doc.blocks.new(block)
            w = width_m * 1000.0
            b.add_line((0, 0), (w, 0))
            b.add_arc((0, 0), w, 0, 90)
            b.add_line((0, 0), (0, w))
        self.layer(layer)
        return self.msp.add_blockref(block, (self.m(x), self.m(y)), dxfattribs={"layer": layer, "rotation": rotation})

    # --- frame -------------------------------------------------------------------------
    def frame(self, x: float, y: float, attrs: dict, scale: float | None = None, block: str = "TK_A1"):
        """Insert the A1 frame with its lower-left corner at (x, y) metres."""
        scale = scale or self.scale
        if block not in self.doc.blocks:
            _frame_block(self.doc, block)
        self.layer("TK", 7)
        ref = self.msp.add_blockref(block, (self.m(x), self.m(y)),
                                    dxfattribs={"layer": "TK", "xscale": scale, "yscale": scale})
        values = {"比例": f"1:{self.scale:g}", **attrs}
        ref.add_auto_attribs({k: values.get(k, "") for k in TITLE_FIELDS})
        return ref

    def save(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.saveas(path, encoding="utf-8")
        return path


def _frame_block(doc, name: str) -> None:
    w, h = A1
    b = doc.blocks.new(name)
    b.add_lwpolyline([(0, 0), (w, 0), (w, h), (0, h)], close=True)
    b.add_lwpolyline([(25, 10), (w - 10, 10), (w - 10, h - 10), (25, h - 10)], close=True)
    tx0, ty0, tx1, ty1 = w - 10 - 180, 10, w - 10, 10 + 40
    b.add_lwpolyline([(tx0, ty0), (tx1, ty0), (tx1, ty1), (tx0, ty1)], close=True)
    for i, tag in enumerate(TITLE_FIELDS):
        row_y = ty1 - 10 * (i + 1)
        b.add_line((tx0, row_y), (tx1, row_y))
        b.add_text(tag, height=3.5, dxfattribs={"style": FONT_STYLE, "insert": (tx0 + 3, row_y + 3)})
        b.add_attdef(tag, (tx0 + 40, row_y + 3), dxfattribs={"height": 3.5, "style": FONT_STYLE})
