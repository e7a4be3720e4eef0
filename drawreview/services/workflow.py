"""Joint-review workflow rules as data plus pure functions (no database).

* :data:`SUBMISSION` and :data:`TASK` are state machines (tables of ``(state, action) ->
  state``); :meth:`Machine.apply` refuses anything else with ``InvalidTransition`` naming the
  state and action in zh-CN and English.
* :class:`Conclusion` and :func:`roll_up`: a round's verdict is the most severe discipline
  conclusion.
* :func:`traffic_light`: green / yellow (≤ 2 working days remain) / red (overdue).
* :data:`DEFAULT_CONFIG`: required disciplines by project type, the meteorology (气象) scope
  (RULES.md: only flammable/explosive sites, mines, scenic sites in lightning-prone areas and
  large high-risk projects), review days, required sheet categories; override with
  :func:`merged_config`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from drawreview import vocabulary
from drawreview.errors import InvalidTransition, ValidationFailed
from drawreview.services import workdays


@dataclass(frozen=True)
class Machine:
    name: str
    label_zh: str
    states: Mapping[str, str]                        # state -> zh label
    actions: Mapping[str, str]                       # action -> zh label
    transitions: Mapping[tuple[str, str], str]       # (state, action) -> next state
    initial: str
    new_round: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def allowed_actions(self, state: str) -> list[str]:
        return [a for (s, a) in self.transitions if s == state]

    def can(self, state: str, action: str) -> bool:
        return (state, action) in self.transitions

    def is_terminal(self, state: str) -> bool:
        return not self.allowed_actions(state)

    def apply(self, state: str, action: str) -> str:
        """The next state, or ``InvalidTransition`` (zh + en, naming state and action)."""
        nxt = self.transitions.get((state, action))
        if nxt is not None:
            return nxt
        allowed = self.allowed_actions(state)
        s_zh = self.states.get(state, "未知状态")
        a_zh = self.actions.get(action, "未知操作")
        # in words only: the machine's keys and the steps it allows (some are no one's request:
        # a round concludes with its last discipline) are for programs, in the details
        # (read-back 5, decision 148: "不能执行“通过”(approve)操作；可执行的操作：汇总结论(conclude)")
        raise InvalidTransition(
            f"{self.label_zh}当前为“{s_zh}”{'（已结束）' if not allowed else ''}，不能{a_zh}",
            f"The {self.name} is {_words(state)}{' (finished)' if not allowed else ''}: "
            f"'{_words(action)}' is not possible now",
            details={"machine": self.name, "state": state, "action": action, "allowed": allowed},
        )

    def advance(self, state: str, action: str, round_no: int) -> tuple[str, int]:
        """Like :meth:`apply`, also returning the review round (resubmission starts a new one)."""
        nxt = self.apply(state, action)
        return nxt, round_no + 1 if (state, action) in self.new_round else round_no


def _words(key: str) -> str:
    return key.replace("_", " ")


SUBMISSION = Machine(
    name="submission",
    label_zh="报审",
    states={
        "draft": "草稿", "submitted": "已提交", "accepted": "已受理",
        "accepted_with_deficiencies": "容缺受理", "returned": "已退回", "in_review": "审查中",
        "concluded": "审查完成", "revision_required": "待补正", "resubmitted": "已重新提交",
        # the final states in the authority's words (drawreview/vocabulary.py)
        "approved": vocabulary.AUTHORITY_WORD["approved"], "rejected": vocabulary.AUTHORITY_WORD["rejected"],
    },
    actions={
        "submit": "提交", "accept": "受理", "accept_with_deficiencies": "容缺受理",
        "return": "退回", "complete_deficiencies": "补齐容缺材料", "start_review": "开始审查",
        "conclude": "汇总结论", "require_revision": "要求补正", "resubmit": "重新提交",
        "approve": "通过", "reject": "不予通过", "return_overdue": "容缺逾期退回",
    },
    transitions={
        ("draft", "submit"): "submitted",
        ("returned", "submit"): "submitted",           # corrected and handed in again
        ("submitted", "accept"): "accepted",
        ("submitted", "accept_with_deficiencies"): "accepted_with_deficiencies",
        ("submitted", "return"): "returned",
        ("accepted_with_deficiencies", "complete_deficiencies"): "accepted",
        ("accepted_with_deficiencies", "start_review"): "in_review",
        ("accepted_with_deficiencies", "return"): "returned",  # items not supplied in time
        ("in_review", "return_overdue"): "returned",  # 容缺 items overdue (services/deficiencies.py)
        ("concluded", "return_overdue"): "returned",
        ("accepted", "start_review"): "in_review",
        ("in_review", "conclude"): "concluded",
        ("concluded", "require_revision"): "revision_required",
        ("concluded", "approve"): "approved",
        ("concluded", "reject"): "rejected",
        ("revision_required", "resubmit"): "resubmitted",
        ("resubmitted", "start_review"): "in_review",
    },
    initial="draft",
    new_round=frozenset({("resubmitted", "start_review")}),
)

TASK = Machine(
    name="review task",
    label_zh="审查任务",
    states={"pending": "待审查", "in_progress": "审查中", "paused": "暂停（补正中）",
            "concluded": "已出结论"},
    actions={"start": "开始审查", "pause": "暂停（要求补正）", "resume": "恢复审查",
             "conclude": "出具结论", "reassign": "改派"},
    transitions={
        ("pending", "start"): "in_progress",
        ("pending", "reassign"): "pending",
        ("in_progress", "pause"): "paused",
        ("in_progress", "conclude"): "concluded",
        ("in_progress", "reassign"): "pending",        # the new reviewer starts afresh
        ("paused", "resume"): "in_progress",
        ("paused", "reassign"): "paused",
    },
    initial="pending",
)


class Conclusion(StrEnum):
    """A discipline's conclusion, in order of severity (least first)."""

    APPROVED = "approved"
    APPROVED_WITH_COMMENTS = "approved_with_comments"
    REVISION_REQUIRED = "revision_required"
    REJECTED = "rejected"

    @property
    def severity(self) -> int:
        return list(Conclusion).index(self)

    @property
    def label_zh(self) -> str:
        return CONCLUSION_LABELS_ZH[self]


CONCLUSION_LABELS_ZH = {c: vocabulary.verdict_label(c.value) for c in Conclusion}  # the one vocabulary table

#: what the submission does with the round's verdict
VERDICT_ACTION = {
    Conclusion.APPROVED: "approve", Conclusion.APPROVED_WITH_COMMENTS: "approve",
    Conclusion.REVISION_REQUIRED: "require_revision", Conclusion.REJECTED: "reject",
}


def parse_conclusion(value: str | Conclusion) -> Conclusion:
    try:
        return Conclusion(value)
    except ValueError:
        raise ValidationFailed(
            f"未知的审查结论：{value!r}；可选：{', '.join(Conclusion)}",
            f"Unknown conclusion {value!r}; expected one of: {', '.join(Conclusion)}",
            details={"value": str(value), "allowed": list(Conclusion)},
        ) from None


def roll_up(conclusions: Iterable[str | Conclusion]) -> Conclusion:
    """The round's verdict: the most severe of the disciplines' conclusions."""
    parsed = [parse_conclusion(c) for c in conclusions]
    if not parsed:
        raise ValidationFailed("尚无任何专业结论，无法汇总",
                               "No discipline conclusions to roll up yet")
    return max(parsed, key=lambda c: c.severity)


def verdict_action(verdict: str | Conclusion, outstanding_items: Iterable[str] = ()) -> str:
    """The submission action for a verdict; approval waits for 容缺 items to be supplied."""
    v = parse_conclusion(verdict)
    items = list(outstanding_items)
    if VERDICT_ACTION[v] == "approve" and items:
        raise InvalidTransition(
            f"容缺受理的材料尚未补齐（{'、'.join(items)}），不能出具通过结论",
            f"Deficiency items are still missing ({', '.join(items)}); cannot approve",
            details={"action": "approve", "missing_items": items},
        )
    return VERDICT_ACTION[v]


# --- traffic light -----------------------------------------------------------------------------

class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


def traffic_light(due: date | datetime, now: date | datetime,
                  pauses: Iterable[workdays.Pause] | None = None, *, yellow_within: int = 2) -> Light:
    """Red when overdue, yellow when ≤ ``yellow_within`` working days remain, else green.

    While paused (补正) the clock is frozen at the pause's start, so the light does not change.
    """
    pauses = list(pauses or ())
    if workdays.is_overdue(due, now, pauses):
        return Light.RED
    if workdays.remaining_workdays(due, now, pauses) <= yellow_within:
        return Light.YELLOW
    return Light.GREEN


# --- configuration: disciplines, scope, sheets ---------------------------------------------

DISCIPLINES = {"planning": "规划", "fire": "消防", "civil_defence": "人防",
               "lightning": "防雷", "meteorology": "气象"}
PROJECT_TYPES = {"building": "房屋建筑工程", "municipal": "市政基础设施工程",
                 "special": "特殊建设工程"}
METEOROLOGY_SCOPES = {
    "flammable_explosive": "油库、气库、弹药库、化学品仓库、烟花爆竹、石化等易燃易爆建设工程和场所",
    "mine": "雷电易发区内的矿区",
    "scenic_lightning_prone": "雷电易发区内的旅游景点或需单独安装雷电防护装置的场所",
    "large_high_risk": "雷电风险高且没有防雷标准规范、需要进行特殊论证的大型项目",
}

DEFAULT_CONFIG: dict[str, Any] = {
    "disciplines": {
        "building": ["planning", "fire", "civil_defence", "lightning"],
        "municipal": ["planning", "fire"],
        "special": ["planning", "fire", "civil_defence", "lightning"],
    },
    "meteorology_scopes": list(METEOROLOGY_SCOPES),
    "review_days": {"first": 7, "first_complex": 10, "re_review": 5},
    "yellow_within": 2,
    "sheet_categories": {
        "building": ["总图", "建施", "结施", "水施", "暖施", "电施"],
        "municipal": ["总图", "道施", "结施", "排施", "电施"],
        "special": ["总图", "建施", "结施", "水施", "暖施", "电施"],
    },
    # extra sheet categories a discipline brings with it
    "discipline_sheet_categories": {"civil_defence": ["人防"], "meteorology": ["防雷"]},
    "sheet_aliases": {
        "总平": "总图", "总平面": "总图", "建筑": "建施", "结构": "结施", "给排水": "水施",
        "水": "水施", "暖通": "暖施", "暖": "暖施", "电气": "电施", "电": "电施",
        "道路": "道施", "排水": "排施", "人防施": "人防", "防雷施": "防雷",
    },
}


# English words for the sheet categories (the prefixes of Chinese sheet numbers), for English
# messages: "结施 (structure)". A category a city adds without one is shown as written.
SHEET_CATEGORY_EN = {
    "总图": "site plan", "建施": "architecture", "结施": "structure", "水施": "plumbing", "暖施": "HVAC",
    "电施": "electrical", "道施": "roads", "排施": "drainage", "人防": "civil air defence",
    "防雷": "lightning protection",
}


def category_en(category: str) -> str:
    words = SHEET_CATEGORY_EN.get(category)
    return f"{category} ({words})" if words else category


def merged_config(overrides: Mapping[str, Any] | None = None,
                  base: Mapping[str, Any] = DEFAULT_CONFIG) -> dict[str, Any]:
    """``base`` with ``overrides`` merged in (dicts one level deep, other values replaced)."""
    out: dict[str, Any] = {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in base.items()}
    for key, value in (overrides or {}).items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key].update(value)
        else:
            out[key] = value
    return out


def _project_type(project_type: str, config: Mapping[str, Any]) -> str:
    if project_type not in config["disciplines"]:
        known = ", ".join(config["disciplines"])
        raise ValidationFailed(f"未知的工程类型：{project_type!r}；可选：{known}",
                               f"Unknown project type {project_type!r}; expected one of: {known}",
                               details={"project_type": project_type})
    return project_type


def in_meteorology_scope(lightning_scope: str | None,
                         config: Mapping[str, Any] = DEFAULT_CONFIG) -> bool:
    """Does the project's ``lightning_scope`` flag put it under meteorology (气象) review?"""
    if not lightning_scope:
        return False
    if lightning_scope not in config["meteorology_scopes"]:
        known = ", ".join(config["meteorology_scopes"])
        raise ValidationFailed(f"未知的防雷审查范围：{lightning_scope!r}；可选：{known}",
                               f"Unknown lightning scope {lightning_scope!r}; expected: {known}",
                               details={"lightning_scope": lightning_scope})
    return True


def required_disciplines(project_type: str, lightning_scope: str | None = None,
                         config: Mapping[str, Any] = DEFAULT_CONFIG) -> list[str]:
    """Disciplines that review this project, meteorology only when in its scope."""
    found = list(config["disciplines"][_project_type(project_type, config)])
    if in_meteorology_scope(lightning_scope, config) and "meteorology" not in found:
        found.append("meteorology")
    return found


def review_days(round_no: int = 1, *, complex_project: bool = False,
                config: Mapping[str, Any] = DEFAULT_CONFIG) -> int:
    """Working days allowed: first review 7 (complex 10), re-review as configured."""
    days = config["review_days"]
    if round_no <= 1:
        return days["first_complex"] if complex_project else days["first"]
    return days["re_review"]


def required_sheet_categories(project_type: str, disciplines: Iterable[str] | None = None,
                              lightning_scope: str | None = None,
                              config: Mapping[str, Any] = DEFAULT_CONFIG) -> list[str]:
    found = list(config["sheet_categories"].get(_project_type(project_type, config), []))
    if disciplines is None:
        disciplines = required_disciplines(project_type, lightning_scope, config)
    for d in disciplines:
        for cat in config["discipline_sheet_categories"].get(d, []):
            if cat not in found:
                found.append(cat)
    return found


_PREFIX = re.compile(r"^\s*([^\s\-_—–－/\d]+)")


def sheet_category(sheet: str, config: Mapping[str, Any] = DEFAULT_CONFIG) -> str:
    """'建施-01' / '建施01' / '结构' / '总平面图' -> canonical category ('建施', '结施', '总图')."""
    text = unicodedata.normalize("NFKC", sheet).strip()
    m = _PREFIX.match(text)
    prefix = m.group(1) if m else text
    aliases = config["sheet_aliases"]
    if prefix.endswith("图") and prefix not in aliases and prefix[:-1] in aliases:
        prefix = prefix[:-1]
    return aliases.get(prefix, prefix)


def missing_sheets(project_type: str, sheets: Iterable[str], disciplines: Iterable[str] | None = None,
                   lightning_scope: str | None = None,
                   config: Mapping[str, Any] = DEFAULT_CONFIG) -> list[str]:
    """Required sheet categories not present among ``sheets`` (sheet numbers or categories)."""
    have = {sheet_category(s, config) for s in sheets}
    need = required_sheet_categories(project_type, disciplines, lightning_scope, config)
    return [c for c in need if c not in have]


def deficiency_record(missing_items: Iterable[str], deadline: date | datetime,
                      accepted_at: date | datetime) -> dict[str, Any]:
    """Validate a 容缺受理: at least one missing item and a deadline after acceptance."""
    items = [i.strip() for i in missing_items if i and i.strip()]
    if not items:
        raise ValidationFailed("容缺受理须列明缺少的材料",
                               "Acceptance with deficiencies must list the missing items")
    if workdays.to_local(deadline) <= workdays.to_local(accepted_at):
        raise ValidationFailed("容缺材料的补齐期限须晚于受理时间",
                               "The deadline for the missing items must be after acceptance",
                               details={"deadline": str(deadline), "accepted_at": str(accepted_at)})
    return {"missing_items": items, "deadline": deadline, "accepted_at": accepted_at}
