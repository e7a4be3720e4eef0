"""What the rule checks read from a drawing: semantic features (a room, a door, a fire
compartment) with their facts, texts, dimensions and frames, gathered in a ``Geometry`` that
converts drawing units to metres (``$INSUNITS``; 0 = unitless is read as
``params["default_units"]``, millimetres, or guessed from the lettering by ``guess_units``).
``geometry.extract`` fills it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ezdxf import units as ezunits
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

Box = tuple[float, float, float, float]  # a region of model space (a frame), drawing units


def inside(x: float, y: float, clip: Box | None) -> bool:
    """Whether the point is in the region (every point is when there is none)."""
    return clip is None or (clip[0] <= x <= clip[2] and clip[1] <= y <= clip[3])


@dataclass(slots=True)
class Feature:
    geom: BaseGeometry
    handles: list[str]
    layer: str
    cls: str
    block: str = ""
    attrs: dict = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)

    @property
    def handle(self) -> str:
        return self.handles[0] if self.handles else ""


@dataclass(slots=True)
class Text:
    x: float
    y: float
    text: str
    height: float
    handle: str
    layer: str
    style: str


@dataclass(slots=True)
class Dimension:
    handle: str
    layer: str
    override: str
    measured: float | None
    x: float
    y: float
    unit_mm: float = 1.0  # what one unit of the shown number stands for: 1 mm, 10 (cm) or 1000 (m)


@dataclass(slots=True)
class Frame:
    handle: str
    block: str
    layer: str
    bbox: tuple[float, float, float, float]
    insert_scale: float
    attrs: dict


@dataclass
class Geometry:
    insunits: int
    unit_m: float
    params: dict
    features: dict[str, list[Feature]] = field(default_factory=dict)
    texts: list[Text] = field(default_factory=list)
    dims: list[Dimension] = field(default_factory=list)
    frames: list[Frame] = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)
    unusable: dict[str, int] = field(default_factory=dict)  # layer → entities of a class that gave no feature
    sources: dict[str, str] = field(default_factory=dict)  # project fact → where its value came from
    layer_classes: dict[str, str] = field(default_factory=dict)
    entity_count: int = 0
    audit: dict | None = None
    clip: tuple[float, float, float, float] | None = None  # the frame checked (model space)
    paper_notes: list[Text] = field(default_factory=list)  # lettering of the layout showing it, plotted mm
    _trees: dict[str, STRtree] = field(default_factory=dict, repr=False)
    _memo: dict = field(default_factory=dict, repr=False)

    def m(self, value: float) -> float:
        """Drawing units → metres."""
        return value * self.unit_m

    def m2(self, value: float) -> float:
        return value * self.unit_m * self.unit_m

    def du(self, metres: float) -> float:
        """Metres → drawing units."""
        return metres / self.unit_m

    def of(self, cls: str) -> list[Feature]:
        return self.features.get(cls, [])

    def tree(self, cls: str) -> STRtree:
        if cls not in self._trees:
            self._trees[cls] = STRtree([f.geom for f in self.of(cls)])
        return self._trees[cls]

    def memo(self, key, compute):
        """A value derived from the geometry, computed once and shared by the checks."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def sheet_types(self) -> set[str]:
        """Sheet types from title-block 专业 / 图号 attributes (empty when unknown)."""
        out = set()
        for fr in self.frames:
            joined = " ".join(str(v) for v in fr.attrs.values())
            for word, kind in (("总图", "site_plan"), ("总平面", "site_plan"), ("人防", "civil_defence"),
                               ("防雷", "roof_plan"), ("建施", "floor_plan")):
                if word in joined:
                    out.add(kind)
        return out


def guess_units(doc, sample: int = 400) -> int | None:
    """Units of a drawing whose ``$INSUNITS`` is 0, from its text heights: lettering is 2.5–10 mm
    on paper, so at any scale 1:100–1:2000 a millimetre drawing's texts are ≥ 100 units tall and
    a metre drawing's ≤ 20. 6 (metres), 4 (millimetres), or None without texts."""
    heights = []
    for e in doc.modelspace():
        t = e.dxftype()
        if t == "TEXT":
            heights.append(e.dxf.get("height", 0.0))
        elif t == "MTEXT":
            heights.append(e.dxf.get("char_height", 0.0))
        else:
            continue
        if len(heights) >= sample:
            break
    heights = [h for h in heights if h and h > 0]
    if not heights:
        return None
    return 6 if float(np.median(heights)) < 20.0 else 4


def units_drawn(doc, is_area, sample: int = 200) -> int | None:
    """The units the geometry is drawn in, when it says so plainly: 6 (metres) when the median
    closed area outline (buildings, compartments, sites …) is under 1 000 units across — 1 m in
    millimetres, which no building or room is — and the lettering, if any, is metre-sized; 4
    (millimetres) when it is over 2 000 units — 2 km in metres, which no building is — and the
    lettering, if any, is millimetre-sized (``guess_units``). Else None. Catches a header a
    template left behind (a metre site plan on a mm template, a mm plan on a metre one)."""
    spans = []
    for e in doc.modelspace().query("LWPOLYLINE"):
        if not e.closed or not is_area(e.dxf.get("layer", "0")):
            continue
        xy = _lw_xy(e)
        if len(xy) >= 3:
            spans.append(float(np.ptp(xy, axis=0).max()))
            if len(spans) >= sample:
                break
    if not spans:
        return None
    median = float(np.median(spans))
    if median < 1000.0:
        return 6 if guess_units(doc) in (6, None) else None
    if median > 2000.0:
        return 4 if guess_units(doc) in (4, None) else None
    return None


def _lw_xy(e) -> np.ndarray:
    values = getattr(getattr(e, "lwpoints", None), "values", None)
    if isinstance(values, np.ndarray) and values.ndim == 2 and values.shape[1] == 5:
        return values[:, :2]
    return np.array([(x, y) for x, y in e.get_points("xy")], dtype=float).reshape(-1, 2)


def unit_factor(insunits: int, default_units: int = 4) -> float:
    code = insunits or default_units
    try:
        return ezunits.conversion_factor(code, ezunits.M)
    except (KeyError, IndexError, ValueError, ZeroDivisionError):
        return 0.001
