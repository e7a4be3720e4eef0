"""What an official report adds to the gathered round (services/report_data.py): the drawings
reviewed with their file hashes, the basis of the review (standards with editions, rulesets
with versions), the checker (审核人) of each discipline, the reply deadline of a
revision-required round, and the signature facts. The checker of a discipline is the one the
window named when issuing (``assign_checkers``), else the person who issues the report. Kept apart from ``report_data`` so the
round's data (conclusions, opinions, comments) and the document's apparatus change separately.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import ValidationFailed
from ..models import DrawingFile, Project, Report, ReviewTask, RuleFinding, Sheet, Submission, User, is_id
from ..report import model
from . import report_history, review_time, standing, workdays
from .sheets import sheet_label

REPLY_WORKDAYS = 20  # default; the workflow configuration's "reply_days" overrides it
# a standard's code with its year, e.g. GB 50016-2014, GB/T 50001-2017, JGJ 67-2019, DB33/T 1093-2013, GB 55037-2022
STANDARD_RE = re.compile(r"\b((?:GB|GB/T|GBJ|JGJ|JGJ/T|CJJ|CJJ/T|CECS|QX|QX/T|RFJ|DBJ|DB\d{2}(?:/T)?)\s?\d+(?:\.\d+)?"
                          r"(?:\s?[-—－]\s?\d{4})?)(\s?[（(]\d{4}\s?年版[)）])?")


def _standard_key(code: str) -> str:
    return re.sub(r"\s+", " ", code.replace("—", "-").replace("－", "-")).strip()


def standards_in(texts) -> dict[str, str]:
    """{standard code: edition note} found in ``texts`` (clauses, findings' standards)."""
    out: dict[str, str] = {}
    for text in texts:
        for m in STANDARD_RE.finditer(text or ""):
            code = _standard_key(m.group(1))
            edition = (m.group(2) or "").strip(" （()）")
            if code not in out or (edition and not out[code]):
                out[code] = edition
    return out


def ruleset_version(path: Path) -> str:
    """A ruleset's version: its declared ``version`` when it has one, always followed by the
    first 12 hex digits of the file's SHA-256 (which names the exact rules that ran)."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:12]
    try:
        declared = str(tomllib.loads(data.decode("utf-8")).get("version", "") or "")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        declared = ""
    return f"{declared} sha256:{digest}".strip()


async def drawings(session: AsyncSession, sub: Submission) -> tuple[model.Drawing, ...]:
    """The revision's sheets, then the earlier revisions' sheets it no longer has that carry a
    comment the report lists (``standing.left_behind``), each as it was, marked withdrawn."""
    rows = (await session.exec(select(Sheet, DrawingFile).join(DrawingFile, DrawingFile.id == Sheet.file_id)
                               .where(Sheet.submission_id == sub.id).order_by(Sheet.number, Sheet.id))).all()
    present = {s.number.strip() for s, _ in rows if s.number.strip()}
    # (a comment written on an earlier revision's sheet this one still has is listed there too:
    # that sheet is named with its revision, not called withdrawn)
    gone = {s.id for _, s in await standing.left_behind(session, sub)}
    older = (await session.exec(select(Sheet, DrawingFile, Submission.revision)
                                .join(DrawingFile, DrawingFile.id == Sheet.file_id)
                                .join(Submission, Submission.id == Sheet.submission_id)
                                .where(Sheet.id.in_(list(gone) or [0])).order_by(Sheet.number, Sheet.id))).all()
    # the file has its own column: an unnumbered sheet is named by its place in the file
    return tuple(model.Drawing(number=sheet_label(s, title=False), title=s.title or "—", discipline=s.discipline or "",
                               revision=revision, file_name=f.original_name, file_sha256=f.sha256,
                               withdrawn=revision != sub.revision and s.number.strip() not in present)
                 for s, f, revision in [(s, f, sub.revision) for s, f in rows] + list(older))


async def basis(session: AsyncSession, data: model.ReportData, sheet_ids, ruleset_dir: Path | None) -> tuple[model.Basis, ...]:
    texts = [c.clause for _, c in data.all_comments()]
    found = (await session.exec(select(RuleFinding).where(RuleFinding.sheet_id.in_(list(sheet_ids) or [0]),
                                                          RuleFinding.state == "confirmed"))).all()
    texts += [" ".join(str(x) for x in ((f.data or {}).get("standard"), (f.data or {}).get("clause")) if x)
              for f in found]
    out = [model.Basis(kind="standard", name=code, version=edition)
           for code, edition in sorted(standards_in(texts).items())]
    if ruleset_dir is not None:
        for code in sorted({d.code for d in data.disciplines} | {f.discipline for f in found}):
            path = Path(ruleset_dir) / f"{code}.toml"
            if path.is_file():
                out.append(model.Basis(kind="ruleset", name=f"rulesets/{path.name}", version=ruleset_version(path)))
    return tuple(out)


def reply_deadline(verdict: str | None, issued_at: datetime, cfg: dict | None) -> datetime | None:
    if verdict != "revision_required":
        return None
    days = int((cfg or {}).get("reply_days", REPLY_WORKDAYS))
    return workdays.to_local(workdays.add_workdays(issued_at, days))


CHECKER_ROLES = {"reviewer", "window", "admin"}  # people of the review authority


async def assign_checkers(session: AsyncSession, sub: Submission, checkers) -> None:
    """Record the checker (审核人) named for each discipline of the round: ``{discipline: user id}``.
    A checker is an active member of the review authority and not the discipline's own reviewer."""
    if not isinstance(checkers, dict) or not all(isinstance(k, str) and is_id(v) for k, v in checkers.items()):
        raise ValidationFailed("审核人应为 {专业: 用户编号}", "checkers must be {discipline: user id}",
                               details={"checkers": "object of discipline -> user id"})
    tasks = {t.discipline: t for t in (await session.exec(select(ReviewTask).where(
        ReviewTask.submission_id == sub.id))).all()}
    for discipline, user_id in checkers.items():
        task = tasks.get(discipline)
        if task is None:
            raise ValidationFailed(f"本轮没有“{discipline}”专业的审查任务", f"This round has no {discipline} review task",
                                   details={"discipline": discipline})
        user = await session.get(User, user_id)
        if user is None or not user.active or user.role not in CHECKER_ROLES:
            raise ValidationFailed(f"审核人（用户 {user_id}）不是审查机构的在岗人员",
                                   f"The checker (user {user_id}) is not an active member of the review authority",
                                   details={"discipline": discipline, "user_id": user_id})
        if user_id == task.reviewer_id:
            raise ValidationFailed(f"{user.display_name} 是该专业的审查人，不能同时担任审核人",
                                   f"{user.display_name} reviewed this discipline and cannot also be its checker",
                                   details={"discipline": discipline, "user_id": user_id})
        task.checker_id = user_id
        session.add(task)
    await session.flush()


async def checkers_of(session: AsyncSession, sub: Submission) -> dict[str, str]:
    """discipline -> the checker of its standing conclusion: the one named on that task, else, for
    a conclusion kept from an earlier round, whoever issued that round's report (its checker
    then); this round's others are left to the issuer."""
    held = await standing.of_round(session, sub)
    named = {d: h.task.checker_id for d, h in held.items() if h.task.checker_id}
    kept = {d: h.task.submission_id for d, h in held.items() if h.carried and d not in named}
    issuers = dict((await session.exec(select(Report.submission_id, Report.issued_by).where(
        Report.submission_id.in_(list(kept.values()) or [0]), Report.kind == "round"))).all())
    who = {d: issuers.get(s) for d, s in kept.items() if issuers.get(s)} | named
    users = {u.id: u.display_name for u in (await session.exec(select(User).where(
        User.id.in_(list(who.values()) or [0])))).all()}
    return {d: users[u] for d, u in who.items() if u in users}


async def enrich(session: AsyncSession, data: model.ReportData, sub: Submission, *, actor, verdict: str | None,
                 issued_at: datetime, cfg: dict | None, ruleset_dir: Path | None, signature_note: str,
                 certificate_url: str, stamped: tuple[model.Stamped, ...] = ()) -> model.ReportData:
    """``data`` with the official document's additions."""
    user = await session.get(User, getattr(actor, "user_id", None)) if getattr(actor, "user_id", None) else None
    issuer = user.display_name if user is not None else ""
    named = await checkers_of(session, sub)  # checkers named for disciplines; the issuer checked the others
    sheet_ids = (await session.exec(select(Sheet.id).where(Sheet.submission_id == sub.id))).all()
    deadline = reply_deadline(verdict, issued_at, cfg)
    project = replace(data.project, reply_deadline=deadline,  # said to be estimated, as the receipt does
                      reply_deadline_estimated=deadline is not None and not workdays.calendar_covers(issued_at, deadline),
                      signature_note=signature_note, certificate_url=certificate_url)
    case = await session.get(Project, sub.project_id)
    clock = await review_time.of_case(session, sub, complex_project=case.complexity == "complex", cfg=cfg,
                                      until=issued_at)
    return replace(data, project=project, drawings=await drawings(session, sub), review_time=clock,
                   basis=await basis(session, data, sheet_ids, ruleset_dir), stamped=stamped,
                   history=await report_history.history(session, sub),
                   disciplines=tuple(replace(d, checker=d.checker or named.get(d.code) or issuer)
                                     for d in data.disciplines))
