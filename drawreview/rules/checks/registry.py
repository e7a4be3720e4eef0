"""The dispatch table of check kinds: ``KINDS`` maps a rule's ``check.kind`` to its function;
modules register with ``@check("kind")``. Kept apart from the package's ``__init__`` so the check
modules import it without importing the package that imports them."""

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
