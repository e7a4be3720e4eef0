"""Security headers on every page, API answer, error and static file: a CSP without inline
scripts, no framing, nosniff, a same-origin Referrer-Policy; HSTS over https. The templates
carry no inline script a CSP without 'unsafe-inline' would block."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.testclient import TestClient

from drawreview.app import create_app
from drawreview.web.headers import CSP

TEMPLATES = Path(__file__).resolve().parents[2] / "drawreview" / "web" / "templates"


def directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def check(r) -> None:
    h = r.headers
    csp = directives(h["content-security-policy"])
    assert csp["script-src"] == ["'self'"] and "'unsafe-inline'" not in csp.get("default-src", [])
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "same-origin"


def test_every_kind_of_response_has_the_headers(stack, client):
    h = stack.token_headers("window")
    pid = stack.demo["project_id"]
    for path in ("/login", "/", f"/projects/{pid}", "/window", "/stats", "/account", "/verify", "/progress",
                 "/api/projects", "/api/openapi.json", "/api/no-such", "/no-such-page", "/static/page.js",
                 "/healthz"):
        r = client.get(path, headers=h, follow_redirects=False)
        check(r)
        assert "strict-transport-security" not in r.headers  # plain http here
    check(client.post("/api/projects", headers=h, content=b"{bad"))


def test_hsts_over_https(stack):
    with TestClient(create_app(stack.settings), base_url="https://testserver") as c:
        r = c.get("/login")
        assert r.headers["strict-transport-security"].startswith("max-age=")


def test_templates_have_no_inline_scripts_or_handlers():
    for path in TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<script\b([^>]*)>", text):
            attrs = m.group(1)
            assert "src=" in attrs or 'type="application/json"' in attrs, (path.name, m.group(0))
        assert not re.search(r"\son[a-z]+\s*=", text), path.name
        assert "javascript:" not in text, path.name


def test_csp_is_what_the_module_declares(client):
    assert client.get("/login").headers["content-security-policy"] == CSP
