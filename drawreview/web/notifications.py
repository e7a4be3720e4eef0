"""In-app notifications and webhook subscriptions."""

from __future__ import annotations

import re
import secrets

import anyio

from sqlmodel import select
from starlette.routing import Route

from ..errors import NotFound, PermissionDenied, ValidationFailed
from ..models import Webhook, is_id
from ..services import audit, egress
from ..services import notifications as service
from .common import ID_SCHEMA, Ctx, api, text


UNREAD = {"1": True, "true": True, "0": False, "false": False}  # ?unread= (the OpenAPI document lists these)


@api("我的通知 / My notifications (?unread=1)")
async def list_notifications(ctx: Ctx):
    raw = ctx.request.query_params.get("unread") or "0"
    if raw not in UNREAD:  # "yes" or "True" listed every notice, as if it had not been given
        raise ValidationFailed("unread 只能为 1、true、0 或 false", "unread must be 1, true, 0 or false",
                               details={"unread": raw, "allowed": list(UNREAD)})
    unread = UNREAD[raw]
    rows = await service.list_for(ctx.session, ctx.user.user_id, unread_only=unread)
    return [service.notification_dict(n, ctx.lang) for n in rows]


@api("未读通知数 / Unread notification count")
async def unread_count(ctx: Ctx):
    return {"unread": await service.unread_count(ctx.session, ctx.user.user_id)}


@api("标记已读 / Mark notifications read (ids, or all)",
     body={"type": "object", "properties": {"ids": {"type": "array", "items": ID_SCHEMA, "nullable": True,
                                                    "description": "these notifications; absent or null: all"}}})
async def mark_read(ctx: Ctx):
    data = await ctx.json()
    ids = data.get("ids")
    if ids is not None and (not isinstance(ids, list) or not all(is_id(i) for i in ids)):
        raise ValidationFailed(details={"ids": "list of notification ids (positive integers)"})
    count = await service.mark_read(ctx.session, ctx.user.user_id, ids)
    await ctx.commit()
    return {"marked": count}


def _may_manage(ctx: Ctx) -> None:
    if ctx.user.role not in {"window", "admin", "designer", "construction"}:
        raise PermissionDenied(details={"action": "webhook.manage"})


def _scope(ctx: Ctx):
    """Window/admin webhooks cover every project; an organisation's cover its own projects."""
    return None if ctx.user.role in {"window", "admin"} else ctx.user.org_id


@api("Webhook 列表 / Webhooks of my organisation")
async def list_webhooks(ctx: Ctx):
    _may_manage(ctx)
    rows = (await ctx.session.exec(select(Webhook).where(
        Webhook.org_id.is_(None) if _scope(ctx) is None else Webhook.org_id == _scope(ctx)))).all()
    return [service.webhook_dict(h) for h in rows]


@api("注册 Webhook / Register a webhook (the secret is shown once)", body={
    "type": "object", "required": ["url"], "properties": {
        "url": text(service.MAX_URL, pattern=service.URL_PATTERN),
        "secret": {"type": "string", "nullable": True, "maxLength": service.MAX_SECRET,
                   "pattern": f"^$|^[^\\u0000]{{{service.MIN_SECRET},}}$", "description": "empty or absent: one is made"},
        "events": {"type": "array", "items": {"type": "string", "enum": list(service.EVENT_TYPES)}}}})
async def create_webhook(ctx: Ctx):
    _may_manage(ctx)
    data = await ctx.json()
    url, events = data.get("url"), data.get("events", [])
    problems = {}
    if not isinstance(url, str) or not re.match(service.URL_PATTERN, url) or len(url) > service.MAX_URL:
        problems["url"] = "http(s) URL"
    if not isinstance(events, list) or any(e not in service.EVENT_TYPES for e in events):
        problems["events"] = list(service.EVENT_TYPES)
    secret = data.get("secret") or secrets.token_urlsafe(32)
    if not isinstance(secret, str) or not service.MIN_SECRET <= len(secret) <= service.MAX_SECRET:
        problems["secret"] = f"{service.MIN_SECRET}-{service.MAX_SECRET} characters"
    if problems:
        raise ValidationFailed(details=problems)
    # every address the host resolves to must be public (or in the admin's allow-list)
    await anyio.to_thread.run_sync(egress.resolve_checked, url, egress.parse_allow(ctx.state.settings.webhook_allow))
    hook = Webhook(org_id=_scope(ctx), url=url, secret=secret, events=events, created_by=ctx.user.user_id)
    ctx.session.add(hook)
    await ctx.session.flush()
    await audit.record(ctx.session, ctx.user, "webhook.create", "webhook", hook.id, None, {"url": url, "events": events})
    await ctx.commit()
    return {**service.webhook_dict(hook), "secret": secret}


@api("删除 Webhook / Deactivate a webhook")
async def delete_webhook(ctx: Ctx):
    _may_manage(ctx)
    hook = await ctx.session.get(Webhook, ctx.path_int("webhook_id"))
    if hook is None or hook.org_id != _scope(ctx):
        raise NotFound("找不到该 Webhook", "Webhook not found")
    hook.active = False
    ctx.session.add(hook)
    await audit.record(ctx.session, ctx.user, "webhook.delete", "webhook", hook.id, None, {"url": hook.url})
    await ctx.commit()
    return service.webhook_dict(hook)


ROUTES = [
    Route("/api/notifications", list_notifications, methods=["GET"]),
    Route("/api/notifications/unread_count", unread_count, methods=["GET"]),
    Route("/api/notifications/read", mark_read, methods=["POST"]),
    Route("/api/webhooks", list_webhooks, methods=["GET"]),
    Route("/api/webhooks", create_webhook, methods=["POST"]),
    Route("/api/webhooks/{webhook_id:int}", delete_webhook, methods=["DELETE"]),
]
