"""The words an authority uses for verdicts and conclusions: one table for every place that
shows them (report, stamped sheets, the project and progress pages, the verification page,
notifications, JSON/BCF exports).

A round's verdict is one of 审查合格 / 修改后复审 / 审查不合格 (the words of an official
审查意见书); ``approved_with_comments`` is 审查合格 whose report carries comments to heed.
Internal codes (the workflow's ``Conclusion`` values, and the report's older ``passed`` /
``revise`` / ``failed``) map here and nowhere else.
"""

from __future__ import annotations

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
