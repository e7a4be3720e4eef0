"""The pattern lines of a HATCH, computed for all of its pattern lines at once with numpy.

``ezdxf.render.hatching.hatch_entity`` finds the lines one hatch line at a time in Python
(~15 µs a line: the eight pattern hatches of ACadSharp's sample drawing took 26 ms, two
thirds of drawing its model space). This does the same geometry as array operations:

1. the boundary loops (ezdxf's ``hatch_boundary_paths``: hatch style, islands, text boxes)
   flattened to edges (curves to within 1e-5 of the boundary's size: ezdxf intersects the
   Bézier curves exactly; the difference is far below a pixel at the deepest zoom);
2. per pattern line (origin, direction, offset): every boundary edge crossed by the hatch
   lines ``k × offset``, with the half-open rule of a scanline fill (a vertex on a hatch
   line counts once, or twice at a peak); the pattern's origin is moved as ezdxf moves it
   (its "jiggle", here a fixed amount instead of a random one), so a hatch line lying on a
   boundary edge is drawn, or not, as ezdxf draws it;
3. the crossings of each hatch line sorted along it and paired inside/outside (even-odd,
   as ezdxf: exterior, holes and islands alike);
4. the dash pattern laid along each inside stretch from the hatch line's own origin:
   dashes clipped to the stretch, dots where they fall inside it, gaps left out.

Only the common case takes this path: a hatch in the XY plane (extrusion +Z) with finite
numbers and an amount of work under :data:`BUDGET`; otherwise :func:`segments` returns
None and the caller uses ezdxf's generator, as before. A pattern whose lines are closer
than ezdxf allows raises ezdxf's ``DenseHatchingLinesError``, as ``hatch_entity`` does.
tests/cad/test_hatchfill.py holds ezdxf's lines as the reference.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from ezdxf.render import hatching

BUDGET = 400_000  # crossings, or dash places, computed at once; past it ezdxf's lazy generator
FLAT = 1e-5  # curve flattening tolerance, relative to the boundary's size
JIGGLE = 0.00065  # × the mean pattern offset: ezdxf's origin shift (0.0003–0.001), fixed
FEW = 16  # hatch lines (estimated) below which ezdxf's generator is quicker than the set-up here


def segments(hatch, most: float | None = None) -> np.ndarray | None:
    """(n, 4) float array ``x0 y0 x1 y1`` of the pattern's dashes (dots: zero length), in
    the order baseline, hatch line, along the line; None where ezdxf's generator must draw
    the hatch (see the module docstring). With *most*, a pattern of more hatch lines than
    that across its boundary raises ``DenseHatchingLinesError`` before any is computed."""
    pattern = hatch.pattern
    if pattern is None or not len(pattern.lines):
        return np.empty((0, 4))
    ext = hatch.dxf.get("extrusion")
    if ext is not None and (abs(ext.x) > 1e-12 or abs(ext.y) > 1e-12 or ext.z <= 0):
        return None
    lines = pattern.lines
    rad = np.radians([ln.angle for ln in lines])
    dx, dy = np.cos(rad), np.sin(rad)
    org = np.array([(ln.base_point.x, ln.base_point.y) for ln in lines], dtype=float)
    off = np.array([(ln.offset.x, ln.offset.y) for ln in lines], dtype=float)
    if not (np.isfinite(org).all() and np.isfinite(off).all() and np.isfinite(rad).all()):
        return None
    # ezdxf moves the pattern's origin by 0.03–0.1 % of the mean offset (at random) so hatch
    # lines do not run through boundary corners; a line lying on a boundary edge is then drawn
    # on the left and bottom edges and not on the right and top ones. The same shift, fixed:
    org += JIGGLE * float(np.hypot(off[:, 0], off[:, 1]).mean())
    nd = off[:, 1] * dx - off[:, 0] * dy  # signed normal distance between adjacent hatch lines
    if (np.abs(nd) < hatching.MIN_HATCH_LINE_DISTANCE).any():
        raise hatching.DenseHatchingLinesError("hatching lines are too narrow")
    paths = hatching.hatch_boundary_paths(hatch)
    verts = [v for p in paths for v in p.control_vertices()]
    if not verts:
        return np.empty((0, 4))
    xs, ys = [v.x for v in verts], [v.y for v in verts]
    size = math.hypot(max(xs) - min(xs), max(ys) - min(ys))
    if not math.isfinite(size):
        return None
    count = size * float((1.0 / np.abs(nd)).sum())  # hatch lines across the boundary (at most)
    if most is not None and count > most:
        raise hatching.DenseHatchingLinesError(f"about {count:.0f} hatch lines")
    if count < FEW:  # a handful of hatch lines: ezdxf is quicker
        return None
    edges = _edges(paths)
    if edges is None:
        return None
    if not len(edges):
        return np.empty((0, 4))
    runs = _crossings(edges, org, dx, dy, nd, off)
    if runs is None:
        return None
    return _dashes(runs, lines, org, off, dx, dy)


def _edges(paths) -> np.ndarray | None:
    """(m, 4) edges ``ax ay bx by`` of every boundary loop, closed; None for damaged numbers."""
    loops = []
    for path in paths:
        pts = np.array([(v.x, v.y) for v in path.control_vertices()], dtype=float)
        if path.has_curves and len(pts):
            size = float(np.ptp(pts, axis=0).max()) if np.isfinite(pts).all() else 0.0
            pts = np.array([(v.x, v.y) for v in path.flattening(max(size * FLAT, 1e-12))], dtype=float)
        if len(pts) < 2:
            continue
        if not np.isfinite(pts).all():
            return None
        loops.append(np.hstack([pts, np.roll(pts, -1, axis=0)]))
    if not loops:
        return np.empty((0, 4))
    e = np.vstack(loops)
    return e[(e[:, 0] != e[:, 2]) | (e[:, 1] != e[:, 3])]


def _crossings(edges, org, dx, dy, nd, off):
    """The inside stretches of every hatch line: (baseline, k, u0, u1) arrays, u measured along
    the line from its own origin ``origin + k × offset``; None past the budget."""
    ax, ay, bx, by = (edges[:, i][None, :] for i in range(4))
    ox, oy = org[:, 0:1], org[:, 1:2]
    dxc, dyc, ndc = dx[:, None], dy[:, None], nd[:, None]
    fa = ((ox - ax) * dyc - (oy - ay) * dxc) / ndc  # hatch-line numbers of the edge ends
    fb = ((ox - bx) * dyc - (oy - by) * dxc) / ndc
    lo = np.ceil(np.minimum(fa, fb))
    hi = np.ceil(np.maximum(fa, fb))
    count = (hi - lo).ravel()
    total = float(count.sum())
    if not math.isfinite(total) or total > BUDGET:
        return None
    count = count.astype(np.int64)
    n = int(count.sum())
    if n == 0:
        return np.empty(0, np.int64), np.empty(0), np.empty(0), np.empty(0)
    cell = np.repeat(np.arange(count.size), count)
    first = np.cumsum(count) - count
    k = lo.ravel()[cell] + (np.arange(n) - first[cell])
    b, m = np.divmod(cell, edges.shape[0])
    fa_, fb_ = fa.ravel()[cell], fb.ravel()[cell]
    t = (k - fa_) / (fb_ - fa_)
    px = edges[m, 0] + t * (edges[m, 2] - edges[m, 0])
    py = edges[m, 1] + t * (edges[m, 3] - edges[m, 1])
    # along the hatch line, from its origin org + k * off
    u = (px - org[b, 0] - k * off[b, 0]) * dx[b] + (py - org[b, 1] - k * off[b, 1]) * dy[b]
    order = np.lexsort((u, k, b))
    b, k, u = b[order], k[order], u[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (b[1:] != b[:-1]) | (k[1:] != k[:-1])
    start = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    rank = np.arange(n) - start
    pair = (rank % 2 == 0)
    pair[-1] = False
    pair[:-1] &= ~new[1:]  # the next crossing is on the same hatch line
    i = np.flatnonzero(pair)
    u0, u1 = u[i], u[i + 1]
    keep = u1 - u0 > 1e-12
    i = i[keep]
    return b[i], k[i], u0[keep], u1[keep]


def _dashes(runs, lines, org, off, dx, dy) -> np.ndarray | None:
    b, k, u0, u1 = runs
    if not len(b):
        return np.empty((0, 4))
    # per baseline: its pattern period and its dashes/dots as (start, end) within a period
    patterns = [ln.dash_length_items for ln in lines]
    counts = np.fromiter(map(len, patterns), np.int64, len(patterns))
    flat = np.fromiter(itertools.chain.from_iterable(patterns), float, int(counts.sum()))
    length = np.abs(flat)
    owner_all = np.repeat(np.arange(len(lines)), counts)
    period = np.bincount(owner_all, length, minlength=len(lines))
    begin = np.cumsum(length) - length  # where each item starts, counted from its pattern's start
    first = np.cumsum(counts) - counts
    if len(flat):
        begin -= begin[np.minimum(first, len(flat) - 1)][owner_all]
    drawn = flat >= 0.0  # dashes and dots; gaps are left out
    starts, ends, owner = begin[drawn], begin[drawn] + flat[drawn], owner_all[drawn]
    solid = period[b] < 1e-9  # no pattern: the whole stretch
    out_u0, out_u1, out_b, out_k = [u0[solid]], [u1[solid]], [b[solid]], [k[solid]]
    dashed = ~solid
    if dashed.any():
        db, dk, du0, du1 = b[dashed], k[dashed], u0[dashed], u1[dashed]
        per = period[db]
        p0 = np.floor(du0 / per)
        nper = (np.floor(du1 / per) - p0 + 1)
        owner_a = np.asarray(owner, dtype=np.int64)
        st_a, en_a = np.asarray(starts, dtype=float), np.asarray(ends, dtype=float)
        # items of each baseline, contiguous in owner order
        nitems = np.bincount(owner_a, minlength=len(lines)) if len(owner_a) else np.zeros(len(lines), np.int64)
        ifirst = np.cumsum(nitems) - nitems
        places = nper * nitems[db]
        total = float(places.sum())
        if not math.isfinite(total) or total > BUDGET:
            return None
        nper = nper.astype(np.int64)
        # (stretch, period) pairs, then (stretch, period, item)
        sp = np.repeat(np.arange(len(db)), nper)
        first = np.cumsum(nper) - nper
        pidx = p0[sp] + (np.arange(len(sp)) - first[sp])
        cnt = nitems[db[sp]]
        spi = np.repeat(np.arange(len(sp)), cnt)
        firsti = np.cumsum(cnt) - cnt
        item = ifirst[db[sp[spi]]] + (np.arange(len(spi)) - firsti[spi])
        s = sp[spi]
        base = pidx[spi] * per[s]
        a, e = base + st_a[item], base + en_a[item]
        lo_, hi_ = du0[s], du1[s]
        dot = st_a[item] == en_a[item]
        a_c, e_c = np.maximum(a, lo_), np.minimum(e, hi_)
        keep = np.where(dot, (a >= lo_) & (a < hi_), e_c > a_c)
        a_c, e_c = np.where(dot, a, a_c)[keep], np.where(dot, a, e_c)[keep]
        out_u0.append(a_c)
        out_u1.append(e_c)
        out_b.append(db[s][keep])
        out_k.append(dk[s][keep])
    ub0, ub1 = np.concatenate(out_u0), np.concatenate(out_u1)
    bb, kk = np.concatenate(out_b), np.concatenate(out_k)
    if len(out_b) > 1:  # solid and dashed stretches back in baseline, line, place order
        order = np.lexsort((ub0, kk, bb))
        ub0, ub1, bb, kk = ub0[order], ub1[order], bb[order], kk[order]
    x = org[bb, 0] + kk * off[bb, 0]
    y = org[bb, 1] + kk * off[bb, 1]
    ddx, ddy = dx[bb], dy[bb]
    return np.column_stack([x + ub0 * ddx, y + ub0 * ddy, x + ub1 * ddx, y + ub1 * ddy])
