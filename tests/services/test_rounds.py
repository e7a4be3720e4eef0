"""Three review rounds through the service layer, as a real joint review runs (issue #14):
round 1 with mixed conclusions (one approved with comments and an open comment), the design
institute answers, revision 2 with new file names re-reviewed in part, revision 3 approved.
At each step: who got a task and a notice, the verdict, and the text of the issued, signed
report PDF (read back with PyMuPDF)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pymupdf
import pytest
from sqlmodel import select, update

from drawreview.broadcast import MemoryBroadcast
from drawreview.errors import Conflict
from drawreview.models import Annotation, Comment, Notification, Report, ReviewTask, Sheet, User
from drawreview.services import annotation_views, annotations, comment_list, report_data, report_extras, report_files, reviews, standing
from drawreview.services import tasks
from drawreview.services import workdays
from tests.services.reviews_world import BUILDING_SHEETS, bj, new_project, new_submission, principal

OPINIONS = {
    "planning": "总平面布置符合规划条件",
    "fire": "疏散宽度不足，须修改",
    "civil_defence": "人防口部做法附意见，须复核",
    "lightning": "防雷分类正确",
}


def report_text(storage, sub) -> str:
    """The issued report's text with all white space removed (table cells wrap lines)."""
    with pymupdf.open(stream=storage.path(sub.report_sha256).read_bytes(), filetype="pdf") as doc:
        return "".join("".join(page.get_text() for page in doc).split())


async def _tasks(session, sub) -> dict[str, ReviewTask]:
    rows = (await session.exec(select(ReviewTask).where(ReviewTask.submission_id == sub.id))).all()
    return {t.discipline: t for t in rows}


async def _notes(session, project, type_) -> dict[str, int]:
    """username -> number of notifications of ``type_`` for the project."""
    rows = (await session.exec(select(User.username).join(Notification, Notification.user_id == User.id)
                               .where(Notification.project_id == project.id, Notification.type == type_))).all()
    out: dict[str, int] = {}
    for name in rows:
        out[name] = out.get(name, 0) + 1
    return out


async def _sheet(session, sub, number) -> Sheet:
    return (await session.exec(select(Sheet).where(Sheet.submission_id == sub.id, Sheet.number == number))).one()


class Actors:
    def __init__(self, session, broadcast):
        self.session, self.broadcast = session, broadcast

    async def who(self, name):
        return await principal(self.session, name)

    async def comment(self, name, sheet, body) -> int:
        out = await annotations.create(self.session, self.broadcast, await self.who(name), sheet.id, {
            "client_id": uuid.uuid4().hex, "kind": "rect", "geometry": {"points": [[100, 100], [200, 160]]},
            "severity": "mandatory", "clause": "GB 50016-2014 5.5.18", "body": body})
        return out.data["annotation"]["id"]

    async def reply(self, name, ann_id, body) -> None:
        await annotations.add_comment(self.session, self.broadcast, await self.who(name), ann_id,
                                      {"client_id": uuid.uuid4().hex, "body": body})

    async def status(self, name, ann_id, status) -> None:
        ann = await self.session.get(Annotation, ann_id)
        await self.session.refresh(ann)
        await annotations.set_status(self.session, self.broadcast, await self.who(name), ann_id,
                                     {"status": status, "version": ann.version})

    async def conclude(self, task, sub, project, conclusion, now, opinion=None) -> None:
        name = task.discipline
        await tasks.conclude(self.session, await self.who(name), task, sub, project, conclusion,
                             opinion if opinion is not None else OPINIONS[name], now, lambda e: None)


async def test_three_rounds_keep_conclusions_carry_states_and_issue_a_truthful_report(env):
    session, stack, storage, cfg = env
    broadcast = MemoryBroadcast()
    await broadcast.connect()
    a = Actors(session, broadcast)
    noop = lambda e: None  # noqa: E731
    # display names as the report text reads them (white space removed)
    names = {u.username: "".join(u.display_name.split()) for u in (await session.exec(select(User))).all()}
    window, designer = await principal(session, "window"), await principal(session, "designer")

    # --- round 1: mixed conclusions --------------------------------------------------------------
    t1 = bj(2025, 5, 6, 10)
    project = await new_project(session, stack, name="三轮审查测试项目")
    rev1 = await new_submission(session, project, storage=storage)
    await reviews.submit(session, designer, rev1, project, t1, noop, cfg)
    await reviews.accept(session, window, rev1, project, {}, t1, noop, cfg, storage, "http://x")
    await session.commit()
    r1 = await _tasks(session, rev1)
    assert set(r1) == {"planning", "fire", "civil_defence", "lightning"}
    f_open = await a.comment("fire", await _sheet(session, rev1, "建施-02"), "疏散楼梯净宽不足 1.1 m")
    f_later = await a.comment("fire", await _sheet(session, rev1, "建施-01"), "防火分区面积超限")
    c_open = await a.comment("civil_defence", await _sheet(session, rev1, "人防-01"), "防护密闭门选型待复核")
    l_closed = await a.comment("lightning", await _sheet(session, rev1, "电施-01"), "补充接地电阻值")
    await a.status("lightning", l_closed, "closed")
    for d, c in {"planning": "approved", "fire": "revision_required", "civil_defence": "approved_with_comments",
                 "lightning": "approved"}.items():
        await a.conclude(r1[d], rev1, project, c, t1)
    assert rev1.state == "concluded" and rev1.verdict == "revision_required"
    # a revision-required report may carry open comments: that is its point
    await reviews.issue_report(session, window, rev1, project, t1, noop, storage, "http://x", stack.settings)
    await session.commit()
    assert rev1.state == "revision_required"
    text = report_text(storage, rev1)
    assert "修改后复审" in text and "状态：待回复" in text
    for d in OPINIONS:
        assert OPINIONS[d] in text and names[d] in text

    # the design institute answers two comments (one of them the approved-with-comments one)
    await a.reply("designer", f_open, "已加宽至 1.2 m，见建施-02")
    await a.status("designer", f_open, "answered")
    await a.reply("designer", c_open, "已改为 HFM1020 型")
    await a.status("designer", c_open, "answered")

    # --- round 2: revision 2 (new file names) re-reviewed in part ---------------------------------
    t2 = bj(2025, 5, 20, 10)
    before_assigned = await _notes(session, project, "task.assigned")
    rev2 = await new_submission(session, project, storage=storage)
    await reviews.submit(session, designer, rev2, project, t2, noop, cfg)
    await session.commit()
    assert rev2.round_no == 2 and rev2.state == "in_review"
    r2 = await _tasks(session, rev2)
    # fire asked for revision; civil defence approved with a comment still to verify: both re-review
    assert set(r2) == {"fire", "civil_defence"}
    assert all(workdays.to_local(t.due_at).date().isoformat() == "2025-05-27" for t in r2.values())  # 5 working days
    assigned = await _notes(session, project, "task.assigned")
    assert {k: assigned.get(k, 0) - before_assigned.get(k, 0) for k in names if k in OPINIONS} == {
        "planning": 0, "fire": 1, "civil_defence": 1, "lightning": 0}
    resubmitted = await _notes(session, project, "submission.resubmitted")
    assert resubmitted.get("fire") == resubmitted.get("civil_defence") == 1
    assert "planning" not in resubmitted and "lightning" not in resubmitted and resubmitted.get("window") == 1
    # planning and lightning keep their round-1 conclusions, with reviewer, date and opinion
    held = {s["discipline"]: s for s in await standing.standing_dicts(session, rev2)}
    assert held["planning"]["carried"] and held["planning"]["conclusion"] == "approved"
    assert held["planning"]["round"] == 1 and held["planning"]["opinion"] == OPINIONS["planning"]
    assert "".join(held["planning"]["reviewer"].split()) == names["planning"] and held["planning"]["concluded_at"]
    assert not held["fire"]["carried"] and held["fire"]["conclusion"] is None
    # carried comments keep their state and thread: answered arrives "answered, to verify"
    carried = {a_.carried_from_id: a_ for a_ in (await session.exec(select(Annotation).join(
        Sheet, Sheet.id == Annotation.sheet_id).where(Sheet.submission_id == rev2.id))).all()}
    assert set(carried) == {f_open, f_later, c_open}  # the closed one stays behind
    assert carried[f_open].status == "answered" and carried[c_open].status == "answered"
    assert carried[f_later].status == "open"
    listed = {x["id"]: x for x in await annotation_views.list_annotations(session, designer, project.id, {})}
    assert [c["body"] for c in listed[carried[f_open].id]["comments"]] == ["已加宽至 1.2 m，见建施-02"]
    # the reviewers verify: civil defence closes, fire reopens the answer it does not accept
    await a.status("civil_defence", carried[c_open].id, "closed")
    await a.status("fire", carried[f_open].id, "open")
    await a.conclude(r2["civil_defence"], rev2, project, "approved", t2, "口部做法已按意见修改")
    assert rev2.state == "in_review"  # fire still reviewing
    await a.conclude(r2["fire"], rev2, project, "revision_required", t2, "楼梯宽度仍不满足")
    assert rev2.state == "concluded" and rev2.verdict == "revision_required"
    await reviews.issue_report(session, window, rev2, project, t2, noop, storage, "http://x", stack.settings)
    await session.commit()
    text = report_text(storage, rev2)
    assert "第2轮" in text and "审查中" not in text
    assert "审查合格（第1轮结论）" in text and OPINIONS["planning"] in text and names["planning"] in text
    assert "口部做法已按意见修改" in text and "楼梯宽度仍不满足" in text

    # --- round 3: approving ----------------------------------------------------------------------
    await a.reply("designer", carried[f_open].id, "楼梯改为 1.3 m")
    await a.status("designer", carried[f_open].id, "answered")
    await a.reply("designer", carried[f_later].id, "已增设防火卷帘分隔")
    await a.status("designer", carried[f_later].id, "answered")
    t3 = bj(2025, 6, 3, 10)
    rev3 = await new_submission(session, project, storage=storage)
    await reviews.submit(session, designer, rev3, project, t3, noop, cfg)
    await session.commit()
    r3 = await _tasks(session, rev3)
    assert set(r3) == {"fire"}  # civil defence concluded approved with nothing open
    held = {s["discipline"]: s for s in await standing.standing_dicts(session, rev3)}
    assert (held["civil_defence"]["round"], held["planning"]["round"], held["fire"]["round"]) == (2, 1, 3)
    c3 = {a_.carried_from_id: a_ for a_ in (await session.exec(select(Annotation).join(
        Sheet, Sheet.id == Annotation.sheet_id).where(Sheet.submission_id == rev3.id))).all()}
    assert {x.status for x in c3.values()} == {"answered"}
    thread = (await session.exec(select(Comment.body).where(Comment.annotation_id == c3[carried[f_open].id].id)
                                 .order_by(Comment.id))).all()
    assert thread == ["已加宽至 1.2 m，见建施-02", "楼梯改为 1.3 m"]
    # fire approves but verified only one answer: the approving report is refused, naming what blocks
    await a.status("fire", c3[carried[f_open].id].id, "closed")
    await a.conclude(r3["fire"], rev3, project, "approved", t3, "已按意见修改，同意")
    assert rev3.state == "concluded" and rev3.verdict == "approved"
    blocked_id = c3[carried[f_later].id].id
    with pytest.raises(Conflict) as exc:
        await reviews.issue_report(session, window, rev3, project, t3, noop, storage, "http://x", stack.settings)
    err = exc.value
    assert err.code == "report_blocked"
    assert [c["id"] for c in err.details["comments"]] == [blocked_id] and err.details["disciplines"] == []
    assert f"#{blocked_id}" in err.message_zh and "已回复待核实" in err.message_zh
    assert f"#{blocked_id}" in err.message_en and "answered, to verify" in err.message_en
    assert rev3.state == "concluded" and not rev3.report_sha256
    assert (await session.exec(select(Report).where(Report.submission_id == rev3.id))).first() is None
    await a.status("fire", blocked_id, "closed")
    await reviews.issue_report(session, window, rev3, project, t3, noop, storage, "http://x", stack.settings)
    await session.commit()
    assert rev3.state == project.stage == "approved"
    text = report_text(storage, rev3)
    assert "审查中" not in text and "状态：待回复" not in text and "状态：已回复待核实" not in text
    assert "综合审查结论：审查合格" in text
    expected = {"planning": (OPINIONS["planning"], 1), "lightning": (OPINIONS["lightning"], 1),
                "civil_defence": ("口部做法已按意见修改", 2), "fire": ("已按意见修改，同意", 3)}
    for d, (opinion, round_no) in expected.items():
        assert opinion in text and names[d] in text
        if round_no != 3:
            assert f"（第{round_no}轮结论）" in text
    assert text.count("有条件通过") == 0  # civil defence's round-1 conclusion was replaced in round 2
    await broadcast.disconnect()


async def test_no_approving_report_while_a_required_discipline_has_no_conclusion(env):
    session, stack, storage, cfg = env
    noop = lambda e: None  # noqa: E731
    t0 = bj(2025, 5, 6, 10)
    project = await new_project(session, stack)
    sub = await new_submission(session, project, BUILDING_SHEETS, storage=storage)
    designer, window = await principal(session, "designer"), await principal(session, "window")
    await reviews.submit(session, designer, sub, project, t0, noop, cfg)
    await reviews.accept(session, window, sub, project, {}, t0, noop, cfg, storage, "http://x")
    for t in (await _tasks(session, sub)).values():
        await tasks.conclude(session, await principal(session, t.discipline), t, sub, project, "approved", "同意", t0, noop)
    # the project is found to be in the meteorology scope after acceptance: 气象 has no conclusion
    project.params = {**project.params, "lightning_scope": "flammable_explosive"}
    session.add(project)
    with pytest.raises(Conflict) as exc:
        await reviews.issue_report(session, window, sub, project, t0, noop, storage, "http://x", stack.settings)
    assert exc.value.code == "report_blocked" and exc.value.details["disciplines"] == ["meteorology"]
    assert "气象" in exc.value.message_zh and "meteorology" in exc.value.message_en
    await session.rollback()


async def _raised_at(session, ann_id: int, when) -> None:
    """The comment was written at ``when`` (the clock is the edge of the world here), stored in
    UTC as the server stores every time (SQLite keeps no offset)."""
    await session.exec(update(Annotation).where(Annotation.id == ann_id).values(created_at=when.astimezone(timezone.utc)))
    await session.commit()


async def _round_one(session, stack, storage, cfg, a, project, rev1, when) -> dict[str, ReviewTask]:
    designer, window = await principal(session, "designer"), await principal(session, "window")
    await reviews.submit(session, designer, rev1, project, when, lambda e: None, cfg)
    await reviews.accept(session, window, rev1, project, {}, when, lambda e: None, cfg, storage, "http://x")
    await session.commit()
    return await _tasks(session, rev1)


async def test_a_carried_comment_shows_the_round_and_day_it_was_raised(env):
    """Round 2's report names the round (and first number) of a comment carried from round 1,
    and dates it when it was raised, not when the revision copied it; a new one is this round's."""
    session, stack, storage, cfg = env
    broadcast = MemoryBroadcast()
    await broadcast.connect()
    a, noop = Actors(session, broadcast), (lambda e: None)
    window, designer = await principal(session, "window"), await principal(session, "designer")
    t1, t2 = bj(2025, 5, 6, 10), bj(2025, 5, 20, 10)
    project = await new_project(session, stack, name="意见轮次测试项目")
    rev1 = await new_submission(session, project, storage=storage)
    r1 = await _round_one(session, stack, storage, cfg, a, project, rev1, t1)
    first = await a.comment("fire", await _sheet(session, rev1, "建施-02"), "楼梯净宽 <1.1 m & 未标注")
    await _raised_at(session, first, t1)
    for d, task in r1.items():
        await a.conclude(task, rev1, project, "revision_required" if d == "fire" else "approved", t1)
    await reviews.issue_report(session, window, rev1, project, t1, noop, storage, "http://x", stack.settings)
    await session.commit()
    assert "提出轮次：第1轮（本轮）" in report_text(storage, rev1)
    await a.reply("designer", first, "已加宽")
    await a.status("designer", first, "answered")

    rev2 = await new_submission(session, project, storage=storage)
    await reviews.submit(session, designer, rev2, project, t2, noop, cfg)
    await session.commit()
    copy = (await session.exec(select(Annotation).where(Annotation.carried_from_id == first))).one()
    await a.status("fire", copy.id, "open")
    new = await a.comment("fire", await _sheet(session, rev2, "建施-01"), "新增：防火门未标注")
    await _raised_at(session, new, t2)
    await a.conclude((await _tasks(session, rev2))["fire"], rev2, project, "revision_required", t2)
    await reviews.issue_report(session, window, rev2, project, t2, noop, storage, "http://x", stack.settings)
    await session.commit()
    text = report_text(storage, rev2)
    assert f"意见2-1（#{copy.id}）" in text and f"提出轮次：第1轮，原编号#{first}" in text
    assert "2025年05月06日10:00：楼梯净宽<1.1m&未标注" in text  # raised on day 1, shown literally
    assert "提出轮次：第2轮（本轮）" in text and "2025年05月20日10:00：新增：防火门未标注" in text
    assert text.count("楼梯净宽<1.1m&未标注") == 1  # once: the copy stands for the first comment
    await broadcast.disconnect()


async def test_a_comment_added_after_its_rounds_report_counts_from_the_next_round(env):
    """Round 1's report is issued; a reviewer then adds a comment to round 1's drawing. Round 1's
    signed report never showed it, so round 2's report says it was raised in round 2, not
    "raised in round 1 as #n"."""
    session, stack, storage, cfg = env
    broadcast = MemoryBroadcast()
    await broadcast.connect()
    a, noop = Actors(session, broadcast), (lambda e: None)
    window, designer = await principal(session, "window"), await principal(session, "designer")
    t1, late, t2 = bj(2025, 5, 6, 10), bj(2025, 5, 7, 9), bj(2025, 5, 20, 10)
    project = await new_project(session, stack, name="意见书后补充意见测试项目")
    rev1 = await new_submission(session, project, storage=storage)
    r1 = await _round_one(session, stack, storage, cfg, a, project, rev1, t1)
    early = await a.comment("fire", await _sheet(session, rev1, "建施-02"), "疏散距离超限")
    await _raised_at(session, early, t1)
    for d, task in r1.items():
        await a.conclude(task, rev1, project, "revision_required" if d == "fire" else "approved", t1)
    await reviews.issue_report(session, window, rev1, project, t1, noop, storage, "http://x", stack.settings)
    await session.commit()
    after = await a.comment("fire", await _sheet(session, rev1, "建施-01"), "补充：消火栓间距未标注")
    await _raised_at(session, after, late)
    assert "补充：消火栓间距未标注" not in report_text(storage, rev1)

    rev2 = await new_submission(session, project, storage=storage)
    await reviews.submit(session, designer, rev2, project, t2, noop, cfg)
    await session.commit()
    await a.conclude((await _tasks(session, rev2))["fire"], rev2, project, "revision_required", t2)
    await reviews.issue_report(session, window, rev2, project, t2, noop, storage, "http://x", stack.settings)
    await session.commit()
    text = report_text(storage, rev2)
    assert f"提出轮次：第1轮，原编号#{early}" in text  # raised before round 1's report: round 1
    assert f"原编号#{after}" not in text  # raised after it: first shown now
    assert text.count("提出轮次：第2轮（本轮）") == 1 and text.count("提出轮次：") == 2  # the late one only
    await broadcast.disconnect()


async def test_an_open_comment_on_a_sheet_the_revision_left_out_stays_in_the_report(env):
    """A sheet with an open comment is missing from revision 2: nothing was carried, the comment
    still blocks approval, and round 2's report lists it as open on round 1's drawing."""
    session, stack, storage, cfg = env
    broadcast = MemoryBroadcast()
    await broadcast.connect()
    a, noop = Actors(session, broadcast), (lambda e: None)
    window, designer = await principal(session, "window"), await principal(session, "designer")
    t1, t2 = bj(2025, 5, 6, 10), bj(2025, 5, 20, 10)
    project = await new_project(session, stack, name="缺图意见测试项目")
    rev1 = await new_submission(session, project, storage=storage)
    r1 = await _round_one(session, stack, storage, cfg, a, project, rev1, t1)
    left = await a.comment("fire", await _sheet(session, rev1, "暖施-01"), "排烟风机未设于专用机房")
    kept = await a.comment("fire", await _sheet(session, rev1, "建施-01"), "防火分区面积超限")
    for ann in (left, kept):  # raised before round 1's report is issued (at t1)
        await _raised_at(session, ann, t1)
    for d, task in r1.items():
        await a.conclude(task, rev1, project, "revision_required" if d == "fire" else "approved", t1)
    await reviews.issue_report(session, window, rev1, project, t1, noop, storage, "http://x", stack.settings)
    await session.commit()

    rev2 = await new_submission(session, project, [n for n in BUILDING_SHEETS if n != "暖施-01"], storage=storage)
    await reviews.submit(session, designer, rev2, project, t2, noop, cfg)
    await session.commit()
    copies = (await session.exec(select(Annotation.carried_from_id).where(
        Annotation.carried_from_id.in_([left, kept])))).all()
    assert copies == [kept]  # the 暖施-01 comment had no sheet to go to
    blockers = await standing.approval_blockers(session, rev2, project, cfg)
    assert left in [c["id"] for c in blockers["comments"]]  # still open for the approval gate
    await a.conclude((await _tasks(session, rev2))["fire"], rev2, project, "revision_required", t2)
    await reviews.issue_report(session, window, rev2, project, t2, noop, storage, "http://x", stack.settings)
    await session.commit()
    text = report_text(storage, rev2)
    assert "排烟风机未设于专用机房" in text and "所在图纸为第1轮送审图纸，本轮送审图纸中已无此图" in text
    assert f"意见2-1（#{left}）" in text and "防火分区面积超限" in text
    listed = {c["id"]: c for c in await comment_list.round_comments(session, storage, rev2)}
    assert listed[left]["status"] == "open" and listed[left]["sheet_number"] == "暖施-01"
    assert listed[left]["sheet_round"] == 1 and listed[left]["raised_round"] == 1
    [kept_copy] = [c for c in listed.values() if c["first_id"] == kept and c["id"] != kept]
    assert kept_copy["raised_round"] == 1 and kept_copy["sheet_round"] is None  # carried onto round 2's sheet
    fire = next(d for d in (await report_data.gather(session, storage, rev2.id)).data.disciplines if d.code == "fire")
    assert fire.status_counts()["open"] == 2  # the summary's 未关闭 counts it, as the approval gate does
    await broadcast.disconnect()


@pytest.mark.parametrize("issued, estimated", [((2025, 5, 6, 10), False), ((2026, 12, 7, 10), True)])
async def test_a_reply_deadline_beyond_the_known_holidays_is_marked_estimated(env, issued, estimated):
    """A revision-required report issued in December counts its 20 working days into a year whose
    holidays the calendar does not know: the signed report says the date is estimated, as the
    receipt does; within known years it does not."""
    session, stack, storage, cfg = env
    broadcast = MemoryBroadcast()
    await broadcast.connect()
    a, noop = Actors(session, broadcast), (lambda e: None)
    window = await principal(session, "window")
    when = bj(*issued)
    assert not workdays.calendar_covers(bj(2027, 1, 10))  # the premise: the calendar does not know 2027
    project = await new_project(session, stack, name="回复期限测试项目")
    rev1 = await new_submission(session, project, storage=storage)
    r1 = await _round_one(session, stack, storage, cfg, a, project, rev1, when)
    for d, task in r1.items():
        await a.conclude(task, rev1, project, "revision_required" if d == "fire" else "approved", when)
    await reviews.issue_report(session, window, rev1, project, when, noop, storage, "http://x", stack.settings)
    await session.commit()
    text = report_text(storage, rev1)
    assert "回复期限" in text and "前逐条回复审查意见" in text
    assert (text.count("按周末估算，节假日安排未录入") == 2) is estimated  # the cover's row and the closing note
    await broadcast.disconnect()


async def test_a_comment_withdrawn_in_a_later_round_does_not_come_back_open(env):
    """Fire deletes (withdraws) the copy of its round-1 comment in round 2 and approves: the
    round-1 markup the copy replaced is not open again, so the approving report is issued."""
    session, stack, storage, cfg = env
    broadcast = MemoryBroadcast()
    await broadcast.connect()
    a, noop = Actors(session, broadcast), (lambda e: None)
    window, designer = await principal(session, "window"), await principal(session, "designer")
    t1, t2 = bj(2025, 5, 6, 10), bj(2025, 5, 20, 10)
    project = await new_project(session, stack, name="撤回意见测试项目")
    rev1 = await new_submission(session, project, storage=storage)
    r1 = await _round_one(session, stack, storage, cfg, a, project, rev1, t1)
    first = await a.comment("fire", await _sheet(session, rev1, "建施-01"), "第二轮撤回的意见")
    for d, task in r1.items():
        await a.conclude(task, rev1, project, "revision_required" if d == "fire" else "approved", t1)
    await reviews.issue_report(session, window, rev1, project, t1, noop, storage, "http://x", stack.settings)
    await session.commit()
    rev2 = await new_submission(session, project, storage=storage)
    await reviews.submit(session, designer, rev2, project, t2, noop, cfg)
    await session.commit()
    copy = (await session.exec(select(Annotation).where(Annotation.carried_from_id == first))).one()
    await annotations.delete(session, broadcast, await a.who("fire"), copy.id, {"version": copy.version})
    await session.commit()
    assert (await standing.approval_blockers(session, rev2, project, cfg))["comments"] == []
    await a.conclude((await _tasks(session, rev2))["fire"], rev2, project, "approved", t2, "同意")
    await reviews.issue_report(session, window, rev2, project, t2, noop, storage, "http://x", stack.settings)
    await session.commit()
    text = report_text(storage, rev2)
    assert rev2.state == "approved"
    # not listed as a comment of the round; the case's history says it was withdrawn (decision 132)
    history = text.index("审查意见处理记录Commenthistory")
    assert text.count("第二轮撤回的意见") == 1 and text.index("第二轮撤回的意见") > history
    assert f"#{first}消防建施-01强条第二轮撤回的意见第1轮提出；第2轮撤回R1raised;R2withdrawn" in text
    assert "撤回1条" in text
    await broadcast.disconnect()


async def test_an_issued_rounds_json_is_the_signed_reports_data(env):
    """The JSON, BCF and marked-up exports of round 1, downloaded after the designer answered,
    show what the issued report shows: the comment open with no reply, the checker and the
    reply deadline."""
    session, stack, storage, cfg = env
    broadcast = MemoryBroadcast()
    await broadcast.connect()
    a, noop = Actors(session, broadcast), (lambda e: None)
    window = await principal(session, "window")
    t1 = bj(2025, 5, 6, 10)
    project = await new_project(session, stack, name="导出一致性测试项目")
    rev1 = await new_submission(session, project, storage=storage)
    r1 = await _round_one(session, stack, storage, cfg, a, project, rev1, t1)
    first = await a.comment("fire", await _sheet(session, rev1, "建施-02"), "楼梯净宽不足")
    for d, task in r1.items():
        await a.conclude(task, rev1, project, "revision_required" if d == "fire" else "approved", t1)
    await reviews.issue_report(session, window, rev1, project, t1, noop, storage, "http://x", stack.settings)
    await session.commit()
    await a.reply("designer", first, "已加宽至 1.2 m")
    await a.status("designer", first, "answered")
    await session.commit()
    doc = json.loads(await report_files.round_json(session, storage, rev1))
    text = report_text(storage, rev1)
    [c] = doc["comments"]
    assert c["id"] == str(first) and c["status"] == "open" and c["thread"] == [] and "状态：待回复" in text
    assert "已加宽至1.2m" not in text
    deadline = datetime.fromisoformat(doc["round"]["reply_deadline"])
    assert f"前逐条回复审查意见并提交修改后的图纸复审。Replytoeverycommentandresubmitby{deadline:%Y-%m-%d}" in text
    issuer = "".join(window.display_name.split())
    assert {x["checker"] for x in doc["conclusions"]} == {window.display_name} and f"审核人（签字）：{issuer}" in text
    # the BCF and the marked-up sheets, first made now, show the round as signed too
    with zipfile.ZipFile(io.BytesIO(await report_files.bcf(session, storage, rev1, "r1.bcf"))) as zf:
        [markup] = [ET.fromstring(zf.read(n)) for n in zf.namelist() if n.endswith("markup.bcf")]
    ns = {"": markup.tag.split("}")[0][1:]} if markup.tag.startswith("{") else {}
    assert markup.find("Topic", ns).get("TopicStatus") == "Open"
    assert "已加宽" not in ET.tostring(markup, encoding="unicode")
    sheet = await _sheet(session, rev1, "建施-02")
    with zipfile.ZipFile(io.BytesIO(await report_files.marked_up_zip(session, storage, rev1, "r1.zip"))) as zf:
        pdfs = [zf.read(n) for n in zf.namelist()]
    for pdf in pdfs + [await report_files.marked_up_sheet(session, storage, rev1, sheet)]:
        with pymupdf.open("pdf", pdf) as marked:
            notes = [a.info["content"] for a in marked[0].annots()]
        assert "楼梯净宽不足" in notes and not any("已加宽" in n for n in notes)
        assert any(n.startswith("待回复") for n in notes) and not any(n.startswith("已回复") for n in notes)
    await broadcast.disconnect()


async def test_writes_to_a_comment_carried_into_the_next_revision_are_refused(env):
    """Once revision 2 is in, the designer's answer written on the round-1 markup (a stale tab)
    would never reach the copy that round 2 and its report show: it is refused with a 409 that
    names the copy; a comment left on a dropped sheet (no copy) can still be answered."""
    session, stack, storage, cfg = env
    broadcast = MemoryBroadcast()
    await broadcast.connect()
    a, noop = Actors(session, broadcast), (lambda e: None)
    window, designer = await principal(session, "window"), await principal(session, "designer")
    t1, t2 = bj(2025, 5, 6, 10), bj(2025, 5, 20, 10)
    project = await new_project(session, stack, name="旧版意见写入测试项目")
    rev1 = await new_submission(session, project, storage=storage)
    r1 = await _round_one(session, stack, storage, cfg, a, project, rev1, t1)
    first = await a.comment("fire", await _sheet(session, rev1, "建施-01"), "防火分区面积超限")
    left = await a.comment("fire", await _sheet(session, rev1, "暖施-01"), "排烟风机未设于专用机房")
    for d, task in r1.items():
        await a.conclude(task, rev1, project, "revision_required" if d == "fire" else "approved", t1)
    await reviews.issue_report(session, window, rev1, project, t1, noop, storage, "http://x", stack.settings)
    await session.commit()
    rev2 = await new_submission(session, project, [n for n in BUILDING_SHEETS if n != "暖施-01"], storage=storage)
    await reviews.submit(session, designer, rev2, project, t2, noop, cfg)
    await session.commit()
    copy = (await session.exec(select(Annotation.id).where(Annotation.carried_from_id == first))).one()
    for write in (lambda: a.reply("designer", first, "已增设防火卷帘"), lambda: a.status("designer", first, "answered")):
        with pytest.raises(Conflict) as exc:
            await write()
        assert exc.value.code == "annotation_superseded" and exc.value.details["current_id"] == copy
        assert f"#{copy}" in exc.value.message_zh and f"#{copy}" in exc.value.message_en
        await session.rollback()
    await a.reply("designer", copy, "已增设防火卷帘")
    await a.status("designer", copy, "answered")
    await a.reply("designer", left, "风机已移入专用机房")  # no copy: answered where it is
    await a.status("designer", left, "answered")
    await session.commit()
    thread = (await session.exec(select(Comment.body).where(Comment.annotation_id == copy))).all()
    assert thread == ["已增设防火卷帘"]
    await broadcast.disconnect()


async def test_a_discipline_whose_comments_were_closed_earlier_does_not_read_no_comments(env):
    """Planning's comment is closed in round 2; round 3's discipline section does not list it
    again and says so, instead of "本专业无审查意见" for a discipline that did comment. The final
    report's 审查意见处理记录 (decision 132) still shows it, with its text and the rounds it was
    raised, answered and closed in — before, the comment was nowhere in the round-3 report; and
    the fire comment that was answered, reopened in round 2 and closed in round 3 reads so.
    Round 1's report has no such section (nothing earlier) and stays byte-identical."""
    session, stack, storage, cfg = env
    broadcast = MemoryBroadcast()
    await broadcast.connect()
    a, noop = Actors(session, broadcast), (lambda e: None)
    window, designer = await principal(session, "window"), await principal(session, "designer")
    project = await new_project(session, stack, name="前轮意见已关闭测试项目")
    rev1 = await new_submission(session, project, storage=storage)
    r1 = await _round_one(session, stack, storage, cfg, a, project, rev1, bj(2025, 5, 6, 10))
    plan = await a.comment("planning", await _sheet(session, rev1, "总图-01"), "退让道路红线不足")
    fire = await a.comment("fire", await _sheet(session, rev1, "建施-01"), "疏散宽度不足")
    await a.status("designer", plan, "answered")
    await a.status("designer", fire, "answered")
    for d, task in r1.items():
        await a.conclude(task, rev1, project, "revision_required" if d in ("planning", "fire") else "approved",
                         bj(2025, 5, 6, 10))
    await reviews.issue_report(session, window, rev1, project, bj(2025, 5, 6, 10), noop, storage, "http://x",
                               stack.settings)
    await session.commit()
    first_report = storage.path(rev1.report_sha256).read_bytes()
    assert "审查意见处理记录" not in report_text(storage, rev1)
    rev, fire_copy = rev1, fire
    for n, when in ((2, bj(2025, 5, 20, 10)), (3, bj(2025, 6, 3, 10))):
        nxt = await new_submission(session, project, storage=storage)
        await reviews.submit(session, designer, nxt, project, when, noop, cfg)
        await session.commit()
        fire_copy = (await session.exec(select(Annotation.id).where(Annotation.carried_from_id == fire_copy))).one()
        if n == 2:
            copy = (await session.exec(select(Annotation.id).where(Annotation.carried_from_id == plan))).one()
            await a.status("planning", copy, "closed")
            await a.status("fire", fire_copy, "open")  # the answer is not accepted
            await a.status("designer", fire_copy, "answered")
        else:
            await a.status("fire", fire_copy, "closed")
        for d, task in (await _tasks(session, nxt)).items():
            await a.conclude(task, nxt, project, "revision_required" if d == "fire" and n == 2 else "approved", when)
        await reviews.issue_report(session, window, nxt, project, when, noop, storage, "http://x", stack.settings)
        await session.commit()
        rev = nxt
    assert rev.state == "approved"
    text = report_text(storage, rev)
    assert "本轮本专业无审查意见；此前各轮提出的1条意见均已关闭，见“审查意见处理记录”。" in text
    assert text.count("本专业无审查意见。Nocomments.") == 2  # civil defence, lightning never commented
    history = text[text.index("审查意见处理记录Commenthistory"):text.index("审查结论Conclusions")]
    assert "全部审查意见2条：已关闭2条（其中此前各轮关闭1条），未关闭0条" in history
    # planning's comment, closed in round 2, with its text; fire's, listed in full above, by its number
    assert f"#{plan}规划总图-01强条退让道路红线不足第1轮提出、回复；第2轮关闭R1raised,answered;R2closed" in history
    assert f"#{fire}消防建施-01强条见本意见书意见2-1Seecomment2-1第1轮提出、回复；第2轮重新打开、回复；第3轮关闭" in history
    assert storage.path(rev1.report_sha256).read_bytes() == first_report  # round 1's signed report as issued
    await broadcast.disconnect()


async def test_a_kept_conclusion_keeps_the_checker_who_checked_it(env):
    """Planning concludes in round 1, checked by a named checker; in round 2 it keeps that
    conclusion, and its 审核人 is still that checker, not whoever issues round 2."""
    session, stack, storage, cfg = env
    broadcast = MemoryBroadcast()
    await broadcast.connect()
    a, noop = Actors(session, broadcast), (lambda e: None)
    window, designer = await principal(session, "window"), await principal(session, "designer")
    names = {u.username: "".join(u.display_name.split()) for u in (await session.exec(select(User))).all()}
    checker = await a.who("lightning")
    t1, t2 = bj(2025, 5, 6, 10), bj(2025, 5, 20, 10)
    project = await new_project(session, stack, name="沿用结论审核人测试项目")
    rev1 = await new_submission(session, project, storage=storage)
    r1 = await _round_one(session, stack, storage, cfg, a, project, rev1, t1)
    for d, task in r1.items():
        await a.conclude(task, rev1, project, "revision_required" if d == "fire" else "approved", t1)
    await report_extras.assign_checkers(session, rev1, {"planning": checker.user_id})
    await reviews.issue_report(session, window, rev1, project, t1, noop, storage, "http://x", stack.settings)
    await session.commit()
    signed = f"规划审查人（签字）：{names['planning']}审核人（签字）：{names['lightning']}"
    assert signed in report_text(storage, rev1)
    rev2 = await new_submission(session, project, storage=storage)
    await reviews.submit(session, designer, rev2, project, t2, noop, cfg)
    await session.commit()
    await a.conclude((await _tasks(session, rev2))["fire"], rev2, project, "approved", t2, "同意")
    await reviews.issue_report(session, window, rev2, project, t2, noop, storage, "http://x", stack.settings)
    await session.commit()
    text = report_text(storage, rev2)
    assert signed in text  # kept from round 1 with its checker
    assert f"消防审查人（签字）：{names['fire']}审核人（签字）：{names['window']}" in text  # this round's: the issuer
    await broadcast.disconnect()


async def test_a_comment_closed_where_it_was_left_behind_counts_in_the_round_that_closed_it(env):
    """Revision 2 leaves out the sheet of an answered fire comment (nothing is carried); fire
    verifies and closes it where it is in round 2. Round 2's report lists it as closed and its
    summary counts it under 已关闭, as it does for a comment closed on a carried copy; round 3's
    report does not list it again (found by a three-round HTTP probe: round 2's summary read
    已关闭 0 after four comments were closed in it)."""
    session, stack, storage, cfg = env
    broadcast = MemoryBroadcast()
    await broadcast.connect()
    a, noop = Actors(session, broadcast), (lambda e: None)
    window, designer = await principal(session, "window"), await principal(session, "designer")
    t1, t2, t3 = bj(2025, 5, 6, 10), bj(2025, 5, 20, 10), bj(2025, 6, 3, 10)
    project = await new_project(session, stack, name="留置意见关闭测试项目")
    rev1 = await new_submission(session, project, storage=storage)
    r1 = await _round_one(session, stack, storage, cfg, a, project, rev1, t1)
    left = await a.comment("fire", await _sheet(session, rev1, "暖施-01"), "排烟风机未设于专用机房")
    kept = await a.comment("fire", await _sheet(session, rev1, "建施-01"), "防火分区面积超限")
    for ann in (left, kept):
        await _raised_at(session, ann, t1)
    for d, task in r1.items():
        await a.conclude(task, rev1, project, "revision_required" if d == "fire" else "approved", t1)
    await reviews.issue_report(session, window, rev1, project, t1, noop, storage, "http://x", stack.settings)
    await session.commit()
    await a.reply("designer", left, "风机已移入专用机房")
    await a.status("designer", left, "answered")

    rev2 = await new_submission(session, project, [n for n in BUILDING_SHEETS if n != "暖施-01"], storage=storage)
    await reviews.submit(session, designer, rev2, project, t2, noop, cfg)
    await session.commit()
    await a.status("fire", left, "closed")  # verified where it was left: round 1's drawing
    await a.conclude((await _tasks(session, rev2))["fire"], rev2, project, "revision_required", t2)
    await reviews.issue_report(session, window, rev2, project, t2, noop, storage, "http://x", stack.settings)
    await session.commit()
    text = report_text(storage, rev2)
    assert "排烟风机未设于专用机房" in text and "风机已移入专用机房" in text
    fire = next(d for d in (await report_data.gather(session, storage, rev2.id)).data.disciplines if d.code == "fire")
    assert fire.status_counts() == {"open": 1, "answered": 0, "closed": 1}  # the kept copy is open
    listed = {c["id"]: c for c in await comment_list.round_comments(session, storage, rev2)}
    assert listed[left]["status"] == "closed" and listed[left]["sheet_round"] == 1

    rev3 = await new_submission(session, project, [n for n in BUILDING_SHEETS if n != "暖施-01"], storage=storage)
    await reviews.submit(session, designer, rev3, project, t3, noop, cfg)
    await session.commit()
    fire3 = next(d for d in (await report_data.gather(session, storage, rev3.id)).data.disciplines if d.code == "fire")
    assert left not in [int(c.id) for c in fire3.comments]  # closed in round 2, shown there, not again
    await broadcast.disconnect()


async def test_a_re_review_goes_to_the_reviewer_of_the_earlier_round(env):
    """The window reassigns fire to a second fire reviewer in round 1; round 2's fire task is his,
    although the first fire reviewer now has fewer open tasks (the load balancer's pick). A
    discipline whose earlier reviewer was deactivated goes to the balancer again."""
    session, stack, storage, cfg = env
    broadcast = MemoryBroadcast()
    await broadcast.connect()
    a, noop = Actors(session, broadcast), (lambda e: None)
    window, designer = await principal(session, "window"), await principal(session, "designer")
    t1, t2 = bj(2025, 5, 6, 10), bj(2025, 5, 20, 10)
    project = await new_project(session, stack, name="复审沿用审查人测试项目")
    rev1 = await new_submission(session, project, storage=storage)
    r1 = await _round_one(session, stack, storage, cfg, a, project, rev1, t1)
    first_fire = r1["fire"].reviewer_id
    second = User(username=f"fire-second-{rev1.id}", display_name="消防审查 二", password_hash="x", role="reviewer",
                  discipline="fire", active=True)
    session.add(second)
    await session.flush()
    await tasks.assign(session, window, r1["fire"], rev1, project, second.id, t1, noop)
    await tasks.start(session, await principal(session, second.username), r1["fire"], rev1, project, t1, noop)
    await session.commit()
    for d, task in r1.items():
        reviewer = await principal(session, second.username) if d == "fire" else await a.who(d)
        await tasks.conclude(session, reviewer, task, rev1, project, "revision_required", OPINIONS[d], t1, noop)
    await reviews.issue_report(session, window, rev1, project, t1, noop, storage, "http://x", stack.settings)
    await session.commit()
    planning_user = await session.get(User, r1["planning"].reviewer_id)
    planning_user.active = False  # left the centre between the rounds
    session.add(planning_user)
    await session.commit()
    rev2 = await new_submission(session, project, storage=storage)
    await reviews.submit(session, designer, rev2, project, t2, noop, cfg)
    await session.commit()
    r2 = await _tasks(session, rev2)
    assert r2["fire"].reviewer_id == second.id != first_fire
    assert r2["civil_defence"].reviewer_id == r1["civil_defence"].reviewer_id
    assert r2["planning"].reviewer_id != planning_user.id  # an inactive reviewer gets no task
    planning_user.active = True
    session.add(planning_user)
    await session.commit()
    await broadcast.disconnect()
