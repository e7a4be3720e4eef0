"""The names of the workflow's codes in the reader's language: disciplines, submission and task
states, conclusions, sheet categories. Chinese is the workflow's own word (``workflow``, ``vocabulary``); English
comes from the one message table (web/i18n.py), so an API caller who asks in English is not
answered 审查中 (decision 157). A code without a name is given as it is."""

from __future__ import annotations

from drawreview import vocabulary

from . import workflow


def _en(key: str) -> str | None:
    from ..web.i18n import MESSAGES  # the message table sits in web/; imported late, as notifications does

    pair = MESSAGES.get(key)
    return pair[1] if pair else None


def _english(lang: str | None) -> bool:
    return bool(lang) and lang.startswith("en")


def discipline(code: str, lang: str = "zh-CN") -> str:
    if _english(lang):
        return _en(f"discipline.{code}") or code
    return workflow.DISCIPLINES.get(code, code)


def submission_state(code: str, lang: str = "zh-CN") -> str:
    """A submission's state or a project's stage."""
    if _english(lang):
        return _en(f"submission.state.{code}") or code
    return workflow.SUBMISSION.states.get(code, code)


def task_state(code: str, lang: str = "zh-CN") -> str:
    if _english(lang):
        return _en(f"task.state.{code}") or code
    return workflow.TASK.states.get(code, code)


def conclusion(code: str | None, lang: str = "zh-CN") -> str | None:
    return vocabulary.verdict_label(code, "en" if _english(lang) else "zh-CN") if code else None


def category(code: str, lang: str = "zh-CN") -> str:
    """A sheet category (结施): in English with its words beside it, "结施 (structure)"."""
    return workflow.category_en(code) if _english(lang) else code
