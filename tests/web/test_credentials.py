"""Sessions, passwords, throttling and API tokens, in both modes: a copied cookie is dead after
logout; a password change or a deactivation ends every session and token (API and CLI); logins
are throttled by account and by address; argon2 runs off the event loop; tokens expire, are
listed and revoked by their owner, and by an admin; all of it is audited."""

from __future__ import annotations

import asyncio
import os
import re
import threading
import time
from datetime import timedelta

import httpx
from sqlmodel import select
from starlette.testclient import TestClient

from drawreview.app import create_app
from tests.test_cli import run as run_cli


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(c: TestClient, username: str, password: str):
    page = c.get("/login")
    return c.post("/login", data={"username": username, "password": password, "csrf_token": csrf_from(page.text),
                                  "next": "/"}, follow_redirects=False)


def db_call(stack, fn):
    from drawreview.db import Database

    async def go():
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                out = await fn(s)
                await s.commit()
                return out
        finally:
            await db.close()

    return asyncio.run(go())


def make_user(stack, username: str, role: str = "designer", password: str = "a-long-password-1") -> dict:
    from drawreview.auth import new_api_token
    from drawreview.services import accounts

    async def make(s):
        org = None
        if role == "designer":
            org = await accounts.get_or_create_org(s, "示范建筑设计研究院有限公司", "design_institute")
        user = await accounts.create_user(s, username, password, role, org=org)
        token = await new_api_token(s, user, "t")
        return {"id": user.id, "token": token, "password": password}

    return db_call(stack, make)


def audit_actions(stack, action: str) -> list:
    from drawreview.models import AuditEntry

    async def q(s):
        return (await s.exec(select(AuditEntry).where(AuditEntry.action == action))).all()

    return db_call(stack, q)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_copied_cookie_is_dead_after_logout(stack):
    acc = stack.account("fire")
    with TestClient(create_app(stack.settings)) as a, TestClient(create_app(stack.settings)) as b:
        assert login(a, "fire", acc["password"]).status_code == 303
        stolen = a.cookies.get("drawreview_session")
        b.cookies.set("drawreview_session", stolen)
        assert b.get("/api/me").status_code == 200  # the copy works while the session lives
        token = a.get("/api/me").json()["data"]["csrf_token"]
        assert a.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
        b.cookies.set("drawreview_session", stolen)
        assert b.get("/api/me").status_code == 401


def test_password_change_ends_every_session_and_token(stack):
    user = make_user(stack, "pw_changer")
    with TestClient(create_app(stack.settings)) as a, TestClient(create_app(stack.settings)) as b:
        assert login(a, "pw_changer", user["password"]).status_code == 303
        assert login(b, "pw_changer", user["password"]).status_code == 303
        csrf = a.get("/api/me").json()["data"]["csrf_token"]
        wrong = a.post("/api/me/password", json={"current_password": "nope", "new_password": "another-long-1"},
                       headers={"x-csrf-token": csrf})
        assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "wrong_password"
        short = a.post("/api/me/password", json={"current_password": user["password"], "new_password": "short"},
                       headers={"x-csrf-token": csrf})
        assert short.status_code == 422
        r = a.post("/api/me/password", json={"current_password": user["password"], "new_password": "another-long-1"},
                   headers={"x-csrf-token": csrf})
        assert r.status_code == 200, r.text
        assert r.json()["data"]["sessions_ended"] == 2 and r.json()["data"]["tokens_revoked"] == 1
        assert a.get("/api/me").status_code == 200  # this browser continues on a fresh session
        assert b.get("/api/me").status_code == 401  # the other one is out
        assert a.get("/api/me", headers=bearer(user["token"])).status_code == 401
        assert login(b, "pw_changer", user["password"]).status_code == 400
        assert login(b, "pw_changer", "another-long-1").status_code == 303
    assert audit_actions(stack, "user.password_change")


def test_deactivation_by_the_admin_and_by_the_cli(stack, client):
    admin = make_user(stack, "sec_admin", role="admin")
    victim = make_user(stack, "deact_api")
    with TestClient(create_app(stack.settings)) as a:
        assert login(a, "deact_api", victim["password"]).status_code == 303
        assert client.post(f"/api/users/{victim['id']}/deactivate",
                           headers=stack.token_headers("window")).status_code == 403
        r = client.post(f"/api/users/{victim['id']}/deactivate", headers=bearer(admin["token"]))
        assert r.status_code == 200 and r.json()["data"]["active"] is False
        assert a.get("/api/me").status_code == 401
        assert client.get("/api/me", headers=bearer(victim["token"])).status_code == 401
    other = make_user(stack, "deact_cli")
    out = run_cli(["user", "deactivate", "deact_cli"], stack.env)
    assert out.returncode == 0, out.stderr
    assert client.get("/api/me", headers=bearer(other["token"])).status_code == 401
    entries = audit_actions(stack, "user.deactivate")
    assert {e.detail["username"] for e in entries} >= {"deact_api", "deact_cli"}
    assert {e.actor for e in entries} >= {"sec_admin", "cli"}


def test_reactivation_by_the_admin_and_by_the_cli(stack, client):
    """A deactivated account comes back (same password, no old session or token), audited; an
    account that is active is refused in both languages; nobody but an administrator may do it."""
    admin = make_user(stack, "react_admin", role="admin")
    person = make_user(stack, "react_api")
    uid = person["id"]
    assert client.post(f"/api/users/{uid}/deactivate", headers=bearer(admin["token"])).status_code == 200
    assert client.post(f"/api/users/{uid}/reactivate", headers=stack.token_headers("window")).status_code == 403
    r = client.post(f"/api/users/{uid}/reactivate", headers=bearer(admin["token"]))
    assert r.status_code == 200 and r.json()["data"]["active"] is True, r.text
    assert client.get("/api/me", headers=bearer(person["token"])).status_code == 401  # its old token stays revoked
    with TestClient(create_app(stack.settings)) as b:
        assert login(b, "react_api", person["password"]).status_code == 303
        assert b.get("/api/me").status_code == 200
    again = client.post(f"/api/users/{uid}/reactivate", headers={**bearer(admin["token"]), "Accept-Language": "en"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "user_active"
    assert again.json()["error"]["message"] == "The account react_api is not deactivated"
    zh = client.post(f"/api/users/{uid}/reactivate", headers={**bearer(admin["token"]), "Accept-Language": "zh-CN"})
    assert zh.json()["error"]["message"] == "账号 react_api 未被停用，无需恢复"
    # the server's command line: the same, and the same refusal
    make_user(stack, "react_cli")
    assert run_cli(["user", "deactivate", "react_cli"], stack.env).returncode == 0
    out = run_cli(["user", "reactivate", "react_cli"], stack.env)
    assert out.returncode == 0 and "reactivated react_cli" in out.stdout, out.stderr
    with TestClient(create_app(stack.settings)) as c:
        assert login(c, "react_cli", "a-long-password-1").status_code == 303
    refused = run_cli(["user", "reactivate", "react_cli"], stack.env)
    assert refused.returncode == 1 and "未被停用" in refused.stderr and "is not deactivated" in refused.stderr
    entries = audit_actions(stack, "user.reactivate")
    assert {(e.actor, e.object_id) for e in entries} >= {("react_admin", str(uid))}
    assert "cli" in {e.actor for e in entries} and {e.detail["username"] for e in entries} >= {"react_api", "react_cli"}


def test_login_is_throttled_by_address_across_accounts(stack):
    with TestClient(create_app(stack.settings), client=("203.0.113.7", 5000)) as c:
        statuses = [login(c, f"nobody{i}", "wrong-password-xx").status_code for i in range(32)]
    assert statuses[:30] == [400] * 30 and statuses[30:] == [429, 429]
    # another address is not affected; the account limit holds from every address
    with TestClient(create_app(stack.settings), client=("203.0.113.8", 5000)) as c:
        assert login(c, "nobody0", "wrong-password-xx").status_code == 400
    failed = audit_actions(stack, "user.login_failed")
    assert any(e.detail.get("username") == "nobody5" and e.detail.get("address") == "203.0.113.7" for e in failed)


def test_password_hashing_does_not_stall_the_event_loop(stack):
    """Concurrent failed logins: the loop keeps ticking while argon2 works in threads (on the
    loop, each verification would stop every other request for its whole duration), and at
    most cores - 1 hashes run at once (each takes 64 MiB and a core)."""
    from drawreview.auth import hash_password

    started = time.perf_counter()
    hash_password("x" * 20)
    one_hash = time.perf_counter() - started

    async def flood():
        app = create_app(stack.settings)
        transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 1))
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
                page = await c.get("/login")
                token = csrf_from(page.text)
                gaps, hashing, stop = [], [], asyncio.Event()

                async def ticker():
                    last = time.perf_counter()
                    while not stop.is_set():
                        await asyncio.sleep(0.002)
                        hashing.append(sum(t.name.startswith("argon2") for t in threading.enumerate()))
                        now = time.perf_counter()
                        gaps.append(now - last)
                        last = now

                tick = asyncio.create_task(ticker())
                await asyncio.gather(*(c.post("/login", data={"username": f"flood{i}", "password": "wrong-password",
                                                              "csrf_token": token}) for i in range(12)))
                stop.set()
                await tick
                return gaps, hashing

    gaps, hashing = asyncio.run(flood())
    assert len(gaps) > 5
    assert 1 <= max(hashing) <= max(1, (os.cpu_count() or 2) - 1), max(hashing)
    # on the loop, the 12 verifications would stop the loop for about 12 hashes in all
    stalled = sum(g for g in gaps if g >= 0.5 * one_hash)
    assert stalled < 6 * one_hash, (stalled, one_hash)


def test_tokens_expire(stack, client):
    from drawreview.models import ApiToken, utcnow

    user = make_user(stack, "old_token")
    assert client.get("/api/me", headers=bearer(user["token"])).status_code == 200

    async def age(s):
        row = (await s.exec(select(ApiToken).where(ApiToken.user_id == user["id"]))).one()
        row.created_at = utcnow() - timedelta(days=stack.settings.token_ttl_days + 1)
        s.add(row)

    db_call(stack, age)
    r = client.get("/api/me", headers=bearer(user["token"]))
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_token"
    listed = client.get("/api/tokens", headers=stack.token_headers("window")).json()["data"]
    assert all(t["user_id"] != user["id"] for t in listed)


def test_tokens_are_listed_and_revoked_by_owner_and_admin(stack, client):
    admin = make_user(stack, "tok_admin", role="admin")
    owner = make_user(stack, "tok_owner")
    made = client.post("/api/tokens", json={"name": "脚本二"}, headers=bearer(owner["token"])).json()["data"]
    mine = client.get("/api/tokens", headers=bearer(owner["token"])).json()["data"]
    assert {t["name"] for t in mine} == {"t", "脚本二"} and all(t["usable"] and t["expires_at"] for t in mine)
    assert "token" not in mine[0] and "token_hash" not in mine[0]
    second = next(t for t in mine if t["name"] == "脚本二")
    # someone else can neither list nor revoke it
    assert client.get(f"/api/tokens?user_id={owner['id']}", headers=stack.token_headers("designer")).status_code == 403
    assert client.delete(f"/api/tokens/{second['id']}", headers=stack.token_headers("designer")).status_code == 404
    # the owner revokes it: it stops working at once
    r = client.delete(f"/api/tokens/{second['id']}", headers=bearer(owner["token"]))
    assert r.status_code == 200 and r.json()["data"]["revoked"] is True
    assert client.get("/api/me", headers=bearer(made["token"])).status_code == 401
    # the admin sees and revokes anyone's
    theirs = client.get(f"/api/tokens?user_id={owner['id']}", headers=bearer(admin["token"])).json()["data"]
    first = next(t for t in theirs if t["name"] == "t")
    assert client.delete(f"/api/tokens/{first['id']}", headers=bearer(admin["token"])).status_code == 200
    assert client.get("/api/me", headers=bearer(owner["token"])).status_code == 401
    assert client.get("/api/tokens?user_id=x", headers=bearer(admin["token"])).status_code == 422
    created = audit_actions(stack, "token.create")
    revoked = audit_actions(stack, "token.revoke")
    assert any(e.actor == "tok_owner" and e.detail["name"] == "脚本二" for e in created)
    assert {e.actor for e in revoked if e.detail["user_id"] == owner["id"]} == {"tok_owner", "tok_admin"}


def test_cli_revokes_a_users_tokens(stack, client):
    user = make_user(stack, "tok_cli")
    out = run_cli(["token", "revoke", "--user", "tok_cli"], stack.env)
    assert out.returncode == 0, out.stderr
    assert client.get("/api/me", headers=bearer(user["token"])).status_code == 401


def test_the_account_page_lists_tokens_and_changes_the_password(stack):
    acc = stack.account("builder")
    with TestClient(create_app(stack.settings)) as c:
        assert c.get("/account", follow_redirects=False).status_code == 303
        login(c, "builder", acc["password"])
        page = c.get("/account")
        assert page.status_code == 200 and 'id="tokens"' in page.text and "/static/account.js" in page.text
        assert 'id="password-form"' in page.text and "API 令牌" in page.text
