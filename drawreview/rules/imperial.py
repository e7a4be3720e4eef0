"""Is a drawing whose header says inches really drawn in inches?

``$INSUNITS=1`` is most often a template's leftover (AutoCAD's ``acad.dwt``) on a plan drawn in
millimetres, and the engine reads such a plan in millimetres. A drawing truly drawn in inches is
told apart by its lettering, read against the sheet's own scale (``1:100`` in its titles): lettering
is 1.5–15 mm tall on paper, so at 1:100 a millimetre drawing's 3.5 mm texts are ~350 units tall
and an inch drawing's ~14. Without a scale written on the sheet, scales 1:50–1:500 are tried."""

from __future__ import annotations

import numpy as np

from .labels import RE_SCALE, norm

PAPER_MM = (1.5, 15.0)  # lettering height on paper
SCALES = (50.0, 500.0)  # the plan scales tried when the sheet writes none
MM_PER_INCH = 25.4


def _paper_ok(height: float, mm_per_unit: float, scales: list[float]) -> bool:
    return any(PAPER_MM[0] <= height * mm_per_unit / s <= PAPER_MM[1] for s in scales)


def drawn_in_inches(doc, sample: int = 400) -> bool:
    """True when the lettering is paper-sized in inches at the sheet's scale and could not be in
    millimetres at any of those scales."""
    heights, scales = [], []
    for e in doc.modelspace().query("TEXT MTEXT"):
        if e.dxftype() == "TEXT":
            heights.append(e.dxf.get("height", 0.0))
            words = e.dxf.get("text", "")
        else:
            heights.append(e.dxf.get("char_height", 0.0))
            words = e.text
        if ":" in words or "：" in words:
            scales += [float(m.group(1)) for m in RE_SCALE.finditer(norm(words)) if float(m.group(1)) >= 1.0]
        if len(heights) >= sample:
            break
    heights = [h for h in heights if h and h > 0]
    if not heights:
        return False
    h = float(np.median(heights))
    tried = sorted(set(scales)) or [SCALES[0], SCALES[1]]
    if not scales:  # every scale between the two
        tried = list(np.geomspace(SCALES[0], SCALES[1], 11))
    return _paper_ok(h, MM_PER_INCH, tried) and not _paper_ok(h, 1.0, tried)
