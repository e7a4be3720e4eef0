"""Resolve an entity's pen: colour (ACI / true colour / ByLayer / ByBlock), lineweight and
dash pattern, with the layer table cached once per document.

A pen value of ``None`` means *inherit*: inside a block definition, ByBlock properties (and
ByLayer on layer ``0``) take the value of the INSERT, which the PDF form XObject gets for free
from the graphics state of the caller.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from ezdxf.colors import DXF_DEFAULT_COLORS, int2rgb

from drawreview.cad.linetypes import dashes

MM_TO_PT = 72 / 25.4
DEFAULT_LW = 25  # 1/100 mm; lineweights up to this are drawn as hairlines
Rgb = tuple[float, float, float]


def aci_rgb(aci: int) -> Rgb:
    """ACI colour for white paper: 7 (white/black) prints black, very light colours darken."""
    if aci in (7, 255) or not 0 < aci < 256:
        return (0.0, 0.0, 0.0)
    return paper(int2rgb(DXF_DEFAULT_COLORS[aci]))


def paper(rgb) -> Rgb:
    r, g, b = (c / 255.0 for c in rgb)
    lum = 0.299 * r + 0.587 * g + 0.114 * b
    if lum > 0.7:  # keep light colours readable on white paper
        k = 0.6 / lum
        r, g, b = r * k, g * k, b * k
    return (round(r, 3), round(g, 3), round(b, 3))


@dataclass
class LayerInfo:
    name: str
    rgb: Rgb
    aci: int
    lineweight: int
    linetype: str
    on: bool
    frozen: bool
    count: int = 0
    plot: bool = True  # False: the layer's plot flag is 0, or it is Defpoints (never plotted)

    @property
    def shown(self) -> bool:
        """On the sheet as issued (plotted): on, and plotted; a frozen layer is not drawn at all."""
        return self.on and self.plot


def plots(name: str, flag) -> bool:
    """Does AutoCAD plot a layer? Not when its plot flag is 0 (ezdxf's drawing add-on hides such
    layers in its export mode) and never the Defpoints layer, whatever its flag (AutoCAD)."""
    return name.lower() != "defpoints" and flag != 0


class Styles:
    """Pen lookups for one document, memoised by the raw DXF attributes."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.layers: dict[str, LayerInfo] = {}
        for layer in doc.layers:
            d = layer.dxf
            aci = d.get("color", 7)
            tc = d.get("true_color")
            rgb = paper(int2rgb(tc)) if tc is not None else aci_rgb(abs(aci))
            info = LayerInfo(d.name, rgb, abs(aci), d.get("lineweight", -3), d.get("linetype", "Continuous"),
                             on=aci >= 0 and not layer.is_off(), frozen=layer.is_frozen(),
                             plot=plots(d.name, d.get("plot", 1)))
            self.layers[d.name.lower()] = info
        self.ltscale = float(doc.header.get("$LTSCALE", 1.0) or 1.0)
        self.dash_factor = 1.0  # a viewport's 1 / scale with $PSLTSCALE 1 (see ``for_viewport``)
        self._patterns: dict[str, tuple[float, ...]] = {}
        self._memo: dict[tuple, tuple] = {}
        # the layer a block's layer-0 content takes in the block form being painted, where the
        # insert's own pen is not that layer's (an insert of colour 3 on a layer of colour 7:
        # its ByBlock content is green, its layer-0 ByLayer content black); None: it inherits
        # the insert's pen, which is that layer's (``cad.blockforms``)
        self.zero: str | None = None

    def for_viewport(self, scale: float) -> "Styles":
        """These styles for model space seen through a viewport of *scale* (paper units per
        model unit): with ``$PSLTSCALE`` 1 (AutoCAD's default) a dash is as long on paper as
        in paper space, so its model length is the pattern / *scale*."""
        try:
            on = int(self.doc.header.get("$PSLTSCALE", 1)) != 0
        except (TypeError, ValueError):
            on = True
        other = copy.copy(self)
        other.dash_factor = 1.0 / scale if on and scale > 0 else 1.0
        other._memo = {}
        return other

    def uses_scale(self) -> bool:
        """True when a pen resolved so far has a dash pattern or a lineweight above a hairline,
        i.e. would be drawn differently at another viewport scale."""
        return any(pen[1] or pen[2] for pen in self._memo.values())

    def layer(self, name: str) -> LayerInfo:
        key = name.lower()
        info = self.layers.get(key)
        if info is None:  # entity on an undefined layer: behaves like a default layer
            info = self.layers[key] = LayerInfo(name, (0.0, 0.0, 0.0), 7, -3, "Continuous", True, False)
        return info

    def pattern(self, name: str) -> tuple[float, ...]:
        key = name.upper()
        if key not in self._patterns:
            lt = self.doc.linetypes.get(name) if key not in ("CONTINUOUS", "BYLAYER", "BYBLOCK") else None
            pat: tuple[float, ...] = ()
            if lt is not None:
                try:
                    pat = tuple(abs(v) for v in dashes(lt))
                except Exception:  # noqa: BLE001 - malformed linetype: draw solid
                    pat = ()
                if not any(pat):
                    pat = ()
            self._patterns[key] = pat
        return self._patterns[key]

    def pen(self, d: dict, in_block: bool) -> tuple:
        """(rgb|None, lineweight-mm|None, dash-pattern|None, ltscale) for a dxf attribute dict."""
        layer = d.get("layer", "0")
        raw = (layer, d.get("color", 256), d.get("true_color"), d.get("linetype", "BYLAYER"),
               d.get("lineweight", -1), d.get("ltscale", 1.0), in_block, self.zero)
        pen = self._memo.get(raw)
        if pen is None:
            pen = self._memo[raw] = self._resolve(*raw)
        return pen

    def _resolve(self, layer, color, true_color, linetype, lineweight, ltscale, in_block, zero):
        inherit_layer = in_block and layer == "0"
        if inherit_layer and zero is not None:
            layer, inherit_layer = zero, False
        info = self.layer(layer)
        if true_color is not None and color != 0:
            rgb = paper(int2rgb(true_color))
        elif color == 256:
            rgb = None if inherit_layer else info.rgb
        elif color == 0:
            rgb = None if in_block else (0.0, 0.0, 0.0)
        else:
            rgb = aci_rgb(color)
        if lineweight == -1:
            lw = None if inherit_layer else info.lineweight
        elif lineweight == -2:
            lw = None if in_block else DEFAULT_LW
        else:
            lw = lineweight
        if lw is not None:
            lw = 0.0 if lw <= DEFAULT_LW else lw / 100.0
        lt = linetype.upper()
        if lt == "BYLAYER":
            dash = None if inherit_layer else self.pattern(info.linetype)
        elif lt == "BYBLOCK":
            dash = None if in_block else ()
        else:
            dash = self.pattern(linetype)
        if dash:
            dash = tuple(v * ltscale * self.ltscale * self.dash_factor for v in dash)
        return (rgb, lw, dash)
