"""A HATCH's pattern definition lines read straight into ezdxf's ``Pattern``, for the fast tag
reader (``cad.dxfread``).

A hatch pattern is a run of numbers: per line an angle (53), a base point (43, 44), an offset
(45, 46), a dash count (79) and the dashes (49). pycadkit writes the whole definition into every
hatch it converts (ACadSharp's R2000 sample: 8 hatches, 449 pattern lines, 37 % of its DXF's
tags), and through ezdxf's loader each of these numbers is a tag typed, grouped into its entity,
walked by the subclass splitter (``ExtendedTags``), collected again (``collect_consecutive_tags``),
grouped per line and read into a ``PatternLine`` by the HATCH loader: ~30 % of ``ezdxf.readfile``
of that file, and as much of ours. Here the run is read once into the ``PatternLine`` objects
ezdxf's loader makes of it and left out of the entity's tags; :func:`attach` gives each hatch
its pattern once the document is loaded, as ``DXFPolygon.load_pattern`` would have.

Only where the loader's reading is certain: a HATCH whose handle (code 5) follows its type, the
first pattern count (78) of its third subclass (ezdxf's ``subclasses[2]``, AcDbHatch) before
any gradient (450) or application data (102), and a run that ends inside the block of tags in
view. Anything else keeps its tags for ezdxf. A handle two HATCHes share, or a hatch the loaded
document does not hold under its handle, makes the caller read the file again without this
(``Unplaced``). tests/cad/test_hatchread.py compares every hatch with ezdxf's.
"""

from __future__ import annotations

from ezdxf.entities.pattern import Pattern, PatternLine

CODES = frozenset((53, 43, 44, 45, 46, 79, 49))  # ezdxf's PATTERN_DEFINITION_LINE_CODES


class Unplaced(Exception):
    """A pattern read here has no certain hatch to go to: read the file without this."""


def read(group, codes: list, values: list, i: int, end: int, typed) -> tuple[int, list] | None:
    """(index after the run, its pattern lines) for the pattern count tag (78) at ``i - 1`` of
    *group* (the HATCH's tags so far), or None where the loader's reading is not certain.
    *typed* (code, cast, value, index) is the tag reader's typing of a value that is not a plain
    number (its leniency, or its error)."""
    if len(group) < 2 or group[1].code != 5:
        return None
    markers = 0
    for tag in group:
        code = tag.code
        if code == 100:
            markers += 1
        elif markers >= 2 and (code == 78 or code == 450 or code == 102):
            return None
    if markers != 2:
        return None
    got = _canonical(codes, values, i, end)
    if got is not None:
        return got
    j = i
    while j < end and codes[j] in CODES:
        j += 1
    if j >= end:  # the run may go on in the next block of tags
        return None
    lines = []
    p = dashes = None
    for k in range(i, j):
        code, value = codes[k], values[k]
        cast = int if code == 79 else float
        try:
            number = cast(value)
        except ValueError:
            number = typed(code, cast, value, k + 1).value
        if code == 53:  # ezdxf's group_tags(splitcode=53): what comes before the first 53 is dropped
            if p is not None:
                lines.append(PatternLine(p[53], (p[43], p[44]), (p[45], p[46]), dashes))
            p, dashes = {53: number, 43: 0, 44: 0, 45: 0, 46: 0}, []
        elif p is not None:
            if code == 49:
                dashes.append(number)
            else:
                p[code] = number
    if p is not None:
        lines.append(PatternLine(p[53], (p[43], p[44]), (p[45], p[46]), dashes))
    return j, lines


HEAD = [53, 43, 44, 45, 46, 79]


def _canonical(codes: list, values: list, i: int, end: int) -> tuple[int, list] | None:
    """``read`` of a run as every writer lays it out (each line's six numbers in order, then as
    many dashes as its count says), a line at a time; None for any other run."""
    lines = []
    s = i
    while s < end and codes[s] == 53:
        if codes[s:s + 6] != HEAD:
            return None
        try:
            n = int(values[s + 5])
            e = s + 6 + n
            if n < 0 or e > end or codes[s + 6:e].count(49) != n:
                return None
            angle, x, y, dx, dy = map(float, values[s:s + 5])
            lines.append(PatternLine(angle, (x, y), (dx, dy), list(map(float, values[s + 6:e]))))
        except ValueError:
            return None
        s = e
    if s >= end or codes[s] in CODES:
        return None
    return s, lines


def check(hatches: list, read_patterns: list) -> None:
    """Raise ``Unplaced`` when a hatch given a pattern shares its handle with another HATCH
    (*hatches*: every HATCH group of the file; *read_patterns*: (group, lines))."""
    if not read_patterns:
        return
    seen: set = set()
    twice: set = set()
    for group in hatches:
        handle = next((t.value for t in group if t.code == 5), None)
        (twice if handle in seen else seen).add(handle)
    if any(group[1].value in twice for group, _ in read_patterns):
        raise Unplaced("two HATCH entities share a handle")


def attach(doc, read_patterns: list) -> None:
    """Give each loaded hatch the pattern read for it (``read``); ``Unplaced`` when the document
    does not hold a HATCH without a pattern under that handle."""
    db = doc.entitydb
    for group, lines in read_patterns:
        entity = db.get(group[1].value)
        if entity is None or entity.dxftype() != "HATCH" or entity.pattern is not None:
            raise Unplaced(f"no hatch {group[1].value} to take its pattern")
        entity.pattern = Pattern(lines)
