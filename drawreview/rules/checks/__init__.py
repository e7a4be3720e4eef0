"""Check functions, one small pure function per ``check.kind``: ``(geometry, rule) -> findings``.

``KINDS`` is the dispatch table the engine uses; modules register with ``@check("kind")``.
"""

from __future__ import annotations

from typing import Callable

KINDS: dict[str, Callable] = {}


def check(kind: str) -> Callable:
    def register(fn: Callable) -> Callable:
        if kind in KINDS:
            raise ValueError(f"check kind {kind!r} registered twice")
        KINDS[kind] = fn
        return fn

    return register


from . import civil_defence, drawing, fire_plan, fire_site, lightning, meteorology, planning  # noqa: E402,F401

__all__ = ["KINDS", "check"]
