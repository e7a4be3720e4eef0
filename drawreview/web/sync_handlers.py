"""The websocket's message handlers: ``MESSAGE_HANDLERS`` maps each message type to
``(connection, message) -> reply``; ``handle`` parses one received text, runs its handler and
sends the reply or the typed error (with the message's ``client_id`` whenever it had one).
The connection is ``web.sync.Connection``; the protocol is described there."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from starlette.websockets import WebSocketDisconnect

from ..db import known_error
from ..errors import DrawReviewError, NotFound
from ..models import Project, RuleFinding, is_id
from ..policy import not_assigned
from ..services import annotation_views, annotations, findings, presence
from ..services.client_writes import check_client_id
from .sync_messages import MAX_MESSAGE_BYTES, bad, error_message, parse

if TYPE_CHECKING:
    from .sync import Connection

log = logging.getLogger("drawreview.sync")


def int_field(msg: dict, name: str, *, nullable: bool = False) -> int | None:
    value = msg.get(name)
    if value is None and nullable:
        return None
    if not is_id(value):
        raise bad(name, "positive integer" + (" or null" if nullable else ""))
    return value


async def on_hello(conn: Connection, msg: dict) -> None:
    if conn.last_seq is not None:
        raise bad("type", "hello was already received", code="already_subscribed")
    since = msg.get("since", 0)
    if since is None:
        since = 0
    if not isinstance(since, int) or isinstance(since, bool) or since < 0:
        raise bad("since", "integer >= 0")
    async with conn.state.db.session() as session:
        project = await session.get(Project, conn.project_id)
        current = project.last_event_seq
    resync = since > current or current - since > conn.state.settings.sync_max_replay
    conn.last_seq = current if resync else since
    await conn.send({"type": "welcome", "seq": current, "since": conn.last_seq, "resync": resync,
                     "project_id": conn.project_id, "conn": conn.id, "user": presence.user_public(conn.principal),
                     "presence_ttl_s": presence.TTL_BEATS * conn.state.settings.presence_beat_s,
                     "max_message_bytes": MAX_MESSAGE_BYTES})
    await conn.catch_up(current)
    return None


async def on_ping(conn: Connection, msg: dict) -> dict:
    # the client_id is checked like every other message's: a pong echoed any JSON value (an
    # object, a 200 KB string) back as its "client_id" (decision 151)
    return {"type": "pong", "seq": conn.last_seq, "client_id": check_client_id(msg.get("client_id"), required=False)}


async def require_same_project(conn: Connection, session, field: str, object_id: int) -> None:
    """A finding write names a finding of this connection's project, never of another one (a
    missing finding is left to the service, which answers not_found). Annotation writes check
    this in the service (``checked_project``)."""
    row = await session.get(RuleFinding, object_id)
    project_id = (await annotation_views.sheet_project_id(session, row.sheet_id))[1] if row is not None else None
    if project_id is not None and project_id != conn.project_id:
        raise annotations.wrong_project(field, object_id, conn.project_id)


def _annotation_write(service_call: Callable[..., Awaitable[Any]], id_field: str, assigned: bool = True):
    """``assigned``: a reviewer's write of this kind is his discipline's assigned reviewer's
    (decision 125; replies are anyone's), checked against the connection's state."""
    async def handler(conn: Connection, msg: dict) -> dict:
        object_id = int_field(msg, id_field)
        principal = conn.writer()
        if assigned and conn.assigned_elsewhere:
            raise not_assigned(principal.discipline or "")
        if id_field == "sheet_id":  # a new markup (the others are checked with the markup they change)
            annotations.refuse_closed_case(conn.case_stage)  # as of connect or the last re-check
        async with conn.state.db.session() as session:
            result = await service_call(session, conn.state.broadcast, principal, object_id, msg,
                                        checked_project=conn.project_id)
        return {"type": "ack", **result.payload(), "replay": result.replay}

    return handler


def _finding_write(service_call: Callable[..., Awaitable[Any]]):
    async def handler(conn: Connection, msg: dict) -> dict:
        object_id = int_field(msg, "finding_id")
        principal = conn.writer()
        async with conn.state.db.session() as session:
            await require_same_project(conn, session, "finding_id", object_id)
            result = await service_call(session, conn.state.broadcast, principal, object_id, msg)
        return {"type": "ack", **result.payload(), "replay": result.replay}

    return handler


async def on_presence(conn: Connection, msg: dict) -> dict:
    sheet_id = int_field(msg, "sheet_id", nullable=True)
    if sheet_id is not None:
        async with conn.state.db.session() as session:
            project_id = await annotation_views.project_of_sheet(session, sheet_id)
        if project_id != conn.project_id:
            raise NotFound("找不到该图纸", "Sheet not found", details={"sheet_id": sheet_id})
    conn.sheet_id = sheet_id
    client_id = check_client_id(msg.get("client_id"), required=False)
    await presence.announce(conn.state.broadcast, conn.project_id, "update", conn.id, conn.principal, sheet_id,
                            client_id=client_id)
    return {"type": "ack", "client_id": client_id, "seq": None, "sheet_id": sheet_id}


MESSAGE_HANDLERS: dict[str, Callable[[Connection, dict], Awaitable[dict | None]]] = {
    "hello": on_hello,
    "ping": on_ping,
    "annotation.create": _annotation_write(annotations.create, "sheet_id"),
    "annotation.update": _annotation_write(annotations.edit, "annotation_id"),
    "annotation.delete": _annotation_write(annotations.delete, "annotation_id"),
    "annotation.set_status": _annotation_write(annotations.set_status, "annotation_id"),
    "comment.create": _annotation_write(annotations.add_comment, "annotation_id", assigned=False),
    "finding.confirm": _finding_write(findings.confirm),
    "finding.dismiss": _finding_write(findings.dismiss),
    "presence.update": on_presence,
}
BEFORE_HELLO = {"hello", "ping"}


async def handle(conn: Connection, text: str | None) -> None:
    reply = await answer(conn, text)
    if reply is not None:
        await conn.send(reply)


async def answer(conn: Connection, text: str | None) -> dict | None:
    """Run one received message; return its reply (ack, pong or typed error) unsent: the inbox
    sends it after giving back the write slot, so a client that does not read holds no slot."""
    msg = None
    try:
        msg = parse(text, MESSAGE_HANDLERS)
        if conn.last_seq is None and msg["type"] not in BEFORE_HELLO:
            raise bad("type", "send hello first", code="hello_first")
        reply = await MESSAGE_HANDLERS[msg["type"]](conn, msg)
    except WebSocketDisconnect:
        raise
    except DrawReviewError as exc:
        reply = error_message(exc, conn.lang, msg, text)
    except Exception as exc:
        refused = known_error(exc)  # a value the database cannot store (the client's error), a timeout
        if refused is None:
            log.exception("websocket message failed: %.200s", text)
        reply = error_message(refused or DrawReviewError("服务器内部错误，已记录", "Internal server error; it has been logged",
                                                         code="internal_error"), conn.lang, msg, text)
    return reply
