"""Service ratings (1–5 + text) by the construction unit and the design institute after the
review is complete; one per organisation and project (a second one replaces the first)."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import InvalidTransition, PermissionDenied, ValidationFailed
from ..models import Project, Rating
from . import audit, events

FINAL_STAGES = ("approved", "rejected")
MAX_TEXT = 2000  # a rating's words


def may_rate(actor, project: Project) -> None:
    """Only the project's construction unit and design institute rate its review (else 403)."""
    if actor.role not in ("designer", "construction") or actor.org_id not in (project.design_institute_id,
                                                                                project.construction_unit_id):
        raise PermissionDenied("只有建设单位和设计单位可以评价", "Only the construction unit and the design institute may rate")


async def rate(session: AsyncSession, actor, project: Project, data: dict, emit) -> Rating:
    may_rate(actor, project)
    if project.stage not in FINAL_STAGES:
        raise InvalidTransition("审查完成后才能评价", "The service can be rated once the review is complete",
                                details={"stage": project.stage, "allowed_stages": list(FINAL_STAGES)})
    score, text = data.get("score"), data.get("text", "")
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationFailed(details={"score": "integer 1-5"})
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise ValidationFailed(details={"text": f"text, at most {MAX_TEXT} characters"})
    rating = (await session.exec(select(Rating).where(Rating.project_id == project.id,
                                                      Rating.org_id == actor.org_id))).first()
    if rating is None:
        rating = Rating(project_id=project.id, org_id=actor.org_id, user_id=actor.user_id, role=actor.role,
                        score=score, text=text.strip())
    else:
        rating.score, rating.text, rating.user_id = score, text.strip(), actor.user_id
    session.add(rating)
    await session.flush()
    await audit.record(session, actor, "rating.set", "rating", rating.id, project.id, {"score": score})
    emit(await events.append(session, project.id, "rating.set", actor, {"score": score, "role": actor.role}))
    return rating


def rating_dict(r: Rating) -> dict:
    return {"id": r.id, "project_id": r.project_id, "role": r.role, "score": r.score, "text": r.text}
