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

from .labels import RE_SCALE, norm, project_facts, scale_denominator

RE_PLAN = re.compile(r"平面图|平面布置图|\bplan\b", re.I)
RE_KEY_PLAN = re.compile(r"示意|索引图|索引平面|key\s*plan", re.I)  # a diagram of the plan beside it
SCALE_REACH = 12.0  # a separate scale text: at most this many title heights past its end, on the row


def _scale(t, scales: list) -> float | None:
    """The scale denominator a title writes, in its own text or just to its right on the row."""
    if (n := scale_denominator(t.text)) is not None:
        return n
    h = max(t.height, 1e-9)
    for s in scales:
        if s is not t and 0.0 < s.x - t.x <= h * (len(t.text) + SCALE_REACH) and abs(s.y - t.y) <= max(h, s.height):
            return scale_denominator(s.text)
    return None


def plan_titles(texts: list, pattern: re.Pattern = RE_PLAN) -> list[tuple[object, bool]]:
    """[(text, underground?)] for the texts that are plan titles with a scale."""
    scales = [t for t in texts if t.text and RE_SCALE.search(norm(t.text))]
    return [(t, bool(project_facts([t.text])[0].get("underground"))) for t in texts
            if t.text and pattern.search(t.text) and not RE_KEY_PLAN.search(t.text) and _scale(t, scales) is not None]


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


def drop_key_plans(geo, cls: str = "compartment") -> None:
    """A key plan (防火分区示意图 1:500, 索引图) beside the plan it sums up (一层平面图 1:100) draws the
    same compartments again, smaller: a diagram, not the floor. Compartments that lie together
    (touching, or within a metre) are one drawing, under the title nearest to it. A drawing whose
    title names a diagram at a smaller scale than a plan title on the sheet is dropped, with the
    features within it (its hatches, its labels' doors), while another drawing stays. A sheet that
    is only a 防火分区示意图 keeps it: that diagram is the plan checked."""
    comps = geo.of(cls)
    if not comps or not any(t.text and RE_KEY_PLAN.search(t.text) for t in geo.texts):
        return
    scales = [t for t in geo.texts if t.text and RE_SCALE.search(norm(t.text))]
    titles = [(t, _scale(t, scales), bool(RE_KEY_PLAN.search(t.text))) for t in geo.texts
              if t.text and (RE_PLAN.search(t.text) or RE_KEY_PLAN.search(t.text))]
    titles = [(t, n, key) for t, n, key in titles if n is not None or key]
    plan_scales = [n for _, n, key in titles if not key and n is not None]
    if not plan_scales:
        return
    lines = [_extent(t) for t, _, _ in titles]
    drawings = shapely.get_parts(shapely.union_all([c.geom.buffer(geo.du(0.5)) for c in comps]))
    drop = []
    for d in drawings:
        k = min(range(len(titles)), key=lambda i: d.distance(lines[i]))
        _, n, key = titles[k]
        if key and (n is None or n > min(plan_scales)):
            drop.append(d)
    if not drop or len(drop) == len(drawings):
        return  # no diagram, or no plan drawn beside it (its compartments are the only ones: keep them)
    gone = shapely.union_all(drop)
    shapely.prepare(gone)
    for name, feats in list(geo.features.items()):
        keep = [f for f in feats if not gone.covers(f.geom)]
        if len(keep) != len(feats):
            geo.features[name] = keep
            geo._trees.pop(name, None)
            if not keep:
                del geo.features[name]
