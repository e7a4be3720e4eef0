"""Areas a BIM program exports with their scheme named only by their tags. Revit draws every area
plan's boundaries on one category layer (``Area Boundary``; ``A-AREA-BNDY`` in the AIA / NCS names)
and writes each area's name in a tag inside it (``Area Tags``): the same layer holds gross areas,
rentable areas and fire compartments. An outline there is read as what its tag names — a
``防火分区一`` tag makes it a compartment, ``防护单元`` a protection unit, ``抗爆单元`` a blast unit —
and an outline whose tags name none of these (``办公``, ``GROSS AREA``) is left out."""

from __future__ import annotations

import re

import shapely

from . import labels

AREA = "area_boundary"  # the layer class (layers.toml)
TAGGED = ((re.compile(r"防火分区|消防分区|fire\s*(?:compartment|zone)", re.I), "compartment"),
          (re.compile(r"防护单元|人防单元", re.I), "ad_unit"),
          (re.compile(r"抗爆单元", re.I), "blast_unit"))


def named_by(words: list[str]) -> str | None:
    """The class the tags inside an area name (``防火分区一`` → ``compartment``), else None."""
    for word in words:
        t = labels.norm(word)
        for pattern, cls in TAGGED:
            if pattern.search(t):
                return cls
    return None


def tagged_areas(geo) -> None:
    """Each outline on an area-boundary layer becomes a feature of the class its tags name."""
    areas = geo.features.pop(AREA, [])
    if not areas:
        return
    geo._trees.pop(AREA, None)
    xs, ys = [t.x for t in geo.texts], [t.y for t in geo.texts]
    for f in areas:
        if not xs or f.geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        inside = shapely.contains_xy(f.geom, xs, ys)
        cls = named_by([t.text for t, hit in zip(geo.texts, inside) if hit])
        if cls is None:
            continue
        f.cls = cls
        geo.features.setdefault(cls, []).append(f)
        geo._trees.pop(cls, None)
