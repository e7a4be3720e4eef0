"""The session cookie's Secure flag follows the request's scheme (directly, or through a trusted
proxy's X-Forwarded-Proto); the language switch redirects only within the site; the login page
is Chinese first and English after /lang/en."""

from __future__ import annotations

import httpx
import pytest
from starlette.testclient import TestClient

from drawreview.app import create_app
from tests.conftest import DRAWREVIEW, build_stack, free_port, start_process, stop_process, teardown_stack, wait_healthy
from tests.web.test_auth import csrf_from


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    s = build_stack("embedded", tmp_path_factory.mktemp("session-lang"))
    yield s
    teardown_stack(s)


def _login_cookie(c, stack, headers=None) -> str:
    acc = stack.account("builder")
    page = c.get("/login", headers=headers)
    r = c.post("/login", data={"username": "builder", "password": acc["password"], "csrf_token": csrf_from(page.text)},
               headers=headers, follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    return next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("drawreview_session="))


def test_session_cookie_is_secure_over_https_only(embedded):
    assert not embedded.settings.https  # the flag comes from the scheme, not from the setting
    with TestClient(create_app(embedded.settings), base_url="https://testserver") as c:
        cookie = _login_cookie(c, embedded).lower()
        assert "; secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert c.get("/api/me").json()["data"]["username"] == "builder"  # the secure cookie works over https
    with TestClient(create_app(embedded.settings), base_url="http://testserver") as c:
        cookie = _login_cookie(c, embedded).lower()
        assert "secure" not in cookie and "httponly" in cookie
    # DRAWREVIEW_HTTPS=true: Secure even when the proxy hides the scheme
    # (the first page already sets the session that carries the CSRF token)
    with TestClient(create_app(embedded.settings.with_(https=True)), base_url="http://testserver") as c:
        assert "; secure" in c.get("/login").headers["set-cookie"].lower()
    with TestClient(create_app(embedded.settings), base_url="http://testserver") as c:
        assert "secure" not in c.get("/login").headers["set-cookie"].lower()


def test_real_server_honours_the_proxy_scheme(embedded, tmp_path):
    port = free_port()
    proc = start_process(DRAWREVIEW + ["serve", "--port", str(port), "--log-level", "warning"], embedded.env,
                         tmp_path / "serve.log")
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc)
        # from 127.0.0.1, a trusted proxy: the scheme it forwards decides
        proxied = httpx.get(url + "/login", headers={"X-Forwarded-Proto": "https"})
        assert "; secure" in proxied.headers["set-cookie"].lower()
        with httpx.Client(base_url=url) as c:
            assert "secure" not in _login_cookie(c, embedded).lower()
    finally:
        stop_process(proc)


@pytest.mark.parametrize("referer, location", [
    (None, "/"),
    ("http://testserver/projects/3?tab=reports", "/projects/3?tab=reports"),
    ("/login?next=/", "/login?next=/"),
    ("https://evil.example/phish", "/"),
    ("http://testserver.evil.example/x", "/"),
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("http://testserver@evil.example/", "/"),
])
def test_language_switch_redirects_only_within_the_site(embedded, referer, location):
    with TestClient(create_app(embedded.settings)) as c:
        r = c.get("/lang/en", headers={"Referer": referer} if referer else {}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == location
        assert "lang=en" in r.headers["set-cookie"]


def test_login_page_is_chinese_first_then_english(embedded):
    with TestClient(create_app(embedded.settings)) as c:
        zh = c.get("/login").text
        assert 'lang="zh-CN"' in zh and "用户名" in zh and "Username" not in zh
        r = c.get("/lang/en", headers={"Referer": "http://testserver/login"}, follow_redirects=False)
        assert r.headers["location"] == "/login"
        en = c.get("/login").text
        assert 'lang="en"' in en and "Username" in en and "用户名" not in en
        c.get("/lang/zh-CN")
        assert "用户名" in c.get("/login").text
