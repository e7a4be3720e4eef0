"""Why a case was returned, in the reader's language.

``Submission.return_reasons`` holds the window's own words (plain strings, shown as written) and
the reasons the system states itself, stored as a code and its parameters
(``{"code": "deficiency_overdue", "params": {"items": [...]}}``) and rendered through the message
table (web/i18n.py, ``return_reason.<code>``) in zh-CN or English. Reasons stored as Chinese text
before the codes (``容缺材料逾期未补齐：…``) are recognised and read the same way
(docs/decisions/130).
"""

from __future__ import annotations

DEFICIENCY_OVERDUE = "deficiency_overdue"
# how the overdue reason was stored before it had a code (kept readable in both languages)
_LEGACY = {DEFICIENCY_OVERDUE: "容缺材料逾期未补齐："}


def deficiency_overdue(items) -> dict:
    """The 容缺 items not supplied by their deadline."""
    return {"code": DEFICIENCY_OVERDUE, "params": {"items": [str(i) for i in items]}}


class _Safe(dict):
    def __missing__(self, key):
        return "—"


def text(reason, lang: str = "zh-CN") -> str:
    """One reason in ``lang``: the window's words as written, a coded one through the table."""
    from ..web.i18n import MESSAGES, t

    if isinstance(reason, str):
        for code, prefix in _LEGACY.items():
            if reason.startswith(prefix) and lang.startswith("en"):
                return t(f"return_reason.{code}", lang).format(items=reason[len(prefix):])
        return reason
    if not isinstance(reason, dict) or f"return_reason.{reason.get('code')}" not in MESSAGES:
        return str(reason.get("code", "")) if isinstance(reason, dict) else str(reason)
    sep = t("punct.list", lang)
    values = _Safe({k: sep.join(map(str, v)) if isinstance(v, list) else v
                    for k, v in (reason.get("params") or {}).items()})
    return t(f"return_reason.{reason['code']}", lang).format_map(values)


def texts(reasons, lang: str = "zh-CN") -> list[str]:
    return [text(r, lang) for r in reasons or []]
