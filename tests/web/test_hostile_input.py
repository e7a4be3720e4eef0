"""Hostile input on every route, in both modes: deeply nested JSON, NUL characters and lone
surrogates in keys and values, integers beyond 64 bits and NaN answer 400 ``bad_json`` on every
route that takes a JSON body (sent as a caller the permission matrix lets through, so the body
is really read); bodies over the limit are refused from Content-Length or while streaming;
NUL in a query string, out-of-range ids and query integers are 4xx; never a 5xx.

The routes come from the OpenAPI document, the callers from tests/web/matrix/.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.web.matrix import ROLES
from tests.web.test_permissions import MATRIX, headers_for, other_builder, other_designer, world  # noqa: F401

NESTED = ("[" * 5000 + "]" * 5000).encode()
HOSTILE = {
    "nested array": NESTED,
    "nested object": ('{"a":' * 3000 + "1" + "}" * 3000).encode(),
    "moderately nested": ('{"name": ' + "[" * 40 + '"x"' + "]" * 40 + "}").encode(),
    "NUL in a value": json.dumps({"name": "项目\u0000名", "body": "a\u0000b", "title": "\u0000", "reason": "\u0000",
                                  "client_id": "\u0000"}).encode(),
    "NUL in a key": b'{"na\\u0000me": "x"}',
    "lone surrogate": b'{"name": "\\ud800", "body": "\\udfff"}',
    "huge integer": b'{"version": 123456789012345678901234567890, "construction_unit_id": 99999999999999999999999}',
    "NaN": b'{"version": NaN, "x": Infinity}',
}


def openapi_operations(client) -> list[tuple[str, str, dict]]:
    doc = client.get("/api/openapi.json").json()
    return [(method.upper(), path, op) for path, ops in doc["paths"].items() for method, op in ops.items()]


def permitted_role(method: str, path: str) -> str | None:
    """A caller the matrix lets through (2xx), so the endpoint gets as far as reading the body."""
    row = MATRIX.get((method, path))
    if row is None:
        return None
    expected = row[1]
    return next((r for r in ROLES if r != "anonymous" and 200 <= expected[r] < 300), None)


def fill(path: str, world) -> str:
    return re.sub(r"{(\w+)(?::\w+)?}", lambda m: str(world.get(m.group(1), 1)), path)


def test_hostile_json_is_bad_json_on_every_json_route(stack, client, other_designer, other_builder, world):
    outsiders = {"other_designer": other_designer, "other_builder": other_builder}
    checked = 0
    for method, path, op in openapi_operations(client):
        if method not in {"POST", "PUT", "PATCH", "DELETE"}:
            continue
        role = permitted_role(method, path)
        headers = {**headers_for(stack, role or "window", outsiders), "content-type": "application/json"}
        takes_json = "application/json" in op.get("requestBody", {}).get("content", {})
        for name, body in HOSTILE.items():
            build = MATRIX[(method, path)][0]
            build(stack, world)  # put the objects back in the state the row needs
            r = client.request(method, fill(path, world), headers=headers, content=body)
            assert r.status_code < 500, (method, path, name, r.text[:300])
            if takes_json and role is not None:
                assert r.status_code == 400 and r.json()["error"]["code"] == "bad_json", (
                    method, path, name, role, r.status_code, r.text[:300])
                checked += 1
    assert checked >= 8 * 10  # most write routes take JSON: this must not silently test nothing


BEYOND_INT = 2**31  # one past PostgreSQL's INTEGER, the type of every id and version column
LONG_TEXT = "长" * 3000  # longer than any VARCHAR column, well within the body limit


def hostile_values(schema: dict) -> list:
    """What to send for a field of this schema: a number beyond the id columns or a JSON true
    (Python's bool is an int) for an integer, a text beyond any column, a list of those."""
    kind = schema.get("type")
    if kind == "integer":
        return [BEYOND_INT, True]
    if kind == "string":
        return [LONG_TEXT]
    if kind == "array":
        return [[v] for v in hostile_values(schema.get("items", {}))]
    return []


def one_leaf_changed(value):
    """Copies of a JSON value with one integer or one text replaced by a hostile value."""
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield from hostile_values({"type": "integer"})
    elif isinstance(value, str):
        yield LONG_TEXT
    elif isinstance(value, dict):
        for k, v in value.items():
            for changed in one_leaf_changed(v):
                yield {**value, k: changed}
    elif isinstance(value, list):
        for i, v in enumerate(value):
            for changed in one_leaf_changed(v):
                yield value[:i] + [changed] + value[i + 1:]


def test_values_the_database_cannot_store_are_4xx_on_every_json_route(stack, client, other_designer, other_builder,
                                                                      world):
    """Each route's accepted body (from the permission matrix) with one number beyond the id
    columns or one text beyond any column, in its own fields or in an optional field the OpenAPI
    document names: a 4xx in the error envelope, never a 500 (PostgreSQL refuses what SQLite
    stores)."""
    outsiders = {"other_designer": other_designer, "other_builder": other_builder}
    checked = 0
    for method, path, op in openapi_operations(client):
        role = permitted_role(method, path)
        build = MATRIX[(method, path)][0]
        body = build(stack, world).get("json")
        if role is None or not isinstance(body, dict):
            continue
        declared = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        variants = [*one_leaf_changed(body), *({**body, k: v} for k, schema in declared.get("properties", {}).items()
                                               if k not in body for v in hostile_values(schema))]
        for changed in variants:
            kwargs = {**build(stack, world), "json": changed}  # the objects back in the state the row needs
            r = client.request(method, fill(path, world), headers=headers_for(stack, role, outsiders), **kwargs)
            assert r.status_code < 500, (method, path, changed, r.text[:300])
            if r.status_code >= 400:
                error = r.json()["error"]
                assert error["messages"]["zh-CN"] and error["messages"]["en"], (method, path, r.text[:300])
                # each route checks its own fields (a message naming the field); the database's
                # refusal (db.value_error) is only the last net
                assert error["code"] != "value_out_of_range", (method, path, changed, r.text[:300])
            checked += 1
    assert checked >= 15  # the accepted bodies of the matrix: this must not silently test nothing


def test_big_bodies_are_refused_before_they_are_read(client, stack):
    h = {**stack.token_headers("designer"), "content-type": "application/json"}
    big = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    r = client.post("/api/projects", headers=h, content=big)
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"

    def chunks():  # no Content-Length: counted while it streams
        yield b'{"name": "'
        for _ in range(40):
            yield b"x" * 65536

    r = client.post("/api/projects", headers=h, content=chunks())
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
    # a form (the login page) has the same bound
    r = client.post("/login", content=b"username=" + b"a" * (2 * 1024 * 1024),
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "case=%FF%FE&code=1", "from=%00"])
def test_nul_and_undecodable_queries_are_400(client, stack, query):
    for path in ("/api/projects", "/api/stats", "/api/progress", f"/api/projects/{stack.demo['project_id']}"):
        r = client.get(f"{path}?{query}", headers=stack.token_headers("window"))
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_query", (path, r.text)


def test_nul_in_a_path_is_400(client, stack):
    """A path naming text (/verify/{code}) hands it to a query: NUL is refused before, as in a
    query string (PostgreSQL cannot compare it: it was a 500 there)."""
    for path in ("/verify/JS-2026%00", "/api/projects/1%00", "/lang/en%00"):
        r = client.get(path, headers=stack.token_headers("window"), follow_redirects=False)
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_path", (path, r.text[:200])


def test_out_of_range_ids_and_query_values_are_4xx_on_every_route(stack, client):
    headers = stack.token_headers("window")
    for method, path, op in openapi_operations(client):
        if method != "GET":
            continue
        # 2147483648: one past PostgreSQL's INTEGER (the id columns), within SQLite's
        for bad in ("99999999999999999999999", "9223372036854775808", "2147483648", "0", "-1"):
            r = client.get(re.sub(r"{(\w+)(?::\w+)?}", bad, path), headers=headers)
            assert 400 <= r.status_code < 500 or (r.status_code == 200 and "{" not in path), (path, bad, r.text[:200])
        for param in op.get("parameters", []):
            if param["in"] != "query":
                continue
            for bad in ("99999999999999999999999", "-99999999999999999999", "2147483648", "0001-01-01", "9999-12-31",
                        "\u00e9x", "1e999"):
                url = re.sub(r"{(\w+)(?::\w+)?}", lambda m: str(stack.demo["project_id"]), path)
                r = client.get(url, params={param["name"]: bad}, headers=headers)
                assert r.status_code < 500, (path, param["name"], bad, r.text[:200])


def test_stats_dates_out_of_range_are_4xx(client, stack):
    h = stack.token_headers("window")
    for q in ({"from": "2026-13-01"}, {"to": "99999-01-01"}, {"from": "2026-05-01", "to": "2026-01-01"}):
        r = client.get("/api/stats", params=q, headers=h)
        assert 400 <= r.status_code < 500 and r.json()["ok"] is False, (q, r.text[:200])
    # a valid day beyond the supported range is a filter bound past every record: read as the range's end
    r = client.get("/api/stats", params={"from": "0001-01-01", "to": "9999-12-31"}, headers=h)
    assert r.status_code == 200, r.text[:200]
    assert r.json()["data"]["range"] == {"from": "1969-12-31T16:00:00+00:00", "to": "2199-12-31T16:00:00+00:00"}
    assert client.get("/api/stats", params={"to": ""}, headers=h).json()["data"]["range"]["to"] is None  # empty: absent


def test_no_error_names_a_server_path(stack, client, tmp_path):
    """An upload whose entry name is too long for the file system: the entry alone is refused,
    the other drawing is kept, and no answer or stored error shows where the server keeps files."""
    from tests import drawing_inputs as di

    sid = di.new_submission(client, stack)
    long_name = "超长文件名" * 20 + ".dxf"  # 100 Chinese characters: over 255 bytes
    r = client.post(f"/api/submissions/{sid}/files", headers=stack.token_headers("designer"),
                    files=[("file", ("图纸包.zip", di.zip_of({long_name: di.plan(), "正常.dxf": di.plan()})))])
    assert r.status_code == 200, r.text
    files = di.wait_files(client, stack, sid)
    text = r.text + str(files)
    for root in (str(stack.settings.data_dir), "/tmp/", str(tmp_path)):
        assert root not in text, root
    assert any(f["state"] == "ready" for f in files), files
    assert "entry_name_too_long" in text
