"""Statistics for the window: projects by type and stage, first-review working days, on-time
rate and comments per discipline, rounds per project, service ratings; CSV rows for export.

The sets are small (a city's cases per year), so rows are loaded once for the date range and
counted in Python with the same working-day functions the clock uses.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import ValidationFailed
from ..models import Annotation, Project, Rating, ReviewTask, Submission
from . import names, workdays, workflow
from .day_input import parse_day
from .notifications import aware


DAY_RANGE = workdays.DAY_RANGE


def parse_range(raw_from: str | None, raw_to: str | None) -> tuple[datetime | None, datetime | None]:
    """``from``/``to`` dates (Beijing days, inclusive) as UTC bounds."""
    out = []
    for name, raw, t, extra in (("from", raw_from, time.min, 0), ("to", raw_to, time.min, 1)):
        if not raw:
            out.append(None)
            continue
        day = parse_day(raw, name)
        day = min(max(day, DAY_RANGE[0]), DAY_RANGE[1])  # a bound beyond the range: no record lies there
        out.append(datetime.combine(day + timedelta(days=extra), t, workdays.BEIJING).astimezone(timezone.utc))
    if out[0] and out[1] and out[0] >= out[1]:
        raise ValidationFailed("开始日期须早于结束日期", "The start date must not be after the end date",
                               details={"from": "must be before to"})
    return out[0], out[1]


def _in(dt, lo, hi) -> bool:
    dt = aware(dt)
    return dt is not None and (lo is None or dt >= lo) and (hi is None or dt < hi)


def _summary(values: list[int]) -> dict:
    return {"count": len(values), "mean": round(sum(values) / len(values), 2) if values else None,
            "max": max(values) if values else None}


async def compute(session: AsyncSession, lo: datetime | None, hi: datetime | None, now: datetime,
                  lang: str = "zh-CN") -> dict:
    projects = [p for p in (await session.exec(select(Project))).all() if _in(p.created_at, lo, hi)]
    ids = {p.id for p in projects}
    by_type_stage: dict[str, Counter] = defaultdict(Counter)
    for p in projects:
        by_type_stage[p.project_type][p.stage] += 1
    subs = [s for s in (await session.exec(select(Submission))).all() if s.project_id in ids]
    sub_ids = {s.id: s for s in subs}
    first_days = [workdays.workdays_between(aware(s.accepted_at), aware(s.concluded_at))
                  for s in subs if s.round_no == 1 and s.accepted_at and s.concluded_at]
    rounds = Counter()
    for s in subs:
        rounds[s.project_id] = max(rounds[s.project_id], s.round_no if s.accepted_at else 0)
    tasks = [t for t in (await session.exec(select(ReviewTask))).all() if t.submission_id in sub_ids]
    per = {d: {"tasks": 0, "concluded": 0, "on_time": 0, "late": 0, "first_days": [], "comments": 0}
           for d in workflow.DISCIPLINES}
    for t in tasks:
        row = per.setdefault(t.discipline, {"tasks": 0, "concluded": 0, "on_time": 0, "late": 0, "first_days": [],
                                            "comments": 0})
        row["tasks"] += 1
        pauses = [(datetime.fromisoformat(a), datetime.fromisoformat(b) if b else None) for a, b in t.pauses]
        if t.state == "concluded":
            row["concluded"] += 1
            on_time = aware(t.concluded_at) <= aware(t.due_at)
            row["on_time" if on_time else "late"] += 1
            if sub_ids[t.submission_id].round_no == 1:
                row["first_days"].append(workdays.workdays_between(aware(t.started_at), aware(t.concluded_at), pauses))
        elif t.due_at and workdays.is_overdue(aware(t.due_at), now, pauses):
            row["late"] += 1
    counts = (await session.exec(
        select(Annotation.discipline, Annotation.project_id, func.count())
        .where(Annotation.deleted == False, Annotation.carried_from_id.is_(None))  # noqa: E712
        .group_by(Annotation.discipline, Annotation.project_id))).all()
    for discipline, project_id, n in counts:
        if project_id in ids and discipline in per:
            per[discipline]["comments"] += n
    disciplines = []
    for d, row in per.items():
        judged = row["on_time"] + row["late"]
        disciplines.append({"discipline": d, "name": names.discipline(d, lang), "tasks": row["tasks"],
                            "concluded": row["concluded"], "on_time": row["on_time"], "late": row["late"],
                            "on_time_rate": round(row["on_time"] / judged, 3) if judged else None,
                            "first_review_days": _summary(row["first_days"]), "comments": row["comments"]})
    ratings = [r for r in (await session.exec(select(Rating).order_by(Rating.id.desc()))).all() if r.project_id in ids]
    reviewed = [n for n in rounds.values() if n > 0]
    return {
        "range": {"from": lo.isoformat() if lo else None, "to": hi.isoformat() if hi else None},
        "projects": {"total": len(projects),
                     "by_type_stage": {k: dict(v) for k, v in by_type_stage.items()},
                     "by_stage": dict(sum(by_type_stage.values(), Counter()))},
        "first_review_days": _summary(first_days),
        "disciplines": disciplines,
        "rounds": {"distribution": dict(sorted(Counter(reviewed).items())),
                   "mean": round(sum(reviewed) / len(reviewed), 2) if reviewed else None},
        "ratings": {"count": len(ratings),
                    "mean": round(sum(r.score for r in ratings) / len(ratings), 2) if ratings else None,
                    "by_role": {role: round(sum(r.score for r in rs) / len(rs), 2) for role, rs in
                                _group(ratings, lambda r: r.role).items()},
                    "recent": [{"project_id": r.project_id, "role": r.role, "score": r.score, "text": r.text}
                               for r in ratings[:20]]},
    }


def _group(rows, key) -> dict:
    out: dict = defaultdict(list)
    for r in rows:
        out[key(r)].append(r)
    return out


def to_csv(stats: dict) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["section", "group", "metric", "value"])
    for ptype, stages in stats["projects"]["by_type_stage"].items():
        for stage, n in stages.items():
            w.writerow(["projects", f"{ptype}/{stage}", "count", n])
    for k, v in stats["first_review_days"].items():
        w.writerow(["first_review_days", "all", k, v])
    for d in stats["disciplines"]:
        for k in ("tasks", "concluded", "on_time", "late", "on_time_rate", "comments"):
            w.writerow(["discipline", d["discipline"], k, d[k]])
        for k, v in d["first_review_days"].items():
            w.writerow(["discipline", d["discipline"], f"first_review_days_{k}", v])
    for n, count in stats["rounds"]["distribution"].items():
        w.writerow(["rounds", str(n), "projects", count])
    w.writerow(["ratings", "all", "mean", stats["ratings"]["mean"]])
    w.writerow(["ratings", "all", "count", stats["ratings"]["count"]])
    return "\ufeff" + buf.getvalue()  # BOM: Excel opens UTF-8 Chinese text correctly
