"""Texts on a LEADER (decision 121): a drafter labels a compartment, a building or a room from
outside it with a LEADER whose tail ends at the words, and the words mean the point the arrow
touches. A LEADER's text is its annotation (``annotation_handle``) or, as converters and older
programs write it without that link, the text whose extent lies within 1.5 text heights of the
leader's last vertex (the nearest one). That text is placed at the arrowhead (the first vertex),
as a MULTILEADER's text is (``texts.add_leader_text``). One text per leader, one leader per text.

Decision 126: a LEADER inside a block (a plan inserted whole) is read where the insert places it
(``blockcache.BlockCache.insert_leaders``), and a leader drawn as plain linework — a small SOLID
arrowhead and LINEs or an open polyline chained from its tip — is read as a LEADER
(``drawn_leaders``).
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely import STRtree

from .primitives import _lw_values, flipped


def _extent(t):
    """A text's extent: its insertion point, one height per character to the right and up."""
    h = max(float(t.height or 0.0), 1e-9)
    return shapely.box(t.x, t.y, t.x + h * max(len(t.text.strip()), 1), t.y + h)


def texts_to_arrowheads(texts: list, leaders: list) -> None:
    """Move each leader's text (``features.Text``) to the leader's arrowhead, in place."""
    if not leaders or not texts:
        return
    by_handle = {t.handle: k for k, t in enumerate(texts)}
    boxes = np.array([_extent(t) for t in texts], dtype=object)
    heights = np.array([max(float(t.height or 0.0), 1e-9) for t in texts])
    tree = STRtree(boxes)
    reach = 1.5 * float(heights.max())
    taken: set[int] = set()
    for e in leaders:
        try:
            vs = [(v[0], v[1]) for v in e.vertices]
        except (AttributeError, TypeError, IndexError):
            continue
        if len(vs) < 2:
            continue
        k = by_handle.get(e.dxf.get("annotation_handle", None) or "")
        if k is None:
            tail = shapely.Point(vs[-1])
            near = tree.query(tail, predicate="dwithin", distance=reach)
            d = shapely.distance(boxes[near], tail) if len(near) else np.array([])
            ok = [(float(dd), int(i)) for i, dd in zip(near, d) if dd <= 1.5 * heights[i] and int(i) not in taken]
            if not ok:
                continue
            k = min(ok)[1]
        if k in taken:
            continue
        taken.add(k)
        texts[k].x, texts[k].y = float(vs[0][0]), float(vs[0][1])


class DrawnLeader:
    """A leader drawn as linework: its vertices from the arrow's tip to the tail (what
    ``texts_to_arrowheads`` reads of a LEADER)."""

    class _Dxf:
        @staticmethod
        def get(key, default=None):
            return default

    dxf = _Dxf()

    def __init__(self, vertices: list[tuple[float, float]]) -> None:
        self.vertices = vertices


def _tip(e, most: float) -> tuple[np.ndarray, float] | None:
    """(tip, arrow length) of a SOLID drawn as an arrowhead: a triangle (a SOLID's 4th vertex repeats
    its 3rd) at most ``most`` long and longer than wide; the tip is the corner opposite the
    shortest side."""
    try:
        vs = [np.array([v[0], v[1]], dtype=float) for v in (e.dxf.vtx0, e.dxf.vtx1, e.dxf.vtx2, e.dxf.get("vtx3", e.dxf.vtx2))]
    except AttributeError:
        return None
    pts = []
    for v in vs:
        if not any(np.allclose(v, q) for q in pts):
            pts.append(v)
    if len(pts) != 3:
        return None
    sides = [float(np.hypot(*(pts[(i + 1) % 3] - pts[(i + 2) % 3]))) for i in range(3)]  # side opposite i
    k = int(np.argmin(sides))
    length = float(np.hypot(*(pts[k] - (pts[(k + 1) % 3] + pts[(k + 2) % 3]) / 2)))
    if not (0 < sides[k] < length <= most):
        return None
    return pts[k], length


def drawn_leaders(solids: list, lines: dict, most: float) -> list[DrawnLeader]:
    """Leaders drawn as linework: for each arrowhead SOLID (``_tip``), the chain of LINEs / open
    polylines on its layer (``lines``: layer → [(n, 2) coords]) starting within the arrow's length of
    its tip, followed end to end (ends within a tenth of the arrow's length) to the tail."""
    out = []
    for e in solids:
        found = _tip(e, most)
        if found is None:
            continue
        tip, size = found
        pieces = [np.asarray(c, dtype=float) for c in lines.get(e.dxf.get("layer", "0"), []) if len(c) >= 2]
        if not pieces:
            continue
        ends = np.array([[c[0], c[-1]] for c in pieces])  # (n, 2 ends, 2)
        d = np.hypot(*(ends - tip).transpose(2, 0, 1))
        i, j = np.unravel_index(int(np.argmin(d)), d.shape)
        if d[i, j] > size:
            continue
        chain, used, cur = [tip], {int(i)}, pieces[i] if j == 0 else pieces[i][::-1]
        while True:
            chain.extend(cur[1:] if np.allclose(cur[0], chain[-1]) else cur)
            d = np.hypot(*(ends - chain[-1]).transpose(2, 0, 1))
            d[list(used)] = np.inf
            i, j = np.unravel_index(int(np.argmin(d)), d.shape)
            if d[i, j] > 0.1 * size or len(used) >= 8:
                break
            used.add(int(i))
            cur = pieces[i] if j == 0 else pieces[i][::-1]
        if len(chain) >= 2:
            out.append(DrawnLeader([(float(x), float(y)) for x, y in chain]))
    return out


DRAWN_LEADER_TYPES = frozenset({"SOLID", "LINE", "LWPOLYLINE"})


def leader_part(e, t: str, layer: str, solids: list, lines: dict) -> None:
    """Keep a SOLID, a LINE or an open straight polyline on a text layer (or an unmapped one): maybe
    part of a leader drawn as plain entities."""
    if t == "SOLID":
        solids.append(e)
    elif t == "LINE":
        s, f = e.dxf.start, e.dxf.end
        lines.setdefault(layer, []).append(((s.x, s.y), (f.x, f.y)))
    elif not e.closed and not flipped(e):
        lines.setdefault(layer, []).append(_lw_values(e)[:, :2])
