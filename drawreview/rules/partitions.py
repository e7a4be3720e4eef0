"""Area outlines as drafters divide, hole and pair them (decision 118): one outline cut by the
lines drawn across it (防火分区线), an outline inside another (a courtyard, an atrium void, a ring
lane's inner edge), and a strip drawn as its two edge lines (a fire lane).
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely import STRtree

from .features import Feature
from .primitives import Prim


# areas drawn as one outline and the lines that divide it (防火分区线, 防护单元分隔线); on other
# classes a line across an outline is something else (a roof's ridge, a building's settlement joint)
DIVIDED = frozenset({"compartment", "ad_unit", "blast_unit"})


def split_by_lines(feats: list[Feature], geoms, handles: list[str], snap: float, reach: float
                   ) -> tuple[list[Feature], set[int]]:
    """Outlines of an area class divided by open lines of the same class drawn across them: one
    floor outline with a 防火分区线 along each fire wall is several compartments, not one. A line
    (extended by ``reach`` at both ends, so one stopping short of the wall still divides) splits
    an outline when the outline's edge and the lines close two or more faces that tile it; lines
    ending inside (a dangle, a leader) split nothing. (features, indices of the lines used)."""
    if not feats or not len(geoms):
        return feats, set()
    tree = STRtree(np.array([f.geom for f in feats], dtype=object))
    li, fi = tree.query(np.asarray(geoms, dtype=object), predicate="dwithin", distance=max(snap, reach))
    by_feat: dict[int, list[int]] = {}
    for i, j in zip(li.tolist(), fi.tolist()):
        by_feat.setdefault(j, []).append(i)
    out, used = [], set()
    for j, f in enumerate(feats):
        idx = by_feat.get(j)
        if not idx or f.geom.geom_type != "Polygon":
            out.append(f)
            continue
        cut = [_lengthened(geoms[i], reach) for i in idx]
        net = shapely.node(shapely.union_all([f.geom.boundary, *cut]))
        faces = [g for g in shapely.get_parts(shapely.polygonize(shapely.get_parts(net)))
                 if g.area > 0 and f.geom.contains(g.representative_point())]
        if len(faces) < 2 or abs(sum(g.area for g in faces) - f.geom.area) > 0.01 * f.geom.area:
            out.append(f)
            continue
        edges = shapely.union_all([g.boundary for g in faces]).buffer(max(snap, 1e-9))
        mine = [i for i in idx if geoms[i].difference(edges).length <= 0.5 * geoms[i].length]  # not a dangle
        used.update(mine)
        hs = [*f.handles, *(handles[i] for i in mine)]
        out.extend(Feature(g, hs, f.layer, f.cls, f.block, dict(f.attrs)) for g in faces)
    return out, used


def split_by_fire_walls(feats: list[Feature], cut: list, snap: float, reach: float) -> list[Feature]:
    """Compartments divided by the lines of a fire-wall layer (防火墙, 防火卷帘: ``cut`` as the builder's
    ``[(coords, prim)]``), as by dividing lines drawn on the compartment layer (``split_by_lines``)."""
    geoms = np.array([shapely.LineString(c) for c, _ in cut], dtype=object)
    return split_by_lines(feats, geoms, [p.handle for _, p in cut], snap, reach)[0]


BAND_M = 1.0  # an area outline narrower than this is a wall drawn on the area's layer, not an area


def _thin(g, width: float) -> bool:
    """Narrower than ``width`` on average (twice the area over the perimeter: a band's width)."""
    return g.geom_type == "Polygon" and 2.0 * g.area < width * g.length


def bands(feats: list[Feature], width: float) -> tuple[list[Feature], list[Feature]]:
    """(areas, bands): a closed outline on an area's layer narrower than ``width`` (1 m) is no
    compartment or unit but a fire wall or unit wall drawn as a thin band between them."""
    thin = [_thin(f.geom, width) for f in feats]
    return [f for f, t in zip(feats, thin) if not t], [f for f, t in zip(feats, thin) if t]


def split_by_bands(feats: list[Feature], walls: list[Feature], snap: float, reach: float, width: float
                   ) -> list[Feature]:
    """The areas divided by the bands' edges, as by dividing lines (``split_by_lines``); what is
    left of a band (it lies on the areas' edges or across one outline) is dropped: no area is
    narrower than ``width``."""
    if walls:
        edges = np.array([shapely.LineString(w.geom.exterior.coords) for w in walls], dtype=object)
        feats, _ = split_by_lines(feats, edges, [w.handles[0] for w in walls], snap, reach)
    return [f for f in feats if not _thin(f.geom, width)]


def _lengthened(g, d: float):
    """An open line lengthened by ``d`` along its end segments (a divider drawn a little short)."""
    c = np.asarray(g.coords, dtype=float)
    if len(c) < 2 or d <= 0 or np.allclose(c[0], c[-1]):
        return g
    for end, nxt in ((0, 1), (-1, -2)):
        v = c[end] - c[nxt]
        n = float(np.hypot(*v))
        if n > 0:
            c[end] = c[end] + v / n * d
    return shapely.LineString(c)


STRIPS = frozenset({"fire_lane"})  # drawn by their edges: an outline inside another is the strip's inner edge


def _nested_pairs(feats: list[Feature]):
    """(indices of the polygon features, their geometries, container, contained): the pairs of
    those polygons where one properly contains the other, as positions in the index list; all None
    with fewer than two polygons."""
    polys = [k for k, f in enumerate(feats) if f.geom.geom_type == "Polygon"]
    if len(polys) < 2:
        return None, None, None, None
    geoms = np.array([feats[k].geom for k in polys], dtype=object)
    container, contained = STRtree(geoms).query(geoms, predicate="contains_properly")
    keep = container != contained
    return polys, geoms, container[keep], contained[keep]


def nested_as_holes(feats: list[Feature]) -> list[Feature]:
    """Outlines of a strip class inside one another read even-odd, as a hatch between them would
    fill: a ring lane drawn as its outer and inner outline is the band between them, not two
    full shapes. Polygons only; each keeps the handles of the outlines that bound it."""
    polys, geoms, container, contained = _nested_pairs(feats)
    if polys is None:
        return feats
    if not len(container):
        return feats
    depth = np.bincount(contained, minlength=len(polys))  # how many outlines contain each one
    holes: dict[int, list[int]] = {}
    for i, o in zip(container.tolist(), contained.tolist()):
        if depth[o] == depth[i] + 1:  # o directly inside i
            holes.setdefault(i, []).append(o)
    out = [f for k, f in enumerate(feats) if k not in set(polys)]
    for n, k in enumerate(polys):
        f = feats[k]
        if depth[n] % 2:
            continue  # an inner edge: a hole of its container
        kids = holes.get(n, [])
        if not kids:
            out.append(f)
            continue
        g = f.geom.difference(shapely.union_all([geoms[c] for c in kids]))
        handles = [*f.handles, *(h for c in kids for h in feats[polys[c]].handles)]
        out.extend(Feature(p, handles, f.layer, f.cls, f.block, dict(f.attrs))
                   for p in shapely.get_parts(g) if p.geom_type == "Polygon" and p.area > 0)
    return out


def edge_strips(geoms, prims: list[Prim], cls: str, max_width: float) -> tuple[list[Feature], set[int]]:
    """A strip (a fire lane) drawn as its two edge lines, open and unconnected: two lines that
    run side by side — each end of one within ``max_width`` of an end of the other, every point
    of one within ``max_width`` of the other, lengths within 20 % — close the strip between them.
    A line lying between two such lines (a centre line) is no edge; pairs are taken narrowest
    first. Lines that pair with none (a junction's broken edges) are left: (features, lines used)."""
    if len(geoms) < 2:
        return [], set()
    tree = STRtree(np.asarray(geoms, dtype=object))
    ii, jj = tree.query(np.asarray(geoms, dtype=object), predicate="dwithin", distance=max_width)
    strips = []  # (width, i, j, polygon)
    for i, j in zip(ii.tolist(), jj.tolist()):
        if i < j and (poly := _strip(geoms[i], geoms[j], max_width)) is not None:
            strips.append((geoms[i].hausdorff_distance(geoms[j]), i, j, poly))
    if not strips:
        return [], set()
    mids = shapely.points([g.interpolate(0.5, normalized=True).coords[0] for g in geoms])
    between = {int(k) for _, i, j, poly in strips for k in np.flatnonzero(shapely.contains(poly, mids))
               if k not in (i, j)}
    out, used = [], set()
    for _, i, j, poly in sorted(strips, key=lambda s: s[0]):
        if i in used or j in used or i in between or j in between:
            continue
        used.update((i, j))
        out.append(Feature(poly, [prims[i].handle, prims[j].handle], prims[i].layer, cls, prims[i].block))
    return out, used


def _strip(a, b, max_width: float):
    """The polygon between two lines that run side by side (see ``edge_strips``), else None."""
    la, lb = a.length, b.length
    apart = a.hausdorff_distance(b)
    if not la or not lb or abs(la - lb) > 0.2 * max(la, lb) or apart > max_width:
        return None
    if min(la, lb) < 2 * apart:  # ticks or a width mark drawn as two short lines: no strip is shorter than twice its width
        return None
    ca, cb = np.asarray(a.coords), np.asarray(b.coords)
    if np.hypot(*(ca[0] - cb[0])) + np.hypot(*(ca[-1] - cb[-1])) > np.hypot(*(ca[0] - cb[-1])) + np.hypot(
            *(ca[-1] - cb[0])):
        cb = cb[::-1]
    if max(np.hypot(*(ca[0] - cb[0])), np.hypot(*(ca[-1] - cb[-1]))) > max_width:
        return None
    poly = shapely.make_valid(shapely.Polygon(np.vstack([ca, cb[::-1]])))
    parts = [p for p in shapely.get_parts(poly) if p.geom_type == "Polygon" and p.area > 0]
    return parts[0] if len(parts) == 1 else None  # edges that cross make no strip


VOID_WORDS = ("中庭", "天井", "庭院", "内院", "采光井", "上空", "挑空", "共享空间", "void", "atrium", "courtyard")


def voids_as_holes(feats: list[Feature], texts: list) -> list[Feature] | None:
    """An outline drawn inside another of an area class, at most half its size — a courtyard, an
    atrium void, a compartment enclosed by another — is a hole of its container: the container's
    floor is what lies between them. The inner outline stays a feature of its own only when a text
    inside it names something other than a void (防火分区二 …); unlabelled or labelled 中庭 /
    天井 / 上空 … it is the hole alone. None when no outline lies in another."""
    polys, geoms, container, contained = _nested_pairs(feats)
    if polys is None:
        return None
    depth = np.bincount(contained, minlength=len(polys))  # how many outlines contain each one
    areas = shapely.area(geoms)
    pairs = [(i, o) for i, o in zip(container.tolist(), contained.tolist())
             if depth[i] == 0 and depth[o] == 1 and areas[o] <= 0.5 * areas[i]]
    if not pairs:
        return None
    xs = np.array([t.x for t in texts], dtype=float)
    ys = np.array([t.y for t in texts], dtype=float)
    holes: dict[int, list[int]] = {}
    void: set[int] = set()
    for i, o in pairs:
        holes.setdefault(i, []).append(o)
        words = [texts[k].text.casefold() for k in np.flatnonzero(shapely.contains_xy(geoms[o], xs, ys))] if len(xs) else []
        if not words or any(w in t for t in words for w in VOID_WORDS):
            void.add(o)
    out = []
    for n, k in enumerate(polys):
        f = feats[k]
        if n in void:
            continue
        if n in holes:
            g = f.geom.difference(shapely.union_all([geoms[c] for c in holes[n]]))
            out.append(Feature(g, [*f.handles, *(h for c in holes[n] for h in feats[polys[c]].handles)], f.layer,
                               f.cls, f.block, dict(f.attrs)))
        else:
            out.append(f)
    return [f for k, f in enumerate(feats) if k not in set(polys)] + out
