"""The one discipline palette: the viewer (served through /api/annotation-library and mirrored
as defaults in viewer/src/markups.js), the report's crops, the marked-up PDF annotations and
the BCF snapshots all colour a discipline from this table."""

from __future__ import annotations

import hashlib

PALETTE: dict[str, str] = {
    "planning": "#1f6fd1",       # blue
    "fire": "#d62728",           # red
    "civil_defence": "#2ca02c",  # green
    "lightning": "#9467bd",      # purple
    "meteorology": "#ff7f0e",    # orange
}
EXTRA: dict[str, str] = {"drawing": "#5d4037", "other": "#555555"}  # drafting checks; anything else
_SPARE = ("#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79")


def hex_of(discipline: str) -> str:
    """The discipline's colour as #rrggbb; unknown codes get a stable spare colour."""
    if discipline in PALETTE:
        return PALETTE[discipline]
    if discipline in EXTRA:
        return EXTRA[discipline]
    return _SPARE[hashlib.sha256(discipline.encode()).digest()[0] % len(_SPARE)]


def rgb_of(discipline: str) -> tuple[float, float, float]:
    """The same colour as PDF RGB components in 0..1."""
    h = hex_of(discipline).lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))
