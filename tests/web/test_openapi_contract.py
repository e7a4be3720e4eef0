"""The OpenAPI document tells the truth, so clients and fuzzers can rely on it: every query
parameter an endpoint reads is declared, and every successful answer has the media type the
document names (PDFs, PNGs, zips, CSV, JSON) — checked by calling each GET route as a caller
the permission matrix lets through."""

from __future__ import annotations

import inspect
import re

import jsonschema

from drawreview.app import routes
from drawreview.models import MAX_INT
from drawreview.web.openapi import api_routes, document
from tests.web.test_permissions import MATRIX, headers_for, other_builder, other_designer, world  # noqa: F401
from tests.web.test_hostile_input import fill, permitted_role

READS = re.compile(r"""(?:query_params|\bq|\bparams)\.get\(\s*["'](\w+)["']|query_int\(\s*["'](\w+)["']""")


def declared(doc, method: str, path: str) -> set[str]:
    op = doc["paths"][path][method.lower()]
    return {p["name"] for p in op["parameters"] if p["in"] == "query"}


def test_every_query_parameter_read_is_declared():
    doc = document(routes())
    for path, method, _ in api_routes(routes()):
        route = next(r for r in routes() if getattr(r, "path", None) and
                     re.sub(r"{(\w+):\w+}", r"{\1}", r.path) == path and method in (r.methods or ()))
        source = inspect.getsource(inspect.unwrap(route.endpoint))
        used = {a or b for a, b in READS.findall(source)}
        missing = used - declared(doc, method, path)
        assert not missing, f"{method} {path} reads undeclared query parameters {missing}"


def test_answers_have_the_declared_media_types(stack, client, other_designer, other_builder, world):
    outsiders = {"other_designer": other_designer, "other_builder": other_builder}
    doc = client.get("/api/openapi.json").json()
    checked = set()
    for path, ops in doc["paths"].items():
        op = ops.get("get")
        if op is None:
            continue
        role = permitted_role("GET", path)
        if role is None:
            continue
        build = MATRIX[("GET", path)][0]
        r = client.get(fill(path, world), headers=headers_for(stack, role, outsiders), **build(stack, world))
        if r.status_code != 200:
            continue
        kind, content = next(iter(op["responses"]["200"]["content"].items()))
        assert r.headers["content-type"].split(";")[0].strip() == kind, (path, r.headers["content-type"], kind)
        if kind == "application/json":  # the envelope {"ok": true, "data": …}, or a .json document
            jsonschema.validate(r.json(), content["schema"])
        checked.add(kind)
    assert {"application/json", "application/pdf", "image/png", "application/zip", "text/csv"} <= checked


def test_the_matrix_covers_every_operation_of_the_served_document(client):
    doc = client.get("/api/openapi.json").json()
    served = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    assert served == set(MATRIX), f"missing rows: {served - set(MATRIX)}; stale rows: {set(MATRIX) - served}"


READS_FORM = re.compile(r"multipart_parts\(|read_form\(|\.form\(\)")


def test_every_form_body_read_is_declared():
    """An endpoint that reads a multipart body says so (a fuzzer sent the uploads nothing)."""
    doc = document(routes())
    checked = 0
    for path, method, _ in api_routes(routes()):
        route = next(r for r in routes() if getattr(r, "path", None) and
                     re.sub(r"{(\w+):\w+}", r"{\1}", r.path) == path and method in (r.methods or ()))
        if READS_FORM.search(inspect.getsource(inspect.unwrap(route.endpoint))):
            body = doc["paths"][path][method.lower()].get("requestBody", {})
            assert "multipart/form-data" in body.get("content", {}), (method, path)
            checked += 1
    assert checked >= 2  # the drawing upload and the report check


def test_ids_declare_the_range_the_server_takes(stack, client):
    """Every id (path, query and body) declares its bounds, so a fuzzer sends only ids the server
    reads; the largest is read (an unknown id: 404), one more is refused (422), on both databases."""
    doc = client.get("/api/openapi.json").json()
    headers = stack.token_headers("window")
    checked = 0
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ids = [(p["name"], p["schema"]) for p in op["parameters"]
                   if p["name"].endswith("_id") and p["schema"].get("type") == "integer"]
            ids += [(k, s) for k, s in body.get("properties", {}).items()
                    if k.endswith("_id") and s.get("type") == "integer"]
            for name, schema in ids:
                assert schema.get("minimum") in (0, 1) and schema.get("maximum") == MAX_INT, (method, path, name, schema)
            path_ids = [p for p in op["parameters"] if p["in"] == "path" and p["name"].endswith("_id")]
            if method != "get" or not path_ids:
                continue
            for value, refused in ((MAX_INT, False), (MAX_INT + 1, True)):
                url = re.sub(r"{(\w+)}", lambda m: str(value) if m.group(1).endswith("_id") else "0", path)
                r = client.get(url, headers=headers)
                assert (r.status_code == 422) == refused and r.status_code < 500, (url, r.status_code, r.text[:200])
            checked += 1
    assert checked >= 30


def test_errors_match_the_documented_envelope(stack, client):
    """Every kind of error (unknown route, method, login, permission, validation, bad JSON, bad
    query) validates against the document's Error schema: code, message, both languages, details."""
    doc = client.get("/api/openapi.json").json()
    error = doc["components"]["schemas"]["Error"]
    h = stack.token_headers("builder")
    answers = [client.get("/api/no-such-thing"), client.delete("/api/projects"), client.get("/api/projects"),
               client.get("/api/users", headers=h), client.post("/api/projects", headers=h, json={}),
               client.post("/api/tokens", headers=h, content=b"{"), client.get("/api/projects?q=%00", headers=h),
               client.get("/api/projects/2147483648", headers=h)]
    assert {r.status_code for r in answers} == {400, 401, 403, 404, 405, 422}
    for r in answers:
        jsonschema.validate(r.json(), error)


def test_a_json_body_with_a_field_the_document_does_not_name_is_refused(stack, client):
    """The document closes every JSON body it describes (additionalProperties: false), and the
    server agrees: a misspelt field is a 422 naming it, not silently dropped."""
    doc = client.get("/api/openapi.json").json()
    body = doc["paths"]["/api/projects"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["additionalProperties"] is False and body["properties"]["name"]["minLength"] == 1
    h = stack.token_headers("window")
    r = client.post("/api/projects", headers=h, json={"name": "x", "construction_unit_id": 3,
                                                       "design_institute_id": 2, "adress": "typo"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_field", r.text[:300]
    assert r.json()["error"]["details"]["unknown"] == ["adress"] and "address" in r.json()["error"]["details"]["allowed"]
    assert r.json()["error"]["messages"]["zh-CN"].endswith("adress")
    free = client.post("/api/projects", headers=h, json={"name": "x", "construction_unit_id": 3,
                                                          "design_institute_id": 2, "params": {"any": {"thing": 1}}})
    assert free.status_code == 200, free.text[:300]  # params is free-form, and says so
    strings = [s for op in doc["paths"].values() for o in op.values() for p in o["parameters"]
               for s in [p["schema"]] if s.get("type") == "string"]
    assert strings and all("pattern" in s or "enum" in s or "format" in s for s in strings)  # none takes a NUL
