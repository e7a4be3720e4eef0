"""Generated drawings (real DXF files) shared by the rule tests, made once per session."""

from __future__ import annotations

import pytest

from drawreview.rules import run_checks
from drawreview.samples.basement import basement_plan
from drawreview.samples.broken import broken_drawing
from drawreview.samples.floor import floor_params, floor_plan
from drawreview.samples.roof import roof_plan
from drawreview.samples.site import site_params, site_plan

MAKERS = {
    "site": (site_plan, {}, site_params),
    "floor": (floor_plan, {}, floor_params),
    "floor_res": (floor_plan, {"use_label": "住宅"}, lambda: floor_params(residential=True)),
    "basement": (basement_plan, {}, dict),
    "roof": (roof_plan, {}, dict),
}


@pytest.fixture(scope="session")
def drawing(tmp_path_factory):
    """drawing(kind, violate=()) → path of a generated DXF (cached for the session)."""
    root = tmp_path_factory.mktemp("drawings")
    cache: dict = {}

    def make(kind: str, violate=()) -> "Path":  # noqa: F821
        key = (kind, frozenset(violate))
        if key not in cache:
            if kind == "broken":
                cache[key] = broken_drawing(root / "broken.dxf")
            else:
                fn, kw, _ = MAKERS[kind]
                name = kind + ("-" + "-".join(sorted(violate)) if violate else "-clean")
                cache[key] = fn(root / f"{name}.dxf", set(violate), **kw)
        return cache[key]

    return make


@pytest.fixture(scope="session")
def checked(drawing):
    """checked(kind, violate=(), extra_params=None) → CheckResult (cached)."""
    cache: dict = {}

    def run(kind: str, violate=(), extra: dict | None = None):
        key = (kind, frozenset(violate), tuple(sorted((extra or {}).items())))
        if key not in cache:
            base = MAKERS[kind][2]() if kind in MAKERS else {}
            cache[key] = run_checks(drawing(kind, violate), {**base, **(extra or {})})
        return cache[key]

    return run
