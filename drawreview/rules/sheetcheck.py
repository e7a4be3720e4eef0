"""The rule checks of a drawing file, sheet by sheet, split exactly as the upload pipeline splits it.

``check_file`` (the ``drawreview check`` command, the accuracy benchmark) and
``check_sheets_of_file`` (a drawing-processing child, ``cad.isolate``) both load with
``cad.loader.load_drawing`` (ASCII or binary DXF, repairs and all, or a converted DWG) and split with
``cad.sheets.split_sheets``: each title-block frame of a model space holding several is
checked within its frame, with the facts written on that frame.

Kept apart from ``jobs.findings`` so the child imports only CAD and rule code, never the
database layer; the parent stores what comes back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

Found = list[tuple[list[float] | None, dict]]  # (bbox in drawing units, finding dict)


def load_drawing(path: str | Path):
    """The drawing as the pipeline loads it (``cad.loader.load_drawing``): a DXF (ASCII or
    binary) through ``load_dxf``, a DWG converted by the DWG reader (in this child process)."""
    from ..cad.loader import load_drawing as load

    return load(Path(path))


def model_sheets(drawing) -> list:
    """The model-space sheets of the pipeline's split (frames, in its order)."""
    from ..cad.sheets import split_sheets

    return [s for s in split_sheets(drawing) if s.space == "model" and s.bbox]


def check_file(path: str | Path, params: dict | None = None, **kw) -> list[tuple[Any, Any]]:
    """``[(sheet spec or None, CheckResult)]``: one result per model-space frame when there are
    several, else one for the whole drawing. ``kw`` goes to ``run_checks``."""
    from ..gcpause import gc_paused
    from . import run_checks

    with gc_paused():
        drawing = load_drawing(path)
        sheets = model_sheets(drawing)
    if len(sheets) <= 1:
        return [(sheets[0] if sheets else None, run_checks(drawing, params, **kw))]
    return [(s, run_checks(drawing, params, bbox=tuple(s.bbox), **kw)) for s in sheets]


def check_sheets_of_file(path: str, params: dict, keys: list[str], *,
                         emit: Callable[[Any], None] | None = None) -> dict[str, Found]:
    """``{sheet key: [(bbox, finding dict)]}`` for the sheets *keys* of the DXF or DWG at *path*, the
    file read once. A frame of a model space holding several is checked within its frame only
    (the renderer's split), so no finding mixes two sheets; the other sheets share one check of
    the whole drawing (the caller keeps what falls on each sheet's page)."""
    from ..gcpause import gc_paused
    from . import run_checks

    with gc_paused():
        drawing = load_drawing(Path(path))  # a DXF, or a DWG converted here (in the child)
        model = {s.key: s for s in model_sheets(drawing)}
    by_box: dict[tuple | None, Found] = {}
    out: dict[str, Found] = {}
    for key in keys:
        spec = model.get(key)
        bbox = tuple(spec.bbox) if spec is not None and len(model) > 1 else None
        if bbox not in by_box:
            result = run_checks(drawing, params, bbox=bbox)
            by_box[bbox] = [(list(f.bbox) if f.bbox else None, f.to_dict()) for f in result.findings]
        out[key] = by_box[bbox]
    return out
