"""Buildings to be demolished: on a site plan they are drawn (dashed, or crossed) and marked ``拆除``, and they
are gone when the project is built. They count neither in the density and plot ratio nor as a neighbour a
new building must stand clear of.

A footprint is demolished when one of its labels is a demolition mark: a word of the family ``拆除``,
``待拆``, ``拟拆``, ``需拆除``, ``现状拆除``, ``拆除建筑``, ``现状建筑（拆除）``, ``已拆``, ``拆迁`` standing as a whole
part of the label (``3#楼 拆除``), or in English ``DEMOLISH``, ``TO BE DEMOLISHED``, ``(DEMOLISHED)``,
``EXISTING BUILDING TO BE DEMOLISHED``. A label that only mentions demolition of something else (``拆除原有围墙``,
``拆迁安置房``, ``不拆除``, ``现状保留``) does not: the footprint stays. The line type alone (dashed) says nothing
sure: dashed outlines are also overhangs and basements.
"""

from __future__ import annotations

import re

from . import labels
from .hanzi import simplified

_THING = r"(?:建筑物?|房屋|厂房|平房|楼|构筑物|部分|范围)"
RE_MARK_PART = re.compile(
    rf"^(?:现状|原有|既有|原|旧)?{_THING}?(?:现状)?(?:待|拟|需|应|予以|已|计划)?拆(?:除|迁)?{_THING}?$")
RE_MARK_EN = re.compile(r"^\(?\s*(?:existing\s+(?:building\s+)?)?(?:to\s+be\s+)?demolish(?:ed)?(?:\s+building)?\s*\)?$",
                        re.I)
SPLIT = re.compile(r"[\s(（)）\[\]【】,，:：;；、/]+")


def demolition_mark(text: str) -> bool:
    """Whether a label's words mark its footprint as to be demolished."""
    t = simplified(labels.norm(text)).strip()
    if not t or ("拆" not in t and "demolish" not in t.casefold()):
        return False
    if RE_MARK_EN.match(t):
        return True
    return any(RE_MARK_PART.match(part) for part in SPLIT.split(t) if part)


def drop_demolished(geo, cls: str = "building") -> None:
    """Drop the footprints of ``cls`` a demolition mark labels (after their texts are joined to them)."""
    feats = geo.of(cls)
    keep = [f for f in feats if not any(demolition_mark(t) for t in f.texts)]
    if len(keep) == len(feats):
        return
    geo.features[cls] = keep
    geo._trees.pop(cls, None)
    if not keep:
        del geo.features[cls]
