"""The rule checks of a drawing file's sheets, as run in a drawing-processing child
(``cad.isolate``).

Kept apart from ``jobs_findings`` so the child imports only CAD and rule code, never the
database layer; the parent stores what comes back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

Found = list[tuple[list[float] | None, dict]]  # (bbox in drawing units, finding dict)


def check_sheets_of_file(path: str, params: dict, keys: list[str], *,
                         emit: Callable[[Any], None] | None = None) -> dict[str, Found]:
    """``{sheet key: [(bbox, finding dict)]}`` for the sheets *keys* of the DXF at *path*, the
    file read once. A frame of a model space holding several is checked within its frame only
    (the renderer's split), so no finding mixes two sheets; the other sheets share one check of
    the whole drawing (the caller keeps what falls on each sheet's page)."""
    from ..cad.dxf import load_dxf
    from ..cad.sheets import split_sheets
    from ..gcpause import gc_paused
    from . import run_checks

    with gc_paused():
        drawing = load_dxf(Path(path))
        model = {s.key: s for s in split_sheets(drawing) if s.space == "model" and s.bbox}
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
