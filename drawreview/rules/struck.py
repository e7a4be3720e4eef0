"""Notes struck out: a note the drafter cancelled states nothing.

A Chinese set keeps a withdrawn note on the sheet and marks it: a bracketed ``（取消）``, ``(已取消)``,
``【删除】``, ``[作废]`` after (or before) its words, ``本条取消`` / ``此条作废`` at its end, or the words struck
through (TEXT ``%%k`` … , MTEXT ``\\K`` … ``\\k``). ``本层设自动喷水灭火系统（取消）`` does not say the floor has
sprinklers. A note that says something else was cancelled (``取消原防火卷帘，改为防火墙``, ``本层设自动喷水
灭火系统（原消火栓取消）``) is read as before: the mark must stand alone in its brackets, or be the
note's own ``本条 / 此条 / 该条`` closing words.
"""

from __future__ import annotations

import re

_WORD = r"(?:已|经)?(?:取消|删除|删去|作废|废除|废止|撤销)"
RE_CANCELLED = re.compile(
    rf"[(（\[【]\s*{_WORD}\s*[)）\]】]\s*[。.;；]?\s*$"  # … （取消）
    rf"|^\s*[(（\[【]\s*{_WORD}\s*[)）\]】]"  # （作废）…
    rf"|[，,。;；\s](?:本条|此条|该条|本项|此项|该项|本注|此注)\s*{_WORD}\s*[。.;；]?\s*$")  # …，本条取消
MARK = "（取消）"  # what a struck-through note's words carry once read (texts.add_text)


def cancelled(words: str) -> bool:
    """Whether a note's words (as drawn, NFKC or not) mark the note itself cancelled."""
    return bool(words) and bool(RE_CANCELLED.search(words))


def _struck(raw: str, on: str, off: str) -> bool:
    """Most of the characters of *raw* fall between a strike-through switch *on* and *off*."""
    struck = plain = 0
    state = False
    i = 0
    while i < len(raw):
        if raw.startswith(on, i) and not state:
            state, i = True, i + len(on)
        elif raw.startswith(off, i) and state:
            state, i = False, i + len(off)
        else:
            ch = raw[i]
            if not ch.isspace() and ch not in "{};":
                struck, plain = struck + state, plain + (not state)
            i += 1
    return struck > 0 and struck >= 2 * plain


def struck_through(entity) -> bool:
    """A TEXT / ATTRIB drawn struck through (``%%k`` switches it, on and off) or an MTEXT whose ``\\K``
    covers most of its words."""
    kind = entity.dxftype()
    raw = entity.text if kind == "MTEXT" else entity.dxf.get("text", "")
    if not raw:
        return False
    if kind == "MTEXT":
        return "\\K" in raw and _struck(raw, "\\K", "\\k")
    low = raw.replace("%%K", "%%k")
    return "%%k" in low and _struck(low, "%%k", "%%k")
