"""Render DXF sheets to one-page vector sheet PDFs plus the metadata the viewer needs.

Model space is walked once for all of its frame sheets: each top-level entity goes to the
canvas of the frame that holds its anchor point.  Paper-space layouts draw their own
entities and show model space through each viewport (clip + ``cm`` of a model-space form,
one per set of viewport-frozen layers).  The page maps drawing units to points with
``[a, e, f]`` (docs/contracts.md); layers are optional content groups.
"""

from __future__ import annotations

import math
import time
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from drawreview.cad.canvas import Canvas
from drawreview.cad.dxf import Drawing
from drawreview.cad.notes import info
from drawreview.cad.pagereach import mark_beyond_page, reach_of
from drawreview.cad.blockforms import Form
from drawreview.cad.painter import Painter, RenderTimeout
from drawreview.cad.sheetfile import write_sheet_pdf
from drawreview.cad.sheets import SheetSpec, anchor
from drawreview.cad.style import Styles
from drawreview.cad.viewport import ViewportPainter, layout_measure, model_viewports

FIT_PT = 2384.0  # long side of a fitted page (A1)
DEFLATE = 3  # zlib level of the content streams: level 6 took twice as long for ~13 % smaller
# streams (ACadSharp's sample: 2.2 vs 1.2 ms of its model sheet's 15 ms; 19.6 vs 22.5 kB)
MM_PT = 72 / 25.4


@dataclass
class SheetRender:
    key: str
    pdf: str
    width: float
    height: float
    map: list[float]  # [a, e, f]: px = a*x + e, py = -a*y + f
    units: str
    unit_m: float
    layers: list[dict] = field(default_factory=list)
    texts: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def page_scale(drawing: Drawing, spec: SheetSpec) -> float:
    """Points per drawing unit: real paper size when the scale is known, else fit to A1."""
    x0, y0, x1, y1 = spec.bbox
    size = max(x1 - x0, y1 - y0, 1e-9)
    unit_mm = drawing.unit_m * 1000
    denom = 1.0
    if spec.scale:
        parts = [p for p in spec.scale.replace("：", ":").split(":") if p.strip()]
        try:
            denom = float(parts[1]) / float(parts[0]) if len(parts) == 2 else 1.0
        except ValueError:
            denom = 1.0
    if spec.space == "layout":  # the layout's paper units (inches or millimetres)
        a = 72.0 if paper_units(drawing, spec) == 0 else MM_PT
        return a if 50 < size * a <= 14400 else FIT_PT / size
    a = MM_PT * unit_mm / denom
    if spec.scale and 500 < size * a <= 14400:
        return a
    return FIT_PT / size


def paper_units(drawing: Drawing, spec: SheetSpec) -> int:
    """0 (inches) or 1 (millimetres): the paper units of layout sheet *spec*, as its plot
    settings state them, else inches for small numbers and millimetres for large ones."""
    units = _paper_units(drawing, spec.layout)
    if units is None:
        x0, y0, x1, y1 = spec.bbox
        units = 0 if max(x1 - x0, y1 - y0, 1e-9) <= 60 else 1
    return units


def _paper_units(drawing: Drawing, name: str | None) -> int | None:
    """0 (inches) or 1 (millimetres): the plot settings of layout *name*; None when unknown."""
    try:
        units = drawing.doc.layouts.get(name).dxf_layout.dxf.get("plot_paper_units")
    except Exception:  # noqa: BLE001 - no such layout / no plot settings
        return None
    return units if units in (0, 1) else None


def render_drawing(drawing: Drawing, specs: list[SheetSpec], out_dir: str | Path, *,
                   deadline: float | None = None) -> list[SheetRender]:
    """Render every DXF sheet spec to ``out_dir/<n>.pdf``; returns one record per sheet.

    *deadline* (``time.monotonic()``): painting raises :class:`RenderTimeout` once it is past,
    so a timed-out job stops instead of running on (it runs in a child process of its own,
    ``cad.isolate``: no MuPDF lock is shared with tile serving).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    styles = Styles(drawing.doc)
    layer_names: dict[str, str] = {}
    results: list[SheetRender] = []
    job = _Job(deadline)
    model = [s for s in specs if s.space == "model" and s.bbox]
    if model:
        results += _render_model(drawing, model, styles, layer_names, out_dir, len(results), job)
    for spec in specs:
        if spec.space == "layout" and spec.bbox:
            job.check()
            results += _render_layout(drawing, spec, styles, layer_names, out_dir, len(results), job)
    return results


@dataclass
class _Job:
    deadline: float | None

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise RenderTimeout("render stopped at its deadline")


def _setup(spec: SheetSpec, drawing: Drawing):
    a = page_scale(drawing, spec)
    x0, y0, x1, y1 = spec.bbox
    margin = 0.02 * max(x1 - x0, y1 - y0) * a + 10
    width, height = (x1 - x0) * a + 2 * margin, (y1 - y0) * a + 2 * margin
    decimals = max(0, min(8, math.ceil(-math.log10(0.01 / a))))
    return a, margin, width, height, decimals


def _render_model(drawing, specs, styles, layer_names, out_dir, start, job) -> list[SheetRender]:
    t0 = time.perf_counter()
    setups = [_setup(s, drawing) for s in specs]
    a_min = min(s[0] for s in setups)
    painter = Painter(drawing.doc, styles, a_min, setups[0][4], layer_names)
    painter.use_split(drawing)
    painter.deadline = job.deadline
    painter.reach = _reach(specs)
    canvases = [Canvas(st[0], s.bbox[0], s.bbox[1], st[4], layer_names=layer_names) for s, st in zip(specs, setups)]
    counts = [dict() for _ in specs]
    reach, reached = reach_of(drawing, styles), [dict() for _ in specs]  # hidden layers' boxes
    painter.pagereach = reach
    boxes = [s.bbox for s in specs]
    single = len(specs) == 1
    for e in drawing.doc.modelspace():
        if single:
            i = 0
        else:
            i = _bucket(e, boxes)
            if i is None:
                continue
        layer = e.dxf.__dict__.get("layer", "0")
        counts[i][layer] = counts[i].get(layer, 0) + 1
        painter.paint(e, canvases[i])
        if reach:
            reach.add(e, reached[i])
    shared = (time.perf_counter() - t0) / len(specs)
    results = []
    for n, (spec, st, cv, cnt, far) in enumerate(zip(specs, setups, canvases, counts, reached)):
        t1 = time.perf_counter()
        content = cv.close()
        clip = _clip(spec, st)
        job.check()
        res = _write(drawing, spec, st, content, clip, painter, [], styles, cnt, cv.texts,
                     out_dir / f"{start + n + 1}.pdf", cv.skipped, cv.used, far)
        res.seconds = round(shared + time.perf_counter() - t1, 4)
        results.append(res)
    return results


def _reach(specs) -> float:
    """How far an XLINE / RAY must reach to cross every sheet box of *specs*."""
    return 2 * max(max(abs(v) for v in s.bbox) + max(s.bbox[2] - s.bbox[0], s.bbox[3] - s.bbox[1]) for s in specs)


def _clip(spec: SheetSpec, st) -> str:
    """The page box as a clip, half the page margin wider: a line on the box's edge (the frame
    itself, the outermost wall) is drawn whole, not cut along its middle."""
    a, margin = st[0], st[1]
    pad = margin * 0.5 / a
    w, h = spec.bbox[2] - spec.bbox[0], spec.bbox[3] - spec.bbox[1]
    return "%.6f %.6f %.6f %.6f re W n\n" % (-pad, -pad, w + 2 * pad, h + 2 * pad)


def _bucket(e, boxes) -> int | None:
    p = anchor(e.dxf.__dict__)
    if p is None:
        if e.dxftype() == "LWPOLYLINE" and len(e.lwpoints.values):
            v = e.lwpoints.values.reshape(-1)
            x, y = float(v[0]), float(v[1])
        else:
            try:
                from ezdxf import bbox as ezbbox

                ext = ezbbox.extents([e], fast=True)
                if not ext.has_data:
                    return None
                x, y = ext.center.x, ext.center.y
            except Exception:  # noqa: BLE001
                return None
    else:
        x, y = p.x, p.y
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        if x0 <= x <= x1 and y0 <= y <= y1:
            return i
    return None


def _render_layout(drawing, spec, styles, layer_names, out_dir, start, job) -> list[SheetRender]:
    t0 = time.perf_counter()
    st = _setup(spec, drawing)
    a = st[0]
    doc = drawing.doc
    layout = doc.layouts.get(spec.layout)
    painter = Painter(doc, styles, a, st[4], layer_names)
    painter.use_split(drawing)
    painter.deadline = job.deadline
    painter.reach = _reach([spec])
    cv = Canvas(a, spec.bbox[0], spec.bbox[1], st[4], layer_names=layer_names)
    counts: dict[str, int] = {}
    extra: list[Form] = []
    notes: list[str] = []
    reach, far = reach_of(drawing, styles), {}  # hidden layers' boxes
    painter.pagereach = reach
    for e in layout:
        if e.dxftype() == "VIEWPORT":
            continue
        layer = e.dxf.__dict__.get("layer", "0")
        counts[layer] = counts.get(layer, 0) + 1
        painter.paint(e, cv)
        if reach:
            reach.add(e, far)
    views = ViewportPainter(painter, extra, notes)
    for vp in model_viewports(layout):
        if views.draw(vp, cv) and reach:
            reach.through(vp, far)
    views.finish()
    content = cv.close()
    clip = _clip(spec, st)
    job.check()
    res = _write(drawing, spec, st, content, clip, painter, extra, styles, counts, cv.texts,
                 out_dir / f"{start + 1}.pdf", cv.skipped, cv.used, far)
    res.notes += notes
    res.units, res.unit_m = layout_measure(paper_units(drawing, spec), drawing.unit_m, views.scales)
    res.seconds = round(time.perf_counter() - t0, 4)
    return [res]


def _write(drawing, spec, st, content, clip, painter, extra, styles, counts, texts, path, skipped,
           used=frozenset(), far=None) -> SheetRender:
    a, margin, width, height, _ = st
    # deflated here with zlib (it releases the GIL; MuPDF's deflate holds it for a second on a
    # dense sheet), the PDF then only takes the ready streams
    body = zlib.compress(f"q {a:.10f} 0 0 {a:.10f} {margin:.6f} {margin:.6f} cm\n{clip}{content}Q\n"
                         .encode("latin-1"), DEFLATE)
    all_forms = [f for f in painter.forms.values() if f is not None] + extra
    forms = [(f, zlib.compress(f.content.encode("latin-1"), DEFLATE)) for f in all_forms]
    # the characters the sheet's text operators show (each one is recorded with its box);
    # a sheet without lettering carries no font
    chars: set[str] = set()
    for group in [texts] + [f.texts for f in all_forms]:
        for t in group:
            chars.update(t[0])
    layers = write_sheet_pdf(painter, styles, counts, width, height, body, forms, spec, path, chars, used)
    # a layer hidden by default, cut at the page edge when shown: the page in drawing units
    x0, y0, x1, y1 = spec.bbox
    pad = margin / a
    layers = mark_beyond_page(layers, far or {}, (x0 - pad, y0 - pad, x1 + pad, y1 + pad), a)
    return _record(drawing, spec, st, painter, texts, path, skipped, layers)


def external_notes(painter) -> list[str]:
    """Notes (zh-CN + English) naming the external files a sheet refers to and the custom
    objects it could not draw, so the designer can send them or export plain entities."""
    notes = []
    for name in sorted(painter.missing):
        notes.append(info(f"引用的外部文件未随图纸提供，仅绘出其边框：{name}；请一并上传或绑定后重新上传 / external file "
                     f"not included, only its frame is drawn: {name}; upload it too, or bind it and upload again"))
    if painter.custom:
        n = sum(painter.custom.values())
        kinds = ", ".join(f"{k} × {c}" for k, c in painter.custom.most_common(8))
        notes.append(info(f"{n} 个自定义对象（{kinds}）无法绘制：文件未带代理图形。请在原软件中导出为普通图元后重新上传"
                     f"（天正：“图形导出”为 T3 格式）/ {n} custom objects ({kinds}) could not be drawn: the file carries "
                     "no proxy graphics; export plain entities from the authoring program (TArch: export to T3) "
                     "and upload again"))
    return notes


def _record(drawing, spec, st, painter, texts, path, skipped, layers) -> SheetRender:
    a, margin, width, height, _ = st
    x0, y0 = spec.bbox[0], spec.bbox[1]
    e, f = margin - a * x0, height - margin + a * y0
    notes = list(spec.notes)
    skipped += painter.skipped
    if skipped:
        notes.append(f"{skipped} 个图元坐标异常（NaN 或超大值），已跳过 / {skipped} entities with damaged "
                     "coordinates (NaN or huge values) were skipped")
    notes += sorted(set(painter.notes))
    notes += external_notes(painter)
    for what, n in painter.failed.most_common(10):
        notes.append(f"{n} 个图元无法绘制 / {n} entities could not be drawn ({what})")
    out_texts = []
    for text, tx0, ty0, tx1, ty1, layer in texts:
        item = {"text": text, "bbox": [round(a * tx0 + margin, 2), round(height - margin - a * ty1, 2),
                                       round(a * tx1 + margin, 2), round(height - margin - a * ty0, 2)]}
        if layer is not None and not painter.styles.layer(layer).shown:  # off or not plotted: not on the sheet
            item.update(hidden=True, layer=painter.styles.layer(layer).name)  # as issued (decision 128)
        out_texts.append(item)
    return SheetRender(spec.key, str(path), round(width, 3), round(height, 3), [a, e, f], drawing.units,
                       drawing.unit_m, layers, out_texts, notes)
