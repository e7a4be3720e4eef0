"""Floors named by the paper layouts that show them.

A drafter may keep several plans in one model space without frames and give each its own
layout: a viewport at 1:100 onto the third floor in the layout 三层平面图, another onto the
basement in 地下一层平面图, each layout with its frame and title. The sheet's words come from the
layout that shows most of the model space (or those every layout writes: ``paper.paper_texts``),
so the basement's title reached no compartment. Each layout's title (its tab's name and its
words) names the plan its viewports show: a compartment whose point lies in the windows of
layouts that agree takes their word on whether it is underground, as a plan title beside it in
model space does (``titles.titles_govern_floors``).

A layout names a floor when its tab or its words name a plan (``平面图``, ``plan``): a ``布局1`` with
no title says nothing. Read when two layouts or more show the region and one of them names a
basement, and the project parameters do not state it; a compartment's own label (``地下``) stands,
and one shown by layouts that disagree (a site overview and the basement's own) keeps the sheet's word.
"""

from __future__ import annotations

from .labels import project_facts
from .paper import Shown, layout_texts
from .titles import RE_PLAN


def layouts_govern_floors(geo, shown: Shown, blocks, explicit: dict, cls: str = "compartment") -> None:
    showing = shown[0]
    if "underground" in explicit or len(showing) < 2:
        return
    says = []  # (windows, underground?) of each layout that names a plan
    for _, layout, windows in showing:
        words = [t.text for t in layout_texts(layout, blocks) if t.text]
        if any(RE_PLAN.search(w) for w in words):
            says.append((windows, bool(project_facts(words)[0].get("underground"))))
    if not any(under for _, under in says):
        return
    for c in geo.of(cls):
        if c.attrs.get("underground"):  # its own label says 地下
            continue
        p = c.geom.representative_point()
        votes = {under for windows, under in says
                 if any(w[0] <= p.x <= w[2] and w[1] <= p.y <= w[3] for w in windows)}
        if len(votes) == 1:
            c.attrs["underground"] = votes.pop()
