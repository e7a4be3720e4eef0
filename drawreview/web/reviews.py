"""Joint-review workflow endpoints: submit, acceptance, tasks, conclusions, the merged report."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ..errors import NotFound, PermissionDenied
from ..policy import require_project
from ..services import comment_list
from ..services import report_preview as report_preview_service
from ..services import deficiencies, reviews, tasks, worklist
from ..services.notifications import utcnow
from ..services import report_extras, report_phases
from ..services.reports import public_base
from ..services import workflow
from .common import DAY_SCHEMA, ID_SCHEMA, Ctx, api, ok, text


async def commit(ctx: Ctx) -> None:
    """Commit, publish the events, and ask the queue to deliver the new emails/webhooks now."""
    await ctx.commit()
    from ..jobs.workflow import kick_delivery
    from ..services import anchors

    anchors.keep_pending(ctx.session, ctx.state.settings)  # the anchors printed in what was just issued

    await kick_delivery(ctx.state.queue)


def _cfg(ctx: Ctx) -> dict:
    return tasks.config(ctx.state.settings)


async def _submission(ctx: Ctx, action: str = "project.view", *, lock: bool = False):
    return await reviews.load(ctx.session, ctx.principal, ctx.path_int("submission_id"), action, lock=lock)


async def _task_out(ctx: Ctx, task) -> dict:
    """The task as the review view shows it, its reviewer named (the answer said ``null``)."""
    from ..models import User

    reviewer = await ctx.session.get(User, task.reviewer_id) if task.reviewer_id else None
    return tasks.task_dict(task, utcnow(), reviewer, ctx.lang)


async def _task(ctx: Ctx, action: str):
    task, sub, project = await tasks.get_task(ctx.session, ctx.path_int("task_id"))
    await require_project(ctx.session, ctx.principal, project.id, action)
    return task, sub, project


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "private, no-store"})


@api("提交报审（设计单位）/ Submit the drawings for review")
async def submit(ctx: Ctx):
    sub, project = await _submission(ctx, "submission.submit", lock=True)
    await reviews.submit(ctx.session, ctx.user, sub, project, utcnow(), ctx.emit, _cfg(ctx))
    await commit(ctx)
    # what the window will find missing (it accepts with listed missing items, or returns the set)
    return {**await reviews.review_view(ctx.session, sub, project, utcnow(), ctx.principal, ctx.lang),
            "completeness": await reviews.completeness(ctx.session, sub, project, _cfg(ctx))}


@api("审查流程概览 / The submission's review state, tasks and traffic lights")
async def review(ctx: Ctx):
    sub, project = await _submission(ctx)
    return await reviews.review_view(ctx.session, sub, project, utcnow(), ctx.principal, ctx.lang)


@api("完整性检查（窗口受理前；设计单位提交前）/ Completeness check against the required sheet categories, "
     "with the files still processing or unreadable (the window before accepting; the designer before submitting)")
async def completeness(ctx: Ctx):
    sub, project = await _submission(ctx, "submission.check")
    return await reviews.completeness(ctx.session, sub, project, _cfg(ctx))


REASON = text(required=True)
ACCEPT_BODY = {"type": "object", "properties": {
    "missing_items": {"type": "array", "items": {"type": "string"}, "nullable": True,
                      "description": "容缺 items; blank ones are left out"},
    "disciplines": {"type": "array", "minItems": 1, "nullable": True,
                    "items": {"type": "string", "enum": list(workflow.DISCIPLINES)}},
    "deficiency_deadline": {"anyOf": [DAY_SCHEMA, {"type": "string", "enum": [""]}], "nullable": True,
                            "description": "required with missing_items"}}}


@api("受理 / 容缺受理 (window) / Accept, optionally with listed missing items and a deadline", body=ACCEPT_BODY)
async def accept(ctx: Ctx):
    sub, project = await _submission(ctx, "submission.accept", lock=True)
    data = await ctx.json()
    settings = ctx.state.settings
    await reviews.accept(ctx.session, ctx.user, sub, project, data, utcnow(), ctx.emit, _cfg(ctx), ctx.state.storage,
                         public_base(settings, ctx.request))
    await commit(ctx)
    return {**await reviews.review_view(ctx.session, sub, project, utcnow(), ctx.principal, ctx.lang),
            "verification_code": project.verification_code}


@api("退回 (window) / Return the submission with reasons",
     body={"type": "object", "required": ["reasons"], "properties": {"reasons": {"oneOf": [
         {"type": "array", "minItems": 1, "items": REASON}, REASON]}}})
async def return_submission(ctx: Ctx):
    sub, project = await _submission(ctx, "submission.accept", lock=True)
    data = await ctx.json()
    await reviews.return_submission(ctx.session, ctx.user, sub, project, data.get("reasons"), utcnow(), ctx.emit)
    await commit(ctx)
    return await reviews.review_view(ctx.session, sub, project, utcnow(), ctx.principal, ctx.lang)


@api("容缺材料已补齐 (window) / Record deficiency items as supplied",
     body={"type": "object", "required": ["items"], "properties": {"items": {
         "type": "array", "minItems": 1, "items": REASON, "description": "items listed at acceptance"}}})
async def supply(ctx: Ctx):
    sub, project = await _submission(ctx, "submission.accept", lock=True)
    data = await ctx.json()
    await reviews.supply_deficiencies(ctx.session, ctx.user, sub, project, data.get("items"), utcnow(), ctx.emit)
    await commit(ctx)
    return await reviews.review_view(ctx.session, sub, project, utcnow(), ctx.principal, ctx.lang)


@api("容缺逾期退回 (window) / Return the case: the missing items are overdue; the clock stops",
     body={"type": "object", "required": ["reason"], "properties": {"reason": text(deficiencies.MAX_REASON, required=True)}})
async def return_overdue(ctx: Ctx):
    sub, project = await _submission(ctx, "submission.accept", lock=True)
    data = await ctx.json()
    await deficiencies.return_overdue(ctx.session, ctx.user, sub, project, data.get("reason"), utcnow(), ctx.emit)
    await commit(ctx)
    return await reviews.review_view(ctx.session, sub, project, utcnow(), ctx.principal, ctx.lang)


@api("延长容缺补齐期限 (window) / Extend the deadline for the missing items, with a reason",
     body={"type": "object", "required": ["deadline", "reason"], "properties": {
         "deadline": DAY_SCHEMA, "reason": text(deficiencies.MAX_REASON, required=True)}})
async def extend_deficiencies(ctx: Ctx):
    sub, project = await _submission(ctx, "submission.accept", lock=True)
    data = await ctx.json()
    await deficiencies.extend_deadline(ctx.session, ctx.user, sub, project, data.get("deadline"), data.get("reason"),
                                       utcnow(), ctx.emit)
    await commit(ctx)
    return await reviews.review_view(ctx.session, sub, project, utcnow(), ctx.principal, ctx.lang)


@api("受理回执 PDF / The acceptance receipt")
async def receipt(ctx: Ctx):
    sub, project = await _submission(ctx, "report.download")
    if not sub.receipt_sha256:
        raise NotFound("该报审尚未受理，没有回执", "Not accepted yet: no receipt")
    await ctx.record_download("receipt", "submission", sub.id, project.id, f"receipt-{project.case_number}.pdf")
    return _pdf(ctx.state.storage.path(sub.receipt_sha256).read_bytes(), f"receipt-{project.case_number}.pdf")


@api("出具审查意见书 (window；可选 checkers={专业: 审核人用户编号}) / Issue the round's merged report "
     "(optional checkers = {discipline: user id})",
     body={"type": "object", "properties": {"checkers": {
         "type": "object", "nullable": True, "properties": {d: ID_SCHEMA for d in workflow.DISCIPLINES},
         "description": "a discipline named must have a task in this round"}}}, body_required=False)
async def issue_report(ctx: Ctx):
    sub, project = await _submission(ctx, "report.issue")
    data = await ctx.json() if await ctx.request.body() else {}
    if data.get("checkers"):
        await report_extras.assign_checkers(ctx.session, sub, data["checkers"])
        # committed before the report renders and is signed: a write held open through that (on
        # SQLite the database's one write lock) would make every other writer wait (decision 081)
        await ctx.session.commit()
    with report_phases.recording() as phases:  # where the time went: Server-Timing (gather, stamp, render, sign …)
        await reviews.issue_report(ctx.session, ctx.user, sub, project, utcnow(), ctx.emit, ctx.state.storage,
                                   public_base(ctx.state.settings, ctx.request), ctx.state.settings)
        await commit(ctx)
    response = ok(await reviews.review_view(ctx.session, sub, project, utcnow(), ctx.principal, ctx.lang))
    response.headers["Server-Timing"] = report_phases.server_timing(phases)
    return response


@api("本轮全部审查意见（按意见书编号）/ All comments of the round, numbered as in the report")
async def round_comments(ctx: Ctx):
    sub, _project = await _submission(ctx, "project.view")
    return await comment_list.round_comments(ctx.session, ctx.state.storage, sub)


@api("意见书预览（签发前，窗口）/ Preview of the report before signing (window)")
async def report_preview(ctx: Ctx):
    sub, project = await _submission(ctx, "report.issue")
    return await report_preview_service.preview(ctx.session, ctx.state.storage, ctx.state.settings, sub, project,
                                                ctx.user, ctx.lang)


async def _preview_pdf(ctx: Ctx):
    """The unsigned preview, refused exactly as issuing would be now."""
    sub, project = await _submission(ctx, "report.issue")
    refused = await report_preview_service.refusal(ctx.session, sub, project, ctx.state.settings)
    if refused is not None:
        raise refused
    pdf, pages = await report_preview_service.preview_document(ctx.session, ctx.state.storage, sub, project,
                                                               ctx.user, ctx.state.settings)
    return sub, project, pdf, pages


@api("意见书预览 PDF（未签发）/ The unsigned preview PDF")
async def report_preview_pdf(ctx: Ctx):
    sub, project, pdf, _pages = await _preview_pdf(ctx)
    return _pdf(pdf, f"preview-{project.case_number}-r{sub.round_no}.pdf")


@api("意见书预览页图片 / A preview page as PNG")
async def report_preview_page(ctx: Ctx):
    _, _, pdf, pages = await _preview_pdf(ctx)
    png = await report_preview_service.page_png(pdf, pages, ctx.path_int("page"))  # in a child: docs/decisions/128
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, no-store"})


@api("审查意见书 PDF / The merged report")
async def report_pdf(ctx: Ctx):
    sub, project = await _submission(ctx, "report.download")
    if not sub.report_sha256:
        raise NotFound("审查意见书尚未出具", "The report has not been issued yet")
    await ctx.record_download("report", "submission", sub.id, project.id,
                              f"report-{project.case_number}-r{sub.round_no}.pdf")
    return _pdf(ctx.state.storage.path(sub.report_sha256).read_bytes(), f"report-{project.case_number}-r{sub.round_no}.pdf")


@api("我的审查任务（审查人员）/ 全部未完成任务（窗口）/ Open review tasks")
async def list_tasks(ctx: Ctx):
    user = ctx.user
    if user.role not in {"reviewer", "window", "admin"}:
        raise PermissionDenied()
    return await worklist.open_tasks(ctx.session, user, utcnow(), ctx.lang)


@api("改派 (window) / Reassign a task", body={"type": "object", "required": ["reviewer_id"],
                                              "properties": {"reviewer_id": ID_SCHEMA}})
async def assign(ctx: Ctx):
    task, sub, project = await _task(ctx, "task.assign")
    data = await ctx.json()
    await tasks.assign(ctx.session, ctx.user, task, sub, project, data.get("reviewer_id"), utcnow(), ctx.emit)
    await commit(ctx)
    return await _task_out(ctx, task)


@api("开始审查 / Start (after reassignment)")
async def start(ctx: Ctx):
    task, sub, project = await _task(ctx, "task.conclude")
    await tasks.start(ctx.session, ctx.user, task, sub, project, utcnow(), ctx.emit)
    await commit(ctx)
    return await _task_out(ctx, task)


@api("要求补正（暂停计时）/ Ask for corrections; the clock stops",
     body={"type": "object", "required": ["reason"], "properties": {"reason": REASON}})
async def pause(ctx: Ctx):
    task, sub, project = await _task(ctx, "task.conclude")
    tasks.require_reviewer(ctx.user, task)  # before the body: a caller who may not act learns nothing of it
    data = await ctx.json()
    await tasks.pause(ctx.session, ctx.user, task, sub, project, data.get("reason"), utcnow(), ctx.emit)
    await commit(ctx)
    return await _task_out(ctx, task)


@api("补正完成（恢复计时）/ Corrections supplied; the clock restarts")
async def resume(ctx: Ctx):
    task, sub, project = await _task(ctx, "project.view")
    if ctx.user.role not in {"designer", "window", "admin"}:
        raise PermissionDenied(details={"action": "task.resume"})
    await tasks.resume(ctx.session, ctx.user, task, sub, project, utcnow(), ctx.emit, _cfg(ctx))
    await commit(ctx)
    return await _task_out(ctx, task)


@api("出具专业结论 / Conclude the discipline's review",
     body={"type": "object", "required": ["conclusion"], "properties": {
         "conclusion": {"type": "string", "enum": [c.value for c in workflow.Conclusion]},
         "opinion": {"type": "string"}}})
async def conclude(ctx: Ctx):
    task, sub, project = await _task(ctx, "task.conclude")
    tasks.require_reviewer(ctx.user, task)  # before the body: a caller who may not act learns nothing of it
    data = await ctx.json()
    await tasks.conclude(ctx.session, ctx.user, task, sub, project, data.get("conclusion"), data.get("opinion", ""),
                         utcnow(), ctx.emit)
    await commit(ctx)
    return await _task_out(ctx, task)


ROUTES = [
    Route("/api/submissions/{submission_id:int}/submit", submit, methods=["POST"]),
    Route("/api/submissions/{submission_id:int}/review", review, methods=["GET"]),
    Route("/api/submissions/{submission_id:int}/completeness", completeness, methods=["GET"]),
    Route("/api/submissions/{submission_id:int}/accept", accept, methods=["POST"]),
    Route("/api/submissions/{submission_id:int}/return", return_submission, methods=["POST"]),
    Route("/api/submissions/{submission_id:int}/deficiencies", supply, methods=["POST"]),
    Route("/api/submissions/{submission_id:int}/deficiencies/return", return_overdue, methods=["POST"]),
    Route("/api/submissions/{submission_id:int}/deficiencies/extend", extend_deficiencies, methods=["POST"]),
    Route("/api/submissions/{submission_id:int}/receipt.pdf", receipt, methods=["GET"]),
    Route("/api/submissions/{submission_id:int}/report", issue_report, methods=["POST"]),
    Route("/api/submissions/{submission_id:int}/comments", round_comments, methods=["GET"]),
    Route("/api/submissions/{submission_id:int}/report/preview", report_preview, methods=["GET"]),
    Route("/api/submissions/{submission_id:int}/report/preview.pdf", report_preview_pdf, methods=["GET"]),
    Route("/api/submissions/{submission_id:int}/report/preview/{page:int}.png", report_preview_page, methods=["GET"]),
    Route("/api/submissions/{submission_id:int}/report.pdf", report_pdf, methods=["GET"]),
    Route("/api/tasks", list_tasks, methods=["GET"]),
    Route("/api/tasks/{task_id:int}/assign", assign, methods=["POST"]),
    Route("/api/tasks/{task_id:int}/start", start, methods=["POST"]),
    Route("/api/tasks/{task_id:int}/pause", pause, methods=["POST"]),
    Route("/api/tasks/{task_id:int}/resume", resume, methods=["POST"]),
    Route("/api/tasks/{task_id:int}/conclude", conclude, methods=["POST"]),
]
