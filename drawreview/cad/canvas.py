"""A PDF content stream written as text: path ops grouped in runs of one pen, layers as
``/OC`` marked content.

Coordinates are drawing units relative to the canvas origin; the page (or the INSERT that
invokes a form) maps them to points with one ``cm``.  Consecutive entities with the same
layer and pen share one ``q … Q`` run, so a floor plan of 40,000 lines becomes a few hundred
runs.  A pen field of ``None`` writes nothing, so the value is inherited from the caller.
"""

from __future__ import annotations

import math

from drawreview.cad.style import MM_TO_PT

STROKE, FILL, TEXT = "S", "F", "T"
LIMIT = 1e15  # coordinates beyond this (or NaN) are treated as damaged


def _with_dots(dash: tuple, dot: float) -> list[float]:
    out = list(dash)
    for i in range(0, len(out) - 1, 2):
        if out[i] < dot:
            grow = min(dot - out[i], out[i + 1])
            out[i] += grow
            out[i + 1] -= grow
    return out


class Canvas:
    def __init__(self, unit_pt: float, ox: float = 0.0, oy: float = 0.0, decimals: int = 2,
                 is_form: bool = False, layer_names: dict[str, str] | None = None) -> None:
        self.unit_pt = unit_pt  # points per drawing unit, for lineweights and dash visibility
        self.ox, self.oy = ox, oy
        self.is_form = is_form
        self.parts: list[str] = []
        self.run: list[str] = []
        self.run_key: tuple | None = None
        self.layer: str | None = None
        self.layer_names = layer_names if layer_names is not None else {}
        self.used: set[str] = set()  # the layers this canvas writes marked content for
        # (text, x0, y0, x1, y1, layer) in canvas drawing coordinates; layer None: inside a block
        # on layer 0, it takes the layer of the insert that shows it
        self.texts: list[tuple] = []
        self.skipped = 0  # entities with damaged coordinates
        self.set_decimals(decimals)
        self._prefix: dict[tuple, str] = {}

    def set_decimals(self, decimals: int) -> None:
        self.decimals = decimals
        p = f"%.{decimals}f"
        self.pt = f"{p} {p} "
        self.line_fmt = f"{p} {p} m {p} {p} l\n"
        self.curve_fmt = f"{p} {p} {p} {p} {p} {p} c\n"

    # -- runs ---------------------------------------------------------------------------
    def use(self, kind: str, layer: str | None, pen: tuple, width: float | None = None) -> list[str]:
        """Chunks list for a run of *kind* with *pen*; opens/closes marked content as needed."""
        if layer != self.layer:
            self.flush()
            if self.layer is not None:
                self.parts.append("EMC\n")
            if layer is not None:
                res = self.layer_names.get(layer)
                if res is None:
                    res = self.layer_names[layer] = f"L{len(self.layer_names)}"
                self.parts.append(f"/OC /{res} BDC\n")
                self.used.add(layer)
            self.layer = layer
        key = (kind, pen, width)
        if key != self.run_key:
            self.flush()
            self.run_key = key
        return self.run

    def flush(self) -> None:
        if not self.run:
            self.run_key = None
            return
        kind, pen, width = self.run_key
        key = (kind, pen, width)
        prefix = self._prefix.get(key)
        if prefix is None:
            prefix = self._prefix[key] = self._make_prefix(kind, pen, width)
        self.parts.append(prefix)
        if kind == TEXT:  # one text object (one line) for the run: each Tm sets the text matrix
            # anew, the font stays; MuPDF reads 400 MTEXT rows 15 % faster than 400 BT … ET objects
            self.parts.append("".join(self.run).replace(" Tj ET\nBT /F0 1 Tf ", " Tj "))
        else:
            self.parts.extend(self.run)
        self.parts.append("S\nQ\n" if kind == STROKE else "Q\n")
        self.run = []
        self.run_key = None

    def _make_prefix(self, kind: str, pen: tuple, width: float | None) -> str:
        rgb, lw, dash = pen
        out = ["q "]
        if rgb is not None:
            out.append("%g %g %g %s " % (rgb[0], rgb[1], rgb[2], "RG" if kind == STROKE else "rg"))
        if kind == STROKE:
            if width is not None:  # explicit width in drawing units (polyline widths)
                out.append("%.6f w " % width)
            elif lw is not None:
                out.append("%.6f w " % (lw * MM_TO_PT / self.unit_pt if lw else 0))
            if dash is not None:
                total = sum(dash) * self.unit_pt
                if dash and total > 2.0:  # denser patterns would read as solid anyway
                    # a dot (a dash of length 0, or 0.0001 in complex linetypes) is plotted as a
                    # dot of the pen's width: at least half a point long, so a hairline shows it
                    # (taken from the gap after it, so the pattern keeps its period)
                    arr = " ".join("%.6f" % v for v in _with_dots(dash, min(0.5 / self.unit_pt, sum(dash) / 4)))
                    out.append(f"1 J [{arr}] 0 d ")
                else:
                    out.append("[] 0 d ")
        out.append("\n")
        return "".join(out)

    def raw(self, layer: str | None, chunk: str) -> None:
        """Write *chunk* outside any run (form invocations, clips)."""
        self.use("X", layer, (None, None, None))
        self.flush()
        self.parts.append(chunk)

    def close(self) -> str:
        self.flush()
        if self.layer is not None:
            self.parts.append("EMC\n")
            self.layer = None
        return "".join(self.parts)

    # -- geometry helpers ---------------------------------------------------------------
    def ok(self, *values: float) -> bool:
        for v in values:
            if not -LIMIT < v < LIMIT:
                self.skipped += 1
                return False
        return True

    def polyline(self, pts, closed: bool) -> str:
        """Path ops for a list of (x, y[, ...]) points."""
        ox, oy, pt = self.ox, self.oy, self.pt
        out = []
        for i, p in enumerate(pts):
            x, y = p[0], p[1]
            if not (-LIMIT < x < LIMIT and -LIMIT < y < LIMIT):
                self.skipped += 1
                return ""
            out.append(pt % (x - ox, y - oy) + ("m\n" if i == 0 else "l\n"))
        if closed:
            out.append("h\n")
        return "".join(out)

    def arc(self, cx: float, cy: float, r: float, a0: float, a1: float) -> str:
        """Counter-clockwise arc from a0 to a1 (degrees) as cubic Béziers, starting with m."""
        if not self.ok(cx, cy, r, a0, a1):
            return ""
        sweep = (a1 - a0) % 360.0
        if sweep < 1e-9:
            sweep = 360.0
        n = max(1, math.ceil(sweep / 90.0 - 1e-9))
        step = math.radians(sweep / n)
        k = 4.0 / 3.0 * math.tan(step / 4.0) * r
        t = math.radians(a0)
        cx -= self.ox
        cy -= self.oy
        c, s = math.cos(t), math.sin(t)
        out = [self.pt % (cx + r * c, cy + r * s) + "m\n"]
        fmt = self.curve_fmt
        for _ in range(n):
            t2 = t + step
            c2, s2 = math.cos(t2), math.sin(t2)
            out.append(fmt % (cx + r * c - k * s, cy + r * s + k * c, cx + r * c2 + k * s2,
                              cy + r * s2 - k * c2, cx + r * c2, cy + r * s2))
            t, c, s = t2, c2, s2
        return "".join(out)

    def path(self, path, close: bool = False) -> str:
        """Path ops for an ``ezdxf.path.Path`` (already in canvas drawing coordinates)."""
        ox, oy, pt = self.ox, self.oy, self.pt
        start = path.start
        if not self.ok(start.x, start.y):
            return ""
        out = [pt % (start.x - ox, start.y - oy) + "m\n"]
        cur = start
        for cmd in path.commands():
            t = cmd.type
            end = cmd.end
            if not (-LIMIT < end.x < LIMIT and -LIMIT < end.y < LIMIT):
                self.skipped += 1
                return ""
            if t == 1:  # LINE_TO
                out.append(pt % (end.x - ox, end.y - oy) + "l\n")
            elif t == 3:  # CURVE4_TO
                c1, c2 = cmd.ctrl1, cmd.ctrl2
                out.append(self.curve_fmt % (c1.x - ox, c1.y - oy, c2.x - ox, c2.y - oy, end.x - ox, end.y - oy))
            elif t == 2:  # CURVE3_TO -> cubic
                c = cmd.ctrl
                c1 = cur + (c - cur) * (2 / 3)
                c2 = end + (c - end) * (2 / 3)
                out.append(self.curve_fmt % (c1.x - ox, c1.y - oy, c2.x - ox, c2.y - oy, end.x - ox, end.y - oy))
            else:  # MOVE_TO
                out.append(pt % (end.x - ox, end.y - oy) + "m\n")
            cur = end
        if close or path.is_closed:
            out.append("h\n")
        return "".join(out)
