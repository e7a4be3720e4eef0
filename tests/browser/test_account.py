"""The account page in Chromium (embedded, a real server): a user creates an API token, sees it
listed with its expiry, revokes it (the API then refuses it), and changes his password — with
no console error under the site's Content-Security-Policy."""

from __future__ import annotations

import httpx
import pytest

from tests.browser.conftest import chromium_browser, embedded_site, page_as


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    yield from embedded_site(tmp_path_factory, "account")


@pytest.fixture(scope="module")
def browser(site):
    yield from chromium_browser()


def test_tokens_and_password_on_the_account_page(site, browser, shots):
    stack, base = site
    errors: list[str] = []
    with page_as(browser, base, stack, "builder", viewport={"width": 1200, "height": 900}) as page:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        failed: list[str] = []
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.click("#nav-account")
        page.wait_for_selector("#tokens tbody tr")  # the demo token
        before = page.locator("#tokens tbody tr").count()
        page.fill("#token-name", "浏览器令牌")
        page.click("#token-create")
        page.locator("#tokens tbody tr").nth(before).wait_for()
        shown = page.locator("#token-new").inner_text()
        token = shown.split()[-1]
        assert token.startswith("drt_")
        assert httpx.get(f"{base}/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        row = page.locator("#tokens tbody tr", has_text="浏览器令牌")
        assert row.locator("td").nth(3).inner_text() == "有效"
        page.screenshot(path=str(shots / "account-tokens.png"))
        row.locator("button.revoke").click()
        page.locator("#tokens tbody tr", has_text="浏览器令牌").locator("td", has_text="已撤销").wait_for()
        assert httpx.get(f"{base}/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        # the password: wrong current one is explained, the right one changes it
        page.fill("input[name=current_password]", "not-my-password")
        page.fill("input[name=new_password]", "a-brand-new-password")
        page.click("#password-submit")
        page.locator("#password-result", has_text="当前密码不正确").wait_for()
        page.fill("input[name=current_password]", stack.account("builder")["password"])
        page.fill("input[name=new_password]", "a-brand-new-password")
        page.click("#password-submit")
        page.locator("#password-result", has_text="密码已修改").wait_for()
        assert page.context.request.get(f"{base}/api/me").status == 200  # this browser (its cookies) stays logged in
        page.screenshot(path=str(shots / "account-password.png"))
        # the only failed request is the wrong password, answered 422 on purpose
        assert failed == [f"422 {base}/api/me/password"], failed
        assert all("422" in e for e in errors) and len(errors) <= 1, errors
