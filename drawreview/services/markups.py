"""A markup's shape: its kinds, the points each needs, its fields and their limits, the status
changes each role may make, and the checks of what a client sends (``annotations`` writes
markups; the web layer's schemas and the OpenAPI document take the limits from here)."""

from __future__ import annotations

import math
from typing import Any

from ..errors import ValidationFailed
from ..models import MAX_INT
from . import comment_library
from .visible import is_blank

KINDS = ("pin", "rect", "cloud", "arrow", "polyline", "text")
SEVERITIES = ("mandatory", "general", "suggestion")
STATUSES = ("open", "answered", "closed")
PALETTE = comment_library.PALETTE
MAX_POINTS = 2000
MAX_BODY = 10_000
MAX_COORD = 1e7
MAX_CLAUSE = 200
MAX_TEXT = 2000  # a text markup's words
# points each kind needs: (min, max)
POINTS = {"pin": (1, 1), "rect": (2, 2), "cloud": (2, MAX_POINTS), "arrow": (2, 2),
          "polyline": (2, MAX_POINTS), "text": (1, 1)}
# (from, to) -> roles that may make the change (reviewers only for their own discipline)
TRANSITIONS = {
    ("open", "answered"): {"designer", "reviewer"},
    ("open", "closed"): {"reviewer"},
    ("answered", "closed"): {"reviewer"},
    ("answered", "open"): {"reviewer"},  # not accepted: reopen
    ("closed", "open"): {"reviewer"},    # reopen
}


# --- validation ---------------------------------------------------------------------------

def fail(field_: str, rule: str):
    raise ValidationFailed(details={field_: rule})


def clean_geometry(kind: str, geometry: Any) -> dict:
    if not isinstance(geometry, dict):
        fail("geometry", 'object {"points": [[x, y], ...], "text"?}')
    points = geometry.get("points")
    lo, hi = POINTS[kind]
    if not isinstance(points, list) or not lo <= len(points) <= hi:
        fail("geometry.points", f"{kind}: {lo}..{hi} points")
    clean = []
    for p in points:
        if (not isinstance(p, list) or len(p) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in p)
                or not all(math.isfinite(v) and abs(v) <= MAX_COORD for v in p)):
            fail("geometry.points", "each point is [x, y], finite numbers (sheet points)")
        clean.append([float(p[0]), float(p[1])])
    out: dict[str, Any] = {"points": clean}
    text = geometry.get("text")
    if kind == "text" and (not isinstance(text, str) or is_blank(text)):
        fail("geometry.text", "required for kind text")
    if text is not None:
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            fail("geometry.text", f"text, at most {MAX_TEXT} characters")
        out["text"] = text
    return out


def clean_fields(data: dict, partial: bool) -> dict:
    out: dict[str, Any] = {}
    if "severity" in data or not partial:
        sev = data.get("severity", "general")
        if sev not in SEVERITIES:
            fail("severity", f"one of {SEVERITIES}")
        out["severity"] = sev
    if "clause" in data or not partial:
        clause = data.get("clause", "")
        if clause is None:
            clause = ""
        if not isinstance(clause, str) or len(clause) > MAX_CLAUSE:
            fail("clause", f"text, at most {MAX_CLAUSE} characters")
        out["clause"] = clause.strip()
    if "body" in data or not partial:
        body = data.get("body", "")
        if body is None:
            body = ""
        if not isinstance(body, str) or len(body) > MAX_BODY:
            fail("body", f"text, at most {MAX_BODY} characters")
        out["body"] = body
    return out


def check_version(data: dict) -> int:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= MAX_INT:
        fail("version", "required positive integer (the version you edited)")
    return version
