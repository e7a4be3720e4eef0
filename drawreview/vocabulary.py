"""The words an authority uses for verdicts and conclusions: one table for every place that
shows them (report, stamped sheets, the project and progress pages, the verification page,
notifications, JSON/BCF exports).

A round's verdict is one of 审查合格 / 修改后复审 / 审查不合格 (the words of an official
审查意见书); ``approved_with_comments`` is 审查合格 whose report carries comments to heed.
Internal codes (the workflow's ``Conclusion`` values, and the report's older ``passed`` /
``revise`` / ``failed``) map here and nowhere else.
"""

from __future__ import annotations

import re

#: code -> (zh-CN, English)
VERDICTS: dict[str, tuple[str, str]] = {
    "approved": ("审查合格", "Passed"),
    "approved_with_comments": ("审查合格（附意见）", "Passed with comments"),
    "revision_required": ("修改后复审", "Revise and resubmit"),
    "rejected": ("审查不合格", "Failed"),
    "pending": ("审查中", "Under review"),
}
#: older codes of the report part, same words
ALIASES = {"passed": "approved", "revise": "revision_required", "failed": "rejected"}
#: the three words of the official vocabulary, by code
AUTHORITY_WORD = {"approved": "审查合格", "approved_with_comments": "审查合格",
                  "revision_required": "修改后复审", "rejected": "审查不合格"}


def canonical(code: str | None) -> str:
    code = code or "pending"
    return ALIASES.get(code, code)


def verdict_label(code: str | None, lang: str = "zh-CN") -> str:
    """The label of a verdict/conclusion code; unknown text is shown as given."""
    pair = VERDICTS.get(canonical(code))
    if pair is None:
        return code or ""
    return pair[1] if lang.startswith("en") else pair[0]


def table() -> dict[str, tuple[str, str]]:
    """Every code, aliases included (for label tables that look codes up directly)."""
    return {**VERDICTS, **{alias: VERDICTS[code] for alias, code in ALIASES.items()}}


#: a sheet's discipline as drawing sets name it (图号 prefix, title-block 专业) -> English
SHEET_DISCIPLINES: dict[str, str] = {
    "总图": "Site plan", "建筑": "Architecture", "结构": "Structure", "给排水": "Plumbing", "暖通": "HVAC",
    "电气": "Electrical", "人防": "Civil air defence", "防雷": "Lightning protection", "节能": "Energy efficiency",
    "消防": "Fire protection", "景观": "Landscape", "幕墙": "Curtain wall", "装饰": "Interior finishes",
    "气象": "Meteorology", "规划": "Planning", "智能化": "Building intelligence", "燃气": "Gas", "室外": "External works",
}
_QUALIFIED = re.compile(r"^\s*([^()（）]+?)\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$")


def sheet_discipline_label(value: str | None, lang: str = "zh-CN") -> str:
    """A sheet's discipline for the reader: the drawing's own word in Chinese; in English the
    known names translated (``电气(防雷)`` → ``Electrical (Lightning protection)``), anything
    else — the designer's own text — shown as given."""
    if not value:
        return "—"
    if not lang.startswith("en"):
        return value
    if value in SHEET_DISCIPLINES:
        return SHEET_DISCIPLINES[value]
    m = _QUALIFIED.match(value)
    if m and m.group(1) in SHEET_DISCIPLINES and m.group(2) in SHEET_DISCIPLINES:
        return f"{SHEET_DISCIPLINES[m.group(1)]} ({SHEET_DISCIPLINES[m.group(2)]})"
    return value
