"""The sheet list of a submission or a project, one page at a time (issue 18: 5,000-sheet sets).

``page(session, scope, filters, limit, cursor)`` answers one page in a stable order — revision,
file, sheet id — with keyset pagination: the cursor is the last row's sort key, so a page costs
the same wherever it is in the list and sheets added meanwhile neither repeat nor vanish.
Filters: ``discipline`` (exact), ``number`` (prefix, any case), ``state`` and ``q`` (text in the
number, the title or the file's name: a sheet without a number is found by its file). ``total``
counts the rows matching the filters.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from sqlalchemy import func, or_, tuple_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import ValidationFailed
from ..models import DrawingFile, Sheet, Submission, is_id

DEFAULT_LIMIT = 500  # what a client that names no limit gets (older clients read one list)
MAX_LIMIT = 1000
STATES = ("pending", "processing", "ready", "failed")


@dataclass(frozen=True)
class Filters:
    discipline: str = ""
    number: str = ""
    state: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> "Filters":
        f = cls(**{k: (params.get(k) or "").strip()[:64] for k in ("discipline", "number", "state", "q")})
        if f.state and f.state not in STATES:
            raise ValidationFailed(f"未知的图纸状态：{f.state}", f"unknown sheet state: {f.state}",
                                   details={"state": f.state, "allowed": list(STATES)})
        return f


def parse_limit(raw: str | None) -> int:
    if raw in (None, ""):
        return DEFAULT_LIMIT
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_LIMIT:
        raise ValidationFailed(f"每页条数须在 1–{MAX_LIMIT} 之间", f"limit must be between 1 and {MAX_LIMIT}",
                               details={"limit": raw, "max": MAX_LIMIT})
    return n


def encode_cursor(key: tuple[int, int, int]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_cursor(raw: str | None) -> tuple[int, int, int] | None:
    """The sort key a cursor carries: three ids (revision, file, sheet). A cursor comes from the
    client and may be forged: anything else (a number beyond the id columns, true, deep nesting)
    is refused here, never handed to a query (SQLite cannot bind beyond 64 bits: it was a 500)."""
    if not raw:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        if isinstance(key, list) and len(key) == 3 and all(is_id(v) for v in key):
            return tuple(key)
    except (ValueError, TypeError, RecursionError):  # RecursionError: "[[[[…" nested past the limit
        pass
    raise ValidationFailed("分页游标无效，请从第一页重新开始", "invalid page cursor; start again from the first page",
                           code="invalid_cursor", details={"cursor": raw[:100]})


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(stmt, f: Filters):
    if f.discipline:
        stmt = stmt.where(Sheet.discipline == f.discipline)
    if f.state:
        stmt = stmt.where(Sheet.state == f.state)
    if f.number:
        stmt = stmt.where(func.upper(Sheet.number).like(_like(f.number.upper()) + "%", escape="\\"))
    if f.q:
        pattern = "%" + _like(f.q.lower()) + "%"
        stmt = stmt.where(or_(func.lower(Sheet.number).like(pattern, escape="\\"),
                              func.lower(Sheet.title).like(pattern, escape="\\"),
                              func.lower(DrawingFile.original_name).like(pattern, escape="\\")))
    return stmt


async def page(session: AsyncSession, *, submission_id: int | None = None, project_id: int | None = None,
               filters: Filters = Filters(), limit: int = DEFAULT_LIMIT, cursor: str | None = None) -> dict:
    """``{"items": [(Sheet, revision, file name)], "next": cursor | None, "total": n}`` of a
    submission or (with *project_id*) of every submission of a project."""
    key = (Submission.revision, Sheet.file_id, Sheet.id)
    # within one submission the revision is fixed: order and compare by (file, id) only, so the
    # database walks ix_sheet_list_order and stops after one page instead of sorting every row
    order = key[1:] if submission_id is not None else key
    base = (select(Sheet, Submission.revision, DrawingFile.original_name)
            .join(Submission, Submission.id == Sheet.submission_id).join(DrawingFile, DrawingFile.id == Sheet.file_id))
    count = select(func.count()).select_from(Sheet).join(Submission, Submission.id == Sheet.submission_id)
    if filters.q:  # the text may be in the file's name
        count = count.join(DrawingFile, DrawingFile.id == Sheet.file_id)
    if submission_id is not None:
        base, count = base.where(Sheet.submission_id == submission_id), count.where(Sheet.submission_id == submission_id)
    else:
        base, count = base.where(Submission.project_id == project_id), count.where(Submission.project_id == project_id)
    base, count = _where(base, filters), _where(count, filters)
    after = decode_cursor(cursor)
    if after is not None:
        base = base.where(tuple_(*order) > tuple_(*after[len(key) - len(order):]))
    rows = list((await session.exec(base.order_by(*order).limit(limit + 1))).all())
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor((rows[-1][1], rows[-1][0].file_id, rows[-1][0].id)) if more and rows else None
    return {"items": rows, "next": nxt, "total": (await session.exec(count)).one()}


async def disciplines(session: AsyncSession, submission_id: int) -> list[str]:
    """The disciplines the submission's sheets name (the choices of the discipline filter)."""
    rows = await session.exec(select(Sheet.discipline).where(Sheet.submission_id == submission_id,
                                                             Sheet.discipline != "").distinct())
    return sorted(rows.all())
