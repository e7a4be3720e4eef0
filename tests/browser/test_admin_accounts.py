"""The administrator opens accounts in the browser, by clicking only (before, only the server's
``drawreview createuser`` could: the user-management page could deactivate but not create). A
refusal is shown beside the form in the page's language, names what is wrong and creates nothing;
the account opened logs in with its initial password and works in its role."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.browser.conftest import DESK, PHONE, chromium_browser, embedded_site, page_as, signed_in
from tests.conftest import DRAWREVIEW

ADMIN_PASSWORD = "管理员密码-2026-secure"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    for stack, base in embedded_site(tmp_path_factory, "admin-accounts"):
        subprocess.run(DRAWREVIEW + ["createuser", "boss", "--role", "admin", "--display-name", "系统管理员 周强",
                                    "--password", ADMIN_PASSWORD],
                       env={**os.environ, **stack.env}, check=True, capture_output=True, timeout=120)
        yield stack, base


@pytest.fixture(scope="module")
def chromium(site):
    yield from chromium_browser()


def _admin(chromium, base, stack, lang, viewport):
    page = signed_in(chromium, base, stack, "boss", lang, viewport, password=ADMIN_PASSWORD, next="/admin/users")
    page.wait_for_selector("#users tbody tr[data-user-id]")
    return page.context, page


def _fill(page, **values):
    form = page.locator("#new-user")
    for name, value in values.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def test_the_admin_opens_a_reviewer_account_and_it_works(site, chromium, shots):
    stack, base = site
    orgs = {a["username"]: a["org"] for a in stack.demo["accounts"]}
    context, page = _admin(chromium, base, stack, "en", DESK)
    try:
        # a reviewer must have a discipline: the form asks for it only when the role is reviewer
        _fill(page, role="designer")
        assert page.locator("#new-user [name=discipline]").is_disabled()
        # an administrator belongs to no organisation: the field is emptied and closed for that role
        _fill(page, organisation="某单位", role="admin")
        org = page.locator("#new-user [name=organisation]")
        assert org.is_disabled() and org.input_value() == ""
        _fill(page, role="designer")
        assert not org.is_disabled()
        _fill(page, username="fire2", display_name="消防审查 王五", role="reviewer", discipline="fire",
              organisation=orgs["builder"], password="initial-pass-2026")
        assert not page.locator("#new-user [name=discipline]").is_disabled()
        # the builder's organisation is a construction unit: refused, in English, naming both kinds
        page.click("#new-user-create")
        page.wait_for_selector("#new-user-status.error")
        said = page.inner_text("#new-user-status")
        assert said == f"“{orgs['builder']}” is registered as a construction unit, not a review authority", said
        assert page.locator("#users tbody tr", has_text="fire2").count() == 0  # nothing was created
        # the duplicate of a demo username: refused by name
        _fill(page, username="fire", organisation=orgs["fire"])
        page.click("#new-user-create")
        page.wait_for_selector("#new-user-status.error:has-text('That username is taken')")
        _fill(page, username="fire2")
        page.click("#new-user-create")
        page.wait_for_selector("#new-user-status:not(.error):has-text('Account fire2 opened')")
        row = page.locator("#users tbody tr", has_text="fire2")
        row.wait_for()
        assert "Reviewer · Fire protection" in row.inner_text() and orgs["fire"] in row.inner_text()
        assert page.input_value("#new-user [name=username]") == ""  # the form is ready for the next one
        page.screenshot(path=str(shots / "admin-account-opened.png"), full_page=True)
    finally:
        context.close()
    # the new reviewer logs in with the initial password and is the fire reviewer
    with page_as(chromium, base, stack, "fire2", password="initial-pass-2026") as page:
        assert "消防审查 王五" in page.inner_text(".who") and "消防" in page.inner_text(".who")


def test_refusals_are_shown_in_chinese_on_a_phone(site, chromium, shots):
    stack, base = site
    context, page = _admin(chromium, base, stack, "zh-CN", PHONE)
    try:
        _fill(page, username="builder2", display_name="建设单位 钱七", role="construction", organisation="",
              password="initial-pass-2026")
        page.click("#new-user-create")
        page.wait_for_selector("#new-user-status.error")
        said = page.inner_text("#new-user-status")
        assert said == "请填写所属建设单位的名称（最多 200 个字符）", said
        _fill(page, organisation="滨江新区城市建设投资有限公司")  # a new name: registered as a construction unit
        page.click("#new-user-create")
        page.wait_for_selector("#new-user-status:has-text('已新建账号 builder2')")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(shots / "admin-account-phone.png"), full_page=True)
    finally:
        context.close()


def test_the_form_answers_in_the_pages_language_not_the_browsers(site, chromium):
    """A Chinese page in an English browser: the browser's own bubble ('Please match the requested
    format', in the browser's language, one field at a time) stopped a bad username before the
    server's message, in the page's language, could name every wrong field."""
    stack, base = site
    page = signed_in(chromium, base, stack, "boss", "zh-CN", DESK, locale="en-US", password=ADMIN_PASSWORD,
                     next="/admin/users")
    try:
        page.wait_for_selector("#users tbody tr[data-user-id]")
        _fill(page, username="a b", role="designer", organisation="", password="short")
        page.click("#new-user-create")
        page.wait_for_selector("#new-user-status.error")
        said = page.inner_text("#new-user-status")
        assert "用户名须为 3–64 个字母、数字或 _ . -" in said and "密码至少 10 个字符" in said, said
    finally:
        page.context.close()
