"""Rule findings on sheets: store the engine's output, list, confirm into a markup, dismiss.

* :func:`store_findings` replaces a sheet's findings idempotently: each finding has a
  fingerprint (rule, handles, bbox); a finding produced again keeps its row and its decision,
  undecided rows no longer produced are removed, decided ones are kept (they are the record).
* confirming a finding creates an ordinary (``automatic=false``) markup of the confirming
  reviewer, linked by ``finding_id``, a cloud around the finding's box in sheet coordinates;
  confirming again returns the same markup. Dismissing needs a reason. Only reviewers of the
  finding's discipline decide. See docs/decisions/003-annotations-and-sync.md.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import Principal
from ..errors import InvalidTransition, NotFound, ValidationFailed
from ..models import Annotation, DrawingFile, ReviewTask, RuleFinding, Sheet, Submission
from ..policy import require_assigned_reviewer, require_project
from . import annotation_views, annotations, audit, markups
from . import events as events_service
from .client_writes import WriteResult, check_client_id, perform
from .notifications import aware
from .visible import is_blank

STORE_CHUNK = 100  # findings stored between two turns of the event loop
MARGIN = 6.0  # sheet points around the finding's box
MAX_REASON = 500  # a dismissal's reason
# Reviewers see automatic findings once the review of the submission has started (the
# submission is in review or past it, or their discipline's task was started); the designer
# sees undecided ones only in its pre-check of a draft or returned submission (OUTSIDE_ROLES).
REVIEW_STARTED = frozenset({"in_review", "concluded", "revision_required", "resubmitted", "approved", "rejected"})
PRECHECK_STATES = ("draft", "returned")


def fingerprint(f: dict) -> str:
    bbox = [round(v, 3) for v in f.get("bbox") or []]
    key = json.dumps([f["rule_id"], sorted(f.get("handles") or []), bbox], ensure_ascii=False)
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def to_sheet(sheet: Sheet, bbox) -> list[list[float]] | None:
    """A drawing-units bbox -> two opposite corners in sheet points (None without a map)."""
    if not bbox or len(sheet.transform or []) != 3:
        return None
    a, e, f = sheet.transform
    x0, y0, x1, y1 = bbox
    xs = sorted([a * x0 + e, a * x1 + e])
    ys = sorted([-a * y0 + f, -a * y1 + f])
    return [[xs[0], ys[0]], [xs[1], ys[1]]]


def on_sheet(sheet: Sheet, rect) -> bool:
    if rect is None or not (sheet.width and sheet.height):
        return True
    (x0, y0), (x1, y1) = rect
    return x1 >= 0 and y1 >= 0 and x0 <= sheet.width and y0 <= sheet.height


def finding_dict(r: RuleFinding, sheet: Sheet | None = None) -> dict:
    data = r.data or {}
    out = {"id": r.id, "sheet_id": r.sheet_id, "rule_id": r.rule_id, "discipline": r.discipline,
           "severity": r.severity, "state": r.state, "dismiss_reason": r.dismiss_reason,
           "created_at": aware(r.created_at).isoformat(), "data": data,
           "color": markups.PALETTE.get(r.discipline, "#555555")}
    if sheet is not None:
        out["rect"] = to_sheet(sheet, data.get("bbox"))
    return out


async def store_findings(session: AsyncSession, sheet: Sheet, findings: list[dict]) -> dict:
    """Replace the sheet's findings (idempotent); returns counts. The caller commits.

    Runs on the event loop (the jobs' in-process part): every ``STORE_CHUNK`` findings the rows
    so far are flushed and the loop gets a turn, so a sheet with thousands of findings does not
    hold it (measured: 1,000 findings ≈ 0.1 s of fingerprints and row objects, as much again to
    flush them; docs/decisions/119)."""
    existing = {}
    rows = await session.stream_scalars(select(RuleFinding).where(RuleFinding.sheet_id == sheet.id)
                                        .execution_options(yield_per=STORE_CHUNK))
    async for part in rows.partitions():  # rows made a chunk at a time, the loop running between
        existing.update(((r.data or {}).get("fingerprint") or f"row-{r.id}", r) for r in part)
        await asyncio.sleep(0)
    seen, added = set(), 0
    for i, f in enumerate(findings, 1):
        if i % STORE_CHUNK == 0:
            await session.flush()
            await asyncio.sleep(0)
        fp = fingerprint(f)
        if fp in seen:
            continue
        seen.add(fp)
        data = {**f, "fingerprint": fp}
        row = existing.get(fp)
        if row is None:
            session.add(RuleFinding(sheet_id=sheet.id, rule_id=f["rule_id"][:32], discipline=f["discipline"][:32],
                                    severity=f["severity"][:16], data=data))
            added += 1
        else:
            row.data = data
            session.add(row)
    removed = 0
    for fp, row in existing.items():
        if fp not in seen and row.state == "new":
            await session.delete(row)
            removed += 1
            if removed % STORE_CHUNK == 0:
                await session.flush()
                await asyncio.sleep(0)
    return {"total": len(seen), "added": added, "removed": removed}


async def _load(session: AsyncSession, principal, finding_id: int, action: str):
    row = await session.get(RuleFinding, finding_id)
    if row is None:
        raise NotFound("找不到该检查结果", "Finding not found", details={"finding_id": finding_id})
    sheet, project_id = await annotation_views.sheet_project_id(session, row.sheet_id)
    project = await require_project(session, principal, project_id, action)
    if action == "finding.decide":
        annotations.refuse_closed_case(project.stage)
    return row, sheet, project_id


async def _hidden_submissions(session: AsyncSession, principal, submission_ids: set[int]) -> set[int]:
    """Those of *submission_ids* whose findings a reviewer may not see yet (review not started)."""
    if getattr(principal, "role", None) != "reviewer" or not submission_ids:
        return set()
    subs = (await session.exec(select(Submission.id, Submission.state)
                               .where(Submission.id.in_(submission_ids)))).all()
    waiting = {sid for sid, state in subs if state not in REVIEW_STARTED}
    if not waiting:
        return set()
    started = (await session.exec(select(ReviewTask.submission_id).where(
        ReviewTask.submission_id.in_(waiting), ReviewTask.discipline == principal.discipline,
        ReviewTask.state != "pending"))).all()
    return waiting - set(started)


# Outside the authority (the design institute, the construction unit) automatic findings are
# the reviewers' working material: only those a reviewer confirmed (then also a comment) are
# shown — except to the designer's own pre-check of a draft or returned submission.
OUTSIDE_ROLES = frozenset({"designer", "construction"})


def event_for(role: str | None, msg: dict) -> dict:
    """A live or logged project event as a reader in ``role`` receives it on the websocket. A
    dismissed finding is working material outside the authority (as in ``_visible``): its
    content, the reviewer's reason and who dismissed it are left out; the seq stays, so the
    client still counts every event once."""
    if role in OUTSIDE_ROLES and msg.get("type") == "finding.dismissed":
        return {key: msg[key] for key in ("type", "project_id", "seq", "at") if key in msg}
    return msg


async def _precheck_submissions(session: AsyncSession, principal, submission_ids: set[int]) -> set[int]:
    """Those of *submission_ids* where ``principal`` sees undecided findings as its pre-check."""
    if getattr(principal, "role", None) != "designer" or not submission_ids:
        return set()
    rows = (await session.exec(select(Submission.id).where(Submission.id.in_(submission_ids),
                                                           Submission.state.in_(PRECHECK_STATES)))).all()
    return set(rows)


async def _visible(session: AsyncSession, principal, pairs: list[tuple[RuleFinding, Sheet]]) -> list[dict]:
    subs = {sheet.submission_id for _, sheet in pairs}
    hidden = await _hidden_submissions(session, principal, subs)
    outside = getattr(principal, "role", None) in OUTSIDE_ROLES
    precheck = await _precheck_submissions(session, principal, subs) if outside else set()
    return [finding_dict(r, sheet) for r, sheet in pairs if sheet.submission_id not in hidden
            and (not outside or r.state == "confirmed" or sheet.submission_id in precheck)]


async def list_for_sheet(session: AsyncSession, principal, sheet_id: int) -> list[dict]:
    sheet, project_id = await annotation_views.sheet_project_id(session, sheet_id)
    await require_project(session, principal, project_id)
    rows = (await session.exec(select(RuleFinding).where(RuleFinding.sheet_id == sheet_id)
                               .order_by(RuleFinding.id))).all()
    return await _visible(session, principal, [(r, sheet) for r in rows])


async def list_for_project(session: AsyncSession, principal, project_id: int,
                           submission_id: int | None = None, discipline: str | None = None) -> list[dict]:
    """Every finding on every sheet of the project (all submissions, or the one given; every
    discipline, or the one given), for the viewer's "all sheets" list and the designer's
    pre-check; each with its sheet rectangle."""
    if discipline and discipline not in markups.PALETTE:
        raise ValidationFailed(details={"discipline": f"one of {tuple(markups.PALETTE)}"})
    await require_project(session, principal, project_id)
    stmt = (select(RuleFinding, Sheet).join(Sheet, Sheet.id == RuleFinding.sheet_id)
            .join(Submission, Submission.id == Sheet.submission_id)
            .where(Submission.project_id == project_id))
    if submission_id is not None:
        stmt = stmt.where(Submission.id == submission_id)
    if discipline:
        stmt = stmt.where(RuleFinding.discipline == discipline)
    rows = (await session.exec(stmt.order_by(RuleFinding.sheet_id, RuleFinding.id))).all()
    return await _visible(session, principal, list(rows))


async def precheck(session: AsyncSession, queue, settings, principal, submission_id: int) -> dict:
    """The designer's pre-check: run the rule checks again on every ready DXF sheet of a draft
    (or returned) submission, one ``check_file`` job per file (each file read once); the jobs
    store the findings and announce them with ``findings.updated`` events; queuing twice while
    a job waits does nothing."""
    from ..jobs.drawings import enqueue
    from .submissions import require_submission

    sub, _ = await require_submission(session, principal, submission_id, "submission.upload")
    if sub.state not in PRECHECK_STATES:
        raise InvalidTransition(
            f"报审版本 {sub.revision} 处于“{sub.state}”状态，自检只能在提交前进行",
            f"Submission revision {sub.revision} is '{sub.state}'; the pre-check runs before submitting",
            details={"state": sub.state, "allowed": list(PRECHECK_STATES)})
    rows = (await session.exec(select(Sheet.id, Sheet.file_id).join(DrawingFile, DrawingFile.id == Sheet.file_id)
                                .where(Sheet.submission_id == sub.id, Sheet.state == "ready",
                                       DrawingFile.format.in_(("dxf", "dwg"))).order_by(Sheet.id))).all()
    ids = [sheet_id for sheet_id, _ in rows]
    for file_id in dict.fromkeys(file_id for _, file_id in rows):
        await enqueue({"queue": queue, "settings": settings}, "check_file", file_id)
    await audit.record(session, principal, "submission.precheck", "submission", sub.id, sub.project_id,
                       {"sheets": len(ids)})
    await session.commit()
    return {"submission_id": sub.id, "queued": ids}


def _severity(data: dict, severity: str) -> str:
    if data.get("mandatory") or severity == "error":
        return "mandatory"
    return "general" if severity == "warning" else "suggestion"


async def may_decide(session: AsyncSession, principal, finding_id: int):
    """The caller may confirm or dismiss the finding (its discipline's assigned reviewer), else
    403/404: the finding, its sheet and its project's id. A finding the caller may not see yet (its
    submission's review not started, for him: ``_hidden_submissions``) is not found: deciding it
    also sent it, in its event, to every socket of the project (decision 151)."""
    row, sheet, project_id = await _load(session, principal, finding_id, "finding.decide")
    if sheet.submission_id in await _hidden_submissions(session, principal, {sheet.submission_id}):
        raise NotFound("找不到该检查结果", "Finding not found", details={"finding_id": finding_id})
    await require_assigned_reviewer(session, principal, project_id, row.discipline)
    return row, sheet, project_id


async def confirm(session, broadcast, principal: Principal, finding_id: int, data: dict) -> WriteResult:
    client_id = check_client_id(data.get("client_id"), required=False)

    async def write(session: AsyncSession):
        row, sheet, project_id = await may_decide(session, principal, finding_id)
        linked = (await session.exec(select(Annotation).where(Annotation.finding_id == row.id,
                                                              Annotation.deleted == False))).first()  # noqa: E712
        if row.state == "dismissed":
            raise InvalidTransition("该检查结果已被驳回", "This finding was dismissed", details={"state": row.state})
        if linked is not None:  # already confirmed: the same markup, nothing new
            return {"finding": finding_dict(row, sheet), "annotation": await annotation_views.render(session, linked)}, \
                [], project_id
        d = row.data or {}
        rect = to_sheet(sheet, d.get("bbox"))
        if rect is None:
            points = [[sheet.width / 2, sheet.height / 2]]
            kind = "pin"
        else:
            points = [[rect[0][0] - MARGIN, rect[0][1] - MARGIN], [rect[1][0] + MARGIN, rect[1][1] + MARGIN]]
            kind = "cloud"
        clause = " ".join(x for x in (d.get("standard"), d.get("clause")) if x)[:200]
        ann = Annotation(client_id=f"finding-{row.id}-{secrets.token_hex(6)}", project_id=project_id, sheet_id=sheet.id,
                         author_id=principal.user_id, discipline=row.discipline, kind=kind,
                         geometry={"points": points}, severity=_severity(d, row.severity), clause=clause,
                         body=d.get("message_zh") or d.get("title_zh") or row.rule_id, finding_id=row.id)
        session.add(ann)
        row.state = "confirmed"
        session.add(row)
        await session.flush()
        out = await annotation_views.render(session, ann)
        fd = finding_dict(row, sheet)
        ev1 = await events_service.append(session, project_id, "annotation.created", principal,
                                          {"client_id": client_id, "annotation": out})
        ev2 = await events_service.append(session, project_id, "finding.confirmed", principal,
                                          {"client_id": client_id, "finding": fd, "annotation_id": ann.id})
        await audit.record(session, principal, "finding.confirm", "rule_finding", row.id, project_id,
                           {"annotation_id": ann.id, "rule_id": row.rule_id})
        return {"finding": fd, "annotation": out}, [ev1, ev2], project_id

    return await perform(session, broadcast, principal, "finding.confirm", client_id, write,
                         target=("finding_id", finding_id), data=data)


async def dismiss(session, broadcast, principal: Principal, finding_id: int, data: dict) -> WriteResult:
    client_id = check_client_id(data.get("client_id"), required=False)
    reason = data.get("reason")
    if not isinstance(reason, str) or is_blank(reason) or len(reason) > MAX_REASON:
        raise ValidationFailed(f"请填写驳回理由（不超过 {MAX_REASON} 字）",
                               f"Give a reason for dismissing (at most {MAX_REASON} characters)",
                               details={"reason": f"required text, at most {MAX_REASON} characters"})

    async def write(session: AsyncSession):
        row, sheet, project_id = await may_decide(session, principal, finding_id)
        if row.state == "confirmed":
            raise InvalidTransition("该检查结果已确认为审查意见", "This finding was already confirmed",
                                    details={"state": row.state})
        if row.state == "dismissed":
            return {"finding": finding_dict(row, sheet)}, [], project_id
        row.state, row.dismiss_reason = "dismissed", reason.strip()
        session.add(row)
        await session.flush()
        fd = finding_dict(row, sheet)
        ev = await events_service.append(session, project_id, "finding.dismissed", principal,
                                         {"client_id": client_id, "finding": fd})
        await audit.record(session, principal, "finding.dismiss", "rule_finding", row.id, project_id,
                           {"reason": row.dismiss_reason, "rule_id": row.rule_id})
        return {"finding": fd}, [ev], project_id

    return await perform(session, broadcast, principal, "finding.dismiss", client_id, write,
                         target=("finding_id", finding_id), data=data)
