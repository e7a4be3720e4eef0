"""The window's look before signing: the round's report as it would be issued — drawn the same
way, unsigned, every page marked 预览 · 未签发 / PREVIEW · NOT ISSUED — or the refusal that issuing
would meet now, naming what blocks it. Nothing is written: no blob, no row, no audit entry."""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict

from ..errors import DrawReviewError, NotFound
from ..models import Project, Submission
from ..report.printer import printer
from . import report_data, standing, tasks, workflow
from .notifications import utcnow

PAGES_SHOWN = 3  # the first pages shown before signing
_cache: OrderedDict[tuple, tuple[bytes, int]] = OrderedDict()  # (store, submission, event seq, …) -> (PDF, pages)
_cache_lock = threading.Lock()
CACHE_SIZE = 8


async def refusal(session, sub: Submission, project: Project, settings) -> DrawReviewError | None:
    """The error issuing would raise now (the same checks, in the same order), or None."""
    from . import reviews

    try:
        await reviews.require_concluded(session, sub)
        action = workflow.verdict_action(sub.verdict, [d["item"] for d in sub.deficiencies if not d.get("supplied_at")])
        if action == "approve":
            cfg = tasks.config(settings) if settings is not None else workflow.DEFAULT_CONFIG
            standing.refuse_approval(await standing.approval_blockers(session, sub, project, cfg))
    except DrawReviewError as exc:
        return exc
    return None


async def report_apparatus(session, settings, g, actor):
    """(data with what issuing adds, seal image) — the same functions the issuing path calls."""
    from ..report.seal import load_seal
    from ..report.signing import level_note
    from . import report_extras, reports

    cfg = await asyncio.to_thread(reports.signing_config, settings, g.data.project.authority)
    data = await report_extras.enrich(
        session, g.data, g.submission, actor=actor, verdict=g.verdict, issued_at=utcnow(), cfg=tasks.config(settings),
        ruleset_dir=getattr(settings, "ruleset_dir", None), signature_note=level_note(cfg), certificate_url="")
    return data, await asyncio.to_thread(load_seal, getattr(settings, "seal_image", None), g.data.project.authority)


async def preview_document(session, storage, sub: Submission, project: Project, actor,
                           settings=None) -> tuple[bytes, int]:
    """(the preview PDF, its page count), drawn by the report printer's child (MuPDF keeps the
    GIL while it draws the comments' crops: docs/decisions/128)."""
    # every change to a round is a project event; the blob root tells deployments (and tests) apart
    key = (str(getattr(storage, "root", id(storage))), sub.id, project.last_event_seq, sub.state, sub.verdict)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    g = await report_data.gather(session, storage, sub.id, actor=actor, issued_at=utcnow())
    data, seal = g.data, None
    if settings is not None:  # the official apparatus as issuing adds it (drawings, basis, deadline, seal)
        data, seal = await report_apparatus(session, settings, g, actor)
    made = await printer().preview(data, seal)
    with _cache_lock:
        _cache[key] = made
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return made


async def preview_pdf(session, storage, sub: Submission, project: Project, actor, settings=None) -> bytes:
    return (await preview_document(session, storage, sub, project, actor, settings))[0]


async def preview(session, storage, settings, sub: Submission, project: Project, actor, lang: str) -> dict:
    """What the issuing dialog shows: the verdict, the refusal (if any), the page count and the
    URLs of the first pages' pictures."""
    refused = await refusal(session, sub, project, settings)
    out = {"submission_id": sub.id, "round": sub.round_no, "verdict": sub.verdict, "may_issue": refused is None,
           "refusal": refused.envelope(lang)["error"] if refused is not None else None, "pages": 0, "page_urls": []}
    if refused is not None:
        return out
    out["checkers"] = await checker_choices(session, sub, lang)
    _pdf, out["pages"] = await preview_document(session, storage, sub, project, actor, settings)
    base = f"/api/submissions/{sub.id}/report/preview"
    out["page_urls"] = [f"{base}/{i}.png" for i in range(1, min(PAGES_SHOWN, out["pages"]) + 1)]
    out["pdf_url"] = f"{base}.pdf"
    return out


async def page_png(pdf: bytes, pages: int, page_no: int, width_px: int = 900) -> bytes:
    """A picture of one of the first pages of the preview *pdf* (of *pages* pages), drawn in the
    report printer's child."""
    if not 1 <= page_no <= min(PAGES_SHOWN, pages):
        raise NotFound("预览中没有这一页", "That page is not in the preview", details={"page": page_no})
    return await printer().page_png(pdf, page_no, width_px)


async def checker_choices(session, sub: Submission, lang: str) -> dict:
    """Who may be named checker (审核人) for each discipline of the round when issuing: an active
    member of the review authority who is not that discipline's reviewer (report_extras)."""
    from sqlmodel import select

    from ..models import ReviewTask, User
    from .report_extras import CHECKER_ROLES
    from .workflow import DISCIPLINES

    tasks = (await session.exec(select(ReviewTask).where(ReviewTask.submission_id == sub.id)
                                .order_by(ReviewTask.id))).all()
    people = (await session.exec(select(User).where(User.active == True, User.role.in_(sorted(CHECKER_ROLES)))  # noqa: E712
                                 .order_by(User.id))).all()
    return {"disciplines": [{"code": t.discipline, "name": DISCIPLINES.get(t.discipline, t.discipline),
                             "reviewer_id": t.reviewer_id, "checker_id": t.checker_id} for t in tasks],
            "candidates": [{"id": u.id, "name": u.display_name} for u in people]}
