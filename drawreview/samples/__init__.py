"""Generators of realistic Chinese construction drawings (DXF, mm, A1 frames) for tests and demos."""

from .basement import basement_plan
from .demo import DEMO_PARAMS, generate_demo_set
from .floor import floor_params, floor_plan
from .large import large_site
from .roof import roof_plan
from .site import site_params, site_plan

__all__ = ["basement_plan", "floor_plan", "floor_params", "generate_demo_set", "DEMO_PARAMS", "large_site",
           "roof_plan", "site_params", "site_plan"]
