"""Whoever holds a stolen session or API token cannot guess the account's password through
``POST /api/me/password``: each check of the current password counts against the account's
login limit, through a real server process in both modes.

Found from outside: with a token, 14 wrong current passwords in a row were each answered 422
``wrong_password`` and nothing ever stopped the guessing (the login form stops at 10)."""

from __future__ import annotations

import asyncio
import re
import uuid

import httpx

PASSWORD = "the-right-password-1"


async def _user(stack) -> tuple[str, str]:
    from drawreview.auth import new_api_token
    from drawreview.db import Database
    from drawreview.services import accounts

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            org = await accounts.get_or_create_org(s, "示范建筑设计研究院有限公司", "design_institute")
            user = await accounts.create_user(s, f"pw_{uuid.uuid4().hex[:8]}", PASSWORD, "designer", org=org)
            token = await new_api_token(s, user, "stolen")
            await s.commit()
            return user.username, token
    finally:
        await db.close()


def _change(client: httpx.Client, token: str, current: str) -> httpx.Response:
    return client.post("/api/me/password", headers={"Authorization": f"Bearer {token}"},
                       json={"current_password": current, "new_password": "a-brand-new-password"})


def test_guessing_the_current_password_is_throttled_like_a_login(stack, servers):
    username, token = asyncio.run(_user(stack))
    with httpx.Client(base_url=servers[0], timeout=60, follow_redirects=False) as client:
        answers = [_change(client, token, f"guess-{i}") for i in range(10)]
        assert [a.status_code for a in answers] == [422] * 10
        assert {a.json()["error"]["code"] for a in answers} == {"wrong_password"}
        # the 11th check is refused before the password is looked at, even the right one
        stopped = _change(client, token, PASSWORD)
        assert stopped.status_code == 429, stopped.text
        assert stopped.json()["error"]["code"] == "login_throttled"
        assert stopped.json()["error"]["messages"]["zh-CN"] and stopped.json()["error"]["messages"]["en"]
        # the same account's login form is stopped too: one count for the account, wherever it is guessed
        page = client.get("/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        login = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf, "next": "/"})
        assert login.status_code == 429
        # nothing changed: the token still works and the password is the old one
        assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_right_current_password_still_changes_it(stack, servers):
    username, token = asyncio.run(_user(stack))
    with httpx.Client(base_url=servers[-1], timeout=60) as client:
        assert _change(client, token, "one-wrong-guess").status_code == 422
        done = _change(client, token, PASSWORD)
        assert done.status_code == 200, done.text
        assert done.json()["data"]["tokens_revoked"] >= 1
        assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
