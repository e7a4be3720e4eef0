"""Re-checking the access of every open project socket of this process, in one pass.

Every ``settings.sync_recheck_s`` one task per app process takes all its open connections and,
in one database session: authenticates each distinct credential again with the same function
as at connect (``auth.principal_from_request``: a revoked or expired token, a signed-out or
deactivated user fail it), then asks once per user which of that user's connected projects it
may still see, and their stage (a case closed since takes no new markup on the socket) and
whether a reviewer's task there went to another reviewer (decision 125: he then only replies).
Connections that fail are told (``access_revoked``) and closed with 4403.

It first ran as a task per connection (a session and two queries each, every period): with
ten connections that was 5 % of an app process's CPU under write load, and it grows with every
open socket; grouped, the cost follows the distinct users, not the sockets.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from sqlmodel import select

from ..auth import Reauthenticate, principal_from_request
from ..errors import DrawReviewError
from ..models import Project
from ..policy import assigned_elsewhere, visible_projects_clause

if TYPE_CHECKING:  # pragma: no cover
    from .sync import Connection

log = logging.getLogger("drawreview.sync")


def credential_key(conn: "Connection") -> tuple:
    """Connections with equal keys authenticated with the same credential."""
    if isinstance(conn.credentials, Reauthenticate):  # a spent ticket: the token or session it stood for
        p = conn.principal
        return ("held", p.user_id, getattr(p, "token_id", None), getattr(p, "session_id", None))
    headers = conn.credentials.headers
    auth = headers.get("authorization", "")
    if auth:
        return ("bearer", auth)
    return ("cookie", headers.get("cookie", ""), conn.principal.user_id)


class SocketWatch:
    def __init__(self, state) -> None:
        self.state = state
        self.conns: set["Connection"] = set()
        self.task: asyncio.Task | None = None

    def add(self, conn: "Connection") -> None:
        self.conns.add(conn)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())

    def discard(self, conn: "Connection") -> None:
        self.conns.discard(conn)

    async def _run(self) -> None:
        while self.conns:
            await asyncio.sleep(self.state.settings.sync_recheck_s)
            try:
                denied = await self.check(list(self.conns))
            except Exception as exc:  # noqa: BLE001 - a database hiccup: try again next period
                log.warning("websocket access re-check failed: %r", exc)
                continue
            for conn in denied:
                self.conns.discard(conn)
                asyncio.get_running_loop().create_task(conn.revoke())

    async def check(self, conns: list["Connection"]) -> list["Connection"]:
        """The connections whose access is gone."""
        groups: dict[tuple, list] = {}
        for conn in conns:
            if not conn.revoked:
                groups.setdefault(credential_key(conn), []).append(conn)
        denied: list = []
        by_user: dict[int, tuple] = {}
        async with self.state.db.session() as session:
            for members in groups.values():
                try:
                    now = await principal_from_request(members[0].credentials, session)
                except DrawReviewError:
                    now = None
                for conn in members:
                    if now is None or now.user_id != conn.principal.user_id:
                        denied.append(conn)
                    else:
                        by_user.setdefault(now.user_id, (now, []))[1].append(conn)
            for principal, members in by_user.values():
                projects = {conn.project_id for conn in members}
                visible = dict((await session.exec(select(Project.id, Project.stage).where(
                    Project.id.in_(projects), visible_projects_clause(principal)))).all())
                denied.extend(conn for conn in members if conn.project_id not in visible)
                elsewhere = await assigned_elsewhere(session, principal, visible)  # a reassigned task
                for conn in members:  # a case closed since: new markups are refused (annotations.create)
                    conn.case_stage = visible.get(conn.project_id, conn.case_stage)
                    conn.assigned_elsewhere = conn.project_id in elsewhere
        return denied


def watch_of(state) -> SocketWatch:
    watch = getattr(state, "sync_watch", None)
    if watch is None:
        watch = state.sync_watch = SocketWatch(state)
    return watch
