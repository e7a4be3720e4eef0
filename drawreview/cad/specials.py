"""Entities without a curve of their own, for :class:`cad.painter.Painter`: POINTs as ``$PDMODE``
draws them, XLINE / RAY reaching past every sheet, meshes by their edges, the frame of an IMAGE or
UNDERLAY (its file named, never part of the upload) and what the authoring program drew for an
object as its proxy graphics."""

from __future__ import annotations

import math

from drawreview.cad.canvas import FILL, LIMIT, STROKE


def _edges(mesh) -> set[tuple[int, int]]:
    edges = set()
    for face in mesh.faces:
        for i in range(len(face)):
            a, b = face[i], face[(i + 1) % len(face)]
            if a != b:
                edges.add((min(a, b), max(a, b)))
    return edges


class SpecialEntities:
    """Needs ``doc``, ``styles``, ``unit_pt``, ``reach``, ``missing`` and ``paint`` from the class it
    is mixed into (the painter)."""

    def _proxy(self, e, cv, in_block) -> None:
        from ezdxf.proxygraphic import ProxyGraphic

        for ve in ProxyGraphic(e.proxy_graphic, self.doc).virtual_entities():
            self.paint(ve, cv, in_block)

    def _point(self, e, d, cv, in_block, oc) -> None:
        """A POINT as $PDMODE draws it ($PDSIZE; 0: a dot); points on "Defpoints" are not plotted."""
        if d.get("layer", "0").lower() == "defpoints":
            return
        head = self.doc.header
        mode, size = int(head.get("$PDMODE", 0) or 0), float(head.get("$PDSIZE", 0) or 0)
        size = size if size > 0 else 1.0  # relative sizes (0: 5 % of the screen) as ezdxf: one unit
        p = d["location"]
        if mode in (0, 1):
            if mode == 0:
                r = 0.5 / self.unit_pt  # a dot of one point across
                cv.use(FILL, oc, self.styles.pen(d, in_block)).append(cv.arc(p.x, p.y, r, 0, 360) + "f\n")
            return
        from drawreview.cad import pointstyle

        shape = pointstyle.symbol(e, d, size, mode)
        if shape is None:
            return self._point_entities(e, cv, in_block, size, mode)
        pen, ox, oy = self.styles.pen(d, in_block), cv.ox, cv.oy
        for s, t in shape[0]:  # as _line draws ezdxf's LINE entities of the symbol
            if -LIMIT < s.x < LIMIT and -LIMIT < s.y < LIMIT and -LIMIT < t.x < LIMIT and -LIMIT < t.y < LIMIT:
                cv.use(STROKE, oc, pen).append(cv.line_fmt % (s.x - ox, s.y - oy, t.x - ox, t.y - oy))
            else:
                cv.skipped += 1
        if shape[1] is not None:  # as _circle draws its CIRCLE
            c, r = shape[1]
            cv.use(STROKE, oc, pen).append(cv.arc(c.x, c.y, r, 0.0, 360.0) + "h\n")

    def _point_entities(self, e, cv, in_block, size: float, mode: int) -> None:
        """The symbol as ezdxf's LINE and CIRCLE entities, painted (the reference)."""
        for ve in e.virtual_entities(size, mode):
            self.paint(ve, cv, in_block)

    def _ray(self, e, d, cv, in_block, oc, kind: str) -> None:
        """XLINE / RAY as a segment reaching past every sheet of the drawing (the page clips it)."""
        p, u = d["start"], d["unit_vector"]
        n = math.hypot(u.x, u.y)
        if not n:
            return
        reach = self.reach + math.hypot(p.x, p.y)
        x0, y0 = (p.x, p.y) if kind == "RAY" else (p.x - u.x / n * reach, p.y - u.y / n * reach)
        x1, y1 = p.x + u.x / n * reach, p.y + u.y / n * reach
        cv.use(STROKE, oc, self.styles.pen(d, in_block)).append(cv.polyline([(x0, y0), (x1, y1)], False))

    def _mesh(self, e, d, cv, in_block, oc) -> None:
        """MESH, polyface and polygon meshes: their edges, seen from above."""
        from ezdxf.render import MeshBuilder

        mesh = MeshBuilder.from_mesh(e) if e.dxftype() == "MESH" else MeshBuilder.from_polyface(e)
        v = mesh.vertices
        out = []
        for a, b in _edges(mesh):
            out.append(cv.polyline([(v[a].x, v[a].y), (v[b].x, v[b].y)], False))
        if out:
            cv.use(STROKE, oc, self.styles.pen(d, in_block)).append("".join(out))

    def _external(self, e, kind: str) -> None:
        """Name the file an IMAGE or UNDERLAY refers to: it is never part of the upload."""
        try:
            ref = e.image_def if kind == "IMAGE" else e.get_underlay_def()
            name = ref.dxf.get("filename", "") if ref is not None else ""
        except Exception:  # noqa: BLE001 - a broken reference still gets its frame
            name = ""
        self.missing.add(name or f"({kind})")
