"""Texts on a LEADER (decision 121): a drafter labels a compartment, a building or a room from
outside it with a LEADER whose tail ends at the words, and the words mean the point the arrow
touches. A LEADER's text is its annotation (``annotation_handle``) or, as converters and older
programs write it without that link, the text whose extent lies within 1.5 text heights of the
leader's last vertex (the nearest one). That text is placed at the arrowhead (the first vertex),
as a MULTILEADER's text is (``geometry._add_leader_text``). One text per leader, one leader per text.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely import STRtree


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
