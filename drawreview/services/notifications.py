"""Notifications: in-app rows, an email outbox and signed webhooks (transactional outbox).

``notify`` runs inside the caller's transaction: it writes one ``Notification`` per recipient,
one ``OutboxEmail`` per recipient with an address, and one ``WebhookDelivery`` per matching
webhook. Nothing is sent there, so a change and its notifications commit (or roll back)
together and an SMTP or receiver outage loses nothing; ``services.deliveries`` sends them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import datetime, timezone

from sqlalchemy import func, or_, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..models import Notification, OutboxEmail, Project, User, Webhook, WebhookDelivery

log = logging.getLogger("drawreview.notifications")

# type -> (audience, zh template, en template); templates see the payload plus case/project.
# Every template starts "{project}：" (zh) / "{project}: " (en), and uses the page's words for
# states, lights and verdicts (web/i18n.py, drawreview/vocabulary.py): tests/services/test_notifications.py
MESSAGES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "submission.submitted": (("window",), "{project}：设计单位已提交报审，待受理",
                             "{project}: the design institute submitted the drawings, waiting for acceptance"),
    "submission.accepted": (("designer", "construction"), "{project}：已受理，受理编号 {case}",
                            "{project}: accepted, case number {case}"),
    "submission.returned": (("designer", "construction"), "{project}：报审已退回，退回理由：{reasons}",
                            "{project}: returned; reasons for return: {reasons}"),
    "task.assigned": (("assignee",), "{project}：您有新的{discipline_zh}审查任务",
                      "{project}: new {discipline} review task for you"),
    "task.paused": (("designer",), "{project}：{discipline_zh}要求补正（暂停计时）：{reason}",
                    "{project}: {discipline} asks for corrections (the clock stops): {reason}"),
    "task.resumed": (("assignee",), "{project}：补正材料已提交，{discipline_zh}审查恢复计时",
                     "{project}: corrections supplied; the {discipline} review clock restarts"),
    "task.yellow": (("assignee",), "{project}：{discipline_zh}审查临期（时限 {due}）",
                    "{project}: the {discipline} review is due soon (due {due})"),
    "task.red": (("assignee", "window"), "{project}：{discipline_zh}审查超期（时限 {due}），已督办",
                 "{project}: the {discipline} review is overdue (due {due}); escalated"),
    "comment.added": (("designer",), "{project}：{discipline_zh}新增审查意见",
                      "{project}: new {discipline} review comment"),
    # to the comment's author (decision 149): another reviewer's or the design institute's reply
    "comment.replied": (("assignee",), "{project}：{name} 回复了您的{discipline_zh}审查意见",
                        "{project}: {name} replied to your {discipline} review comment"),
    "revision.required": (("designer", "construction"), "{project}：第 {round} 轮审查结论为修改后复审，请逐条答复审查意见并重新提交",
                          "{project}: the verdict of round {round} is revise and resubmit; answer every comment and resubmit"),
    "submission.resubmitted": (("reviewers", "window"), "{project}：设计单位已提交第 {revision} 版修改图纸，请复审",
                               "{project}: the design institute submitted revision {revision}; please review it again"),
    "report.issued": (("designer", "construction"), "{project}：审查意见书已出具（{verdict_zh}）",
                      "{project}: the review report was issued ({verdict})"),
    "deficiency.overdue": (("window", "designer"), "{project}：容缺材料逾期未补齐（{items}）",
                           "{project}: the missing items are overdue ({items})"),
    "deficiency.extended": (("designer", "construction"), "{project}：容缺材料补齐期限延长至 {deadline}，理由：{reason}",
                            "{project}: the deadline for the missing items was extended to {deadline}; reason: {reason}"),
    "review_period.changed": (("designer", "construction", "assignee"),
                              "{project}：审查时限由{previous_complexity_zh}调整为{complexity_zh}，理由：{reason}",
                              "{project}: the review period was changed from {previous_complexity} to {complexity}; "
                              "reason: {reason}"),
}
EVENT_TYPES = tuple(MESSAGES)
# a webhook's address and secret (the OpenAPI document declares these; the host is checked by egress)
URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s\u0000]+([/?#][^\s\u0000]*)?$"
MAX_URL, MIN_SECRET, MAX_SECRET = 500, 16, 200


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def aware(dt: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt


class _Safe(dict):
    def __missing__(self, key):
        return "—"


def _texts(type_: str, project: Project, payload: dict) -> tuple[str, str]:
    from .workflow import DISCIPLINES

    from ..web.i18n import MESSAGES as LABELS

    _, zh, en = MESSAGES[type_]
    # a list in each language's own punctuation (an English notice read "returned: a、b")
    values = _Safe({k: ("、".join(map(str, v)) if isinstance(v, list) else v) for k, v in payload.items()})
    values_en = _Safe({k: ("; ".join(map(str, v)) if isinstance(v, list) else v) for k, v in payload.items()})
    for vals in (values, values_en):
        vals.update(project=project.name, case=project.case_number or "—")
    for key, value in payload.items():  # "x_en" in the payload: the English text's {x} (a reason in words)
        if key.endswith("_en") and key[:-3] in payload:
            values_en[key[:-3]] = "; ".join(map(str, value)) if isinstance(value, list) else value
    if "discipline" in payload:
        values["discipline_zh"] = DISCIPLINES.get(payload["discipline"], payload["discipline"])
        # the English text names the discipline in words too ("civil_defence" is a code)
        from ..models import DISCIPLINE_NAMES

        values_en["discipline"] = DISCIPLINE_NAMES.get(payload["discipline"], (None, payload["discipline"]))[1].lower()
    if isinstance(payload.get("verdict"), str):  # words, never the internal code
        zh_label, en_label = LABELS.get(f"verdict.{payload['verdict']}", ("—", "—"))
        values_en["verdict"] = en_label.lower()
        values.setdefault("verdict_zh", zh_label)
    for key in ("complexity", "previous_complexity"):  # the review period as the project page names it
        if isinstance(payload.get(key), str):
            zh_label, en_label = LABELS.get(f"complexity.{payload[key]}", (payload[key], payload[key]))
            values[f"{key}_zh"], values_en[key] = zh_label, en_label.lower()
    zh, en = zh.format_map(values), en.format_map(values_en)
    if payload.get("calendar_estimated"):  # a due date counted without that year's holidays
        zh += "（时限按周末估算，节假日安排未录入）"
        en += " (due date estimated by weekends: the holiday arrangement has not been entered)"
    return zh[:300], en[:300]


async def _audience(session: AsyncSession, project: Project, who: str, assignee_ids, disciplines) -> list[User]:
    stmt = select(User).where(User.active == True)  # noqa: E712
    if who == "designer":
        stmt = stmt.where(User.role == "designer", User.org_id == project.design_institute_id)
    elif who == "construction":
        stmt = stmt.where(User.role == "construction", User.org_id == project.construction_unit_id)
    elif who == "window":
        stmt = stmt.where(User.role == "window")
    elif who == "reviewers":
        stmt = stmt.where(User.role == "reviewer", User.discipline.in_(list(disciplines or [])))
    elif who == "assignee":
        stmt = stmt.where(User.id.in_([i for i in assignee_ids or [] if i]))
    else:
        raise KeyError(who)
    return list((await session.exec(stmt)).all())


async def notify(session: AsyncSession, project: Project, type_: str, payload: dict | None = None, *,
                 assignee_ids=(), disciplines=(), link: str | None = None) -> int:
    """Write the notifications, emails and webhook deliveries for one workflow event.

    Returns the number of in-app notifications written. Other parts call this too, e.g.
    the annotations service with ``type_="comment.added"`` when a reviewer adds a comment.
    """
    payload = dict(payload or {})
    audience, _, _ = MESSAGES[type_]
    users: dict[int, User] = {}
    for who in audience:
        for user in await _audience(session, project, who, assignee_ids, disciplines):
            users[user.id] = user
    zh, en = _texts(type_, project, payload)
    for user in users.values():
        session.add(Notification(user_id=user.id, project_id=project.id, type=type_, title_zh=zh, title_en=en,
                                 payload={**payload, "link": link}))
        if user.email:
            body = f"{zh}\n\n{en}\n" + (f"\n{link}\n" if link else "")
            session.add(OutboxEmail(to_addr=user.email, subject=f"[联合图审] {zh}"[:300], body=body))
    hooks = (await session.exec(select(Webhook).where(
        Webhook.active == True,  # noqa: E712
        or_(Webhook.org_id.is_(None), Webhook.org_id.in_([project.design_institute_id, project.construction_unit_id])),
    ))).all()
    for hook in hooks:
        if hook.events and type_ not in hook.events:
            continue
        body = json.dumps({
            "id": str(uuid.uuid4()), "type": type_, "created_at": utcnow().isoformat(),
            "project": {"id": project.id, "name": project.name, "case_number": project.case_number},
            "data": payload,
        }, ensure_ascii=False, default=str)
        session.add(WebhookDelivery(webhook_id=hook.id, event_type=type_, body=body))
    return len(users)


# --- after the commit, off the write path ------------------------------------------------------
# A markup write does not wait for its notification (finding the audience, the webhooks, and one
# row each): ``later`` queues it in this process and a task writes the queued ones together a
# second later (LATER_S), merging repeats (ten fire markups in a burst tell the designer once). The
# markup, its event and its audit entry are committed before; a process killed in that moment
# loses only the notice (the markups themselves are in every list). ``drain`` writes what is
# queued at once (the app's shutdown, and tests).
#
# Under a steady stream of writes the task still writes at most one batch a second: what arrives
# while a batch is being written waits for the next second. (It used to write again at once while
# anything was pending, so under load it never paused: one notify — four statements and the ORM
# around them — per ~6 markups, 1.0 → 1.6 statements and 2.0 → 3.0 ms CPU per markup create in
# benchmarks/profile_writes.py, on the event loop that fans the markups out.)

LATER_S = 1.0


class _Later:
    def __init__(self, engine) -> None:
        self.engine = engine
        self.pending: dict[tuple, tuple] = {}
        self.task: asyncio.Task | None = None

    def add(self, project_id: int, type_: str, payload: dict, link: str | None, user_ids: tuple = ()) -> None:
        key = (project_id, type_, json.dumps(payload, sort_keys=True, default=str), link, user_ids)
        self.pending.setdefault(key, (project_id, type_, payload, link, user_ids))
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while self.pending:
            await asyncio.sleep(LATER_S)
            await self._write()

    async def flush(self) -> None:
        """Everything queued, now."""
        while self.pending:
            await self._write()

    async def _write(self) -> None:
        batch, self.pending = list(self.pending.values()), {}
        if not batch:
            return
        try:
            async with AsyncSession(self.engine, expire_on_commit=False) as session:
                for project_id, type_, payload, link, user_ids in batch:
                    project = await session.get(Project, project_id)
                    if project is not None:
                        await notify(session, project, type_, payload, link=link, assignee_ids=user_ids)
                await session.commit()
        except Exception:  # noqa: BLE001 - a database outage: the notices are lost, the writes are not
            log.exception("writing %d queued notifications failed", len(batch))


_LATER: dict[int, _Later] = {}


def later(engine, project_id: int, type_: str, payload: dict | None = None, *, link: str | None = None,
          user_ids=()) -> None:
    """Queue one ``notify`` for shortly after the caller's (already committed) write (*user_ids*:
    the ``assignee`` audience, the people it is for)."""
    key = id(engine)
    queue = _LATER.get(key)
    if queue is None or queue.engine is not engine:
        queue = _LATER[key] = _Later(engine)
    queue.add(project_id, type_, dict(payload or {}), link, tuple(user_ids))


async def drain(engine=None) -> None:
    """Write the queued notifications now (all engines, or one)."""
    for key, queue in list(_LATER.items()):
        if engine is None or queue.engine is engine:
            if queue.task is not None and not queue.task.done():
                await queue.task
            await queue.flush()
            if engine is not None:
                _LATER.pop(key, None)


# --- in-app ----------------------------------------------------------------------------------

async def list_for(session: AsyncSession, user_id: int, unread_only: bool = False, limit: int = 100) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    # unread first, newest first within each group (the notification centre's order)
    order = (Notification.read_at.is_not(None), Notification.id.desc())
    return list((await session.exec(stmt.order_by(*order).limit(limit))).all())


async def unread_count(session: AsyncSession, user_id: int) -> int:
    stmt = select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))
    return int((await session.exec(stmt)).one())


async def mark_read(session: AsyncSession, user_id: int, ids: list[int] | None) -> int:
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    result = await session.exec(stmt.values(read_at=utcnow()))
    return result.rowcount or 0


def notification_dict(n: Notification, lang: str = "zh-CN") -> dict:
    return {"id": n.id, "type": n.type, "project_id": n.project_id,
            "title": n.title_en if lang.startswith("en") else n.title_zh,
            "titles": {"zh-CN": n.title_zh, "en": n.title_en}, "payload": n.payload,
            "read": n.read_at is not None, "created_at": aware(n.created_at).isoformat(),
            "link": _safe_link(n.payload.get("link")) or (f"/projects/{n.project_id}" if n.project_id else None)}


def _safe_link(link) -> str | None:
    """Only a path on this site is offered as a link (never another host)."""
    if isinstance(link, str) and link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return None


# --- webhooks (subscriptions) ----------------------------------------------------------------

def webhook_dict(hook: Webhook) -> dict:
    return {"id": hook.id, "org_id": hook.org_id, "url": hook.url, "events": hook.events, "active": hook.active,
            "created_at": aware(hook.created_at).isoformat()}
