"""Carrying a round's open comments to the next revision: each unclosed markup of the previous
revision is copied, with its reply thread and its state, onto the matching sheet of the new one
(matched sheet, else the same sheet number), its points mapped through both sheets' transforms
so it lands on the same drawing place (docs/decisions/004, 120)."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import Annotation, Comment, Project, Sheet, Submission
from .tasks import Emit, step


def sheet_point_mapper(old: Sheet, new: Sheet):
    """Sheet points of ``old`` -> sheet points of ``new`` through the drawing's own coordinates.

    ``Sheet.transform`` is ``[a, e, f]``: ``px = a*x + e``, ``py = -a*y + f`` (drawing units ->
    sheet points, y down). A revision whose extents changed gets another ``e``/``f`` (and maybe
    ``a``), so the same drawing place has other sheet points; without a transform on either
    side (a PDF sheet of unknown scale) the points are kept."""
    def usable(t):
        return isinstance(t, list) and len(t) == 3 and all(isinstance(v, (int, float)) for v in t) and t[0] != 0
    if not (usable(old.transform) and usable(new.transform)) or list(old.transform) == list(new.transform):
        return lambda p: [float(p[0]), float(p[1])]
    (a, e, f), (a2, e2, f2) = old.transform, new.transform

    def move(p):
        x, y = (p[0] - e) / a, (f - p[1]) / a
        return [round(a2 * x + e2, 3), round(-a2 * y + f2, 3)]
    return move


def _moved(geometry: dict, move) -> dict:
    return {**geometry, "points": [move(p) for p in geometry.get("points", [])]}


async def carry_forward(session: AsyncSession, sub: Submission, emit: Emit | None = None) -> int:
    """Copy the previous revision's unclosed annotations onto the matching sheets of ``sub``
    (matched by ``Sheet.matched_sheet_id``, else by sheet number), keeping their status (open,
    or answered: to verify), ``carried_from_id`` set, with their reply threads. The geometry is mapped through the old
    sheet's transform inverse and the new one's (:func:`sheet_point_mapper`), so a comment lands
    on the same drawing place when the new revision's extents change. Idempotent (client_id
    ``carry-<old>-<sheet>``), so the sheets job may call it again once a late revision's sheets
    are ready. Returns the number copied."""
    if sub.previous_id is None:
        return 0
    new_sheets = (await session.exec(select(Sheet).where(Sheet.submission_id == sub.id))).all()
    by_match = {s.matched_sheet_id: s for s in new_sheets if s.matched_sheet_id}
    by_number = {s.number.strip(): s for s in new_sheets if s.number.strip()}
    rows = (await session.exec(
        select(Annotation, Sheet).join(Sheet, Sheet.id == Annotation.sheet_id)
        .where(Sheet.submission_id == sub.previous_id, Annotation.deleted == False,  # noqa: E712
               Annotation.status != "closed").order_by(Annotation.id)
        .execution_options(populate_existing=True))).all()  # statuses as stored (markup writes may bypass the ORM)
    copied = []
    for ann, old_sheet in rows:
        target = by_match.get(old_sheet.id) or by_number.get(old_sheet.number.strip())
        if target is None:
            continue
        client_id = f"carry-{ann.id}-{target.id}"
        if (await session.exec(select(Annotation.id).where(Annotation.client_id == client_id))).first():
            continue
        fields = {k: getattr(ann, k) for k in Annotation.model_fields
                  if k not in ("id", "client_id", "sheet_id", "status", "carried_from_id", "version",
                               "created_at", "updated_at", "finding_id", "deleted")}
        fields["geometry"] = _moved(ann.geometry or {}, sheet_point_mapper(old_sheet, target))
        # the state comes along: an answered comment arrives "answered, to verify", not open again
        copy = Annotation(**fields, client_id=client_id, sheet_id=target.id, status=ann.status, carried_from_id=ann.id)
        session.add(copy)
        copied.append(copy)
    if copied:
        await session.flush()
        for copy in copied:  # the reply thread comes along (same authors, bodies and times)
            thread = (await session.exec(select(Comment).where(Comment.annotation_id == copy.carried_from_id)
                                         .order_by(Comment.id))).all()
            session.add_all([Comment(client_id=f"carry-{c.id}-{copy.id}", annotation_id=copy.id, author_id=c.author_id,
                                     body=c.body, created_at=c.created_at) for c in thread])
        await session.flush()
        project = await session.get(Project, sub.project_id)
        await step(session, "system", "annotation.carry_forward", sub, project.id, emit or (lambda e: None),
                   {"count": len(copied), "annotations": [[c.carried_from_id, c.id] for c in copied]},
                   event="annotations.carried")
    return len(copied)
