"""How long each phase of issuing a report took (gather, stamp, render, sign, store), for the
issuing endpoint's ``Server-Timing`` header: a 5,000-sheet round takes minutes, and the window's
browser (developer tools) and the benchmark see where they went.

The endpoint opens :func:`recording`; the service calls :func:`add` (a no-op outside one).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

_current: ContextVar[dict[str, float] | None] = ContextVar("report_phases", default=None)


@contextmanager
def recording() -> Iterator[dict[str, float]]:
    """Collect the phases of what runs inside (``{name: seconds}``, in the order they ran)."""
    phases: dict[str, float] = {}
    token = _current.set(phases)
    started = time.perf_counter()
    try:
        yield phases
    finally:
        phases["total"] = time.perf_counter() - started
        _current.reset(token)


def add(name: str, seconds: float) -> None:
    phases = _current.get()
    if phases is not None:
        phases[name] = phases.get(name, 0.0) + seconds


@contextmanager
def phase(name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        add(name, time.perf_counter() - started)


def server_timing(phases: dict[str, float]) -> str:
    """``gather;dur=812.4, render;dur=…`` (milliseconds, as the header wants them)."""
    return ", ".join(f"{name};dur={seconds * 1000:.1f}" for name, seconds in phases.items())
