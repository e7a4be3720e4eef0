"""Workflow state machines, roll-up, traffic lights, disciplines and completeness."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, time, timedelta

import chinese_calendar
import pytest

from drawreview.errors import InvalidTransition, ValidationFailed
from drawreview.services import workdays
from drawreview.services.workflow import (
    DEFAULT_CONFIG,
    METEOROLOGY_SCOPES,
    SUBMISSION,
    TASK,
    Conclusion,
    Light,
    deficiency_record,
    in_meteorology_scope,
    merged_config,
    missing_sheets,
    required_disciplines,
    required_sheet_categories,
    review_days,
    roll_up,
    sheet_category,
    traffic_light,
    verdict_action,
)

MACHINES = [SUBMISSION, TASK]

# --- state machines ----------------------------------------------------------------------------

SUBMISSION_LEGAL = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "accept"): "accepted",
    ("submitted", "accept_with_deficiencies"): "accepted_with_deficiencies",
    ("submitted", "return"): "returned",
    ("accepted_with_deficiencies", "complete_deficiencies"): "accepted",
    ("accepted_with_deficiencies", "start_review"): "in_review",
    ("accepted_with_deficiencies", "return"): "returned",
    # 容缺 items overdue: the window returns the case under review (decision 031)
    ("in_review", "return_overdue"): "returned",
    ("concluded", "return_overdue"): "returned",
    ("accepted", "start_review"): "in_review",
    ("in_review", "conclude"): "concluded",
    ("concluded", "require_revision"): "revision_required",
    ("concluded", "approve"): "approved",
    ("concluded", "reject"): "rejected",
    ("revision_required", "resubmit"): "resubmitted",
    ("resubmitted", "start_review"): "in_review",
}

TASK_LEGAL = {
    ("pending", "start"): "in_progress",
    ("pending", "reassign"): "pending",
    ("in_progress", "pause"): "paused",
    ("in_progress", "conclude"): "concluded",
    ("in_progress", "reassign"): "pending",
    ("paused", "resume"): "in_progress",
    ("paused", "reassign"): "paused",
}


@pytest.mark.parametrize("machine,legal", [(SUBMISSION, SUBMISSION_LEGAL), (TASK, TASK_LEGAL)],
                         ids=["submission", "task"])
def test_transition_table_is_exactly_as_specified(machine, legal):
    assert dict(machine.transitions) == legal
    for (state, action), nxt in legal.items():
        assert machine.apply(state, action) == nxt
        assert machine.can(state, action)


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_machine_is_consistent(machine):
    assert machine.initial in machine.states
    for (state, action), nxt in machine.transitions.items():
        assert state in machine.states and nxt in machine.states and action in machine.actions
    # every state is reachable from the initial one
    seen, todo = {machine.initial}, [machine.initial]
    while todo:
        s = todo.pop()
        for a in machine.allowed_actions(s):
            n = machine.apply(s, a)
            if n not in seen:
                seen.add(n)
                todo.append(n)
    assert seen == set(machine.states)


def _illegal(machine):
    for state, action in itertools.product(machine.states, machine.actions):
        if (state, action) not in machine.transitions:
            yield machine, state, action


ILLEGAL = list(_illegal(SUBMISSION)) + list(_illegal(TASK))


@pytest.mark.parametrize("machine,state,action", ILLEGAL,
                         ids=[f"{m.name}:{s}:{a}" for m, s, a in ILLEGAL])
def test_every_illegal_transition_is_refused(machine, state, action):
    with pytest.raises(InvalidTransition) as exc:
        machine.apply(state, action)
    err = exc.value
    assert err.status == 409 and err.code == "invalid_transition"
    # names the state and action in both languages, in words: the machine's keys and the steps
    # it allows (some are no one's request) are the details' (read-back 5, decision 148)
    assert state.replace("_", " ") in err.message_en and action.replace("_", " ") in err.message_en
    assert machine.states[state] in err.message_zh and machine.actions[action] in err.message_zh
    assert not re.search(r"[a-z]", err.message_zh), err.message_zh
    assert "Allowed" not in err.message_en
    assert err.details == {"machine": machine.name, "state": state, "action": action,
                           "allowed": machine.allowed_actions(state)}
    env = err.envelope("en")
    assert env["ok"] is False and env["error"]["code"] == "invalid_transition"


def test_illegal_count_is_complete():
    total = sum(len(m.states) * len(m.actions) for m in MACHINES)
    assert len(ILLEGAL) == total - len(SUBMISSION_LEGAL) - len(TASK_LEGAL)


@pytest.mark.parametrize("state,action", [("nonsense", "submit"), ("draft", "explode")])
def test_unknown_states_and_actions_are_refused(state, action):
    with pytest.raises(InvalidTransition) as exc:
        SUBMISSION.apply(state, action)
    assert state in exc.value.message_en and action in exc.value.message_en


def test_terminal_states():
    assert SUBMISSION.is_terminal("approved") and SUBMISSION.is_terminal("rejected")
    assert TASK.is_terminal("concluded")
    assert not SUBMISSION.is_terminal("revision_required")
    with pytest.raises(InvalidTransition) as exc:
        SUBMISSION.apply("approved", "resubmit")
    assert "已结束" in exc.value.message_zh and "(finished)" in exc.value.message_en


def test_full_happy_path_with_two_rounds():
    state, rnd = SUBMISSION.initial, 1
    for action in ["submit", "accept", "start_review", "conclude", "require_revision",
                   "resubmit"]:
        state, rnd = SUBMISSION.advance(state, action, rnd)
    assert (state, rnd) == ("resubmitted", 1)
    state, rnd = SUBMISSION.advance(state, "start_review", rnd)
    assert (state, rnd) == ("in_review", 2)
    state, rnd = SUBMISSION.advance(state, "conclude", rnd)
    state, rnd = SUBMISSION.advance(state, "approve", rnd)
    assert (state, rnd) == ("approved", 2)


def test_deficiency_path():
    s = SUBMISSION.apply("submitted", "accept_with_deficiencies")
    assert SUBMISSION.apply(s, "start_review") == "in_review"
    assert SUBMISSION.apply(s, "complete_deficiencies") == "accepted"
    assert SUBMISSION.apply(s, "return") == "returned"
    assert SUBMISSION.apply("returned", "submit") == "submitted"


def test_task_pause_resume_reassign():
    s = TASK.apply("pending", "start")
    s = TASK.apply(s, "pause")
    assert TASK.apply(s, "reassign") == "paused"
    s = TASK.apply(s, "resume")
    assert TASK.apply(s, "reassign") == "pending"
    assert TASK.apply(s, "conclude") == "concluded"


# --- conclusions -------------------------------------------------------------------------------

def test_roll_up_is_most_severe():
    C = Conclusion
    assert roll_up([C.APPROVED]) == C.APPROVED
    assert roll_up(["approved", "approved_with_comments"]) == C.APPROVED_WITH_COMMENTS
    assert roll_up(["approved", "revision_required", "approved_with_comments"]) == C.REVISION_REQUIRED
    assert roll_up(["rejected", "approved", "revision_required"]) == C.REJECTED
    for combo in itertools.product(list(C), repeat=3):
        assert roll_up(combo) == max(combo, key=lambda c: c.severity)
    assert [c.severity for c in C] == [0, 1, 2, 3]
    assert all(c.label_zh for c in C)


def test_roll_up_refuses_empty_and_unknown():
    with pytest.raises(ValidationFailed):
        roll_up([])
    with pytest.raises(ValidationFailed) as exc:
        roll_up(["approved", "maybe"])
    assert "maybe" in exc.value.message_en


def test_verdict_action():
    assert verdict_action("approved") == "approve"
    assert verdict_action("approved_with_comments") == "approve"
    assert verdict_action("revision_required", ["委托书"]) == "require_revision"
    assert verdict_action("rejected") == "reject"
    with pytest.raises(InvalidTransition) as exc:
        verdict_action("approved", ["施工图设计文件审查合同"])
    assert "施工图设计文件审查合同" in exc.value.message_zh
    for v in Conclusion:
        assert SUBMISSION.can("concluded", verdict_action(v))


# --- traffic lights --------------------------------------------------------------------------

def test_traffic_light_counts_working_days():
    accepted = datetime(2024, 3, 4, 10)  # Monday
    due = workdays.add_workdays(accepted, 7)  # Wednesday 2024-03-13
    assert traffic_light(due, accepted) == Light.GREEN
    assert traffic_light(due, datetime(2024, 3, 8, 10)) == Light.GREEN   # Fri: 3 left
    assert traffic_light(due, datetime(2024, 3, 9, 10)) == Light.GREEN   # Sat: Mon, Tue, Wed left
    assert traffic_light(due, datetime(2024, 3, 11, 10)) == Light.YELLOW  # Mon: 2 left
    assert traffic_light(due, datetime(2024, 3, 13, 23)) == Light.YELLOW  # due today
    assert traffic_light(due, datetime(2024, 3, 14, 0, 0, 1)) == Light.RED
    assert traffic_light(due, datetime(2024, 3, 11, 10), yellow_within=1) == Light.GREEN


def test_traffic_light_across_spring_festival_stays_green():
    holiday = sorted(d for d, n in chinese_calendar.holidays.items()
                     if d.year == 2026 and "Spring Festival" in str(n))
    accepted = datetime.combine(holiday[0] - timedelta(days=3), time(9))
    due = workdays.add_workdays(accepted, 7)
    # in the middle of the holiday, days are not used up
    mid = datetime.combine(holiday[len(holiday) // 2], time(12))
    left = workdays.remaining_workdays(due, mid)
    assert left >= 3 and traffic_light(due, mid) == Light.GREEN


def test_traffic_light_frozen_while_paused():
    accepted = datetime(2024, 3, 4, 10)
    due = workdays.add_workdays(accepted, 7)
    pause = [(datetime(2024, 3, 5, 10), None)]
    assert traffic_light(due, datetime(2024, 6, 1), pause) == Light.GREEN
    late = [(datetime(2024, 3, 12, 10), None)]
    assert traffic_light(due, datetime(2024, 6, 1), late) == Light.YELLOW


# --- disciplines and scope -------------------------------------------------------------------

def test_required_disciplines_by_type_and_meteorology_scope():
    assert required_disciplines("building") == ["planning", "fire", "civil_defence", "lightning"]
    assert "meteorology" not in required_disciplines("building")
    assert "meteorology" not in required_disciplines("special")
    for scope in METEOROLOGY_SCOPES:
        assert required_disciplines("building", scope)[-1] == "meteorology"
        assert in_meteorology_scope(scope)
    assert required_disciplines("municipal", "mine") == ["planning", "fire", "meteorology"]
    assert not in_meteorology_scope(None) and not in_meteorology_scope("")
    with pytest.raises(ValidationFailed):
        required_disciplines("building", "ordinary_office")
    with pytest.raises(ValidationFailed) as exc:
        required_disciplines("spaceport")
    assert "spaceport" in exc.value.message_zh


def test_configurable_disciplines():
    cfg = merged_config({"disciplines": {"municipal": ["planning", "fire", "lightning"]},
                         "meteorology_scopes": ["mine"]})
    assert required_disciplines("municipal", config=cfg) == ["planning", "fire", "lightning"]
    assert required_disciplines("building", config=cfg) == DEFAULT_CONFIG["disciplines"]["building"]
    with pytest.raises(ValidationFailed):
        required_disciplines("building", "flammable_explosive", config=cfg)
    # the default is not modified by merging
    assert DEFAULT_CONFIG["disciplines"]["municipal"] == ["planning", "fire"]


def test_review_days():
    assert review_days(1) == 7
    assert review_days(1, complex_project=True) == 10
    assert review_days(2) == 5 and review_days(3, complex_project=True) == 5
    assert review_days(2, config=merged_config({"review_days": {"re_review": 3}})) == 3


# --- completeness ----------------------------------------------------------------------------

def test_sheet_category_parsing():
    assert sheet_category("建施-01") == "建施"
    assert sheet_category("结施－03") == "结施"   # full-width hyphen
    assert sheet_category("总图01") == "总图"
    assert sheet_category(" 总平面图 ") == "总图"
    assert sheet_category("给排水") == "水施"
    assert sheet_category("人防-02") == "人防"
    assert sheet_category("防雷-01") == "防雷"
    assert sheet_category("ＤＲ－01") == "DR"    # full-width latin, NFKC


def test_missing_sheets_for_building():
    sheets = ["总图-01", "建施-01", "建施-02", "结施-01", "水施-01", "暖施-01", "电施-01"]
    assert missing_sheets("building", sheets) == ["人防"]
    assert missing_sheets("building", sheets + ["人防-01"]) == []
    assert missing_sheets("building", ["建施-01"]) == ["总图", "结施", "水施", "暖施", "电施", "人防"]
    # meteorology scope brings lightning sheets with it (MT-01)
    assert missing_sheets("building", sheets + ["人防-01"], lightning_scope="flammable_explosive") == ["防雷"]
    assert required_sheet_categories("building", ["planning"])[-1] == "电施"


def test_missing_sheets_configurable():
    cfg = merged_config({"sheet_categories": {"municipal": ["总图", "桥施"]},
                         "sheet_aliases": {"桥梁": "桥施"}})
    assert missing_sheets("municipal", ["总图-01"], config=cfg) == ["桥施"]
    assert missing_sheets("municipal", ["总图-01", "桥梁-01"], config=cfg) == []


def test_deficiency_record():
    rec = deficiency_record(["消防设计专篇", "  "], date(2024, 3, 20), datetime(2024, 3, 4, 10))
    assert rec["missing_items"] == ["消防设计专篇"]
    with pytest.raises(ValidationFailed):
        deficiency_record([], date(2024, 3, 20), datetime(2024, 3, 4))
    with pytest.raises(ValidationFailed):
        deficiency_record(["x"], datetime(2024, 3, 4, 9), datetime(2024, 3, 4, 10))
