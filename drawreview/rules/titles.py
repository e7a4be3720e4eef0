"""Plan titles in one model space holding several plans without frames.

A drafter who draws two floors side by side writes each one's title under (or over) its own
drawing: ``一层平面图 1:100`` beneath the ground floor, ``地下一层平面图 1:100`` beneath the basement.
The sheet's facts (``notes.apply_sheet_facts``) read every text of the space as one sheet's, so a
basement title would make every floor a basement. When the space holds plan titles that disagree
on whether their floor is underground, each compartment takes the word of the title nearest to it.

A plan title is a text naming a plan (``平面图``, ``plan``) with its scale (``1:100``) in the text or
just to its right on the same row: a drawing list's rows name plans but carry no scale."""

from __future__ import annotations

import re

import shapely

from .labels import RE_SCALE, norm, project_facts

RE_PLAN = re.compile(r"平面图|平面布置图|\bplan\b", re.I)
SCALE_REACH = 12.0  # a separate scale text: at most this many title heights past its end, on the row


def plan_titles(texts: list) -> list[tuple[object, bool]]:
    """[(text, underground?)] for the texts that are plan titles with a scale."""
    scales = [t for t in texts if t.text and RE_SCALE.search(norm(t.text))]
    out = []
    for t in texts:
        if not t.text or not RE_PLAN.search(t.text):
            continue
        h = max(t.height, 1e-9)
        if not RE_SCALE.search(norm(t.text)) and not any(
                s is not t and 0.0 < s.x - t.x <= h * (len(t.text) + SCALE_REACH)
                and abs(s.y - t.y) <= max(h, s.height) for s in scales):
            continue
        out.append((t, bool(project_facts([t.text])[0].get("underground"))))
    return out


def _extent(t) -> shapely.LineString:
    """The baseline a title's words cover (a character is about its height wide)."""
    h = max(t.height, 1e-9)
    return shapely.LineString([(t.x, t.y), (t.x + h * max(len(t.text), 1), t.y)])


def titles_govern_floors(geo, explicit: dict, cls: str = "compartment") -> None:
    """Each compartment of ``cls`` takes ``underground`` from the plan title nearest to it when the
    space's plan titles disagree (and the project parameters do not state it)."""
    if "underground" in explicit:
        return
    titles = plan_titles(geo.texts)
    if len({under for _, under in titles}) < 2:
        return
    lines = [_extent(t) for t, _ in titles]
    for c in geo.of(cls):
        if c.attrs.get("underground"):  # its own label says 地下
            continue
        k = min(range(len(titles)), key=lambda i: c.geom.distance(lines[i]))
        c.attrs["underground"] = titles[k][1]
