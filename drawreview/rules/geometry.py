"""The geometry the checks read: semantic features with facts, texts, frames, dimensions
(the types are in ``features``, shapes from linework in ``outlines``, INSERTs in ``inserts``,
paper-space words in ``paper``).

``extract(doc, layer_map, params)`` walks model space once. Geometry stays in drawing
units (so findings carry drawing-unit bboxes); ``Geometry.m`` / ``Geometry.du`` convert
lengths using ``$INSUNITS`` (0 = unitless is read as ``params["default_units"]``, mm).
"""

from __future__ import annotations

import numpy as np
import shapely

from . import notes, texts
from .areatags import tagged_areas
from .faces import AREAS_ONLY, joined
from .features import Box, Feature, Geometry
from .hidden import hidden_layers
from .inserts import _add_insert, frame_test
from .layoutfloors import layouts_govern_floors
from .layers import LayerMap
from .leaders import DRAWN_LEADER_TYPES, drawn_leaders, leader_part, texts_to_arrowheads
from .outlines import (OPEN_OK, _hatch_islands, _open_groups, _polygonize, _ragged, areal, loose_symbols,
                       merge_duplicates)
from .partitions import (BAND_M, DIVIDED, STRIPS, bands, edge_strips, nested_as_holes, split_by_bands,
                         split_by_fire_walls, split_by_lines, voids_as_holes)
from .junctions import junction_strips
from .paper import drawn_extent
from .papernotes import read_paper
from .demolition import drop_demolished
from .drawnframes import frames_from_lines
from .meshes import mesh_prims
from .walls import OPENING_M, enclosed_floors, wall_line
from .titles import drop_key_plans, titles_govern_floors
from .units import drawing_units
from .blockcache import BlockCache
from .primitives import TEXT_TYPES, Prim, copies, entity_prims


PAINTED_M = 1.0  # an open polyline at least this wide paints an area (a pen's heavy line is ≤ 0.5 m at 1:100)


def _touches(coords: np.ndarray, clip: Box | None) -> bool:
    """Whether the coordinates' bounding box meets the clip box (a frame in model space)."""
    if clip is None:
        return True
    xs, ys = coords[:, 0], coords[:, 1]
    return xs.min() <= clip[2] and xs.max() >= clip[0] and ys.min() <= clip[3] and ys.max() >= clip[1]


class _Builder:
    def __init__(self, geo: Geometry, layer_map: LayerMap, snap: float, clip: Box | None = None) -> None:
        self.geo = geo
        self.lm = layer_map
        self.snap = snap
        self.clip = clip
        self.near = min(0.5 / geo.unit_m, max(snap, 0.5 / geo.unit_m))  # the widest gap ever snapped
        self.symbol = 3.0 / geo.unit_m  # a symbol (exit, down-conductor) is at most 3 m across
        self.rings: dict[str, list[tuple[np.ndarray, Prim]]] = {}
        self.open: dict[str, list[tuple[np.ndarray, Prim]]] = {}
        self.points: dict[str, list[Feature]] = {}
        self.loose: dict[str, list[Prim]] = {}  # open linework on a point class (an exploded door)
        self.plan = False  # adding the primitives of a block that is a plan, not a symbol
        self.walls: list[np.ndarray] = []  # wall linework: a floor whose outer edge is only its walls (walls.py)
        self.wall_entities: list = []  # model-space wall entities, flattened only when walls are needed
        self.distance = 0.0  # the flattening distance (drawing units)
        self.leaders: list = []  # LEADERs (model space, and inside blocks) whose texts go to their arrowheads
        self.hidden: frozenset[str] = frozenset()  # layers frozen or switched off: not on the sheet (hidden.py)
        self.shown = None  # while adding an XCLIPped INSERT's nested symbols: the region it shows (xclips.py)

    def add(self, p: Prim, cls_hint: str | None = None) -> None:
        if self.clip is not None and (len(p.coords) == 0 or not _touches(p.coords, self.clip)):
            return
        if self.hidden and p.layer.casefold() in self.hidden:  # on a frozen or switched-off layer (hidden.py)
            return
        cls = cls_hint or self.lm.classify(p.layer, p.dxftype, p.block, p.pattern)
        if cls is None:
            self.geo.unmapped[p.layer] = self.geo.unmapped.get(p.layer, 0) + 1
            return
        self.geo.layer_classes.setdefault(p.layer, cls)
        shape = self.lm.shape(cls)
        if shape != "polygon" and p.dxftype in AREAS_ONLY:
            return  # a face entity shows an area: on a symbol or line layer it is a fill (faces.py)
        if shape == "point":
            self._point(p, cls)
            return
        if cls in ("wall", "fire_wall") and p.kind == "line":
            self.walls.append(wall_line(p))  # a fire wall is a wall too, and divides compartments (finish)
            if cls == "wall":
                return
        if shape not in ("polygon", "line") or p.kind != "line" or len(p.coords) < 2:
            if shape in ("polygon", "line") and p.kind == "point":
                self.geo.unusable[p.layer] = self.geo.unusable.get(p.layer, 0) + 1
            return
        closed = p.closed
        if not closed and len(p.coords) >= 3 and shape == "polygon":
            # a nearly closed outline: the gap is snapped up to max(snap, 2 % of its length, ≤ 0.5 m)
            gap = float(np.hypot(*(p.coords[0] - p.coords[-1])))
            if gap <= self.snap:
                closed = True
            elif gap <= self.near:
                length = float(np.hypot(*np.diff(p.coords, axis=0).T).sum())
                closed = gap <= 0.02 * length
        if shape == "polygon" and not closed and p.width >= self.geo.du(PAINTED_M):
            # a polyline drawn as wide as the thing it shows (a lane, a road): the area it paints
            strip = shapely.LineString(p.coords).buffer(p.width / 2, cap_style="flat", join_style="mitre")
            if isinstance(strip, shapely.Polygon) and not strip.is_empty and not strip.interiors:
                self.rings.setdefault(cls, []).append((np.asarray(strip.exterior.coords)[:-1], p))
                return
        if shape == "polygon" and closed and len(p.coords) >= 3:
            self.rings.setdefault(cls, []).append((p.coords, p))
        elif closed and len(p.coords) >= 3 and not np.array_equal(p.coords[0], p.coords[-1]):
            # a closed polyline on a line class keeps its closing segment
            self.open.setdefault(cls, []).append((np.vstack([p.coords, p.coords[:1]]), p))
        else:
            self.open.setdefault(cls, []).append((p.coords, p))

    def _wall_lines(self) -> list[np.ndarray]:
        """Every wall line: the blocks' (kept as they were added) and model space's (flattened now)."""
        self.walls.extend(wall_line(p) for e in self.wall_entities for p in entity_prims(e, self.distance)
                          if p.kind == "line" and len(p.coords) and _touches(p.coords, self.clip))
        self.wall_entities = []
        return self.walls

    def _point(self, p: Prim, cls: str) -> None:
        """A point feature (exit, door, down-conductor) from a POINT, a circle's centre, or a small
        closed symbol (rectangle, polygon) at its centre; anything else on the layer is reported."""
        if p.block and (p.nested or not self.plan):
            return  # parts of a block symbol: the INSERT is the feature
        if p.kind == "point":
            self.points.setdefault(cls, []).append(Feature(shapely.Point(p.coords[0]), [p.handle], p.layer, cls))
            return
        if p.dxftype == "CIRCLE":
            return  # its centre comes as a point primitive
        span = float(np.ptp(p.coords, axis=0).max()) if len(p.coords) else 0.0
        if (p.closed or len(p.coords) >= 4 and np.allclose(p.coords[0], p.coords[-1])) and span <= self.symbol:
            c = p.coords.mean(axis=0) if len(p.coords) < 3 else np.asarray(shapely.Polygon(p.coords).centroid.coords[0])
            self.points.setdefault(cls, []).append(Feature(shapely.Point(c), [p.handle], p.layer, cls))
            return
        if not p.closed and span <= self.symbol:
            self.loose.setdefault(cls, []).append(p)  # maybe part of an exploded symbol: see finish
            return
        self.geo.unusable[p.layer] = self.geo.unusable.get(p.layer, 0) + 1

    def finish(self) -> None:
        geo = self.geo
        for cls, prims in self.loose.items():
            feats, left = loose_symbols(prims, cls, self.snap, self.symbol)
            self.points.setdefault(cls, []).extend(feats)
            for p in left:
                geo.unusable[p.layer] = geo.unusable.get(p.layer, 0) + 1
        for cls, shape in self.lm.shapes.items():
            feats: list[Feature] = list(self.points.get(cls, []))
            rings, holed, ring_feats = joined(self.rings.get(cls, []), geo.du(1.0)), [], []  # faces.py
            if rings and shape == "polygon":
                rings, holed = _hatch_islands(rings, cls, cls in DIVIDED)
            if rings:
                polys = shapely.polygons(_ragged(shapely.linearrings, [c for c, _ in rings]))
                bad = ~shapely.is_valid(polys)
                if bad.any():
                    polys[bad] = [areal(g) for g in shapely.make_valid(polys[bad])]
                ring_feats = [Feature(poly, [p.handle], p.layer, cls, p.block)
                              for poly, (_, p) in zip(polys, rings) if not poly.is_empty and poly.area > 0]
                ring_feats = merge_duplicates(ring_feats, 0.0 if cls in STRIPS else geo.du(BAND_M))
            walls = []
            if cls in DIVIDED:  # a fire wall drawn as a thin band on the compartment layer
                ring_feats, walls = bands(ring_feats, geo.du(BAND_M))
            if cls in STRIPS and ring_feats:  # a ring lane's outer + inner outline: the band (its hatch too)
                feats.extend(merge_duplicates(holed + nested_as_holes(ring_feats)))
            elif cls in DIVIDED and (holey := voids_as_holes(ring_feats, geo.texts)) is not None:
                feats.extend(merge_duplicates(holed + holey))  # a compartment around a courtyard (its hatch too)
            else:
                feats.extend(holed + ring_feats)
            lines = self.open.get(cls, [])
            if lines:
                geoms = _ragged(shapely.linestrings, [c for c, _ in lines])
                if shape == "line":
                    for g, (_, p) in zip(geoms, lines):
                        feats.append(Feature(g, [p.handle], p.layer, cls, p.block))
                else:
                    faces = _polygonize(geoms, [p for _, p in lines], cls, self.snap)
                    feats.extend(faces)
                    used = {h for f in faces for h in f.handles}
                    left = [k for k, (_, p) in enumerate(lines) if p.handle not in used]
                    if left and cls in DIVIDED:  # dividing lines drawn across an outline
                        feats, cut = split_by_lines(feats, geoms[left], [lines[k][1].handle for k in left],
                                                    self.snap, self.near)
                        if not cut and (self.walls or self.wall_entities) and not any(
                                f.geom.geom_type == "Polygon" for f in feats):
                            # … or across a floor whose outer edge is only its walls
                            floors = [Feature(g, [], lines[left[0]][1].layer, cls)
                                      for g in enclosed_floors(self._wall_lines(), geo.du(OPENING_M))]
                            parts, cut = split_by_lines(floors, geoms[left], [lines[k][1].handle for k in left],
                                                        self.snap, self.near)
                            feats.extend(f for f in parts if f.handles)  # the floors cut, not the others
                        left = [k for n, k in enumerate(left) if n not in cut]
                    if left and cls in STRIPS:  # a lane drawn as its two edge lines
                        strips, cut = edge_strips(geoms[left], [lines[k][1] for k in left], cls, geo.du(15.0))
                        feats.extend(strips)
                        left = [k for n, k in enumerate(left) if n not in cut]
                    if len(left) > 1 and cls in STRIPS:  # … or as edges that turn into each other at junctions
                        strips, cut = junction_strips(geoms[left], [lines[k][1] for k in left], cls, geo.du(15.0))
                        feats.extend(strips)
                        left = [k for n, k in enumerate(left) if n not in cut]
                    if left and cls in OPEN_OK:
                        feats.extend(_open_groups([geoms[k] for k in left], [lines[k][1] for k in left], cls,
                                                  self.snap))
                        left = []
                    for k in left:  # linework of an area class that closes no area: reported
                        layer = lines[k][1].layer
                        self.geo.unusable[layer] = self.geo.unusable.get(layer, 0) + 1
            if cls == "compartment" and feats and (cut := self.open.get("fire_wall")):  # 防火墙, 防火卷帘 lines
                feats = split_by_fire_walls(feats, cut, self.snap, self.near)
            if cls in DIVIDED and feats:
                feats = split_by_bands(feats, walls, self.snap, self.near, geo.du(BAND_M))
            if shape == "line":
                for coords, p in rings:  # closed linework of a line class stays linework
                    feats.append(Feature(shapely.LinearRing(coords), [p.handle], p.layer, cls, p.block))
            if feats:
                geo.features[cls] = feats

def extract(doc, layer_map: LayerMap, params: dict | None = None, bbox: Box | None = None, *,
            defaults: dict | None = None, sheet_facts: bool = True) -> Geometry:
    """Walk model space once. With ``bbox`` (a frame of a split model space, drawing units) only
    what lies in the frame is taken: texts, points and frames by position, linework when its
    bounding box meets the frame (so geometry that crosses the frame edge still counts).
    ``params`` are the project's explicit parameters, ``defaults`` the values under them (a
    city file); facts written on the sheet come in between (``notes.apply_sheet_facts``)."""
    explicit, under = dict(params or {}), dict(defaults or {})
    params = {**under, **explicit}
    unit_m, block_units, units_source = drawing_units(doc, layer_map, params)
    clip = tuple(float(v) for v in bbox) if bbox is not None else None
    geo = Geometry(insunits=int(doc.header.get("$INSUNITS", 0) or 0), unit_m=unit_m, params=params, clip=clip)
    if units_source:
        geo.sources["units"] = units_source
    distance = 0.05 / unit_m  # flatten to 5 cm
    builder = _Builder(geo, layer_map, snap=float(params.get("snap_m", 0.05)) / unit_m, clip=clip)
    builder.distance = distance
    frozen, builder.hidden = hidden_layers(doc)
    blocks = BlockCache(doc, distance, block_units, frame_test(layer_map))
    classify = layer_map.classify
    shape_of = layer_map.shapes.get
    unmapped = geo.unmapped
    count = 0
    leaders = builder.leaders
    solids: list = []  # arrowheads and linework of leaders drawn as plain entities (leaders.drawn_leaders)
    leader_lines: dict[str, list] = {}
    frame_lines: dict[str, list] = {}  # the frame layer's linework, by layer: a frame drawn apart
    for e in doc.modelspace():
        count += 1
        t = e.dxftype()
        if builder.hidden and (lay := e.dxf.get("layer", "0").casefold()) in builder.hidden and (
                t != "INSERT" or lay in frozen):
            continue  # not on the sheet: frozen, or switched off (an INSERT there still shows its other layers)
        if t in TEXT_TYPES:
            texts.add_text(geo, e, t, clip)
            continue
        if t == "DIMENSION":
            texts.add_dim(geo, e, clip)
            continue
        if t == "MULTILEADER":
            texts.add_leader_text(geo, e, clip)
            continue
        if t == "INSERT":
            for ref in copies(e):  # a MINSERT: each copy of its grid
                _add_insert(geo, builder, blocks, ref)
            continue
        if t == "ACAD_TABLE":  # a notes table: its cells' texts
            for v in texts.table_cells(e):
                texts.add_text(geo, v, v.dxftype(), clip)
            continue
        if t == "LEADER":
            leaders.append(e)  # its text is placed at its arrowhead once all texts are read (leaders.py)
        d = e.dxf.__dict__  # ezdxf keeps set DXF attributes here (what dxf.get reads)
        layer = d.get("layer", "0")
        cls = classify(layer, t, "", d.get("pattern_name", "") if t == "HATCH" else "")
        if (cls is None or cls == "annotation") and t in DRAWN_LEADER_TYPES:
            leader_part(e, t, layer, solids, leader_lines)
        if cls is None:
            if clip is None or texts.anchor_inside(e, d, clip):
                unmapped[layer] = unmapped.get(layer, 0) + 1
            continue
        if shape_of(cls) == "ignore":
            geo.layer_classes.setdefault(layer, cls)
            if cls == "wall":
                builder.wall_entities.append(e)
            elif cls == "frame" and clip is None and t in ("LINE", "LWPOLYLINE", "POLYLINE"):
                frame_lines.setdefault(layer, []).append((e.dxf.handle, entity_prims(e, distance)))
            continue
        for p in entity_prims(e, distance):
            builder.add(p, cls)
        if t == "HATCH" and cls == "air_termination":  # a mesh drawn as a grid hatch: its lines (meshes.py)
            for p in mesh_prims(e, geo.unit_m, layer, e.dxf.handle):
                builder.add(p, cls)
    geo.entity_count = count
    for layer, drawn in frame_lines.items():  # a frame exploded into lines and texts (drawnframes.py)
        frames_from_lines(geo, [p for _, prims in drawn for p in prims], layer, drawn[0][0])
    if solids:
        leaders.extend(drawn_leaders(solids, leader_lines, geo.du(2.0)))
    texts_to_arrowheads(geo.texts, leaders)
    builder.finish()
    tagged_areas(geo)  # a BIM export's area boundaries: each the class its tag names (areatags.py)
    drop_key_plans(geo)  # a 防火分区示意图 beside its plan is a diagram, not the floor (titles.py)
    from .doors import sort_exits  # local imports: both depend on Geometry
    from .joins import join_texts

    shown, paper, geo.paper_notes = (
        read_paper(doc, blocks, clip or drawn_extent(geo), clip is None, builder.hidden, layer_map)
        if sheet_facts and len(doc.layouts) > 1 else (([], []), [], []))
    join_texts(geo, (lambda g, labelled: notes.apply_sheet_facts(g, explicit, under, labelled, paper))
               if sheet_facts else None)
    drop_demolished(geo)  # a footprint marked 拆除 is gone when the project is built (demolition.py)
    if sheet_facts:
        layouts_govern_floors(geo, shown, blocks, explicit)  # plans shown by their own layouts (layoutfloors.py)
        titles_govern_floors(geo, explicit)  # plans side by side: each under its own title (titles.py)
    sort_exits(geo)
    return geo
