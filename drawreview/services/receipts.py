"""The acceptance receipt (受理回执): drawn at acceptance, and drawn again when the window
changes the review period before the first round concludes (decision 132).

The receipt printed the due date of the acceptance; after a period change (decision 127) the
construction unit's copy named a date the clock no longer kept. The receipt served from then
on keeps every fact of the acceptance (time, window, disciplines, verification code) and prints
the new due date with each change — when, from how many working days to how many, the due date
before it, and the reason — and says it was drawn again. The receipt of the acceptance stays
in the blob store; the audit entry of the change names both files.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import AuditEntry, Organisation, ReviewTask, Submission, User
from . import anchors, workdays, workflow
from .notifications import aware

PERIOD_CHANGE = "project.review_period"  # the audit action of a period change (services/review_period.py)


def progress_url(base_url: str, case_number: str) -> str:
    return f"{base_url}/progress?case={case_number}"


async def _period_changes(session: AsyncSession, project_id: int) -> list[dict]:
    rows = (await session.exec(select(AuditEntry).where(AuditEntry.project_id == project_id,
                                                        AuditEntry.action == PERIOD_CHANGE).order_by(AuditEntry.id))).all()
    out = []
    for e in rows:
        d = e.detail or {}
        before = [aware(datetime.fromisoformat(t["from"])) for t in d.get("tasks", []) if t.get("from")]
        out.append({"at": workdays.to_local(aware(e.at)), "to_days": d.get("review_days"),
                    "from_days": workflow.review_days(1, complex_project=d.get("from") == "complex"),
                    "previous_due": workdays.to_local(max(before)) if before else None, "reason": d.get("reason", "")})
    return out


async def render(session: AsyncSession, sub: Submission, project, tasks: list[ReviewTask], cfg: dict, base_url: str,
                 issuer: str) -> bytes:
    """The receipt of ``sub``'s acceptance as its tasks' due dates stand now."""
    from ..report.receipt import render_receipt

    anchor = await anchors.document_anchor(session, project.id)  # printed, and kept after the commit
    anchors.after_commit(session, anchor, f"receipt {project.case_number}")
    cu = await session.get(Organisation, project.construction_unit_id)
    di = await session.get(Organisation, project.design_institute_id)
    local = workdays.to_local
    return render_receipt({
        "case_number": project.case_number, "project_name": project.name,
        "construction_unit": cu.name, "design_institute": di.name,
        "accepted_at": local(aware(sub.accepted_at)), "due_at": local(max(aware(t.due_at) for t in tasks)),
        "disciplines": [t.discipline for t in tasks], "verification_code": project.verification_code,
        "progress_url": progress_url(base_url, project.case_number),
        "review_days": workflow.review_days(1, complex_project=project.complexity == "complex", config=cfg),
        # the due date was counted without that year's holidays: the receipt says so
        "due_estimated": not workdays.calendar_covers(aware(sub.accepted_at), *[aware(t.due_at) for t in tasks]),
        "missing_items": [d["item"] for d in sub.deficiencies],
        "deficiency_deadline": local(aware(sub.deficiency_deadline)) if sub.deficiency_deadline else None,
        "issuer": issuer, "audit_anchor": anchors.anchor_line(anchor),
        "period_changes": await _period_changes(session, project.id),
    })


async def redraw(session: AsyncSession, storage, sub: Submission, project, cfg: dict, base_url: str) -> str | None:
    """Draw ``sub``'s receipt again (after a period change); its new blob's SHA-256, or None for
    a submission without a receipt. The acceptance's window stays the receipt's issuer."""
    if not sub.receipt_sha256 or sub.accepted_at is None:
        return None
    tasks = list((await session.exec(select(ReviewTask).where(ReviewTask.submission_id == sub.id,
                                                              ReviewTask.due_at.is_not(None))
                                     .order_by(ReviewTask.id))).all())
    if not tasks:
        return None
    window = await session.get(User, sub.accepted_by) if sub.accepted_by else None
    pdf = await render(session, sub, project, tasks, cfg, base_url, window.display_name if window else "")
    sub.receipt_sha256 = storage.put_bytes(pdf).sha256
    session.add(sub)
    return sub.receipt_sha256
