"""All of a round's comments at once, numbered exactly as the merged report numbers them
("2-3": the second discipline's third comment), for the project page's comment list. Built from
the report's own data (``report_data.gather``), so the list and the report cannot disagree."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import DISCIPLINE_NAMES, Annotation, Submission
from ..report.model import aware
from . import report_data


_ORG_EN = {zh: en for zh, en in DISCIPLINE_NAMES.values()}


def withdrawn_zh(sheet_round: int | None) -> str:
    return f"（第 {sheet_round} 轮图纸，本版已撤出）" if sheet_round else ""


def withdrawn_en(sheet_round: int | None) -> str:
    return f" (round {sheet_round} sheet, withdrawn)" if sheet_round else ""


def _beijing(at) -> str | None:
    """The report's times are Beijing local times; the API says so (+08:00)."""
    return aware(at).isoformat() if at else None


async def round_comments(session: AsyncSession, storage, sub: Submission) -> list[dict]:
    g = await report_data.gather(session, storage, sub.id, need_pdfs=False)
    ids = [int(c.id) for d in g.data.disciplines for c in d.comments]
    anns = {a.id: a for a in (await session.exec(select(Annotation).where(Annotation.id.in_(ids or [0])))).all()}
    out = []
    for idx, d in enumerate(g.data.disciplines, start=1):
        n = 0
        for number, title, comments in d.sheets():
            for c in comments:
                n += 1
                a = anns.get(int(c.id))
                if a is None:
                    continue
                # on an earlier revision's sheet that this revision no longer has (decision 156)
                gone = c.sheet_round if c.sheet_withdrawn else None
                out.append({
                    "number": f"{idx}-{n}", "id": a.id, "version": a.version, "discipline": d.code,
                    "discipline_name": {"zh-CN": d.name_zh, "en": d.name_en},
                    "sheet_id": a.sheet_id, "sheet_number": number, "sheet_title": title,
                    # the sheet as users see it everywhere: a number, or the file and its place; a sheet
                    # of an earlier revision that this one no longer has says so (decision 156)
                    "sheet_label": {"zh-CN": number + withdrawn_zh(gone),
                                    "en": g.sheet_names.get(a.sheet_id, {}).get("en", number) + withdrawn_en(gone)},
                    "sheet_withdrawn": gone is not None,
                    "severity": c.severity, "status": a.status, "clause": c.clause, "text": c.text,
                    "author": c.author, "created_at": _beijing(c.created_at),
                    # the round it was raised in and its number then (a carried comment is a copy)
                    "raised_round": c.raised_round, "first_id": int(c.first_id), "sheet_round": c.sheet_round,
                    "thread": [{"author": r.author, "org": r.org, "at": _beijing(r.at), "text": r.text,
                                # a reviewer's "org" is his discipline's Chinese name: named in English too
                                "org_name": {"zh-CN": r.org, "en": _ORG_EN.get(r.org, r.org)}} for r in c.thread],
                })
    return out
