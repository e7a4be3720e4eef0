"""Delivery of the notification outbox: emails over SMTP and signed webhooks.

``notifications.notify`` writes ``OutboxEmail`` and ``WebhookDelivery`` rows in the caller's
transaction; ``deliver_emails`` and ``deliver_webhooks`` (run by ``jobs.workflow``) claim due
rows with a conditional UPDATE (so several app processes and workers never send one row twice),
send, and record the result; failures are retried with ``webhooks.backoff_delay`` until
``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import asyncio
import http.client
import smtplib
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import or_, update
from sqlmodel import select

from ..errors import DrawReviewError
from ..models import OutboxEmail, Webhook, WebhookDelivery
from . import egress
from . import webhooks as signing
from .notifications import utcnow

MAX_ATTEMPTS = 8
CLAIM_S = 120


async def _claim(db, model, now: datetime, limit: int) -> list:
    """Rows due for sending, each claimed by one conditional UPDATE (safe across processes)."""
    async with db.session() as session:
        due = (await session.exec(select(model).where(or_(
            (model.state == "pending") & (model.next_attempt_at <= now),
            (model.state == "sending") & (model.claimed_until < now),
        )).order_by(model.id).limit(limit))).all()
        claimed = []
        for row in due:
            result = await session.exec(
                update(model).where(model.id == row.id, model.state == row.state, model.attempts == row.attempts)
                .values(state="sending", claimed_until=now + timedelta(seconds=CLAIM_S)))
            if result.rowcount == 1:
                claimed.append(row.id)
        await session.commit()
    if not claimed:
        return []
    async with db.session() as session:
        return list((await session.exec(select(model).where(model.id.in_(claimed)).order_by(model.id))).all())


async def _record(db, model, row_id: int, now: datetime, ok: bool, error: str = "", status: int | None = None) -> str:
    async with db.session() as session:
        row = await session.get(model, row_id)
        row.attempts += 1
        row.claimed_until = None
        row.last_error = error[:500]
        if hasattr(row, "last_status"):
            row.last_status = status
        if ok:
            row.state = "delivered" if model is WebhookDelivery else "sent"
            setattr(row, "delivered_at" if model is WebhookDelivery else "sent_at", now)
        else:
            nxt = signing.next_attempt_at(row.attempts, now, max_attempts=MAX_ATTEMPTS)
            row.state = "failed" if nxt is None else "pending"
            if nxt is not None:
                row.next_attempt_at = nxt
        session.add(row)
        await session.commit()
        return row.state


def _smtp_send(host: str, port: int, sender: str, email: OutboxEmail, timeout: float) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, email.to_addr, email.subject
    msg["Message-ID"] = f"<outbox-{email.id}-{uuid.uuid4().hex}@drawreview>"
    msg.set_content(email.body)
    with smtplib.SMTP(host, port, timeout=timeout) as smtp:
        smtp.send_message(msg)


async def deliver_emails(db, settings, now: datetime | None = None, limit: int = 50, timeout: float = 10) -> dict:
    """Send the due outbox emails; an SMTP failure leaves each for a later retry."""
    out = {"sent": 0, "retry": 0, "failed": 0}
    if not settings.smtp_host:
        return out  # no SMTP configured: emails wait in the outbox
    now = now or utcnow()
    for email in await _claim(db, OutboxEmail, now, limit):
        try:
            await asyncio.to_thread(_smtp_send, settings.smtp_host, settings.smtp_port, settings.smtp_from, email, timeout)
        except (OSError, smtplib.SMTPException) as exc:
            state = await _record(db, OutboxEmail, email.id, now, False, f"{type(exc).__name__}: {exc}")
            out["failed" if state == "failed" else "retry"] += 1
        else:
            await _record(db, OutboxEmail, email.id, now, True)
            out["sent"] += 1
    return out


def _post(url: str, body: bytes, headers: dict, timeout: float, allow=()) -> int:
    """Through ``egress``: the address is checked again now (DNS rebinding) and pinned."""
    return egress.post(url, body, {**headers, "User-Agent": "drawreview-webhook/1"}, timeout, allow)


async def deliver_webhooks(db, now: datetime | None = None, limit: int = 50, timeout: float = 10,
                           allow: str = "") -> dict:
    """POST the due webhook deliveries, HMAC-signed (``webhooks.signed_headers``), only to
    public addresses or the administrator's allowed networks (``allow``, settings.webhook_allow)."""
    networks = egress.parse_allow(allow)
    out = {"delivered": 0, "retry": 0, "failed": 0}
    now = now or utcnow()
    rows = await _claim(db, WebhookDelivery, now, limit)
    if not rows:
        return out
    async with db.session() as session:
        hooks = {h.id: h for h in (await session.exec(
            select(Webhook).where(Webhook.id.in_({r.webhook_id for r in rows})))).all()}
    for row in rows:
        hook = hooks[row.webhook_id]
        body = row.body.encode()
        status, error = None, ""
        try:
            status = await asyncio.to_thread(_post, hook.url, body, signing.signed_headers(body, hook.secret), timeout,
                                             networks)
        except DrawReviewError as exc:  # the address is refused (now): never sent
            error = f"{exc.code}: {exc.details}"
        except (OSError, ValueError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
        ok = status is not None and 200 <= status < 300
        state = await _record(db, WebhookDelivery, row.id, now, ok, error or ("" if ok else f"HTTP {status}"), status)
        out["delivered" if ok else ("failed" if state == "failed" else "retry")] += 1
    return out
