"""The rule checks of one sheet, as run in a drawing-processing child (``cad.isolate``).

Kept apart from ``jobs_findings`` so the child imports only CAD and rule code, never the
database layer; the parent stores what comes back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable


def check_sheet_of_file(path: str, params: dict, key: str, *, emit: Callable[[Any], None] | None = None
                        ) -> list[tuple[list[float] | None, dict]]:
    """``[(bbox, finding dict)]`` for the sheet *key* of the DXF at *path*: a frame of a model
    space holding several is checked within its frame only (the renderer's split), so no
    finding mixes two sheets."""
    from ..cad.dxf import load_dxf
    from ..cad.sheets import split_sheets
    from ..gcpause import gc_paused
    from . import run_checks

    with gc_paused():
        drawing = load_dxf(Path(path))
        model = [s for s in split_sheets(drawing) if s.space == "model" and s.bbox]
    spec = next((s for s in model if s.key == key), None)
    bbox = tuple(spec.bbox) if spec is not None and len(model) > 1 else None
    result = run_checks(drawing, params, bbox=bbox)
    return [(list(f.bbox) if f.bbox else None, f.to_dict()) for f in result.findings]
