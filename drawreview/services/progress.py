"""The public progress query (进度查询): case number + verification code, no login.

Shows the stage, each discipline's task state and dates, and nothing of the drawings (no
names of files or sheets, no comments, no people) — and the issued reports, which the case
number + code let their holder download. Guessing is throttled per client IP and per case
number, counting failed lookups only (``throttle``); a wrong code and an unknown case answer
alike.
"""

from __future__ import annotations

import asyncio
import hmac
import re
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import NotFound, RateLimited, ValidationFailed
from ..models import Project, Report, ReviewTask, Submission
from ..ratelimit import address_key
from . import names, standing, tasks, workdays
from .notifications import aware

IP_LIMIT, IP_WINDOW_S = 30, 600
CASE_LIMIT, CASE_WINDOW_S = 10, 3600
# what the query takes (the OpenAPI document declares these very patterns): a case number in
# either case and a code of ASCII digits, spaces around them ignored
CASE_PATTERN = r"^\s*[A-Za-z]{1,8}-[0-9]{4}-[0-9]{1,9}\s*$"
CODE_PATTERN = r"^\s*[0-9]{6,16}\s*$"
CASE_RE, CODE_RE = re.compile(CASE_PATTERN), re.compile(CODE_PATTERN)


def stage_name(code: str, lang: str) -> str:
    """A stage for the public: a project not yet handed in is "not submitted", not a draft."""
    if code == "draft":
        return "Not submitted" if lang.startswith("en") else "未提交"
    return names.submission_state(code, lang)


def _keys(ip: str, case_number: str) -> dict[str, tuple[str, int]]:
    ip = address_key(ip)  # an IPv6 client counts by its /64, not by one of its many addresses
    return {"ip": (f"progress:fail:ip:{ip}", IP_WINDOW_S), "case": (f"progress:fail:case:{case_number}", CASE_WINDOW_S),
            "case_ip": (f"progress:fail:case-ip:{case_number}:{ip}", CASE_WINDOW_S)}


async def throttle(limiter, ip: str, case_number: str) -> None:
    """Only failed lookups count. An address with too many failures is stopped; a case whose
    code was guessed wrong too often stops every address that has already failed on it (one
    try each for new ones), while an address that never failed — the owner with the right
    code — is never stopped by others' guesses."""
    keys = _keys(ip, case_number)
    if await limiter.count(*keys["ip"]) >= IP_LIMIT:
        raise RateLimited(details={"scope": "ip", "retry_after_s": IP_WINDOW_S})
    if await limiter.count(*keys["case"]) >= CASE_LIMIT and await limiter.count(*keys["case_ip"]) > 0:
        raise RateLimited(details={"scope": "case", "retry_after_s": CASE_WINDOW_S})


async def failed(limiter, ip: str, case_number: str) -> None:
    for key, window in _keys(ip, case_number).values():
        await limiter.hit(key, window)


def _iso(dt) -> str | None:
    return aware(dt).isoformat() if dt else None


async def query(session: AsyncSession, limiter, ip: str, case_number: str, code: str, now: datetime,
                lang: str = "zh-CN") -> dict:
    """The case's progress; the names of stages, states, disciplines and conclusions in ``lang``."""
    bad_case, bad_code = not CASE_RE.match(case_number or ""), not CODE_RE.match(code or "")
    if bad_case or bad_code:
        zh, en = [], []
        if bad_case:
            zh.append("受理编号应形如 JS-2025-000001" if (case_number or "").strip() else "请输入受理编号")
            en.append("the case number looks like JS-2025-000001" if (case_number or "").strip() else "enter the case number")
        if bad_code:
            zh.append("验证码为 6 至 16 位数字" if (code or "").strip() else "请输入验证码")
            en.append("the verification code is 6 to 16 digits" if (code or "").strip() else "enter the verification code")
        en_text = "; ".join(en)
        raise ValidationFailed("；".join(zh), en_text[0].upper() + en_text[1:],
                               details={"case": "e.g. JS-2025-000001", "code": "6 to 16 digits"})
    case_number, code = case_number.strip().upper(), code.strip()
    await throttle(limiter, ip, case_number)
    project = (await session.exec(select(Project).where(Project.case_number == case_number))).first()
    expected = (project.verification_code if project else None) or "x" * len(code)
    if project is None or not hmac.compare_digest(expected.encode(), code.encode()):
        await failed(limiter, ip, case_number)
        raise NotFound("受理编号或验证码不正确", "Wrong case number or verification code", code="not_found")
    subs = (await session.exec(select(Submission).where(Submission.project_id == project.id,
                                                        Submission.accepted_at.is_not(None))
                               .order_by(Submission.revision))).all()
    rounds = []
    for sub in subs:
        rows = (await session.exec(select(ReviewTask).where(ReviewTask.submission_id == sub.id)
                                   .order_by(ReviewTask.id))).all()
        rounds.append({
            "round": sub.round_no, "revision": sub.revision, "state": sub.state,
            "state_name": stage_name(sub.state, lang), "submitted_at": _iso(sub.submitted_at),
            "verdict": sub.verdict, "report_issued_at": _iso(sub.report_issued_at),
            "disciplines": [{
                "discipline": t.discipline, "name": names.discipline(t.discipline, lang),
                "state": t.state, "state_name": names.task_state(t.state, lang),
                "conclusion": t.conclusion, "started_at": _iso(t.started_at), "due_at": _iso(t.due_at),
                "concluded_at": _iso(t.concluded_at), "light": tasks.light_of(t, now),
                # paused for corrections (补正): the clock stands, the due date moves on by the pause
                "paused": t.state == "paused",
                # False: the due date was counted by weekends (that year's holidays not entered)
                "calendar_exact": workdays.calendar_covers(*[d for d in (aware(t.started_at), aware(t.due_at)) if d]),
            } for t in rows],
            # every discipline's standing conclusion in this round (kept ones with their round)
            "standing": [{"discipline": d["discipline"], "name": d["discipline_name"], "conclusion": d["conclusion"],
                          "conclusion_name": d["conclusion_name"], "round": d["round"], "carried": d["carried"],
                          "concluded_at": d["concluded_at"]} for d in await standing.standing_dicts(session, sub, lang)],
        })
    latest = subs[-1] if subs else None
    return {
        "case_number": project.case_number, "project_name": project.name,
        "stage": project.stage, "stage_name": stage_name(project.stage, lang),
        "accepted_at": _iso(subs[0].accepted_at) if subs else None,
        "round": latest.round_no if latest else None,
        # item: the category as the window listed it (结施); item_name: in the reader's language
        "deficiencies": [{"item": d["item"], "item_name": names.category(d["item"], lang), "supplied": bool(d.get("supplied_at"))}
                         for d in (latest.deficiencies if latest else [])],
        "rounds": rounds,
        # the issued reports: the case number + code are the credential to download them
        "reports": [{"id": r.id, "round": r.round_no, "verdict": r.verdict, "issued_at": _iso(r.issued_at),
                     "sha256": r.sha256, "pages": r.pages}
                    for r in (await session.exec(select(Report).where(Report.project_id == project.id)
                                                 .order_by(Report.round_no, Report.id))).all()],
    }


async def report_pdf(session: AsyncSession, storage, limiter, ip: str, case_number: str, code: str,
                     report_id, now: datetime) -> tuple[Report, bytes]:
    """An issued report of the case, for whoever holds its case number + code (checked and
    throttled exactly as the progress query is)."""
    facts = await query(session, limiter, ip, case_number, code, now)
    wanted = next((r for r in facts["reports"] if str(r["id"]) == str(report_id)), None)
    if wanted is None:
        raise NotFound("该受理编号下没有这份意见书", "No such report for this case", code="not_found")
    report = await session.get(Report, wanted["id"])
    return report, await asyncio.to_thread(storage.path(report.sha256).read_bytes)
