"""Pausing CPython's cyclic garbage collector around bulk work (shared by CAD and rules)."""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_gc_lock = threading.Lock()
_gc_users = 0
_gc_was_enabled = False


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector during bulk allocation.

    Loading a DXF, painting its sheets, extracting geometry and checking rules each allocate
    hundreds of thousands of small objects. Each time enough of them survive, CPython runs a
    collection over every tracked object, so the time spent collecting grew faster than the
    drawing: more than half of the extraction time at 300,000 entities, about a fifth of
    load + render on a 40,000-entity plan (docs/decisions/020, 010). Cycles made meanwhile
    (ezdxf entities point back at their document) are collected once the pause ends.
    Nesting- and thread-safe: the first caller pauses and the last one restores the state.
    """
    global _gc_users, _gc_was_enabled
    with _gc_lock:
        if _gc_users == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0 and _gc_was_enabled:
                gc.enable()
