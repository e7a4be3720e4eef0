"""Check functions, one small pure function per ``check.kind``: ``(geometry, rule) -> findings``.

``KINDS`` is the dispatch table the engine uses (``registry``); each discipline's module
registers its kinds with ``@check("kind")`` when it is imported here.
"""

from __future__ import annotations

from . import civil_defence, drawing, fire_plan, fire_site, lightning, meteorology, planning  # noqa: F401
from .registry import KINDS, check

__all__ = ["KINDS", "check"]
