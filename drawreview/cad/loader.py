"""One loader for vector drawings: a DXF or a DWG (path or bytes) → :class:`cad.dxf.Drawing`.

The upload pipeline, the rule checks (``drawreview check``, ``rules.sheetcheck``) and the
revision overlay all read drawings through :func:`load_drawing`, so a DWG is split, rendered,
checked and compared exactly like a DXF: ``drawing.doc`` is the ezdxf document and
``drawing.notes`` the repairs and conversion losses (zh-CN / English). The kind is judged
from the bytes, never the name. A DWG is converted by a native reader: call this in a drawing
child process (``cad.isolate``) or a command-line tool, never in the server process.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from drawreview.cad import dwg, filetype, intake
from drawreview.cad import errors as E


def kind_of(path: str | Path, name: str | None = None) -> str:
    """``dxf`` or ``dwg`` for a vector drawing (PDF, zip and the rest raise or say so)."""
    return filetype.identify(path, name)


def load_drawing(source: str | Path | bytes, name: str | None = None, *, audit: bool = True,
                 dwg_limits: dwg.DwgLimits | None = None):
    """Read a DXF or DWG into a ``cad.dxf.Drawing``; specific errors name the file."""
    from drawreview.cad.dxf import load_dxf

    if isinstance(source, (bytes, bytearray, memoryview)):
        with tempfile.TemporaryDirectory(prefix="drawing-") as tmp:
            path = Path(tmp) / "drawing"
            path.write_bytes(bytes(source))
            drawing = load_drawing(path, name or "drawing", audit=audit, dwg_limits=dwg_limits)
            drawing.path = None  # the temporary file is gone
            return drawing
    path = Path(source)
    name = name or path.name
    kind = filetype.identify(path, name)
    if kind == dwg.DWG:
        return dwg.load_dwg(path, name, audit=audit, limits=dwg_limits or dwg.DwgLimits())
    if kind == intake.DXF:
        return load_dxf(path, name, audit=audit)
    raise E._make(E.NotADrawing, name, f"这里需要 DWG 或 DXF 矢量图纸，而文件内容是 {kind.upper()}",
                  f"a DWG or DXF vector drawing is needed here; the file holds {kind.upper()}", kind=kind)
