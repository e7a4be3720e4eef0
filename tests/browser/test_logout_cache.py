"""A sheet's tiles and PDF leave the browser's cache when a session ends or the next one starts
(decision 134), in Chromium against real servers in both modes.

They are served ``Cache-Control: private, max-age=86400`` so a reviewer reopening a sheet does not
fetch it again; on a shared computer they stayed in the cache after logout: with the old cookie
back (the cache keys them by ``Vary: Cookie``) the browser served them offline. Logout and login
now answer ``Clear-Site-Data: "cache"``. Read here with ``fetch(…, {cache: "only-if-cached"})``
while the browser is offline: a hit is a copy still in the cache.
"""

from __future__ import annotations

from tests.browser.conftest import login, page_as

FROM_CACHE = """async (url) => {
  try {
    const r = await fetch(url, {cache: "only-if-cached", mode: "same-origin"});
    return r.status;
  } catch (e) {
    return "not cached";
  }
}"""


def cached(ctx, page, urls: list[str]) -> list:
    ctx.set_offline(True)
    try:
        return [page.evaluate(FROM_CACHE, u) for u in urls]
    finally:
        ctx.set_offline(False)


def load(page, urls: list[str]) -> None:
    for u in urls:
        assert page.evaluate("async (u) => (await fetch(u)).status", u) == 200, u


def test_logout_and_login_empty_the_sites_cache(stack, viewer_world, browser):
    base = viewer_world["urls"][0]
    sheet = viewer_world["sheet_id"]
    urls = [f"{base}/api/sheets/{sheet}/tiles/0/0/0.png", f"{base}/api/sheets/{sheet}/pdf"]
    with page_as(browser, base, stack, "designer") as page:
        ctx = page.context
        load(page, urls)
        assert cached(ctx, page, urls) == [200, 200]  # still cached while the session lives
        saved = ctx.cookies()
        page.goto(f"{base}/account")
        with page.expect_navigation():
            page.click("form[action='/logout'] button[type=submit]")
        assert page.url.endswith("/login")
        ctx.clear_cookies()
        ctx.add_cookies(saved)  # the same Cookie header as when they were cached
        assert cached(ctx, page, urls) == ["not cached", "not cached"]

        # a session left open (not logged out) is emptied by the next login on that browser
        page = login(ctx, base, stack, "designer")
        load(page, urls)
        saved = ctx.cookies()
        ctx.clear_cookies()
        other = login(ctx, base, stack, "fire")
        assert "/login" not in other.url
        ctx.clear_cookies()
        ctx.add_cookies(saved)
        assert cached(ctx, other, urls) == ["not cached", "not cached"]
