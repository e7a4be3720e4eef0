"""The CPU-heavy part of processing one drawing file, run in a child process (cad.isolate).

``process_drawing(path, kind, name, work, stop_at, dwg_limits, emit=...)`` identifies, loads
(a DWG is converted here, in the child: cad/dwg.py) and splits the file, renders its sheets one
group at a time (model-space frames ``MODEL_CHUNK`` at a time, each layout / PDF page on its own) and writes, per sheet, the sheet PDF, a thumbnail PNG and the
metadata JSON into *work*. It streams, in order:

- ``("total", n)`` once the number of sheets is known;
- ``("specs", [SheetSpec dicts])`` in batches of at most ``SPEC_BATCH`` (only sheets with
  content); a PDF's come page batch by page batch, each batch before its sheets;
- ``("pass", n)`` before each rendering pass (n = 1, then 2 if the document is drawn again);
- ``("sheet", {...})`` per rendered sheet: its key, file paths and the sheet row's fields;

No message grows with the file (a 2,000-page PDF is 2,000 small ``sheet`` items, never one big
list), and what the child keeps of a finished page is dropped; model-space frames are drawn
``MODEL_CHUNK`` at a time, so the first sheets of a 300-frame drawing are viewable after the
first pass instead of at the end (docs/decisions/100).

and returns ``{"notes": [...], "repairs": [...], "kind": "dxf" | "dwg" | "pdf"}``: every note of the file,
and those of them that are repairs of a damaged file (the rest inform: no frame, units assumed …). The parent (jobs.drawings) turns
these into rows, blobs and events; nothing here touches the database or storage.

A strictly-read DXF is audited after its sheets are viewable; when the auditor changed the
document it is drawn again (pass 2) and the parent upserts the same sheet keys. Errors are
raised as they are (``DrawReviewError`` subclasses, ``RenderTimeout`` once *stop_at*, a
``time.monotonic()`` instant, has passed) and cross the pipe to the parent.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable

import pymupdf

from drawreview.cad import errors as cad_errors
from drawreview.cad import filetype, intake, tiles
from drawreview.cad.dwg import DwgLimits
from drawreview.cad.dxf import audit_later, load_dxf
from drawreview.cad.loader import load_drawing
from drawreview.cad.notes import repairs_of
from drawreview.cad.painter import RenderTimeout
from drawreview.cad.pdf import forget_page, load_pdf, page_spec, render_page
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import name_from_file, split_sheets
from drawreview.errors import DrawReviewError
from drawreview.gcpause import gc_paused

THUMB_PX = 512
SPEC_BATCH = 50  # sheet specs per message
MODEL_CHUNK = 24  # model-space frames drawn per pass over model space (measured: 300 frames
# in chunks of 20–50 draw in half the time of one pass over all 300, at the same peak memory)


def _stream_pdf(emit, src, work: Path, stop_at: float | None) -> list[str]:
    """A PDF page batch by page batch: read the batch's title blocks, send their specs, write
    each page's sheet and send it, forget the page."""
    n = src.doc.page_count
    emit(("total", n))
    emit(("pass", 1))
    all_notes = list(src.notes)
    for start in range(0, n, SPEC_BATCH):
        batch = [page_spec(src, i) for i in range(start, min(n, start + SPEC_BATCH))]
        if n == 1:  # a one-page PDF named after its sheet (建施-01.pdf)
            name_from_file(batch, src.name or "")
            batch[0].detected = bool(batch[0].number or batch[0].title)
        emit(("specs", [s.as_dict() for s in batch]))
        out_dir = work / f"p{start}"
        out_dir.mkdir(parents=True, exist_ok=True)
        for spec in batch:
            if stop_at is not None and time.monotonic() > stop_at:
                raise RenderTimeout("render stopped at its deadline")
            res = render_page(src, spec, out_dir / f"{spec.page + 1}.pdf")
            # the file is its own sheet PDF: its tile and thumbnail come from the reading its text came from
            shown = src.display_list(0) if src.own_sheet() else None
            emit(("sheet", _files(res, spec, src.notes, shown)))
            all_notes += [x for x in res.notes if x not in all_notes]
            forget_page(src, spec.page)
        pymupdf.TOOLS.store_shrink(100)  # MuPDF's object cache: emptied between batches
    return all_notes


def process_drawing(path: str, kind: str, name: str, work: str, stop_at: float | None,
                    dwg_limits: DwgLimits | None = None, *, emit: Callable[[Any], None]) -> dict:
    path, work = Path(path), Path(work)
    if kind not in (intake.DXF, intake.DWG, intake.PDF):
        kind = filetype.identify(path, name)
    if kind == intake.PDF:
        src = load_pdf(path, name)
        try:
            notes = _stream_pdf(emit, src, work, stop_at)
            return {"notes": notes, "repairs": repairs_of(notes), "kind": kind}
        finally:
            src.doc.close()
    src, specs, notes = _load_drawing(path, name, dwg_limits)
    specs = [s for s in specs if s.bbox]
    if not specs:
        raise cad_errors.no_drawable_content(name)
    name_from_file(specs, name)
    emit(("total", len(specs)))
    for i in range(0, len(specs), SPEC_BATCH):
        emit(("specs", [s.as_dict() for s in specs[i:i + SPEC_BATCH]]))
    try:
        all_notes = _render_sheets(emit, 1, src, specs, work, notes, stop_at)
    except (DrawReviewError, RenderTimeout):
        raise
    except Exception:  # noqa: BLE001 - an unaudited document may trip the painter: audit, retry once
        if kind != intake.DXF or src.audited:
            raise
        audit_later(src)
        all_notes = _render_sheets(emit, 2, src, specs, work / "audited", src.notes, stop_at)
    if kind == intake.DXF and not src.audited:
        # audited after the sheets are viewable; a document the auditor changed is drawn again
        if audit_later(src):
            all_notes = _render_sheets(emit, 2, src, specs, work / "audited", src.notes, stop_at)
        else:
            all_notes += [n for n in src.notes if n not in all_notes]
    # repairs: what was changed in a damaged file; the other notes inform about an intact one
    return {"notes": all_notes, "repairs": repairs_of(all_notes), "kind": kind}


def expand_archive(path: str, dest: str, name: str, limits: intake.ZipLimits,
                   *, emit: Callable[[Any], None] | None = None) -> intake.Intake:
    """``intake.expand_zip`` as a child-process call (the job runs it in the drawing pool)."""
    return intake.expand_zip(path, dest, name, limits)


WARM = {"done": False}


def warm_up() -> None:
    """Draw a tiny lettered drawing to a sheet, tile and thumbnail once, so the first upload a
    child process gets does not pay the first uses: the CJK face parsed for subsetting, glyph
    ids, MuPDF's font and drawing set-up, ezdxf's lazy imports."""
    import tempfile

    import ezdxf

    with tempfile.TemporaryDirectory(prefix="warm-") as tmp:
        doc = ezdxf.new("R2010", units=4)
        doc.modelspace().add_line((0, 0), (1000, 1000))
        doc.modelspace().add_text("预热 warm-up 0123", height=100)
        doc.modelspace().add_mtext("图纸\\P审查", dxfattribs={"char_height": 80}).set_location((0, 500))
        path = Path(tmp) / "warm.dxf"
        doc.saveas(path)
        with gc_paused():
            drawing = load_dxf(path, audit=False)
            res = render_drawing(drawing, split_sheets(drawing), Path(tmp))
        tiles.render_tile(res[0].pdf, 0, 0, 0)
        tiles.thumbnail(res[0].pdf, THUMB_PX)
        tiles.forget(res[0].pdf)
    WARM["done"] = True


def is_warm(emit=None) -> bool:
    """Whether this process has run :func:`warm_up` (callable in a child: ``pool.run``)."""
    return WARM["done"]


def _load_drawing(path: Path, name: str, dwg_limits: DwgLimits | None = None):
    """(drawing, specs, notes) of a DXF or DWG."""
    with gc_paused():
        # a DXF is audited once the sheets are viewable; a converted DWG by ezdxf.recover at once
        drawing = load_drawing(path, name, audit=False, dwg_limits=dwg_limits)
        specs = split_sheets(drawing)
    return drawing, specs, drawing.notes


def _render_sheets(emit, pass_no: int, src, specs: list, work: Path, notes: list[str],
                   stop_at: float | None) -> list[str]:
    emit(("pass", pass_no))
    model = [s for s in specs if s.space == "model"]
    groups = [model[i:i + MODEL_CHUNK] for i in range(0, len(model), MODEL_CHUNK)]
    groups += [[s] for s in specs if s.space != "model"]
    all_notes = list(notes)
    for gi, group in enumerate(groups):
        out_dir = work / f"g{gi}"
        out_dir.mkdir(parents=True, exist_ok=True)
        with gc_paused():
            results = render_drawing(src, group, out_dir, deadline=stop_at)
        by_key = {s.key: s for s in group}
        for res in results:
            spec = by_key.get(res.key)
            if spec is None:
                continue
            emit(("sheet", _files(res, spec, notes)))
            all_notes += [n for n in res.notes if n not in all_notes]
    return all_notes


def _files(res, spec, file_notes: list[str], shown=None) -> dict:
    """The zoom-0 tile, thumbnail and metadata files beside the sheet PDF; the sheet row's
    fields. The tile and thumbnail come from one reading of the sheet (*shown*: the source page's
    display list when the sheet PDF is that file), so the viewer's first tile is ready with the
    sheet instead of being drawn on its first request."""
    pdf = Path(res.pdf)
    tile0, thumb, meta = pdf.with_suffix(".z0.png"), pdf.with_suffix(".thumb.png"), pdf.with_suffix(".meta.json")
    sheet = shown if shown is not None else res.pdf
    tile0.write_bytes(tiles.render_tile(sheet, 0, 0, 0))
    thumb.write_bytes(tiles.thumbnail(sheet, THUMB_PX))
    tiles.forget(res.pdf)
    data = {"key": res.key, "layers": res.layers, "texts": res.texts, "notes": list(file_notes) + res.notes,
            "scale": spec.scale, "map": res.map}
    meta.write_bytes(json.dumps(data, ensure_ascii=False, allow_nan=False).encode())
    return {
        "key": res.key, "pdf": str(pdf), "tile0": str(tile0), "thumb": str(thumb), "meta": str(meta), "notes": res.notes,
        "fields": {"width": res.width, "height": res.height, "max_zoom": tiles.max_zoom(res.width, res.height),
                   "transform": list(res.map), "units": res.units[:16], "unit_m": res.unit_m},
    }
