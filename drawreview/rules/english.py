"""Project facts written in English on a Chinese sheet: a foreign or joint-venture office's general
notes (``THE BUILDING IS PROTECTED THROUGHOUT BY AN AUTOMATIC SPRINKLER SYSTEM``, ``LIGHTNING
PROTECTION: CLASS 2``). ``labels.project_facts`` reads the Chinese words; this reads the English
ones, in the same shape: {fact: value}."""

from __future__ import annotations

import re

# "AUTOMATIC SPRINKLER SYSTEM", "FULLY SPRINKLERED", "SPRINKLER PROTECTED", "SPRINKLERS: YES"
RE_SPRINKLER = re.compile(r"\bsprinkler(?:s|ed)?\b", re.I)
# said not to be there: "NO SPRINKLER", "NOT SPRINKLERED", "WITHOUT SPRINKLERS", "UNSPRINKLERED",
# "SPRINKLERS: NONE / NO / N/A"
RE_NO_SPRINKLER = re.compile(r"\b(?:no|not|non|without|none)\b[^.;:]{0,40}?\bsprinkler|\bunsprinklered\b"
                             r"|\bsprinkler(?:s|ed)?\s*(?:system)?\s*[:=]\s*(?:no|none|n/?a)\b", re.I)
# an exception or a single room's system says nothing of the whole building's: "SPRINKLER ROOM",
# "SPRINKLER PUMP", "SPRINKLER HEAD", "SPRINKLER PIPE", "SPRINKLER VALVE", "SPRINKLER TANK"
RE_SPRINKLER_THING = re.compile(r"\bsprinkler\s*(?:room|pump|head|pipe|valve|tank|riser|main)s?\b", re.I)
# "LIGHTNING PROTECTION: CLASS 2", "LIGHTNING PROTECTION CLASS II", "LPS CLASS 3", "CLASS 2 LIGHTNING PROTECTION"
RE_LP_CLASS = re.compile(r"(?:lightning\s*protection|\blps)\b[^.;]{0,20}?\b(?:class|category|cat\.?)\s*[:=]?\s*"
                         r"([123]|i{1,3})\b"
                         r"|\b(?:class|category)\s*([123]|i{1,3})\s*lightning\s*protection", re.I)
ROMAN = {"1": 1, "2": 2, "3": 3, "i": 1, "ii": 2, "iii": 3}


def english_facts(text: str) -> dict:
    """The facts one English text states: ``sprinklers`` (True / False) and ``lightning_class``
    (1–3). A text that only names a sprinkler room, pump or head states nothing."""
    facts: dict = {}
    if RE_SPRINKLER.search(text) and not RE_SPRINKLER_THING.search(text):
        facts["sprinklers"] = not RE_NO_SPRINKLER.search(text)
    if m := RE_LP_CLASS.search(text):
        facts["lightning_class"] = ROMAN[(m.group(1) or m.group(2)).casefold()]
    return facts
