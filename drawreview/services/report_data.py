"""Gather one review round from the database into :class:`drawreview.report.model.ReportData`.

The report part's functions take plain data and paths; this module reads the rows (project,
organisations, each discipline's standing conclusion with its reviewer, date and opinion —
this round's, or the one kept from an earlier round (``services/standing.py``) — the round's
markups with their comment threads, confirmed rule findings) and points every comment at its sheet PDF blob.
Deleted and unconfirmed automatic markups are left out. Times are shown in Beijing time.
Characters the report font cannot draw are replaced by ``□`` (and listed in
``Gathered.replaced``) so one emoji in a reply cannot block an official report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import Conflict, NotFound
from ..models import (
    DISCIPLINE_NAMES,
    Annotation,
    Comment,
    Organisation,
    Project,
    Report,
    RuleFinding,
    Sheet,
    Submission,
    User,
)
from ..report import model
from ..report.font import font_chain
from ..rules.finding import facts_line
from . import sheets as sheet_service
from . import standing, workdays
from .findings import to_sheet
from .notifications import aware

DEFAULT_AUTHORITY = "联合审图中心"
PLACEHOLDER = "□"
# workflow conclusions -> the report's verdict codes (or free text it shows as given)
VERDICTS = {
    "approved": "passed",
    "approved_with_comments": "approved_with_comments",
    "revision_required": "revise",
    "rejected": "failed",
}
APPROVED = {"approved", "approved_with_comments"}


def local(dt: datetime | None) -> datetime | None:
    return workdays.to_local(aware(dt)) if dt else None


def verdict_code(conclusion: str | None) -> str:
    return VERDICTS.get(conclusion or "", conclusion or "pending")


def round_verdict(sub: Submission, held: dict[str, standing.Standing]) -> str | None:
    """The submission's verdict, else the most severe standing conclusion (None while open)."""
    if sub.verdict:
        return sub.verdict
    return standing.verdict(held)


class _Cleaner:
    """Replaces characters the report font has no glyph for."""

    def __init__(self, keep: bool = False) -> None:
        self.keep = keep  # exports (JSON, BCF) keep every character; only the PDF font substitutes
        self.font = font_chain()  # the report's fonts: a character one of them draws is kept
        self.cache: dict[str, bool] = {}
        self.replaced: set[str] = set()

    def __call__(self, text: str | None) -> str:
        text = text or ""
        if self.keep:
            return text
        out = []
        for ch in text:
            ok = self.cache.get(ch)
            if ok is None:
                ok = ch.isspace() or not ch.isprintable() or self.font.has_glyph(ord(ch)) != 0
                self.cache[ch] = ok
            if not ok:
                self.replaced.add(ch)
            out.append(ch if ok else PLACEHOLDER)
        return "".join(out)


async def _origins(session: AsyncSession, anns: list[Annotation]) -> dict[int, Annotation]:
    """annotation id -> the markup it was first raised as: a comment carried into later
    revisions is a chain of copies (``carried_from_id``); the first one has its round and time."""
    known = {a.id: a for a in anns}
    wanted = {a.carried_from_id for a in anns if a.carried_from_id} - set(known)
    while wanted:
        rows = (await session.exec(select(Annotation).where(Annotation.id.in_(list(wanted))))).all()
        known.update({r.id: r for r in rows})
        wanted = {r.carried_from_id for r in rows if r.carried_from_id} - set(known)

    def first(a: Annotation) -> Annotation:
        seen = {a.id}
        while a.carried_from_id in known and a.carried_from_id not in seen:
            a = known[a.carried_from_id]
            seen.add(a.id)
        return a
    return {a.id: first(a) for a in anns}


@dataclass
class Gathered:
    data: model.ReportData
    project: Project
    submission: Submission
    verdict: str | None  # workflow code
    sheets: dict[int, Sheet] = field(default_factory=dict)  # sheets that carry comments
    comments_per_sheet: dict[int, list[tuple[str, model.Comment]]] = field(default_factory=dict)
    replaced: set[str] = field(default_factory=set)
    # {sheet id: {"zh-CN": name, "en": name}} of the sheets above (their name in the report)
    sheet_names: dict[int, dict[str, str]] = field(default_factory=dict)


async def authority_name(session: AsyncSession, actor=None) -> str:
    org_id = getattr(actor, "org_id", None)
    if org_id:
        org = await session.get(Organisation, org_id)
        if org is not None and org.kind == "review_authority":
            return org.name
    org = (await session.exec(select(Organisation).where(Organisation.kind == "review_authority")
                              .order_by(Organisation.id))).first()
    return org.name if org else DEFAULT_AUTHORITY


def _finding(r: RuleFinding, sheet: Sheet, sheet_name: str, clean) -> model.Finding:
    d = r.data or {}
    rect = to_sheet(sheet, d.get("bbox"))

    def value(v):
        if v is None:
            return "—"
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else clean(str(v))

    return model.Finding(
        rule_id=clean(r.rule_id), clause=clean(" ".join(x for x in (d.get("standard"), d.get("clause")) if x)),
        message=clean(d.get("message_zh") or d.get("title_zh") or r.rule_id), measured=value(d.get("measured")),
        required=value(d.get("required")), unit=clean(d.get("unit") or ""),
        sheet_number=clean(sheet_name),
        bbox=(rect[0][0], rect[0][1], rect[1][0], rect[1][1]) if rect else None,
        facts=clean(facts_line(d.get("sources") or {})))


async def _sheet_names(session: AsyncSession, sheets: dict[int, Sheet], sub: Submission,
                       rounds: dict[int, int]) -> dict[int, dict[str, str]]:
    """{sheet id: {"zh-CN": its name in the report, "en": in English}}: :func:`sheets.sheet_label`
    without the title, which has its own field. The report groups comments by that name, so two
    sheets that would be named alike (the same unnumbered file resubmitted; an earlier round's
    sheet left behind) are told apart by their round, else by their id."""
    files = await sheet_service.file_names(session, (s.file_id for s in sheets.values()))
    out: dict[int, dict[str, str]] = {}
    taken: set[str] = set()
    for s in sorted(sheets.values(), key=lambda s: (s.submission_id != sub.id, s.id)):
        zh, en = (sheet_service.sheet_label(s, files.get(s.file_id), lang, title=False) for lang in ("zh-CN", "en"))
        if zh in taken:
            earlier = rounds.get(s.submission_id) if s.submission_id != sub.id else None
            zh, en = (zh + f"（第 {earlier} 轮）", en + f" (round {earlier})") if earlier \
                else (zh + f"（#{s.id}）", en + f" (#{s.id})")
        taken.add(zh)
        out[s.id] = {"zh-CN": zh, "en": en}
    return out


async def gather(session: AsyncSession, storage, submission_id: int, *, actor=None, issued_at: datetime | None = None,
                 authority: str | None = None, need_pdfs: bool = True, raw: bool = False) -> Gathered:
    """The round of ``submission_id`` as ReportData; raises Conflict when a commented sheet
    has no rendered PDF yet (unless ``need_pdfs`` is false: the JSON export names PDFs only)."""
    sub = await session.get(Submission, submission_id)
    if sub is None:
        raise NotFound("找不到该报审", "Submission not found", details={"submission_id": submission_id})
    project = await session.get(Project, sub.project_id)
    clean = _Cleaner(keep=raw)
    orgs = {o.id: o for o in (await session.exec(select(Organisation).where(
        Organisation.id.in_([project.construction_unit_id, project.design_institute_id])))).all()}
    # each discipline's standing conclusion: this round's task, or the one kept from an earlier round
    held = await standing.of_round(session, sub)
    tasks = [h.task for h in held.values()]
    sheets = {s.id: s for s in (await session.exec(select(Sheet).where(Sheet.submission_id == sub.id))).all()}
    anns = list((await session.exec(select(Annotation).where(
        Annotation.sheet_id.in_(list(sheets) or [0]), Annotation.deleted == False,  # noqa: E712
        Annotation.automatic == False).order_by(Annotation.id)  # noqa: E712
        .execution_options(populate_existing=True))).all())  # as stored: markup writes may bypass the ORM
    # comments still open on an earlier revision's sheet that this revision dropped (no copy
    # was carried): they stay open for the approval gate, so the report lists them too
    # (and those closed in this round where they were left: verified here, listed and counted closed)
    left_behind = await standing.left_behind(session, sub)
    own = list(sheets)  # this revision's sheets (its confirmed findings)
    present = {s.number.strip() for s in sheets.values() if s.number.strip()}
    sheets.update({s.id: s for _, s in left_behind})
    anns = sorted(anns + [a for a, _ in left_behind], key=lambda a: a.id)
    rounds = {s.id: s.round_no for s in await standing.chain(session, sub)}
    # comments closed in earlier rounds (a discipline with none left here says so, not "no comments")
    closed_before = dict((await session.exec(
        select(Annotation.discipline, func.count()).join(Sheet, Sheet.id == Annotation.sheet_id)
        .where(Sheet.submission_id.in_([i for i in rounds if i != sub.id] or [0]), Annotation.status == "closed",
               Annotation.deleted == False, Annotation.automatic == False,  # noqa: E712
               Annotation.id.notin_([a.id for a, _ in left_behind] or [0]))
        .group_by(Annotation.discipline))).all())
    origin = await _origins(session, anns)
    origin_sub = dict((await session.exec(select(Sheet.id, Sheet.submission_id).where(
        Sheet.id.in_([o.sheet_id for o in origin.values()] or [0])))).all())
    issued = dict((await session.exec(select(Report.submission_id, Report.issued_at).where(
        Report.submission_id.in_(list(rounds) or [0]), Report.kind == "round"))).all())

    def raised_round(first: Annotation) -> int | None:
        """The round whose report first shows the comment: its drawing's round, or the next one
        for a comment added to that drawing after that round's report was issued."""
        revision = origin_sub.get(first.sheet_id)
        n, at = rounds.get(revision), issued.get(revision)
        late = n is not None and at is not None and revision != sub.id and aware(first.created_at) > aware(at)
        return n + 1 if late else n
    replies = list((await session.exec(select(Comment).where(Comment.annotation_id.in_([a.id for a in anns] or [0]))
                                       .order_by(Comment.created_at, Comment.id))).all())
    findings = list((await session.exec(select(RuleFinding).where(
        RuleFinding.sheet_id.in_(own or [0]), RuleFinding.state == "confirmed")
        .order_by(RuleFinding.id))).all())
    user_ids = ({a.author_id for a in anns} | {c.author_id for c in replies}
                | {t.reviewer_id for t in tasks if t.reviewer_id})
    users = {u.id: u for u in (await session.exec(select(User).where(User.id.in_(list(user_ids) or [0])))).all()}
    orgs.update({o.id: o for o in (await session.exec(select(Organisation).where(
        Organisation.id.in_([u.org_id for u in users.values() if u.org_id] or [0])))).all()})
    authority = authority or await authority_name(session, actor)

    def who(user_id: int | None) -> str:
        u = users.get(user_id)
        return clean(u.display_name) if u else "—"

    def org_of(user_id: int) -> str:
        u = users.get(user_id)
        if u is None:
            return "—"
        if u.role == "reviewer" and u.discipline:
            return DISCIPLINE_NAMES.get(u.discipline, (u.discipline,))[0]
        return clean(orgs[u.org_id].name) if u.org_id in orgs else "—"

    thread: dict[int, list[model.Reply]] = {}
    for c in replies:
        thread.setdefault(c.annotation_id, []).append(
            model.Reply(author=who(c.author_id), org=org_of(c.author_id), at=local(c.created_at), text=clean(c.body)))
    name = await _sheet_names(session, sheets, sub, rounds)
    missing = sorted({name[a.sheet_id]["zh-CN"] for a in anns
                      if not sheets[a.sheet_id].pdf_sha256 or not storage.exists(sheets[a.sheet_id].pdf_sha256)})
    if missing and need_pdfs:
        raise Conflict("有审查意见的图纸尚未生成 PDF，暂不能生成报告", "Some commented sheets have no rendered PDF yet",
                       code="sheet_not_ready", details={"sheets": missing})

    by_disc: dict[str, list[model.Comment]] = {}
    per_sheet: dict[int, list[tuple[str, model.Comment]]] = {}
    for a in anns:
        sheet = sheets[a.sheet_id]
        geo = a.geometry or {}
        c = model.Comment(
            id=str(a.id), sheet_number=clean(name[sheet.id]["zh-CN"]), sheet_title=clean(sheet.title),
            sheet_pdf_path=storage.path(sheet.pdf_sha256) if sheet.pdf_sha256 else Path(f"sheet-{sheet.id}.pdf"),
            geometry=model.Geometry(kind=a.kind, points=[tuple(p) for p in geo.get("points", [])],
                                    text=clean(geo.get("text", ""))),
            severity=a.severity, clause=clean(a.clause), status=a.status, text=clean(a.body), author=who(a.author_id),
            created_at=local(origin[a.id].created_at), thread=thread.get(a.id, ()),
            raised_round=raised_round(origin[a.id]), first_id=str(origin[a.id].id),
            sheet_round=rounds.get(sheet.submission_id) if sheet.submission_id != sub.id else None,
            sheet_withdrawn=sheet.submission_id != sub.id and sheet.number.strip() not in present)
        by_disc.setdefault(a.discipline, []).append(c)
        per_sheet.setdefault(sheet.id, []).append((a.discipline, c))
    found: dict[str, list[model.Finding]] = {}
    for r in findings:
        found.setdefault(r.discipline, []).append(_finding(r, sheets[r.sheet_id], name[r.sheet_id]["zh-CN"], clean))

    sections = []
    codes = [t.discipline for t in tasks] + sorted((set(by_disc) | set(found)) - {t.discipline for t in tasks})
    task_of = {t.discipline: t for t in tasks}
    for code in codes:
        t, h = task_of.get(code), held.get(code)
        done = h is not None and h.conclusion is not None
        zh, en = DISCIPLINE_NAMES.get(code, (code, code))
        sections.append(model.DisciplineSection(
            code=code, name_zh=zh, name_en=en, reviewer=who(t.reviewer_id) if t else "—",
            conclusion=verdict_code(h.conclusion if h else None), concluded_at=local(t.concluded_at) if done else None,
            comments=by_disc.get(code, ()), findings=found.get(code, ()),
            opinion=clean(t.opinion) if done else "", concluded_round=h.round_no if done else None,
            closed_before=closed_before.get(code, 0)))
    verdict = round_verdict(sub, held)
    cu, di = orgs.get(project.construction_unit_id), orgs.get(project.design_institute_id)
    data = model.ReportData(project=model.Project(
        name=clean(project.name), case_number=clean(project.case_number or "—"), address=clean(project.address or "—"),
        construction_unit=clean(cu.name if cu else "—"), design_institute=clean(di.name if di else "—"),
        authority=clean(authority), round_no=sub.round_no, submitted_at=local(sub.submitted_at),
        accepted_at=local(sub.accepted_at), issued_at=local(issued_at), verdict=verdict_code(verdict)),
        disciplines=sections)
    return Gathered(data=data, project=project, submission=sub, verdict=verdict,
                    sheets={sid: sheets[sid] for sid in per_sheet}, comments_per_sheet=per_sheet,
                    replaced=clean.replaced, sheet_names={sid: name[sid] for sid in per_sheet})
