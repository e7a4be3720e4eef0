"""Building a revision overlay, as run in a drawing-processing child (``cad.isolate``).

``build_overlay(old, new, out_pdf, stop_at)`` chooses the method (docs/decisions/010,
"Revision compare") and writes the overlay PDF:

- **vector** (``diff.diff_drawings``) when both sheets come from DXF files and each is a
  model-space sheet (a frame, or the drawing's extents) or a layout without model-space
  viewports. The overlay is laid out on the new sheet's own page; it is used only when its
  size and drawing→sheet map equal the new sheet's (else the overlay would not line up with
  the new sheet's tiles, and the raster method is used, with a note);
- **raster** (``rasterdiff.diff_sheet_pdfs`` of the two sheet PDFs) otherwise: PDF uploads, layouts
  showing model space through viewports, a sheet key no longer found in its file.

*old* / *new* are plain dicts: ``pdf`` (the sheet PDF), ``source`` (the DXF path, or None),
``key`` (the sheet key within its file), ``width``, ``height`` and ``transform`` of the sheet.
Returns the ``SheetDiff`` as a dict with ``method`` "vector" or "raster". Kept apart from the
services so the child imports no database code; ``RenderTimeout`` is raised past *stop_at*.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from drawreview.cad import diff, rasterdiff
from drawreview.cad.loader import load_drawing
from drawreview.cad.painter import RenderTimeout
from drawreview.cad.sheets import split_sheets
from drawreview.cad.viewport import model_viewports
from drawreview.gcpause import gc_paused

log = logging.getLogger("drawreview.compare")

VECTOR, RASTER = "vector", "raster"


def build_overlay(old: dict, new: dict, out_pdf: str, stop_at: float | None = None, *,
                  emit: Callable[[Any], None] | None = None) -> dict:
    notes: list[str] = []
    if old.get("source") and new.get("source"):
        try:
            res = _vector(old, new, out_pdf, stop_at, notes)
        except (RenderTimeout, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - an unreadable DXF, a painter error: raster still works
            log.warning("vector compare failed, using raster: %r", exc)
            notes.append("矢量对比失败，改用图像对比 / the vector compare failed; the raster compare is shown")
            res = None
        if res is not None:
            return res
    res = rasterdiff.diff_sheet_pdfs(old["pdf"], new["pdf"], out_pdf).as_dict()
    res["method"] = RASTER
    res["notes"] = notes + res["notes"]
    return res


def _vector(old: dict, new: dict, out_pdf: str, stop_at: float | None, notes: list[str]) -> dict | None:
    with gc_paused():
        old_dwg, new_dwg = load_drawing(Path(old["source"])), load_drawing(Path(new["source"]))
        old_spec = next((s for s in split_sheets(old_dwg) if s.key == old["key"] and s.bbox), None)
        new_spec = next((s for s in split_sheets(new_dwg) if s.key == new["key"] and s.bbox), None)
    if old_spec is None or new_spec is None:
        return None
    for dwg, spec in ((old_dwg, old_spec), (new_dwg, new_spec)):
        if spec.space == "layout" and model_viewports(dwg.doc.layouts.get(spec.layout)):
            return None  # viewport content is model space seen through the layout: raster level
    with gc_paused():
        res = diff.diff_drawings(old_dwg, old_spec, new_dwg, new_spec, out_pdf, on_new_page=True,
                                 deadline=stop_at)
    if not _same_page(res, new):
        notes.append("矢量对比图与新版图纸页面不一致，改用图像对比 / the vector overlay did not line up "
                     "with the new sheet's page; the raster compare is shown")
        return None
    out = res.as_dict()
    if any(r["bbox"][0] < 0 or r["bbox"][1] < 0 or r["bbox"][2] > res.width or r["bbox"][3] > res.height
           for r in res.regions if not r.get("hidden")):
        notes.append("部分修改位于新版图纸范围之外，对比图中未显示 / some changes lie outside the new sheet's "
                     "page and are not shown on the overlay")
    out["method"] = VECTOR
    out["notes"] = notes + out["notes"]
    return out


def _same_page(res: diff.SheetDiff, sheet: dict) -> bool:
    def close(a: float, b: float) -> bool:
        return abs(a - b) <= 1e-3 * max(1.0, abs(a), abs(b))

    t = sheet.get("transform") or []
    return (close(res.width, sheet["width"]) and close(res.height, sheet["height"]) and len(t) == 3
            and all(close(x, y) for x, y in zip(res.map, t)))
