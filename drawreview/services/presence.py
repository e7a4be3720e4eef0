"""Presence: who is looking at which sheet of a project, across app processes.

Presence is ephemeral: it is not written to the event log and its messages carry
``"seq": null`` (clients never dedupe them). Each websocket connection announces itself on
the project's broadcast channel: ``join`` when it subscribes, ``update`` when it changes
sheet, ``leave`` when it goes. Every connection that sees someone else's ``join`` answers
with a ``here`` message addressed to the newcomer (``to``: its connection id), so a
newcomer learns the whole roster whichever process the others are connected to.

Every connection also sends a ``beat`` every ``settings.presence_beat_s``: a ``leave`` never
comes from an app process that crashed or was killed, so viewers drop an entry that missed
three beats (``welcome.presence_ttl_s``) instead of showing a ghost until they reload.
"""

from __future__ import annotations

from typing import Any

from ..auth import Principal
from . import events as events_service

EVENTS = ("join", "update", "leave", "here", "beat")
TTL_BEATS = 3  # missed beats after which a viewer drops an entry


def user_public(principal: Principal) -> dict[str, Any]:
    return {"id": principal.user_id, "display_name": principal.display_name, "role": principal.role,
            "discipline": principal.discipline}


def message(event: str, conn_id: str, principal: Principal, sheet_id: int | None, to: str | None = None,
            client_id: str | None = None) -> dict:
    msg = {"type": "presence", "seq": None, "event": event, "conn": conn_id, "user": user_public(principal),
           "sheet_id": sheet_id}
    if to is not None:
        msg["to"] = to
    if client_id is not None:
        msg["client_id"] = client_id
    return msg


async def announce(broadcast, project_id: int, event: str, conn_id: str, principal: Principal,
                   sheet_id: int | None, to: str | None = None, client_id: str | None = None) -> None:
    await broadcast.publish(events_service.channel(project_id),
                            message(event, conn_id, principal, sheet_id, to, client_id))


def for_connection(msg: dict, conn_id: str) -> dict | None:
    """The presence message as this connection should see it, or None to drop it."""
    if msg.get("conn") == conn_id:
        return None  # our own announcement
    to = msg.get("to")
    if to is not None and to != conn_id:
        return None  # a roster answer meant for another newcomer
    if to is None:
        return msg  # the same object for every connection (encoded once)
    return {k: v for k, v in msg.items() if k != "to"}
