"""Login/logout pages, session cookie, CSRF, API tokens — for every demo account, in both modes."""

import re

import pytest
from starlette.testclient import TestClient

from drawreview.app import create_app

USERS = ["window", "planning", "fire", "civil_defence", "lightning", "meteorology", "designer", "builder"]


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(c: TestClient, username: str, password: str):
    page = c.get("/login")
    assert page.status_code == 200
    return c.post("/login", data={"username": username, "password": password, "csrf_token": csrf_from(page.text),
                                  "next": "/"}, follow_redirects=False)


@pytest.mark.parametrize("username", USERS)
def test_every_demo_account_logs_in_by_page_and_by_token(stack, username):
    acc = stack.account(username)
    with TestClient(create_app(stack.settings)) as c:
        r = login(c, username, acc["password"])
        assert r.status_code == 303 and r.headers["location"] == "/"
        cookie = r.headers["set-cookie"]
        assert "drawreview_session=" in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
        me = c.get("/api/me").json()["data"]
        assert me["username"] == username and me["role"] == acc["role"] and me["discipline"] == acc["discipline"]
        home = c.get("/")
        assert home.status_code == 200 and acc["display_name"] in home.text
    with TestClient(create_app(stack.settings)) as c:
        me = c.get("/api/me", headers=stack.token_headers(username)).json()["data"]
        assert me["username"] == username


def test_wrong_password_is_refused_and_logout_ends_session(stack, client):
    r = login(client, "fire", "not-the-password")
    assert r.status_code == 400 and "用户名或密码错误" in r.text
    r = login(client, "fi\x00re", "not-the-password")  # a NUL reached the query: 500 on PostgreSQL
    assert r.status_code == 400 and "用户名或密码错误" in r.text
    assert client.get("/api/me").status_code == 401
    login(client, "fire", stack.account("fire")["password"])
    assert client.get("/api/me").status_code == 200
    token = client.get("/api/me").json()["data"]["csrf_token"]
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/api/me").status_code == 401


def test_form_post_without_csrf_token_is_refused(stack):
    with TestClient(create_app(stack.settings)) as c:
        c.get("/login")
        r = c.post("/login", data={"username": "fire", "password": stack.account("fire")["password"]},
                   headers={"accept": "application/json"})
        assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
        login(c, "designer", stack.account("designer")["password"])
        body = {"name": "x", "construction_unit_id": 1, "design_institute_id": 1}
        r = c.post("/api/projects", json=body)  # cookie-authenticated JSON without the header
        assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
        token = c.get("/api/me").json()["data"]["csrf_token"]
        r = c.post("/api/projects", json={"name": "有令牌"}, headers={"x-csrf-token": token})
        assert r.status_code == 422  # past CSRF, now validated


def test_bad_bearer_token_is_401(client):
    r = client.get("/api/me", headers={"Authorization": "Bearer drt_nope"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_token"


def test_created_api_token_works(stack, client):
    r = client.post("/api/tokens", json={"name": "脚本"}, headers=stack.token_headers("window"))
    token = r.json()["data"]["token"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["data"]
    assert me["username"] == "window"


def test_login_is_rate_limited(stack):
    with TestClient(create_app(stack.settings)) as c:
        statuses = [login(c, "lightning", "wrong-password-xx").status_code for _ in range(12)]
        assert statuses[:10] == [400] * 10 and statuses[-1] == 429
        # even the right password is refused while throttled
        assert login(c, "lightning", stack.account("lightning")["password"]).status_code == 429


def test_open_redirect_is_not_followed(stack):
    with TestClient(create_app(stack.settings)) as c:
        page = c.get("/login")
        r = c.post("/login", data={"username": "builder", "password": stack.account("builder")["password"],
                                   "csrf_token": csrf_from(page.text), "next": "//evil.example/x"},
                   follow_redirects=False)
        assert r.headers["location"] == "/"


def test_password_hashes_are_argon2(stack):
    import asyncio

    from sqlmodel import select

    from drawreview.db import Database
    from drawreview.models import User

    async def hashes():
        db = Database(stack.settings)
        async with db.session() as s:
            rows = (await s.exec(select(User.password_hash))).all()
        await db.close()
        return rows

    assert all(h.startswith("$argon2id$") for h in asyncio.run(hashes()))
