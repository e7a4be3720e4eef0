"""Shapes from linework as drafters draw it: several hatch boundary paths as one shape (even-odd),
one feature for a shape drawn twice (an outline and its hatch), polygons closed by loose LINEs,
and the open groups of lines a class may keep open (an entrance passage).
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely import STRtree

from .features import Feature
from .primitives import Prim


def _hatch_islands(rings: list, cls: str, apart: bool = False) -> tuple[list, list[Feature]]:
    """A HATCH with several boundary paths (a courtyard, an island) is one shape by the even-odd
    rule, not one polygon per path. With ``apart`` (areas that tile a floor: compartments, units)
    paths whose insides do not overlap — side by side, sharing at most an edge — are areas of
    their own, as a compartment diagram hatches each compartment as one path of one hatch; the
    even-odd rule applies within each group of overlapping (nested) paths. (rings left as they
    are, features of the holed hatches)."""
    by_hatch: dict[str, list[int]] = {}
    for k, (_, p) in enumerate(rings):
        if p.dxftype == "HATCH":
            by_hatch.setdefault(p.handle, []).append(k)
    multi = {h: ks for h, ks in by_hatch.items() if len(ks) > 1}
    if not multi:
        return rings, []
    taken = {k for ks in multi.values() for k in ks}
    out: list[Feature] = []
    for ks in multi.values():
        polys = sorted((shapely.make_valid(shapely.Polygon(rings[k][0])) for k in ks), key=lambda g: -g.area)
        p = rings[ks[0]][1]
        for group in (_overlapping(polys) if apart else [polys]):
            shape = group[0]
            for q in group[1:]:
                shape = shape.symmetric_difference(q)
            for part in shapely.get_parts(shape):
                if part.geom_type == "Polygon" and part.area > 0:
                    out.append(Feature(part, [p.handle], p.layer, cls, p.block))
    return [r for k, r in enumerate(rings) if k not in taken], out


def _overlapping(polys: list) -> list[list]:
    """Groups of polygons (largest first) whose insides overlap, directly or through another."""
    parent = list(range(len(polys)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    tree = STRtree(polys)
    for i, j in zip(*tree.query(polys, predicate="intersects").tolist()):
        if i < j and polys[i].intersection(polys[j]).area > 1e-6 * min(polys[i].area, polys[j].area):
            parent[root(j)] = root(i)
    groups: dict[int, list] = {}
    for k, g in enumerate(polys):
        groups.setdefault(root(k), []).append(g)
    return list(groups.values())


def areal(g):
    """The area of a repaired outline: an outline drawn with a spike (a vertex out and back along
    one line) or a dangling tail repairs to a polygon plus lines; the lines bound nothing. A corner
    picked out of order (a small bow-tie loop) repairs to the outline plus a sliver: the outline
    is the largest part when the rest is under ``SLIVER`` of it (a real figure-of-eight stays whole)."""
    if g.geom_type == "GeometryCollection":
        g = shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")])
    if g.geom_type == "MultiPolygon":
        parts = sorted(shapely.get_parts(g), key=lambda p: -p.area)
        if sum(p.area for p in parts[1:]) < SLIVER * parts[0].area:
            return parts[0]
    return g


SLIVER = 0.02  # of the largest part's area


def merge_duplicates(feats: list[Feature], wall: float = 0.0) -> list[Feature]:
    """One feature for one shape drawn twice (an outline and its hatch, a polyline traced over
    another): polygons of a class that cover each other to 1 % are merged, keeping the first
    one drawn (usually the outline) and every handle. With ``wall`` (drawing units), an outline
    inside another with only a band narrower than ``wall`` between them — a parapet's or a wall's
    inner and outer face — is the same shape too, and the outer one is kept. One bulk STRtree
    query; only overlapping pairs are compared."""
    if len(feats) < 2:
        return feats
    geoms = np.array([f.geom for f in feats], dtype=object)
    ii, jj = STRtree(geoms).query(geoms, predicate="intersects")
    keep = ii < jj
    ii, jj = ii[keep], jj[keep]
    if not len(ii):
        return feats
    areas = shapely.area(geoms)
    a, b = areas[ii], areas[jj]
    close = np.abs(a - b) <= 0.01 * np.maximum(a, b)
    if wall > 0:  # the band between the faces: twice its area under wall × the two perimeters
        lengths = shapely.length(geoms)
        close |= 2.0 * np.abs(a - b) < wall * (lengths[ii] + lengths[jj])
    ii, jj = ii[close], jj[close]
    if not len(ii):
        return feats
    inter = shapely.area(shapely.intersection(geoms[ii], geoms[jj]))
    big, small = np.maximum(areas[ii], areas[jj]), np.minimum(areas[ii], areas[jj])
    same = (inter >= 0.99 * big) | ((wall > 0) & (inter >= 0.99 * small))
    parent = list(range(len(feats)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for i, j in zip(ii[same], jj[same]):
        ri, rj = root(int(i)), root(int(j))
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for k in range(len(feats)):
        groups.setdefault(root(k), []).append(k)
    out = []
    for members in groups.values():
        if len(members) == 1:
            out.append(feats[members[0]])
            continue
        first, outer = members[0], max(members, key=lambda k: areas[k])
        best = feats[outer if areas[outer] > 1.01 * areas[first] else first]
        merged = Feature(best.geom, [h for k in members for h in feats[k].handles], best.layer, best.cls, best.block,
                         dict(best.attrs))
        out.append(merged)
    return out


OPEN_OK = frozenset({"ad_entrance"})  # an entrance passage drawn as an open U against the unit wall


def _open_groups(geoms: list, prims: list[Prim], cls: str, snap: float) -> list[Feature]:
    """Open linework of a class that may stay open: one feature per connected group of lines
    (the two walls and the end of a passage drawn as three LINEs are one entrance)."""
    blobs = shapely.get_parts(shapely.union_all(shapely.buffer(np.array(geoms, dtype=object), max(snap, 1e-9))))
    tree = STRtree(np.array(geoms, dtype=object))
    out = []
    for blob in blobs:
        idx = sorted(int(i) for i in tree.query(blob, predicate="intersects"))
        if not idx:
            continue
        g = shapely.union_all([geoms[i] for i in idx])
        out.append(Feature(g, [prims[i].handle for i in idx], prims[idx[0]].layer, cls, prims[idx[0]].block))
    return out


def loose_symbols(prims: list[Prim], cls: str, snap: float, span: float) -> tuple[list[Feature], list[Prim]]:
    """Symbols of a point class drawn as loose linework instead of a block: an exploded door is
    a leaf (LINE) and its swing (ARC) touching at the hinge, or one polyline whose bulge is the
    swing. One point feature per connected group at most ``span`` across that holds an arc, at
    its arcs' centres (the hinge; between the two hinges of a double door). Groups without an arc (a window's parallel lines on a
    门窗 layer) or wider than a symbol are left over: (features, prims not used)."""
    geoms = _ragged(shapely.linestrings, [p.coords for p in prims])
    blobs = shapely.get_parts(shapely.union_all(shapely.buffer(geoms, max(snap, 1e-9))))
    tree = STRtree(geoms)
    out, used = [], set()
    for blob in blobs:
        idx = sorted(int(i) for i in tree.query(blob, predicate="intersects") if int(i) not in used)
        if not idx:
            continue
        allc = np.vstack([prims[i].coords for i in idx])
        centres = [prims[i].centre for i in idx if prims[i].centre is not None]
        if not centres or float(np.ptp(allc, axis=0).max()) > span:
            continue
        used.update(idx)
        p = np.mean(centres, axis=0)
        out.append(Feature(shapely.Point(p), [prims[i].handle for i in idx], prims[idx[0]].layer, cls))
    return out, [p for k, p in enumerate(prims) if k not in used]


def _ragged(ctor, coords: list[np.ndarray]) -> np.ndarray:
    """Vectorised construction of many rings / lines of different lengths."""
    lengths = np.fromiter((len(c) for c in coords), dtype=np.int64, count=len(coords))
    return ctor(np.vstack(coords), indices=np.repeat(np.arange(len(coords)), lengths))


def _polygonize(geoms, prims: list[Prim], cls: str, snap: float) -> list[Feature]:
    """Polygons formed by loose linework (walls drawn as LINEs); handles of the edges."""
    snapped = shapely.set_precision(geoms, snap / 2) if snap > 0 else geoms
    polys = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.node(shapely.union_all(snapped)))))
    if len(polys) == 0:
        return []
    tree = STRtree(geoms)
    out = []
    for poly in polys:
        idx = tree.query(poly.boundary, predicate="dwithin", distance=snap) if snap > 0 else tree.query(poly.boundary)
        hs = [prims[i].handle for i in idx]
        layer = prims[idx[0]].layer if len(idx) else ""
        out.append(Feature(poly, hs, layer, cls))
    return out
