"""The joint-review process over the database: submit, acceptance (受理), rounds, the merged
report; open comments are carried to the next revision by ``carryover``.

One ``Submission`` row per drawing revision. Revision 1 goes ``draft → submitted →
accepted[_with_deficiencies] → in_review → concluded → revision_required | approved |
rejected``. A revision N+1 that answers a ``revision_required`` round does not pass the
window again: submitting it moves its predecessor ``revision_required → resubmitted`` and
the new row enters at ``resubmitted → start_review → in_review`` with ``round_no + 1``
(``workflow.SUBMISSION.advance``); re-review tasks start for the disciplines that asked for
revision, and open comments are copied onto the matching sheets (see docs/decisions).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from ..models import DrawingFile, Organisation, Project, ReviewTask, Sheet, Submission, User
from ..policy import require_project
from .. import vocabulary
from . import deficiencies, names, notifications, projects, receipts, return_reasons, standing, tasks, workdays, workflow
from .notifications import aware
from .carryover import carry_forward
from .day_input import parse_day
from .receipts import progress_url
from .tasks import Emit, step, utc

NOT_READY_FILE_STATES = {"uploaded", "processing"}


async def load(session: AsyncSession, principal, submission_id: int, action: str = "project.view", *,
               lock: bool = False):
    """The submission and its project, for ``action``. ``lock``: a workflow step that changes the
    submission holds its row (PostgreSQL) or the write lock (SQLite) from here to its commit, and
    reads the row again: a second request at the same moment (a double click, two windows) waits,
    then meets the state the first left and is refused by the workflow, instead of doing the step
    again (three accepts gave three case numbers, three receipts and every notice three times)."""
    sub = await session.get(Submission, submission_id)
    if sub is None:
        raise NotFound("找不到该报审", "Submission not found", details={"submission_id": submission_id})
    project = await require_project(session, principal, sub.project_id, action)
    if lock:
        await session.exec(update(Submission).where(Submission.id == sub.id).values(round_no=Submission.round_no))
        await session.refresh(sub)
        await session.refresh(project)
    return sub, project


def _local(now: datetime) -> datetime:
    return workdays.to_local(now)


# --- completeness ----------------------------------------------------------------------------

async def completeness(session: AsyncSession, sub: Submission, project: Project, cfg: dict) -> dict:
    """The check the window runs before accepting, and the designer sees before submitting: the
    required sheet categories (and disciplines) against the sheet numbers, and the files — still
    processing (a submit waits for them), unreadable (their sheets are not there)."""
    scope = (project.params or {}).get("lightning_scope")
    disciplines = workflow.required_disciplines(project.project_type, scope, cfg)
    numbers = (await session.exec(select(Sheet.number).where(Sheet.submission_id == sub.id, Sheet.number != ""))).all()
    required = workflow.required_sheet_categories(project.project_type, disciplines, scope, cfg)
    present = sorted({workflow.sheet_category(n, cfg) for n in numbers})
    missing = workflow.missing_sheets(project.project_type, numbers, disciplines, scope, cfg)
    files = (await session.exec(select(DrawingFile).where(DrawingFile.submission_id == sub.id)
                                .order_by(DrawingFile.id))).all()
    unreadable = [{"name": f.original_name, "messages": (f.error or {}).get("messages", {})}
                  for f in files if f.state == "failed"]
    return {"disciplines": disciplines, "required": required, "present": present, "missing": missing,
            "complete": not missing, "sheet_count": len(numbers),
            "files": {"total": len(files), "busy": [f.original_name for f in files if f.state in NOT_READY_FILE_STATES],
                      "unreadable": unreadable},
            # what a submit is refused for now (the window's own rules decide the rest: see submit)
            "submit_blockers": _submit_blockers(files),
            # each category in the page's words: "结施 (structure)" on the English page
            "category_names": {c: {"zh-CN": c, "en": workflow.category_en(c)} for c in [*required, *present]}}


def _submit_blockers(files) -> list[str]:
    if not files:
        return ["no_files"]
    return ["files_not_ready"] if any(f.state in NOT_READY_FILE_STATES for f in files) else []


# --- submit ------------------------------------------------------------------------------------

async def _predecessor(session: AsyncSession, sub: Submission) -> Submission | None:
    stmt = (select(Submission).where(Submission.project_id == sub.project_id, Submission.revision < sub.revision)
            .order_by(Submission.revision.desc()).limit(1))
    return (await session.exec(stmt)).first()


async def submit(session: AsyncSession, actor, sub: Submission, project: Project, now: datetime, emit: Emit,
                 cfg: dict) -> Submission:
    """The design institute hands the drawings in (first time, after a return, or as a revision)."""
    if actor.org_id != project.design_institute_id:
        raise ValidationFailed("只能提交本单位的报审", "Only the project's design institute may submit")
    files = (await session.exec(select(DrawingFile).where(DrawingFile.submission_id == sub.id))).all()
    blockers = _submit_blockers(files)
    if "no_files" in blockers:
        raise InvalidTransition("尚未上传任何图纸，不能提交", "Upload at least one drawing before submitting",
                                code="no_files")
    if "files_not_ready" in blockers:
        busy = [f.original_name for f in files if f.state in NOT_READY_FILE_STATES]
        raise InvalidTransition(f"以下图纸仍在处理中，处理完成后才能提交：{'、'.join(busy)}",
                                f"These drawings are still being processed; submit once they are done: {', '.join(busy)}",
                                code="files_not_ready", details={"files": busy})
    prev = await _predecessor(session, sub) if sub.state == "draft" else None
    if prev is not None and prev.state == "revision_required":
        return await _resubmit(session, actor, sub, prev, project, now, emit, cfg)
    if prev is not None and prev.state not in ("returned", "approved", "rejected"):
        raise InvalidTransition(
            f"上一版报审（第 {prev.revision} 版）处于“{workflow.SUBMISSION.states.get(prev.state, prev.state)}”状态，不能提交新版本",
            f"Revision {prev.revision} is '{prev.state}'; a new revision cannot be submitted now",
            details={"previous_id": prev.id, "previous_state": prev.state})
    sub.state = workflow.SUBMISSION.apply(sub.state, "submit")
    sub.submitted_at = utc(now)
    project.stage = "submitted"
    session.add_all([sub, project])
    await step(session, actor, "submission.submit", sub, project.id, emit, {"revision": sub.revision},
               event="submission.submitted")
    await notifications.notify(session, project, "submission.submitted", {"submission_id": sub.id})
    return sub


async def _resubmit(session, actor, sub, prev, project, now, emit, cfg) -> Submission:
    prev.state = workflow.SUBMISSION.apply(prev.state, "resubmit")
    sub.state, sub.round_no = workflow.SUBMISSION.advance(prev.state, "start_review", prev.round_no)
    sub.previous_id, sub.submitted_at = prev.id, utc(now)
    sub.accepted_at, sub.accepted_by = prev.accepted_at, prev.accepted_by
    sub.deficiencies, sub.deficiency_deadline = prev.deficiencies, prev.deficiency_deadline
    project.stage = "in_review"
    session.add_all([prev, sub, project])
    await session.flush()
    await step(session, actor, "submission.resubmit", sub, project.id, emit,
               {"revision": sub.revision, "round": sub.round_no, "previous_id": prev.id}, event="submission.resubmitted")
    # who reviews this round: revision asked for, or comments still open / answered to verify
    again = await standing.disciplines_to_review_again(session, prev)
    started = await tasks.start_tasks(session, actor, sub, project, again, now, cfg, emit)
    carried = await carry_forward(session, sub, emit)
    await notifications.notify(session, project, "submission.resubmitted",
                               {"submission_id": sub.id, "revision": sub.revision, "round": sub.round_no,
                                "carried": carried}, disciplines=[t.discipline for t in started])
    return sub


# --- acceptance --------------------------------------------------------------------------------

def _items(value) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
        raise ValidationFailed(details={"missing_items": "list of text"})
    return [i.strip() for i in value if i.strip()]


def _texts(value, field: str, zh: str, en: str, one: bool = False) -> list[str]:
    """A list of texts (or, with ``one``, a single text), none blank (a blank reason is a slip)."""
    texts = [value] if one and isinstance(value, str) else value
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) and t.strip() for t in texts):
        raise ValidationFailed(zh, en, details={field: "required: text, or a list of texts, none blank"})
    return [t.strip() for t in texts]


def _when(value, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value))
        whole_day = len(str(value)) <= 10
    except ValueError:  # a day as people type it (2026/12/31, 2026年12月31日), or BadDate in both languages
        parsed, whole_day = datetime.combine(parse_day(value, field), datetime.min.time()), True
    if parsed.tzinfo is None:  # a date or local time: end of that Beijing day
        parsed = parsed.replace(hour=23, minute=59, second=59) if whole_day else parsed
        parsed = parsed.replace(tzinfo=workdays.BEIJING)
    try:  # 9999-12-31T23:00-05:00 is in year 10000 in UTC: beyond datetime, once a 500
        day = workdays.to_local(parsed).date()
    except OverflowError:
        day = None
    if day is None or not workdays.DAY_RANGE[0] <= day <= workdays.DAY_RANGE[1]:
        low, high = workdays.DAY_RANGE
        raise ValidationFailed("日期超出支持的范围", "The date is outside the supported range",
                               details={field: f"{low} to {high}"})
    return parsed


async def accept(session: AsyncSession, actor, sub: Submission, project: Project, data: dict, now: datetime,
                 emit: Emit, cfg: dict, storage, base_url: str) -> Submission:
    """受理 (or 容缺受理 with ``missing_items`` + ``deficiency_deadline``): case number, receipt,
    and one started review task per required discipline."""
    items = _items(data.get("missing_items"))
    deadline = data.get("deficiency_deadline")
    deadline = _when(deadline, "deficiency_deadline") if deadline else None  # checked even when unused
    check = await completeness(session, sub, project, cfg)
    taking_part = _chosen(data.get("disciplines"), check["disciplines"])  # refused before anything changes
    if items:
        if deadline is None:
            raise ValidationFailed("容缺受理须给出补齐期限", "Give a deadline for the missing items",
                                   details={"deficiency_deadline": "required"})
        record = workflow.deficiency_record(items, deadline, now)
        action = "accept_with_deficiencies"
    else:
        if check["missing"] and workflow.SUBMISSION.can(sub.state, "accept"):
            raise Conflict("报审材料不齐全：缺少 " + "、".join(check["missing"]) + "；请容缺受理（列明缺件和期限）或退回",
                           "The submission is incomplete (missing: " + ", ".join(map(workflow.category_en, check["missing"]))
                           + "); accept with listed missing items and a deadline, or return it",
                           code="incomplete_submission", details=check)
        record, action = None, "accept"
    sub.state = workflow.SUBMISSION.apply(sub.state, action)
    sub.accepted_at, sub.accepted_by = utc(now), actor.user_id
    if record:
        sub.deficiencies = [{"item": i, "supplied_at": None} for i in record["missing_items"]]
        sub.deficiency_deadline = utc(record["deadline"])
    else:  # a returned case accepted again in full: nothing stays missing
        sub.deficiencies, sub.deficiency_deadline = [], None
    case = await projects.issue_case_number(session, project, _local(now))
    await step(session, actor, f"submission.{action}", sub, project.id, emit,
               {"case_number": case, "missing_items": items,  # the check's facts; its words are the page's
                "completeness": {k: v for k, v in check.items() if k != "category_names"}}, event="submission.accepted")
    sub.state = workflow.SUBMISSION.apply(sub.state, "start_review")
    project.stage = "in_review"
    session.add_all([sub, project])
    await session.flush()
    started = await tasks.start_tasks(session, actor, sub, project, taking_part, now, cfg, emit)
    if not started:  # a returned case accepted again whose disciplines had all concluded
        started = list((await session.exec(select(ReviewTask).where(ReviewTask.submission_id == sub.id))).all())
    sub.receipt_sha256 = storage.put_bytes(await receipts.render(session, sub, project, started, cfg, base_url,
                                                                 actor.display_name)).sha256
    session.add(sub)
    await notifications.notify(session, project, "submission.accepted",
                               {"submission_id": sub.id, "missing_items": items}, link=progress_url(base_url, case))
    return sub


def _chosen(value, required: list[str]) -> list[str]:
    """The disciplines the window lets take part (default: the required ones for the project)."""
    if value is None:
        return required
    if not isinstance(value, list) or not value or not all(isinstance(d, str) and d in workflow.DISCIPLINES for d in value):
        raise ValidationFailed("请至少选择一个参加审查的专业", "Choose at least one discipline to take part",
                               details={"disciplines": list(workflow.DISCIPLINES)})
    return list(dict.fromkeys(value))


async def return_submission(session, actor, sub, project, reasons, now, emit) -> Submission:
    reasons = _texts(reasons, "reasons", "退回须写明理由（每条理由不能为空）",
                     "Give the reasons for returning the submission (none blank)", one=True)
    sub.state = workflow.SUBMISSION.apply(sub.state, "return")
    sub.return_reasons = reasons
    project.stage = "returned"
    session.add_all([sub, project])
    await step(session, actor, "submission.return", sub, project.id, emit, {"reasons": reasons},
               event="submission.returned")
    await notifications.notify(session, project, "submission.returned", {"submission_id": sub.id, "reasons": reasons})
    return sub


async def supply_deficiencies(session, actor, sub, project, items, now, emit) -> Submission:
    """The window records 容缺 items as supplied (on the revision under review)."""
    await deficiencies.require_current(session, sub)
    items = _texts(items, "items", "请选择列明的容缺材料", "Name items from the listed deficiencies")
    known = {d["item"] for d in sub.deficiencies}
    if not sub.deficiencies or all(d.get("supplied_at") for d in sub.deficiencies):
        raise InvalidTransition("该报审没有待补齐的容缺材料", "This submission has no outstanding deficiency items",
                                code="no_deficiencies")
    unknown = [i for i in items if i not in known]
    if not items or unknown:
        raise ValidationFailed("请选择列明的容缺材料", "Name items from the listed deficiencies",
                               details={"unknown": unknown, "listed": sorted(known)})
    sub.deficiencies = [{**d, "supplied_at": d.get("supplied_at") or (utc(now).isoformat() if d["item"] in items else None)}
                        for d in sub.deficiencies]
    session.add(sub)
    await step(session, actor, "submission.supply_deficiencies", sub, project.id, emit, {"items": items},
               event="deficiency.supplied")
    return sub


def outstanding(sub: Submission) -> list[str]:
    return [d["item"] for d in sub.deficiencies if not d.get("supplied_at")]


# --- the merged report -------------------------------------------------------------------------

def _report_issuer():
    """The report part's ``services.reports.issue_round_report`` when present (else None)."""
    try:
        from .reports import issue_round_report
    except ImportError:
        return None
    return issue_round_report


async def require_concluded(session, sub: Submission) -> None:
    """A report is issued for a concluded round only. The refusal says why in the window's
    terms: while the round is under review, which disciplines have not concluded; otherwise the
    round's state. (It named the workflow's internal step — "不能执行“通过”(approve)操作" —
    for a round whose verdict was to be 审查不合格, and offered "汇总结论(conclude)", which is
    no request anyone can make: the round concludes with its last discipline.)"""
    if sub.state == "concluded":
        return
    state_zh = workflow.SUBMISSION.states.get(sub.state, sub.state)
    details = {"machine": "submission", "state": sub.state, "action": "issue_report", "allowed": []}
    if sub.state == "in_review":
        waiting = (await session.exec(select(ReviewTask.discipline).where(
            ReviewTask.submission_id == sub.id, ReviewTask.state != "concluded").order_by(ReviewTask.id))).all()
        zh = "、".join(workflow.DISCIPLINES.get(d, d) for d in waiting)
        en = ", ".join(vocabulary.SHEET_DISCIPLINES.get(workflow.DISCIPLINES.get(d, d), d).lower() for d in waiting)
        raise InvalidTransition(
            f"本轮尚有专业未出具结论（{zh}），各专业均出具结论后方可出具审查意见书",
            f"Not every discipline of this round has concluded ({en}); the report can be issued once each has",
            details={**details, "waiting": list(waiting)})
    raise InvalidTransition(f"报审处于“{state_zh}”状态，不能出具审查意见书（只能在本轮各专业均出具结论后出具一次）",
                            f"The submission is '{sub.state}': a report is issued once, when every discipline of "
                            "the round has concluded", details=details)


async def issue_report(session, actor, sub, project, now, emit, storage, base_url: str, settings=None,
                       cfg: dict | None = None) -> Submission:
    """The window issues the round's merged report; the submission moves on by the verdict."""
    await require_concluded(session, sub)
    action = workflow.verdict_action(sub.verdict, outstanding(sub))
    if action == "approve":  # an approving report only when nothing stays open (decision 030)
        standing.refuse_approval(await standing.approval_blockers(session, sub, project, cfg or (tasks.config(settings) if settings is not None else workflow.DEFAULT_CONFIG)))
    issuer = _report_issuer() if settings is not None else None
    if issuer is not None:  # the report part: signed report, Report row, audit + report.issued event
        report = await issuer(session, storage, settings, sub.id, actor, now=utc(now), emit=emit, base_url=base_url)
        # the issuer holds the submission's lock now: a concurrent request that issued this round
        # first has moved it on; its step and notices stand, and this request answers with them
        state = (await session.exec(select(Submission.state).where(Submission.id == sub.id)
                                    .execution_options(populate_existing=True))).one()
        if state != sub.state:
            await session.refresh(sub)
            await session.refresh(project)
            return sub
        sub.report_sha256 = report.sha256
    else:
        sub.report_sha256 = storage.put_bytes(await build_report_pdf(session, storage, sub, project, now, base_url)).sha256
    sub.state = workflow.SUBMISSION.apply(sub.state, action)
    sub.report_issued_at = utc(now)
    project.stage = sub.state
    session.add_all([sub, project])
    await step(session, actor, f"submission.{action}", sub, project.id, emit,
               {"verdict": sub.verdict, "state": sub.state, "round": sub.round_no, "sha256": sub.report_sha256},
               event="report.issued" if issuer is None else "submission.verdict")
    label = workflow.CONCLUSION_LABELS_ZH[workflow.Conclusion(sub.verdict)]
    await notifications.notify(session, project, "report.issued",
                               {"submission_id": sub.id, "verdict": sub.verdict, "verdict_zh": label})
    if sub.state == "revision_required":
        await notifications.notify(session, project, "revision.required", {"submission_id": sub.id, "round": sub.round_no})
    return sub


async def build_report_pdf(session, storage, sub, project, now, base_url) -> bytes:
    """HOOK for the report part: ``drawreview.services.reports.merged_report_pdf(session, storage,
    submission_id, *, now, verify_url) -> bytes`` is used when it exists; until then a
    conclusions-only report is rendered with ``report.pdf.render_report``."""
    verify_url = progress_url(base_url, project.case_number or "")
    try:
        from . import reports  # the report engineer's module
        builder = getattr(reports, "merged_report_pdf")
    except (ImportError, AttributeError):
        builder = None
    if builder is not None:
        return await builder(session, storage, sub.id, now=now, verify_url=verify_url)
    from ..report import model
    from ..report.pdf import render_report

    cu = await session.get(Organisation, project.construction_unit_id)
    di = await session.get(Organisation, project.design_institute_id)
    rows = (await session.exec(select(ReviewTask, User).join(User, User.id == ReviewTask.reviewer_id, isouter=True)
                               .where(ReviewTask.submission_id == sub.id).order_by(ReviewTask.id))).all()
    sections = [model.DisciplineSection(
        code=t.discipline, name_zh=workflow.DISCIPLINES.get(t.discipline, t.discipline), name_en=t.discipline,
        reviewer=u.display_name if u else "—",
        conclusion=workflow.CONCLUSION_LABELS_ZH.get(t.conclusion, t.conclusion or "—") + (f"：{t.opinion}" if t.opinion else ""),
        concluded_at=_local(aware(t.concluded_at)) if t.concluded_at else None) for t, u in rows]
    verdict = {"approved": "passed", "approved_with_comments": "passed", "revision_required": "revise",
               "rejected": "failed"}.get(sub.verdict, sub.verdict or "pending")
    data = model.ReportData(project=model.Project(
        name=project.name, case_number=project.case_number or "—", address=project.address or "—",
        construction_unit=cu.name, design_institute=di.name, authority="联合审查窗口", round_no=sub.round_no,
        submitted_at=_local(aware(sub.submitted_at)) if sub.submitted_at else None,
        accepted_at=_local(aware(sub.accepted_at)) if sub.accepted_at else None,
        issued_at=_local(now), verdict=verdict), disciplines=sections)
    pdf, _info = render_report(data, verify_url=verify_url)
    return pdf


# --- views -------------------------------------------------------------------------------------

async def _candidates(session: AsyncSession, disciplines: set[str]) -> dict[str, list[dict]]:
    """Active reviewers per discipline (the window's reassign choices)."""
    if not disciplines:
        return {}
    users = (await session.exec(select(User).where(User.role == "reviewer", User.active == True,  # noqa: E712
                                                   User.discipline.in_(sorted(disciplines))).order_by(User.id))).all()
    out: dict[str, list[dict]] = {d: [] for d in disciplines}
    for u in users:
        out[u.discipline].append({"id": u.id, "name": u.display_name})
    return out


async def review_view(session: AsyncSession, sub: Submission, project: Project, now: datetime,
                      principal=None, lang: str = "zh-CN") -> dict:
    """The submission's review state; for the window (``principal`` with role window/admin) each
    open task also lists the reviewers it may be reassigned to. Names of states, disciplines and
    conclusions in ``lang``."""
    rows = (await session.exec(select(ReviewTask, User).join(User, User.id == ReviewTask.reviewer_id, isouter=True)
                               .where(ReviewTask.submission_id == sub.id).order_by(ReviewTask.id))).all()
    task_dicts = [tasks.task_dict(t, now, u, lang) for t, u in rows]
    if principal is not None and principal.role in ("window", "admin"):
        pool = await _candidates(session, {t["discipline"] for t in task_dicts if t["state"] != "concluded"})
        for t in task_dicts:
            t["candidates"] = pool.get(t["discipline"], []) if t["state"] != "concluded" else []
    return {
        "submission_id": sub.id, "project_id": project.id, "revision": sub.revision, "round": sub.round_no,
        "state": sub.state, "state_name": names.submission_state(sub.state, lang),
        "allowed_actions": workflow.SUBMISSION.allowed_actions(sub.state),
        "case_number": project.case_number, "verdict": sub.verdict,
        "submitted_at": aware(sub.submitted_at).isoformat() if sub.submitted_at else None,
        "accepted_at": aware(sub.accepted_at).isoformat() if sub.accepted_at else None,
        # item: the category as the window listed it (结施); item_name: in the reader's language
        "deficiencies": [{**d, "item_name": names.category(d["item"], lang)} for d in sub.deficiencies],
        "deficiency_deadline": aware(sub.deficiency_deadline).isoformat() if sub.deficiency_deadline else None,
        # in words, each language its own (a coded reason is rendered; the window's words stay as written)
        "return_reasons": return_reasons.texts(sub.return_reasons, "zh-CN"),
        "return_reasons_en": return_reasons.texts(sub.return_reasons, "en"),
        "receipt": bool(sub.receipt_sha256), "report": bool(sub.report_sha256),
        "report_issued_at": aware(sub.report_issued_at).isoformat() if sub.report_issued_at else None,
        "project_stage": project.stage, "outstanding_deficiencies": outstanding(sub),
        "deficiency_overdue": bool(outstanding(sub)) and sub.deficiency_deadline is not None
        and aware(sub.deficiency_deadline) < utc(now),
        "calendar_exact": all(t["calendar_exact"] for t in task_dicts),
        "tasks": task_dicts,
        # every discipline's standing conclusion: this round's, or the one kept from an earlier round
        "standing": await standing.standing_dicts(session, sub, lang),
    }
