"""Project facts written in English on a Chinese sheet: a foreign or joint-venture office's general
notes (``THE BUILDING IS PROTECTED THROUGHOUT BY AN AUTOMATIC SPRINKLER SYSTEM``, ``LIGHTNING
PROTECTION: CLASS 2``). ``labels.project_facts`` reads the Chinese words; this reads the English
ones, in the same shape: {fact: value}."""

from __future__ import annotations

import re
import unicodedata

# "AUTOMATIC SPRINKLER SYSTEM", "FULLY SPRINKLERED", "SPRINKLER PROTECTED", "SPRINKLERS: YES"
RE_SPRINKLER = re.compile(r"\bsprinkler(?:s|ed)?\b", re.I)
# said not to be there: "NO SPRINKLER", "NOT SPRINKLERED", "WITHOUT SPRINKLERS", "UNSPRINKLERED",
# "SPRINKLERS: NONE / NO / N/A"
RE_NO_SPRINKLER = re.compile(r"\b(?:no|not|non|without|none)\b[^.;:]{0,40}?\bsprinkler|\bunsprinklered\b"
                             r"|\bsprinkler(?:s|ed)?\s*(?:system)?\s*[:=]\s*(?:no|none|n/?a)\b", re.I)
# an exception or a single room's system says nothing of the whole building's: "SPRINKLER ROOM",
# "SPRINKLER PUMP", "SPRINKLER HEAD", "SPRINKLER PIPE", "SPRINKLER VALVE", "SPRINKLER TANK"
RE_SPRINKLER_THING = re.compile(r"\bsprinkler\s*(?:room|pump|head|pipe|valve|tank|riser|main)s?\b", re.I)
# a name alone, as a legend's row or a table's key cell writes it, states nothing: "SPRINKLER", "SPRINKLERS",
# "AUTOMATIC SPRINKLER SYSTEM", "SPRINKLER SYSTEM:" (its value is in the next cell); as 自动喷水灭火系统 alone
RE_SPRINKLER_NAME = re.compile(r"^\W*(?:automatic\s*)?(?:fire\s*)?sprinklers?(?:\s*system)?\W*$", re.I)
# "LIGHTNING PROTECTION: CLASS 2", "LIGHTNING PROTECTION CLASS II", "LPS CLASS 3", "CLASS 2 LIGHTNING PROTECTION",
# "Lightning protection category III", "LIGHTNING PROTECTION LEVEL: II", "LPL II", "CLASS OF LPS: II"; Roman
# numerals in ASCII or as Ⅰ Ⅱ Ⅲ (NFKC makes them I II III); not IV, 2.5 or a class with no lightning words
NUM = r"([123]|i{1,3})(?![\w.]\w)"
RE_LP_CLASS = re.compile(r"(?:lightning\s*protection|\blp[sl])\b[^.;]{0,20}?\b(?:class|category|cat\.?|level)\s*"
                         r"(?:no\.?\s*)?[:=：]?\s*" + NUM + r"(?!\w)"
                         r"|\b(?:class|category)\s*" + NUM + r"\s*lightning\s*protection"
                         r"|\b(?:class|level)\s*of\s*(?:lps|lightning\s*protection)\s*[:=：]?\s*" + NUM + r"(?!\w)"
                         r"|\blpl\s*[:=：]?\s*" + NUM + r"(?!\w)", re.I)
ROMAN = {"1": 1, "2": 2, "3": 3, "i": 1, "ii": 2, "iii": 3}


def english_facts(text: str) -> dict:
    """The facts one English text states: ``sprinklers`` (True / False) and ``lightning_class``
    (1–3). A text that only names a sprinkler room, pump or head states nothing. *text* is read as
    written; ``lightning_class_of`` reads a text that mixes scripts."""
    facts: dict = {}
    if RE_SPRINKLER.search(text) and not RE_SPRINKLER_THING.search(text) and not RE_SPRINKLER_NAME.match(text):
        facts["sprinklers"] = not RE_NO_SPRINKLER.search(text)
    if m := RE_LP_CLASS.search(text):
        facts["lightning_class"] = ROMAN[next(g for g in m.groups() if g).casefold()]
    return facts


def lightning_class_of(text: str) -> int | None:
    """The lightning protection class an English text, or the English words of a mixed one, state:
    ``LIGHTNING PROTECTION CLASS: Ⅱ``, ``防雷 Lightning protection category III`` (NFKC first)."""
    t = unicodedata.normalize("NFKC", text)
    if not ("lightning" in t.casefold() or "lp" in t.casefold()):
        return None
    m = RE_LP_CLASS.search(t)
    return ROMAN[next(g for g in m.groups() if g).casefold()] if m else None
