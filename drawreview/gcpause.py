"""Pausing CPython's cyclic garbage collector around bulk work (shared by CAD and rules), and
keeping a started app's heap out of the collector's full passes (``settle``)."""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_gc_lock = threading.Lock()
_gc_users = 0
_gc_was_enabled = False
_settled = False


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector during bulk allocation.

    Loading a DXF, painting its sheets, extracting geometry and checking rules each allocate
    hundreds of thousands of small objects. Each time enough of them survive, CPython runs a
    collection over every tracked object, so the time spent collecting grew faster than the
    drawing: more than half of the extraction time at 300,000 entities, about a fifth of
    load + render on a 40,000-entity plan (docs/decisions/020, 010).

    When the pause ends, what it allocated goes straight to the oldest generation
    (``gc.freeze()`` + ``gc.unfreeze()``: a list splice, no traversal) instead of being
    traversed by the young-generation collection its allocation count would set off at the
    next allocation: that pass visits every object of the document just loaded or the sheets
    just painted, which are alive (1–2 ms on a 200-entity MTEXT drawing, a tenth of reading
    it, paid again in the first tile's time), and would find them alive again in the middle
    generation. Cycles made meanwhile (ezdxf entities point back at their document) are
    collected by the next full collection, as everything long-lived is.
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
                if not gc.get_freeze_count():  # (a process that froze objects on purpose keeps them)
                    gc.freeze()  # every tracked object to the permanent generation, counts reset
                    gc.unfreeze()  # ... and back into the oldest generation
                gc.enable()


def settle() -> None:
    """Once the app has started: collect, then move every object alive now (the imported
    libraries, the ORM's mappers and compiled statements, the settings) into the permanent
    generation (``gc.freeze``), which the collector never walks again.

    An app process holds about 210,000 such objects (PyMuPDF, ezdxf, pyhanko, SQLAlchemy, ...)
    and every full collection walked all of them: ~95 ms of CPU each, measured as 425-725 ms
    pauses in both app processes at once under bench_sync's write load on the shared 2-core
    machine; every write and fan-out in that window waited. Frozen, a full pass walks only what
    was made since. Objects frozen here are not collected even if they become cyclic garbage later (the
    startup heap is the app's for its whole life), so it is done once per process: a process
    that starts several apps (the tests) freezes at the first.
    """
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()
