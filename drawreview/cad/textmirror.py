"""A TEXT's mirroring flags (group 71, ``text_generation_flag``): 2 backward, 4 upside down.

AutoCAD sets them when a text is mirrored with MIRRTEXT 1, and a writer may set them by hand;
the text is then drawn mirrored about its alignment point in its own frame: backward, its
letters turned left to right and laid out the other way from the point; upside down, turned
top to bottom and hanging below it (ezdxf's drawing add-on: a scale of -1 in x or y after the
alignment). ``apply`` takes what ``lettering.place_text`` computed without them and returns it
mirrored: the baseline start moved, the width factor and width negated for a turn left to
right; an upside-down text is that turn plus half a revolution (a scale of -1 in y is a scale
of -1 in x turned by 180°).
"""

from __future__ import annotations

import math

BACKWARD, UPSIDE_DOWN = 2, 4


def apply(d: dict, placed: tuple) -> tuple:
    """*placed* (baseline start x, y, height, angle, width factor, width) mirrored as the
    flags in the TEXT dxf dict *d* ask; unchanged without them."""
    flags = d.get("text_generation_flag") or 0
    if not flags & (BACKWARD | UPSIDE_DOWN):
        return placed
    x, y, h, angle, wf, w = placed
    ax, ay = _anchor(d)
    t = math.radians(angle)
    c, s = math.cos(t), math.sin(t)
    u, v = (x - ax) * c + (y - ay) * s, -(x - ax) * s + (y - ay) * c  # the start in the text's frame
    if flags & BACKWARD:
        u, wf, w = -u, -wf, -w
    if flags & UPSIDE_DOWN:
        v, wf, w, angle = -v, -wf, -w, angle + 180.0
    return ax + u * c - v * s, ay + u * s + v * c, h, angle, wf, w


def _anchor(d: dict) -> tuple[float, float]:
    """The point the text is mirrored about: its alignment point where it is justified (other
    than ALIGNED/FIT, which run from the insert), else the insert."""
    ins = d["insert"]
    halign, valign = d.get("halign", 0), d.get("valign", 0)
    if (halign or valign) and halign not in (3, 5):
        al = d.get("align_point")
        if al is not None:
            return al.x, al.y
    return ins.x, ins.y
