"""Findings: what a check reports, SARIF-like (rule, place, evidence, measured vs required)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

import shapely
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    from .geometry import Feature
    from .loader import Rule

SEVERITIES = ("error", "warning", "info")


@dataclass
class Finding:
    rule_id: str
    discipline: str
    severity: str
    mandatory: bool
    standard: str
    clause: str
    title_zh: str
    title_en: str
    message_zh: str
    message_en: str
    handles: list[str] = field(default_factory=list)
    layer: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # drawing units
    evidence_wkt: str | None = None  # drawing units
    measured: Any = None
    required: Any = None
    unit: str = ""
    verified: bool = True
    sources: dict = field(default_factory=dict)  # fact → where its value came from
    sheet: str | None = None  # the sheet (frame) checked, when a file holds several

    def to_dict(self) -> dict:
        d = asdict(self)
        d["bbox"] = list(self.bbox) if self.bbox else None
        return d

    @property
    def evidence(self) -> BaseGeometry | None:
        return shapely.from_wkt(self.evidence_wkt) if self.evidence_wkt else None


class _Safe(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fmt(value: Any) -> str:
    if isinstance(value, float):
        if math.isinf(value):
            return "∞"
        return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)


def _bounds(geoms: Iterable[BaseGeometry]) -> tuple[float, float, float, float] | None:
    x0 = y0 = math.inf
    x1 = y1 = -math.inf
    for g in geoms:  # a plain loop: findings have one to a few geometries
        if g is None or g.is_empty:
            continue
        a, b, c, d = g.bounds
        x0, y0, x1, y1 = min(x0, a), min(y0, b), max(x1, c), max(y1, d)
    if x0 > x1:
        return None
    return (round(x0, 3), round(y0, 3), round(x1, 3), round(y1, 3))


def make(rule: "Rule", *, measured: Any, required: Any, features: Iterable["Feature"] = (),
         evidence: BaseGeometry | None = None, unit: str = "m", **extra: Any) -> Finding:
    """A finding for ``rule`` with its message templates filled in."""
    feats = list(features)
    values = _Safe({k: fmt(v) for k, v in extra.items()})
    values.update(measured=fmt(measured), required=fmt(required), unit=unit)
    handles = list(dict.fromkeys(h for f in feats for h in f.handles if h))  # in order, once each
    ev = evidence if evidence is not None and not evidence.is_empty else None
    bbox = _bounds([ev] if ev is not None else [f.geom for f in feats])
    return Finding(
        rule_id=rule.id, discipline=rule.discipline, severity=rule.severity, mandatory=rule.mandatory,
        standard=rule.standard, clause=rule.clause, title_zh=rule.title_zh, title_en=rule.title_en,
        message_zh=rule.message_zh.format_map(values), message_en=rule.message_en.format_map(values),
        handles=handles, layer=feats[0].layer if feats else None, bbox=bbox,
        evidence_wkt=shapely.to_wkt(ev, rounding_precision=3) if ev is not None else None,
        measured=_plain(measured), required=_plain(required), unit=unit, verified=rule.verified,
        sources=_feature_sources(feats),
    )


def _feature_sources(feats: list["Feature"]) -> dict:
    """``{"<name>.<fact>": "图面文字 text on sheet:「H=54.0」"}`` for the facts read from the features' texts."""
    out = {}
    for f in feats:
        src = f.attrs.get("sources") if isinstance(f.attrs, dict) else None
        if src:
            name = f.attrs.get("name") or f.handle
            for key, text in src.items():
                known = text.startswith(("默认值", "推算", "项目参数", "图面文字"))
                out[f"{name}.{key}"] = text if known else f"图面文字 text on sheet:「{text}」"
    return out


# the facts the checks read, in the report's words (the viewer has the same in its message table)
FACT_NAMES = {
    "height": "高度", "storeys": "层数", "rating": "耐火等级", "use": "使用性质", "sprinklers": "自动喷水灭火系统",
    "high_rise": "高层建筑", "building_height_m": "建筑高度", "underground": "地下部分",
    "default_fire_rating": "耐火等级", "storey_height_m": "层高", "lightning_class": "防雷类别",
    "structure": "结构类型", "units": "图形单位",
}  # fmt: skip


def facts_line(sources: dict) -> str:
    """A finding's sources on one line, one part per source: "2#楼办公 高度、层数 ← 图面文字 …；
    自动喷水灭火系统 ← 默认值 default（图面未注明，请核实）"."""
    by_source: dict[str, dict[str, list[str]]] = {}
    for key, source in (sources or {}).items():
        owner, _, fact = str(key).rpartition(".")
        names = by_source.setdefault(str(source), {}).setdefault(owner, [])
        name = FACT_NAMES.get(fact, fact)
        if name not in names:
            names.append(name)
    parts = []
    for source, owners in by_source.items():
        who = "；".join((f"{owner} " if owner else "") + "、".join(names) for owner, names in owners.items())
        note = "（图面未注明，请核实 not on the drawing: verify）" if source.startswith("默认值") else ""
        parts.append(f"{who} ← {source}{note}")
    return "；".join(parts)


def _plain(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 3) if math.isfinite(v) else None
    return v
