"""Notes are notes, not repairs.

A note that informs about an intact file ("no frame found", "$INSUNITS not set", content off
every sheet, an external file not included, custom objects without proxy graphics) is an
:class:`Info`; every other note of a file describes something repaired or left out of a
damaged one (recover, audit fixes, NaN coordinates, a block inserting itself). The processing
job lists the two apart (``drawing_file.repairs`` / ``drawing_file.notes``).
"""

from __future__ import annotations


class Info(str):
    """A note about an intact file (a ``str``; pickles and compares as one)."""

    __slots__ = ()

    def __reduce__(self):
        return (Info, (str(self),))


def info(text: str) -> Info:
    return Info(text)


def repairs_of(notes: list[str]) -> list[str]:
    """The notes that are repairs of a damaged file (all but the :class:`Info` ones)."""
    return [n for n in notes if not isinstance(n, Info)]
