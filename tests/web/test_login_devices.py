"""A stranger who fails on purpose cannot lock an account's owner out: the browser the owner logged
in with before keeps a signed device cookie (web/devices.py), and its logins count against that
device instead of the account — through a real server process in both modes.

Found from outside: ten wrong passwords for a known username, from anywhere, locked its owner out
of the login form for 15 minutes (the per-account counter, decision 125)."""

from __future__ import annotations

import asyncio
import re
import uuid

import httpx

PASSWORD = "the-right-password-1"


async def _users(stack, n: int) -> list[str]:
    from drawreview.db import Database
    from drawreview.services import accounts

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            org = await accounts.get_or_create_org(s, "示范建筑设计研究院有限公司", "design_institute")
            names = []
            for _ in range(n):
                user = await accounts.create_user(s, f"dev_{uuid.uuid4().hex[:8]}", PASSWORD, "designer", org=org)
                names.append(user.username)
            await s.commit()
            return names
    finally:
        await db.close()


def _client(url: str, address: str, **kw) -> httpx.Client:
    """A browser at its own address (the per-address limit counts each apart, as in the world)."""
    return httpx.Client(base_url=url, timeout=60, transport=httpx.HTTPTransport(local_address=address), **kw)


def _login(client: httpx.Client, username: str, password: str) -> int:
    page = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf,
                                       "next": "/"}).status_code


def _lock(url: str, username: str) -> None:
    with _client(url, "127.0.0.66") as stranger:
        assert [_login(stranger, username, f"guess-{i}") for i in range(10)] == [400] * 10
        assert _login(stranger, username, PASSWORD) == 429  # locked, even with the right password


def test_the_owners_browser_gets_in_while_strangers_are_stopped(stack, servers):
    owner_name, other_name = asyncio.run(_users(stack, 2))
    url = servers[0]
    with _client(url, "127.0.0.11") as owner:
        assert _login(owner, owner_name, PASSWORD) == 303
        cookie = next(c for c in owner.cookies.jar if c.name == "dr_device")
        assert cookie.path == "/login" and cookie.has_nonstandard_attr("HttpOnly")
        owner.post("/logout", data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                                            owner.get("/").text).group(1)})

        _lock(servers[-1], owner_name)  # from another process in the scaled mode
        with _client(url, "127.0.0.12") as newcomer:
            assert _login(newcomer, owner_name, PASSWORD) == 429
        assert _login(owner, owner_name, PASSWORD) == 303  # the known browser is not locked out

        # the cookie names its account: it does not open another locked account
        _lock(url, other_name)
        assert _login(owner, other_name, PASSWORD) == 429

    # a forged cookie is ignored
    with _client(url, "127.0.0.13", cookies={"dr_device": "eyJ1IjoieCJ9.forged.sig"}) as forged:
        assert _login(forged, other_name, PASSWORD) == 429


def test_a_known_browser_is_limited_like_the_account(stack, servers):
    (name,) = asyncio.run(_users(stack, 1))
    with _client(servers[0], "127.0.0.21") as owner:
        assert _login(owner, name, PASSWORD) == 303
        assert [_login(owner, name, f"guess-{i}") for i in range(10)] == [400] * 10
        assert _login(owner, name, PASSWORD) == 429  # its own count, as strict as the account's
        with _client(servers[-1], "127.0.0.22") as elsewhere:
            assert _login(elsewhere, name, PASSWORD) == 303  # which strangers' count did not touch
