"""Generators of realistic Chinese construction drawings (DXF, mm, A1 frames) for tests,
benchmarks and the demo (``drawreview.demo.drawings`` puts the demo's set together from them)."""

from .basement import basement_plan
from .floor import floor_params, floor_plan
from .large import large_site
from .roof import roof_plan
from .site import site_params, site_plan

__all__ = ["basement_plan", "floor_plan", "floor_params", "large_site", "roof_plan", "site_params", "site_plan"]
