"""Who opens a project websocket: the session cookie (same origin only), ``Authorization:
Bearer`` or a single-use ``?ticket=`` from ``POST /api/ws-tickets``, and whether that caller may
see the project. A refusal is sent as a typed error and the socket closed with 4000 + status."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.websockets import WebSocket, WebSocketDisconnect

from ..auth import (Principal, Reauthenticate, not_authenticated, principal_from_request, principal_from_ticket,
                    read_ticket)
from ..errors import DrawReviewError, NotAuthenticated, NotFound
from ..models import MAX_INT, Project
from ..policy import assigned_elsewhere, can_see_project
from .sync_messages import dumps, error_message


class Ticket(Reauthenticate):
    """A ``?ticket=``: spent at connect; afterwards it stands for the principal it gave."""

    def __init__(self, ticket: str, settings) -> None:
        super().__init__(settings)
        self.ticket = ticket


def credentials_of(websocket: WebSocket):
    ticket = websocket.query_params.get("ticket")
    return Ticket(ticket, websocket.app.state.settings) if ticket else websocket


async def spend_ticket(websocket: WebSocket, session, credentials: Ticket) -> Principal | None:
    """Check a ticket from ``POST /api/ws-tickets``: signed, short-lived, spent on first use
    (its nonce is counted in the shared limiter store, so no process accepts it twice)."""
    state = websocket.app.state
    body = read_ticket(credentials.ticket, state.settings.secret_key)
    if body is None or await state.limiter.hit(f"wsticket:{body['n']}", 300) != 1:
        raise NotAuthenticated("实时连接票据无效、已过期或已使用", "The websocket ticket is invalid, expired or used",
                               code="bad_ticket")
    credentials.principal = await principal_from_ticket(session, body, state.settings)
    return credentials.principal


async def authorise(websocket: WebSocket, project_id: int, credentials) -> tuple[Principal, str, bool]:
    """The caller, the project's stage, and whether the caller is a reviewer whose discipline's
    task on the project is assigned to another reviewer (he then reads and replies only)."""
    if "token" in websocket.query_params:  # a token in a URL lands in logs and histories
        raise NotAuthenticated("令牌不能放在地址中：请用 Authorization 请求头或一次性票据",
                               "A token never goes into the URL: use the Authorization header or a ticket",
                               code="token_in_url")
    if not 0 < project_id <= MAX_INT:  # beyond any id (the id columns are 32-bit on PostgreSQL)
        raise NotFound("找不到该项目", "Project not found", details={"project_id": str(project_id)[:30]})
    async with websocket.app.state.db.session() as session:
        if isinstance(credentials, Ticket):
            principal = await spend_ticket(websocket, session, credentials)
        else:
            principal = await principal_from_request(credentials, session)
        if principal is None:
            raise not_authenticated(credentials)
        if not principal.via_token and credentials is websocket:  # cookie: refuse cross-site sockets (CSWSH)
            origin = websocket.headers.get("origin")
            if origin and urlsplit(origin).netloc != websocket.headers.get("host"):
                raise DrawReviewError("来源不被允许", "Cross-origin websocket refused", code="bad_origin", status=403)
        project = await session.get(Project, project_id)
        if project is None or not await can_see_project(session, principal, project_id):
            raise NotFound("找不到该项目，或您不是该项目的参与方", "Project not found, or you are not on it",
                           details={"project_id": project_id})
        elsewhere = project_id in await assigned_elsewhere(session, principal, [project_id])
    return principal, project.stage, elsewhere


async def refuse(websocket: WebSocket, exc: DrawReviewError, lang: str) -> None:
    try:
        await websocket.send_text(dumps(error_message(exc, lang)))
        await websocket.close(code=4000 + exc.status, reason=exc.code)
    except (WebSocketDisconnect, OSError, RuntimeError):
        pass  # the client is gone already
