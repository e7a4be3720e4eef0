"""Join texts to the polygons they sit in (one STRtree query per class) and derive facts.

Building facts: ``height`` (from ``H=``, else storeys × ``storey_height_m``), ``storeys``,
``rating`` (default ``default_fire_rating``), ``use``, ``residential``, ``high_rise``
(GB 50016 2.1.1: residential > 27 m, other buildings > 24 m).
"""

from __future__ import annotations

import re

import numpy as np
import shapely

from . import labels
from .geometry import Geometry
from .rooflevels import add_roof_height

JOIN_CLASSES = ("building", "compartment", "room", "ad_unit", "blast_unit", "ad_entrance",
                "roof_outline", "upper_footprint", "overhead", "hazard", "weather_station",
                "site_boundary", "turning_area", "hardstanding")


LABEL_CLASSES = ("building", "roof_outline", "upper_footprint")  # labelled beside the outline as often as inside it
FACT_HINT = re.compile(r"[hH=＝层级fF高]|storey|floor|rating", re.I)


def join_texts(geo: Geometry, sheet_facts=None) -> None:
    """Texts → the outlines they label; then ``sheet_facts(geo, labels_mask)`` (the sheet's project
    facts, from the texts that label no building or roof); then each feature's facts."""
    labelled = np.zeros(len(geo.texts), dtype=bool)
    if geo.texts:
        pts = shapely.points(np.array([(t.x, t.y) for t in geo.texts], dtype=float))
        inside = np.zeros(len(geo.texts), dtype=bool)
        for cls in JOIN_CLASSES:
            feats = [f for f in geo.of(cls) if f.geom.geom_type in ("Polygon", "MultiPolygon")]
            if not feats:
                continue
            tree = geo.tree(cls)
            ti, fi = tree.query(pts, predicate="within")
            if cls in LABEL_CLASSES:
                inside[ti] = True
            order = np.argsort(ti, kind="stable")  # keep the drawing's text order
            for t_idx, f_idx in zip(ti[order], fi[order]):
                geo.of(cls)[f_idx].texts.append(geo.texts[t_idx].text)
        labelled = _join_beside(geo, pts, inside)
    if sheet_facts is not None:
        sheet_facts(geo, labelled)
    for cls in JOIN_CLASSES:
        for f in geo.of(cls):
            facts = labels.parse(f.texts)
            if cls in LABEL_CLASSES:  # ▽+49.950 / 屋面标高 49.950: the roof level is its height (rooflevels.py)
                add_roof_height(facts, f.texts)
            facts.update({k: v for k, v in f.attrs.items() if k not in facts})
            f.attrs = facts
    for b in geo.of("building"):
        derive_building(b.attrs, geo.params, geo.sources)
    for cls in ("roof_outline", "upper_footprint"):
        for r in geo.of(cls):
            derive_building(r.attrs, geo.params, geo.sources)


def _join_beside(geo: Geometry, pts, inside: np.ndarray) -> np.ndarray:
    """A label with building facts (``H=54.0``, ``18F``, ``二级``) that sits in no outline belongs to
    the nearest building (or roof) within four text heights, at least 3 m: a small footprint is
    labelled beside itself. Its facts come after the ones written inside the outline."""
    cand = [k for k in np.flatnonzero(~inside) if FACT_HINT.search(geo.texts[k].text or "")]
    cand = [k for k in cand if {"height", "storeys", "rating", "lightning_class"} & labels.parse([geo.texts[k].text]).keys()]
    labelled = inside.copy()
    if not cand:
        return labelled
    for cls in LABEL_CLASSES:
        feats = geo.of(cls)
        if not feats:
            continue
        tree = geo.tree(cls)
        for k in cand:
            t = geo.texts[k]
            reach = max(4.0 * float(t.height or 0.0), geo.du(3.0))
            idx = tree.query_nearest(pts[k], max_distance=reach, all_matches=False)
            if len(idx) and not labelled[k]:
                feats[int(idx[0])].texts.append(t.text)
                labelled[k] = True
    return labelled


def derive_building(a: dict, params: dict, param_sources: dict | None = None) -> dict:
    """Complete a building's facts; ``a["sources"]`` says where each one came from (a text on the
    sheet, set by ``labels.parse``; a project parameter or sheet note; derived; the default)."""
    src = a.setdefault("sources", {})
    given = param_sources or {}

    def from_params(key: str, fact: str) -> None:
        src.setdefault(fact, given.get(key, "默认值 default") + f" ({key})")

    storey_h = float(params.get("storey_height_m", 3.0))
    if "height" not in a and "storeys" in a:
        a["height"] = a["storeys"] * storey_h
        src.setdefault("height", f"推算 derived: {a['storeys']} × {storey_h:g} m (storey_height_m)")
    if "height" not in a:
        a["height"] = float(params.get("default_height_m", 0.0))
        from_params("default_height_m", "height")
    if "rating" not in a:
        a["rating"] = int(params.get("default_fire_rating", 2))
        from_params("default_fire_rating", "rating")
    use = a.get("use") or params.get("use") or "public"
    if not a.get("use"):
        from_params("use", "use")
    a["use"] = use
    a["residential"] = use == "residential"
    if a["height"] > 0 or "high_rise" not in params:
        a["high_rise"] = a["height"] > (27.0 if a["residential"] else 24.0)
    else:  # no height known: the project's (or the sheet's) word, e.g. 「高层住宅」
        a["high_rise"] = bool(params["high_rise"])
        from_params("high_rise", "high_rise")
    return a
