"""Whoever holds a stolen session or API token cannot guess the account's password through
``POST /api/me/password``: each check of the current password counts against the account's
login limit, through a real server process in both modes.

Found from outside: with a token, 14 wrong current passwords in a row were each answered 422
``wrong_password`` and nothing ever stopped the guessing (the login form stops at 10).

Then (decision 142): the checks counted against the account's login counter, which anyone who
knows the username can fill from the login form, so a stranger's failed logins stopped the owner
— logged in, knowing the password — from changing it. The checks now count against the session or
token they come with (10) and the account's own checks (30: a token holder can make new tokens)."""

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


def _browser(url: str, address: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=60, follow_redirects=False,
                        transport=httpx.HTTPTransport(local_address=address))


def _login(client: httpx.Client, username: str, password: str) -> int:
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf,
                                       "next": "/"}).status_code


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


def test_a_strangers_failed_logins_do_not_stop_the_owner_changing_the_password(stack, servers):
    username, token = asyncio.run(_user(stack))
    with _browser(servers[0], "127.0.0.21") as owner:
        assert _login(owner, username, PASSWORD) == 303
        csrf = owner.get("/api/me").json()["data"]["csrf_token"]
        with _browser(servers[-1], "127.0.0.67") as stranger:
            assert [_login(stranger, username, f"guess-{i}") for i in range(10)] == [400] * 10
            assert _login(stranger, username, PASSWORD) == 429  # the account is locked to strangers
        # the owner's browser session changes the password with the current one
        done = owner.post("/api/me/password", headers={"X-CSRF-Token": csrf},
                          json={"current_password": PASSWORD, "new_password": "a-brand-new-password"})
        assert done.status_code == 200, done.text
        assert done.json()["data"]["tokens_revoked"] == 1
        assert owner.get("/api/me").status_code == 200  # this browser stays in, on a new session
    # a token holder is not stopped by the strangers either (the new password; the token was revoked)
    username, token = asyncio.run(_user(stack))
    with _browser(servers[-1], "127.0.0.68") as stranger:
        assert [_login(stranger, username, f"guess-{i}") for i in range(11)][-1] == 429
    with httpx.Client(base_url=servers[0], timeout=60) as client:
        assert _change(client, token, PASSWORD).status_code == 200


def test_new_tokens_do_not_buy_more_guesses(stack, servers):
    _, token = asyncio.run(_user(stack))
    wrong, stopped_by = 0, []
    with httpx.Client(base_url=servers[0], timeout=60) as client:
        for i in range(60):
            r = _change(client, token, f"guess-{i}")
            if r.status_code == 422:
                wrong += 1
                continue
            assert r.status_code == 429 and r.json()["error"]["code"] == "login_throttled", r.text
            stopped_by.append(r.json()["error"]["details"]["by"])
            if stopped_by[-1] == "account":
                break
            # the thief makes a new token with the one it holds, and guesses on
            made = client.post("/api/tokens", headers={"Authorization": f"Bearer {token}"}, json={"name": f"t{i}"})
            assert made.status_code == 200, made.text
            token = made.json()["data"]["token"]
        assert stopped_by[-1] == "account" and stopped_by.count("credential") == 2, stopped_by
        assert wrong == 28, wrong  # 10 + 10 + 8: every check counts, the refused ones too
        # and the right password is refused as well until the window ends
        assert _change(client, token, PASSWORD).status_code == 429
