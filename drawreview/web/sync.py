"""The project websocket ``/ws/projects/{project_id}``: live events, catch-up, writes, presence.

Protocol (docs/decisions/003-annotations-and-sync.md has the full message list):

1. connect with the session cookie, ``Authorization: Bearer`` or ``?ticket=`` (single use, from
   ``POST /api/ws-tickets``; a token never goes into the URL); a caller who may
   not see the project gets ``{"type": "error", "code": ...}`` and the socket closes (4401
   not logged in, 4404 no such project / not on it, 4403 foreign origin, 4408 no hello, 4429 more
   than ``settings.sync_max_sockets_per_user`` sockets of one user open in this process);
2. the server subscribes to the project's channel *first*, then the client sends
   ``{"type": "hello", "since": N}``; the server answers ``welcome`` (``seq`` = current),
   sends every logged event after N in order, then live events. Live events are de-duplicated
   by ``seq`` and a gap is filled from the log, so the client sees each seq exactly once, in order;
3. writes (``sync_handlers.MESSAGE_HANDLERS``) answer ``ack`` (``client_id``, ``seq``, result) or ``error``;
   a bad message answers ``error`` (with its ``client_id`` whenever it had one, also when it
   was too large or not JSON) and the connection stays usable;
4. backpressure: received messages wait in a bounded inbox (``settings.sync_inbox``) and run one
   at a time, at most ``sync_flow.WRITE_SLOTS`` per process at once; a message that finds the inbox full,
   or waited longer than ``settings.sync_max_wait_s``, is not run and answers ``slow_down``
   (``client_id``, ``retry_after_ms``): the client keeps it and sends it again later. A reply
   is sent after its slot is given back. Outgoing, each connection has its own bounded queue; a
   slow reader has messages dropped (never waited for) and catches up from the event log; a
   client that takes nothing sent to it for ``settings.sync_send_stall_s`` is dropped
   (web/wsdeflate.py, decision 151);
5. the connection's credentials are re-checked every ``settings.sync_recheck_s`` with the same
   function as at connect: a revoked token or a deactivated user is cut (``access_revoked``, 4403).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import OrderedDict

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..auth import Principal
from ..errors import DrawReviewError, NotAuthenticated, RateLimited
from ..services import findings, presence
from ..services import events as events_service
from .common import lang_of
from .sync_auth import authorise, credentials_of, refuse
from .sync_flow import finished, slow_down, sockets_held, write_slots
from .sync_handlers import answer, handle
from .sync_messages import access_revoked, dumps, error_message
from .sync_watch import watch_of

log = logging.getLogger("drawreview.sync")

# more missed events than ``settings.sync_max_replay``: the client reloads over REST (``resync``)
HELLO_TIMEOUT_S = 30.0
BATCH = 500


class Connection:
    def __init__(self, websocket: WebSocket, principal: Principal, project_id: int, lang: str, credentials) -> None:
        self.ws = websocket
        self.principal = principal
        self.credentials = credentials  # what the connection authenticated with; the watcher re-checks it
        self.project_id = project_id
        self.lang = lang
        self.id = secrets.token_hex(8)
        self.state = websocket.app.state
        self.last_seq: int | None = None  # set by hello
        self.sheet_id: int | None = None
        self.joined = False
        self.revoked = False  # set when sync_watch found the access withdrawn
        self.case_stage: str | None = None  # the project's stage, at connect and at each re-check
        # a reviewer whose discipline's task here is another reviewer's: reads and replies only
        # (decision 125), as of connect and each re-check
        self.assigned_elsewhere = False
        self.gone = False  # the client went away: nothing more is sent
        self._lock = asyncio.Lock()

    async def send(self, msg: dict, shared: bool = False) -> None:
        """Send one message; a client that went away raises WebSocketDisconnect (never a traceback).
        ``shared``: the same message object goes to every subscriber of this process (a live
        event): it is encoded once, not once per connection."""
        if self.gone:
            raise WebSocketDisconnect(1006)
        data = encoded(msg) if shared else dumps(msg)
        async with self._lock:
            try:
                await self.ws.send_text(data)
            except (WebSocketDisconnect, OSError, RuntimeError) as exc:  # closed, reset, or close already sent
                self.gone = True
                raise WebSocketDisconnect(1006) from exc

    async def catch_up(self, upto: int | None = None) -> None:
        """Send logged events ``last_seq < seq <= upto`` (None: up to the newest) in order."""
        while upto is None or self.last_seq < upto:
            async with self.state.db.session() as session:
                rows = await events_service.since(session, self.project_id, self.last_seq, limit=BATCH)
            rows = [r for r in rows if upto is None or r.seq <= upto]
            if not rows:
                return  # not in the log (yet): the live message will bring it
            for row in rows:
                await self.send(findings.event_for(self.principal.role, events_service.message(row)))
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

    async def revoke(self) -> None:
        """Access is gone (sync_watch.py found it): tell the client and close with 4403; a revoked
        token or a deactivated account stops receiving and writing."""
        self.revoked = True
        try:
            await self.send(error_message(access_revoked(), self.lang))
            await self.ws.close(code=4403, reason="access_revoked")
        except (WebSocketDisconnect, OSError, RuntimeError):
            pass

    async def deliver(self, msg: dict) -> None:
        if msg.get("type") == "presence":
            shown = presence.for_connection(msg, self.id)
            if shown is None:
                return
            if shown.get("event") == "join":  # tell the newcomer we are here
                await presence.announce(self.state.broadcast, self.project_id, "here", self.id, self.principal,
                                        self.sheet_id, to=shown["conn"])
            await self.send(shown, shared=shown is msg)
            return
        seq = msg.get("seq")
        if not isinstance(seq, int):
            await self.send(msg, shared=True)
            return
        if seq <= self.last_seq:
            return  # already sent (from the log, or a duplicate)
        if seq == self.last_seq + 1:
            shown = findings.event_for(self.principal.role, msg)  # what this reader may see of it
            await self.send(shown, shared=shown is msg)
            self.last_seq = seq
            return
        # a later event overtook an earlier one: the log (committed before any publish) is the
        # truth, so send from it up to and including this seq; a seq not in the log is not ours
        await self.catch_up(seq)

    async def pump(self, subscription) -> None:
        async for msg in subscription:
            if self.revoked:
                return  # the watcher closed the socket, which ends the endpoint's receive loop
            if getattr(subscription, "overflowed", False):
                # this connection fell behind and live messages were dropped for it (the fan-out
                # never waits for one slow client): the log has every event it missed
                subscription.overflowed = False
                await self.catch_up()
            await self.deliver(msg)

    def writer(self) -> Principal:
        """The caller, trusted for ``sync_recheck_s`` (the watcher re-checks and cuts the socket)."""
        if self.revoked:
            raise NotAuthenticated()
        return self.principal

    # --- the inbox: a bounded queue of received messages, run one at a time in order ---------

    async def run_inbox(self, inbox: asyncio.Queue) -> None:
        max_wait = self.state.settings.sync_max_wait_s
        slots = write_slots(self.state)
        while True:
            received_at, text = await inbox.get()
            waited = time.monotonic() - received_at
            if waited > max_wait:  # the server fell behind: say so instead of answering late
                await self.send(slow_down(self.lang, text, waited, reason="waited"))
                continue
            if slots.locked():  # all slots busy: wait, but not past max_wait
                try:
                    # asyncio.timeout, not wait_for: on Python 3.11 a wait_for cancelled just as
                    # its acquire succeeded dropped the slot, and lost slots starved every writer
                    async with asyncio.timeout(max_wait - waited):
                        await slots.acquire()
                except TimeoutError:
                    await self.send(slow_down(self.lang, text, max_wait, reason="busy"))
                    continue
            else:
                await slots.acquire()
            try:
                reply = await finished(answer(self, text))
            finally:
                slots.release()
            if reply is not None:  # sent without a slot: a client that stopped reading holds none (decision 151)
                await self.send(reply)


_WIRE: "OrderedDict[int, tuple[dict, str]]" = OrderedDict()


def encoded(msg: dict) -> str:
    """The JSON text of a live message, remembered for the last few hundred messages (each is
    sent to every local subscriber of its project)."""
    hit = _WIRE.get(id(msg))
    if hit is not None and hit[0] is msg:
        return hit[1]
    text = dumps(msg)
    _WIRE[id(msg)] = (msg, text)  # holding msg keeps its id from being reused while cached
    if len(_WIRE) > 512:
        _WIRE.popitem(last=False)
    return text


# --- the endpoint -----------------------------------------------------------------------

def _log_task_end(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None and not isinstance(task.exception(), WebSocketDisconnect):
        log.info("websocket task ended: %r", task.exception())


async def project_socket(websocket: WebSocket) -> None:
    project_id = websocket.path_params["project_id"]
    lang = lang_of(websocket)
    await websocket.accept()
    credentials = credentials_of(websocket)
    try:
        principal, stage, elsewhere = await authorise(websocket, project_id, credentials)
    except DrawReviewError as exc:
        await refuse(websocket, exc, lang)
        return
    held = sockets_held(websocket.app.state)
    limit = websocket.app.state.settings.sync_max_sockets_per_user
    if held.get(principal.user_id, 0) >= limit:
        await refuse(websocket, RateLimited(f"您打开的实时连接过多（每人最多 {limit} 个），请关闭不用的页面后重试",
                                            f"You have too many live connections open (at most {limit}); close "
                                            "pages you do not use and try again", code="too_many_sockets",
                                            details={"max_sockets": limit}), lang)
        return
    held[principal.user_id] = held.get(principal.user_id, 0) + 1
    try:
        await serve(websocket, principal, project_id, lang, credentials, stage, elsewhere)
    finally:
        held[principal.user_id] -= 1
        if not held[principal.user_id]:
            del held[principal.user_id]


async def serve(websocket: WebSocket, principal: Principal, project_id: int, lang: str, credentials, stage: str,
                elsewhere: bool) -> None:
    conn = Connection(websocket, principal, project_id, lang, credentials)
    conn.case_stage = stage
    conn.assigned_elsewhere = elsewhere
    broadcast = websocket.app.state.broadcast
    inbox: asyncio.Queue = asyncio.Queue(maxsize=max(1, websocket.app.state.settings.sync_inbox))
    tasks: list[asyncio.Task] = []
    async with broadcast.subscribe(events_service.channel(project_id)) as subscription:
        try:
            while True:
                timeout = HELLO_TIMEOUT_S if conn.last_seq is None else None
                try:
                    frame = await asyncio.wait_for(websocket.receive(), timeout)
                except asyncio.TimeoutError:
                    await refuse(websocket, DrawReviewError("未收到 hello", "No hello received in time",
                                                             code="hello_timeout", status=408), lang)
                    return
                if frame["type"] == "websocket.disconnect":
                    return
                text = frame.get("text")
                if not tasks:  # before the welcome: hello (and pings) are answered here, in order
                    await handle(conn, text)
                    if conn.last_seq is not None:
                        for job in (conn.pump(subscription), conn.run_inbox(inbox), conn.beat()):
                            tasks.append(asyncio.create_task(job))
                            tasks[-1].add_done_callback(_log_task_end)
                        watch_of(websocket.app.state).add(conn)  # re-checks its access every sync_recheck_s
                        conn.joined = True
                        await presence.announce(broadcast, project_id, "join", conn.id, principal, conn.sheet_id)
                else:
                    try:
                        inbox.put_nowait((time.monotonic(), text))
                    except asyncio.QueueFull:  # more waiting than allowed: refuse this one at once
                        await conn.send(slow_down(lang, text, 0.0, reason="full"))
                if tasks and (tasks[0].done() or tasks[1].done()):
                    return  # pump or inbox ended (client gone, access revoked)
        except WebSocketDisconnect:
            return
        finally:
            watch_of(websocket.app.state).discard(conn)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if conn.joined:
                try:
                    await presence.announce(broadcast, project_id, "leave", conn.id, principal, conn.sheet_id)
                except Exception:  # noqa: BLE001 - the broadcast is going away too
                    pass


ROUTES = [WebSocketRoute("/ws/projects/{project_id:int}", project_socket)]
