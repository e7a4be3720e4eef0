"""The project websocket ``/ws/projects/{project_id}``: live events, catch-up, writes, presence.

Protocol (docs/decisions/003-annotations-and-sync.md has the full message list):

1. connect with the session cookie, ``Authorization: Bearer`` or ``?token=``; a caller who may
   not see the project gets ``{"type": "error", "code": ...}`` and the socket closes (4401
   not logged in, 4404 no such project / not on it, 4403 foreign origin, 4408 no hello);
2. the server subscribes to the project's channel *first*, then the client sends
   ``{"type": "hello", "since": N}``; the server answers ``welcome`` (``seq`` = current),
   sends every logged event after N in order, then live events. Live events are de-duplicated
   by ``seq`` and a gap is filled from the log, so the client sees each seq exactly once, in order;
3. writes (``MESSAGE_HANDLERS``) answer ``ack`` (``client_id``, ``seq``, result) or ``error``;
   a bad message answers ``error`` and the connection stays usable.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..auth import Principal, principal_from_request
from ..errors import DrawReviewError, NotAuthenticated, NotFound, ValidationFailed
from ..models import Annotation, Project, RuleFinding, User
from ..policy import can_see_project
from ..services import annotations, findings, presence
from ..services import events as events_service
from ..services.client_writes import check_client_id
from .common import lang_of

log = logging.getLogger("drawreview.sync")

MAX_MESSAGE = 256 * 1024  # characters of one client message
# more missed events than ``settings.sync_max_replay``: the client reloads over REST (``resync``)
HELLO_TIMEOUT_S = 30.0
BATCH = 500


class _TokenScope:
    """Lets ``principal_from_request`` check a ``?token=`` like an Authorization header."""

    def __init__(self, token: str) -> None:
        self.headers = {"authorization": f"Bearer {token}"}
        self.scope: dict = {}


def error_message(exc: DrawReviewError, lang: str, msg: dict | None = None) -> dict:
    out = {"type": "error", "code": exc.code, "message": exc.message(lang),
           "messages": {"zh-CN": exc.message_zh, "en": exc.message_en}, "details": exc.details}
    if isinstance(msg, dict):
        if isinstance(msg.get("client_id"), str):
            out["client_id"] = msg["client_id"]
        if isinstance(msg.get("type"), str):
            out["in_reply_to"] = msg["type"][:64]
    return out


def bad(field: str, rule: str, code: str = "bad_message") -> ValidationFailed:
    return ValidationFailed("消息格式不正确", "The message has the wrong shape", code=code, details={field: rule})


def int_field(msg: dict, name: str, *, nullable: bool = False) -> int | None:
    value = msg.get(name)
    if value is None and nullable:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0 or value > 2**62:
        raise bad(name, "positive integer" + (" or null" if nullable else ""))
    return value


class Connection:
    def __init__(self, websocket: WebSocket, principal: Principal, project_id: int, lang: str) -> None:
        self.ws = websocket
        self.principal = principal
        self.project_id = project_id
        self.lang = lang
        self.id = secrets.token_hex(8)
        self.state = websocket.app.state
        self.last_seq: int | None = None  # set by hello
        self.sheet_id: int | None = None
        self.joined = False
        self.revoked = False  # set by watch() when access was withdrawn
        self._lock = asyncio.Lock()

    async def send(self, msg: dict) -> None:
        data = json.dumps(msg, ensure_ascii=False, default=str)
        async with self._lock:
            await self.ws.send_text(data)

    async def catch_up(self, upto: int) -> None:
        """Send logged events ``last_seq < seq <= upto`` in order."""
        while self.last_seq < upto:
            async with self.state.db.session() as session:
                rows = await events_service.since(session, self.project_id, self.last_seq, limit=BATCH)
            rows = [r for r in rows if r.seq <= upto]
            if not rows:
                return  # not in the log (yet): the live message will bring it
            for row in rows:
                await self.send(events_service.message(row))
                self.last_seq = row.seq

    async def beat(self) -> None:
        """Re-announce this connection every ``presence_beat_s`` (see services/presence.py)."""
        period = self.state.settings.presence_beat_s
        while True:
            await asyncio.sleep(period)
            try:
                await presence.announce(self.state.broadcast, self.project_id, "beat", self.id, self.principal,
                                        self.sheet_id)
            except Exception as exc:  # noqa: BLE001 - the broadcast hiccuped: the next beat may pass
                log.warning("presence beat failed: %r", exc)

    async def watch(self) -> None:
        """Every ``sync_recheck_s``, re-check that the user is active and still on the project;
        when not, tell the client and close: a deactivated account stops receiving. This runs
        beside the pump, never in the delivery path: a database round trip per delivered
        message (even a cached one every few seconds) put the pool in every fan-out's way."""
        period = self.state.settings.sync_recheck_s
        while True:
            await asyncio.sleep(period)
            try:
                async with self.state.db.session() as session:
                    user = await session.get(User, self.principal.user_id)
                    allowed = user is not None and user.active and await can_see_project(
                        session, self.principal, self.project_id)
            except Exception as exc:  # noqa: BLE001 - a database hiccup: try again next period
                log.warning("websocket access re-check failed: %r", exc)
                continue
            if not allowed:
                self.revoked = True
                exc = DrawReviewError("您的账号已停用或已不是该项目的参与方，实时连接已断开",
                                      "Your account was deactivated or you are no longer on this project; "
                                      "the live connection is closed", code="access_revoked", status=403)
                await self.send(error_message(exc, self.lang))
                await self.ws.close(code=4403, reason=exc.code)
                return

    async def deliver(self, msg: dict) -> None:
        if msg.get("type") == "presence":
            shown = presence.for_connection(msg, self.id)
            if shown is None:
                return
            if shown.get("event") == "join":  # tell the newcomer we are here
                await presence.announce(self.state.broadcast, self.project_id, "here", self.id, self.principal,
                                        self.sheet_id, to=shown["conn"])
            await self.send(shown)
            return
        seq = msg.get("seq")
        if not isinstance(seq, int):
            await self.send(msg)
            return
        if seq <= self.last_seq:
            return  # already sent (from the log, or a duplicate)
        if seq == self.last_seq + 1:
            await self.send(msg)
            self.last_seq = seq
            return
        # a later event overtook an earlier one: the log (committed before any publish) is the
        # truth, so send from it up to and including this seq; a seq not in the log is not ours
        await self.catch_up(seq)

    async def pump(self, subscription) -> None:
        async for msg in subscription:
            if self.revoked:
                return  # the watcher closed the socket, which ends the endpoint's receive loop
            await self.deliver(msg)

    async def user(self, session) -> Principal:
        """The caller as of now: a deactivated account stops writing at once."""
        user = await session.get(User, self.principal.user_id)
        if user is None or not user.active:
            raise NotAuthenticated()
        return self.principal


# --- message handlers: (connection, message) -> reply -------------------------------------

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
                     "presence_ttl_s": presence.TTL_BEATS * conn.state.settings.presence_beat_s})
    await conn.catch_up(current)
    return None


async def on_ping(conn: Connection, msg: dict) -> dict:
    return {"type": "pong", "seq": conn.last_seq}


async def require_same_project(conn: Connection, session, field: str, object_id: int) -> None:
    """A write names an object of this connection's project, never of another one (a missing
    object is left to the service, which answers not_found)."""
    if field == "annotation_id":
        row = await session.get(Annotation, object_id)
        project_id = row.project_id if row is not None else None
    elif field == "finding_id":
        row = await session.get(RuleFinding, object_id)
        project_id = (await annotations.sheet_project_id(session, row.sheet_id))[1] if row is not None else None
    else:  # sheet_id
        try:
            project_id = (await annotations.sheet_project_id(session, object_id))[1]
        except NotFound:
            project_id = None
    if project_id is not None and project_id != conn.project_id:
        raise DrawReviewError("该对象不属于本连接的项目，请在对应项目中操作",
                              "This object belongs to another project than this connection; "
                              "write to it on that project's connection",
                              code="wrong_project", status=400,
                              details={field: object_id, "project_id": conn.project_id})


def _write(service_call: Callable[..., Awaitable[Any]], id_field: str | None):
    async def handler(conn: Connection, msg: dict) -> dict:
        object_id = int_field(msg, id_field) if id_field else None
        async with conn.state.db.session() as session:
            principal = await conn.user(session)
            if id_field:
                await require_same_project(conn, session, id_field, object_id)
            args = (object_id, msg) if id_field else (msg,)
            result = await service_call(session, conn.state.broadcast, principal, *args)
        return {"type": "ack", **result.payload(), "replay": result.replay}

    return handler


async def on_create(conn: Connection, msg: dict) -> dict:
    sheet_id = int_field(msg, "sheet_id")
    async with conn.state.db.session() as session:
        principal = await conn.user(session)
        await require_same_project(conn, session, "sheet_id", sheet_id)
        result = await annotations.create(session, conn.state.broadcast, principal, sheet_id, msg)
    return {"type": "ack", **result.payload(), "replay": result.replay}


async def on_presence(conn: Connection, msg: dict) -> dict:
    sheet_id = int_field(msg, "sheet_id", nullable=True)
    if sheet_id is not None:
        async with conn.state.db.session() as session:
            _, project_id = await annotations.sheet_project_id(session, sheet_id)
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
    "annotation.create": on_create,
    "annotation.update": _write(annotations.edit, "annotation_id"),
    "annotation.delete": _write(annotations.delete, "annotation_id"),
    "annotation.set_status": _write(annotations.set_status, "annotation_id"),
    "comment.create": _write(annotations.add_comment, "annotation_id"),
    "finding.confirm": _write(findings.confirm, "finding_id"),
    "finding.dismiss": _write(findings.dismiss, "finding_id"),
    "presence.update": on_presence,
}
BEFORE_HELLO = {"hello", "ping"}


def parse(text: str | None) -> dict:
    if text is None:
        raise bad("frame", "text frames only", code="bad_json")
    if len(text) > MAX_MESSAGE:
        raise bad("frame", f"at most {MAX_MESSAGE} characters", code="too_large")
    try:
        msg = json.loads(text)
    except ValueError:
        raise bad("frame", "JSON text", code="bad_json") from None
    if not isinstance(msg, dict):
        raise bad("frame", "a JSON object", code="bad_json")
    if not isinstance(msg.get("type"), str):
        raise bad("type", "required string")
    if msg["type"] not in MESSAGE_HANDLERS:
        raise bad("type", f"one of {sorted(MESSAGE_HANDLERS)}", code="unknown_type")
    return msg


async def handle(conn: Connection, text: str | None) -> None:
    msg = None
    try:
        msg = parse(text)
        if conn.last_seq is None and msg["type"] not in BEFORE_HELLO:
            raise bad("type", "send hello first", code="hello_first")
        reply = await MESSAGE_HANDLERS[msg["type"]](conn, msg)
    except DrawReviewError as exc:
        reply = error_message(exc, conn.lang, msg)
    except Exception:
        log.exception("websocket message failed: %.200s", text)
        reply = error_message(DrawReviewError("服务器内部错误，已记录", "Internal server error; it has been logged",
                                              code="internal_error"), conn.lang, msg)
    if reply is not None:
        await conn.send(reply)


# --- the endpoint -----------------------------------------------------------------------

async def _authorise(websocket: WebSocket, project_id: int) -> Principal:
    token = websocket.query_params.get("token")
    async with websocket.app.state.db.session() as session:
        principal = await principal_from_request(_TokenScope(token) if token else websocket, session)
        if principal is None:
            raise NotAuthenticated()
        if not principal.via_token:  # cookie: refuse cross-site sockets (CSWSH)
            origin = websocket.headers.get("origin")
            if origin and urlsplit(origin).netloc != websocket.headers.get("host"):
                raise DrawReviewError("来源不被允许", "Cross-origin websocket refused", code="bad_origin", status=403)
        if await session.get(Project, project_id) is None or not await can_see_project(session, principal, project_id):
            raise NotFound("找不到该项目，或您不是该项目的参与方", "Project not found, or you are not on it",
                           details={"project_id": project_id})
    return principal


async def _refuse(websocket: WebSocket, exc: DrawReviewError, lang: str) -> None:
    await websocket.send_text(json.dumps(error_message(exc, lang), ensure_ascii=False, default=str))
    await websocket.close(code=4000 + exc.status, reason=exc.code)


def _log_pump_end(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.info("websocket event pump ended: %r", task.exception())


async def project_socket(websocket: WebSocket) -> None:
    project_id = websocket.path_params["project_id"]
    lang = lang_of(websocket)
    await websocket.accept()
    try:
        principal = await _authorise(websocket, project_id)
    except DrawReviewError as exc:
        await _refuse(websocket, exc, lang)
        return
    conn = Connection(websocket, principal, project_id, lang)
    broadcast = websocket.app.state.broadcast
    pump: asyncio.Task | None = None
    watcher: asyncio.Task | None = None
    beater: asyncio.Task | None = None
    async with broadcast.subscribe(events_service.channel(project_id)) as subscription:
        try:
            while True:
                timeout = HELLO_TIMEOUT_S if conn.last_seq is None else None
                try:
                    frame = await asyncio.wait_for(websocket.receive(), timeout)
                except asyncio.TimeoutError:
                    await _refuse(websocket, DrawReviewError("未收到 hello", "No hello received in time",
                                                             code="hello_timeout", status=408), lang)
                    return
                if frame["type"] == "websocket.disconnect":
                    return
                await handle(conn, frame.get("text"))
                if pump is None and conn.last_seq is not None:
                    pump = asyncio.create_task(conn.pump(subscription))
                    pump.add_done_callback(_log_pump_end)
                    watcher = asyncio.create_task(conn.watch())
                    watcher.add_done_callback(_log_pump_end)
                    beater = asyncio.create_task(conn.beat())
                    conn.joined = True
                    await presence.announce(broadcast, project_id, "join", conn.id, principal, conn.sheet_id)
                if pump is not None and pump.done():
                    return
        except WebSocketDisconnect:
            return
        finally:
            for task in (pump, watcher, beater):
                if task is not None:
                    task.cancel()
            await asyncio.gather(*(t for t in (pump, watcher, beater) if t is not None), return_exceptions=True)
            if conn.joined:
                try:
                    await presence.announce(broadcast, project_id, "leave", conn.id, principal, conn.sheet_id)
                except Exception:  # the broadcast is going away too
                    pass


ROUTES = [WebSocketRoute("/ws/projects/{project_id:int}", project_socket)]
