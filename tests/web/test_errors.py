"""Every API error has the one envelope; bad JSON, wrong types, unknown ids never answer 500."""

import re

import pytest

from drawreview.app import routes
from drawreview.web.openapi import api_routes


def assert_envelope(r, status=None):
    body = r.json()
    assert body["ok"] is False, body
    err = body["error"]
    assert set(err) >= {"code", "message", "messages", "details"}
    assert err["messages"]["zh-CN"] and err["messages"]["en"]
    assert r.status_code != 500, body
    if status is not None:
        assert r.status_code == status, body


BAD_BODIES = [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe", b'{"name": 5, "construction_unit_id": "x"}', b"null"]


@pytest.mark.parametrize("path,method", [(p, m) for p, m, _ in api_routes(routes())])
def test_routes_with_bad_input_answer_the_envelope(stack, client, path, method):
    headers = {**stack.token_headers("window"), "content-type": "application/json"}
    for bad_id in ["999999", "abc", "-1", "0", "99999999999999999999999"]:
        url = re.sub(r"{(\w+)(?::\w+)?}", bad_id, path)
        for body in BAD_BODIES if method in {"POST", "PUT", "PATCH"} else [None]:
            r = client.request(method, url, headers=headers, content=body)
            if r.status_code < 400:
                continue  # routes without ids or bodies may legitimately succeed
            assert_envelope(r)


def test_unknown_route_and_method(client):
    assert_envelope(client.get("/api/no-such-thing"), 404)
    r = client.delete("/api/projects")
    assert_envelope(r, 405)
    assert set(r.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}  # RFC 9110: a 405 names them


def test_not_authenticated_names_the_scheme(client):
    """RFC 9110: a 401 carries WWW-Authenticate (scripts use a bearer token); a page redirects to the login."""
    for r in (client.get("/api/projects"), client.get("/api/projects", headers={"Authorization": "Bearer drt_nope"})):
        assert_envelope(r, 401)
        assert r.headers["www-authenticate"].startswith("Bearer "), r.headers
    r = client.get("/account", follow_redirects=False)
    assert r.status_code == 303 and "www-authenticate" not in r.headers


def test_english_messages_on_request(stack, client):
    r = client.get("/api/projects/999999?lang=en", headers=stack.token_headers("window"))
    assert r.json()["error"]["message"] == "Project not found"
    r = client.get("/api/projects/999999", headers=stack.token_headers("window"))
    assert r.json()["error"]["message"] == "找不到该项目"


def test_validation_names_the_fields(stack, client):
    r = client.post("/api/projects", json={"name": "", "project_type": "castle", "construction_unit_id": "1"},
                    headers=stack.token_headers("window"))
    assert_envelope(r, 422)
    assert {"name", "project_type", "construction_unit_id", "design_institute_id"} <= set(r.json()["error"]["details"])


def test_openapi_describes_every_route(client):
    doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path, method, _ in api_routes(routes()):
        assert method.lower() in doc["paths"][re.sub(r"{(\w+):\w+}", r"{\1}", path)], (method, path)
    assert "Error" in doc["components"]["schemas"]


def test_healthz_reports_every_part(stack, client):
    body = client.get("/healthz").json()
    assert body["ok"] is True
    assert set(body["checks"]) == {"database", "storage", "queue", "broadcast"}
    expected = {"embedded": ("sqlite", "in-process", "memory"), "scaled": ("postgresql", "arq", "redis")}[stack.mode]
    assert (body["checks"]["database"]["backend"], body["checks"]["queue"]["backend"],
            body["checks"]["broadcast"]["backend"]) == expected
