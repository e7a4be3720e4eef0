"""The administrator manages accounts in the browser, by clicking only: revokes a reviewer's API
token (the token stops working and the live connection opened with it is cut) and deactivates an
account after a confirmation that names it (it can no longer sign in; its sessions end); both
recorded in the audit log. Nobody else may open the page or list the users."""

from __future__ import annotations

import json
import os
import subprocess
import time

import httpx
import pytest
from websockets.sync.client import connect

from tests.browser.conftest import DESK, chromium_browser, db_call, embedded_site, page_as, signed_in
from tests.conftest import DRAWREVIEW
from tests.web.test_ws_auth import browser_login

ADMIN_PASSWORD = "管理员密码-2026-secure"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    for stack, base in embedded_site(tmp_path_factory, "admin"):
        subprocess.run(DRAWREVIEW + ["createuser", "boss", "--role", "admin", "--display-name", "系统管理员 周强",
                                    "--org", "示范市行政审批局联合审图中心", "--password", ADMIN_PASSWORD],
                       env={**os.environ, **stack.env}, check=True, capture_output=True, timeout=120)
        yield stack, base


@pytest.fixture(scope="module")
def chromium(site):
    yield from chromium_browser()


def _admin_page(chromium, base, stack, lang="zh-CN"):
    page = signed_in(chromium, base, stack, "boss", lang, DESK, password=ADMIN_PASSWORD)
    page.click("#nav-users")
    page.wait_for_selector("#users tbody tr[data-user-id]")
    return page.context, page


def _audit(stack, action: str) -> list[tuple[str, str]]:
    """(object id, actor) of the audit entries with this action, read from the database."""
    from sqlmodel import select

    from drawreview.models import AuditEntry

    async def read(s):
        return [(r.object_id, r.actor) for r in (await s.exec(select(AuditEntry).where(AuditEntry.action == action))).all()]

    return db_call(stack, read)


def test_the_admin_revokes_a_token_and_its_socket_is_cut(site, chromium, shots):
    stack, base = site
    token = stack.account("designer")["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{base}/api/me", headers=auth, timeout=10).status_code == 200
    ws = connect(f"ws://127.0.0.1:{base.rsplit(':', 1)[1]}/ws/projects/{stack.demo['project_id']}",
                 additional_headers=auth, open_timeout=10)
    ws.send(json.dumps({"type": "hello", "since": 0}))
    first = json.loads(ws.recv(timeout=10))
    assert first["type"] == "welcome", first
    context, page = _admin_page(chromium, base, stack)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        row = page.locator("#all-tokens tbody tr[data-user='designer']").first
        token_id = row.get_attribute("data-token-id")
        row.locator("button.revoke").click()
        page.wait_for_selector(f"#all-tokens tr[data-token-id='{token_id}'] >> text=已撤销")
        assert "已撤销 designer 的令牌" in page.inner_text("#users-status")
        page.screenshot(path=str(shots / "admin-token-revoked.png"), full_page=True)
    finally:
        context.close()
    refused = httpx.get(f"{base}/api/me", headers=auth, timeout=10)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "bad_token"
    # the open live connection made with that token ends within the re-check interval (2 s)
    deadline, closed = time.monotonic() + 15, None
    while time.monotonic() < deadline and closed is None:
        try:
            msg = json.loads(ws.recv(timeout=1))
            if msg.get("type") == "error":
                closed = msg["code"]
        except TimeoutError:
            continue
        except Exception:  # noqa: BLE001 - closed by the server
            closed = "closed"
    ws.close()
    assert closed in ("access_revoked", "closed")
    assert errors == []
    assert (token_id, "boss") in _audit(stack, "token.revoke")  # recorded, by the admin
    log = subprocess.run(DRAWREVIEW + ["audit", "verify"], env={**os.environ, **stack.env}, capture_output=True,
                         timeout=120, text=True)
    assert log.returncode == 0, log.stdout + log.stderr


def test_the_admin_deactivates_an_account_after_confirming(site, chromium, shots):
    stack, base = site
    user = stack.account("meteorology")
    session = signed_in(chromium, base, stack, "meteorology")  # a session that must end
    assert "/login" not in session.url
    context, page = _admin_page(chromium, base, stack, lang="en")
    try:
        row = page.locator("#users tbody tr", has_text="meteorology")
        assert row.get_attribute("data-active") == "1"
        uid = row.get_attribute("data-user-id")
        shown: list[str] = []

        def answer(dialog):
            shown.append(dialog.message)
            dialog.accept()

        page.once("dialog", answer)
        row.locator("button.deactivate").click()
        page.wait_for_selector("#users tbody tr[data-active='0']", timeout=15000)
        assert shown and "meteorology" in shown[0] and "Deactivate" in shown[0]
        assert page.locator("#users tbody tr[data-active='0']").inner_text().find("deactivated") >= 0
        page.screenshot(path=str(shots / "admin-user-deactivated.png"), full_page=True)
        own = page.locator("#users tbody tr", has_text="boss")
        assert own.locator("button.deactivate").count() == 0  # never his own account
    finally:
        context.close()
    # the account's session ended and it cannot sign in again; its token is gone
    session.goto(f"{base}/account")
    assert "/login" in session.url
    session.fill("input[name=username]", "meteorology")  # the right password no longer signs in
    session.fill("input[name=password]", user["password"])
    with session.expect_navigation():
        session.click("button[type=submit]")
    assert "/login" in session.url and session.locator(".error").count() > 0
    session.context.close()
    assert httpx.get(f"{base}/api/me", headers={"Authorization": f"Bearer {user['token']}"}, timeout=10).status_code == 401
    assert uid in [oid for oid, actor in _audit(stack, "user.deactivate") if actor == "boss"]


def test_nobody_else_manages_users(site, chromium):
    stack, base = site
    # an administrator cannot lock himself out through the API either
    boss = browser_login(base, "boss", ADMIN_PASSWORD)
    me = boss.get("/api/me").json()["data"]
    r = boss.post(f"/api/users/{me['id']}/deactivate", headers={"X-CSRF-Token": me["csrf_token"]})
    assert r.status_code == 422 and "另一位管理员" in r.json()["error"]["messages"]["zh-CN"]
    assert boss.get("/api/me").status_code == 200
    for who in ("window", "builder", "fire"):
        r = httpx.get(f"{base}/api/users", headers=stack.token_headers(who), timeout=10)
        assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied", who
    with page_as(chromium, base, stack, "window") as page:
        assert page.locator("#nav-users").count() == 0
        response = page.goto(f"{base}/admin/users")
        assert response.status == 403


def test_the_admin_reactivates_a_deactivated_account(site, chromium, shots):
    """A deactivated account had no way back in the browser (only a new account). Its row now has
    a "reactivate" button; the person signs in again with the same password; the audit log names
    the administrator. Deactivated here (by the server's command line), whatever ran before."""
    stack, base = site
    out = subprocess.run(DRAWREVIEW + ["user", "deactivate", "lightning"], env={**os.environ, **stack.env},
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    context, page = _admin_page(chromium, base, stack)
    try:
        row = page.locator("#users tbody tr", has_text="lightning")
        uid = row.get_attribute("data-user-id")
        assert row.get_attribute("data-active") == "0" and "已停用" in row.inner_text()
        assert row.locator("button.deactivate").count() == 0
        row.locator("button.reactivate").click()
        page.wait_for_selector(f"#users tbody tr[data-user-id='{uid}'][data-active='1']", timeout=15000)
        assert page.inner_text("#users-status") == "已恢复 lightning：可用原密码登录，API 令牌需重新创建"
        again = page.locator(f"#users tbody tr[data-user-id='{uid}']")
        assert again.locator("button.reactivate").count() == 0 and again.locator("button.deactivate").count() == 1
        page.screenshot(path=str(shots / "admin-user-reactivated.png"), full_page=True)
    finally:
        context.close()
    with page_as(chromium, base, stack, "lightning") as person:  # the same password signs in again
        assert "/login" not in person.url and "防雷审查 陈静" in person.inner_text(".who")
    assert uid in [oid for oid, actor in _audit(stack, "user.reactivate") if actor == "boss"]
