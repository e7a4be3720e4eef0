"""The OpenAPI 3 document, generated from the routes table and each endpoint's ``@api`` data."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..services import progress, reports, stats
from ..services.markups import SEVERITIES, STATUSES
from ..services.comment_library import PALETTE
from . import notifications
from .annotations import CLIENT_ID
from .common import ID_SCHEMA as ID
from .common import NUL_FREE, text

ERROR_SCHEMA = {
    "type": "object",
    "required": ["ok", "error"],
    "properties": {
        "ok": {"type": "boolean", "enum": [False]},
        "error": {
            "type": "object",
            "required": ["code", "message", "messages", "details"],
            "properties": {
                "code": {"type": "string", "minLength": 1},
                "message": {"type": "string", "minLength": 1},
                "messages": {"type": "object", "required": ["zh-CN", "en"],  # every error in both languages
                             "properties": {"zh-CN": {"type": "string", "minLength": 1},
                                            "en": {"type": "string", "minLength": 1}}},
                "details": {"nullable": True},
            },
        },
    },
}


def api_routes(routes) -> list[tuple[str, str, dict]]:
    """(path, method, openapi data) for every ``@api`` endpoint in the routes table."""
    out = []
    for route in routes:
        if isinstance(route, Route) and hasattr(route.endpoint, "openapi"):
            for method in sorted(route.methods - {"HEAD"}):
                out.append((re.sub(r"{(\w+):\w+}", r"{\1}", route.path), method, route.endpoint.openapi))
    return out


_TEXT = {"type": "string"}
_DAY = {"type": "string", "format": "date", "description": "YYYY-MM-DD, a Beijing day; one outside "
        f"{stats.DAY_RANGE[0]}..{stats.DAY_RANGE[1]} is read as that range's end (no record lies beyond)"}
_DISCIPLINE = {"type": "string", "enum": list(PALETTE)}
# query parameters of endpoints that hand the whole query to a service (declared here, next to
# the document, so the document names every parameter; ``@api(query=...)`` adds the rest)
QUERY: dict[tuple[str, str], dict] = {
    ("GET", "/api/stats"): {"from": _DAY, "to": _DAY},
    ("GET", "/api/stats.csv"): {"from": _DAY, "to": _DAY},
    ("GET", "/api/projects/{project_id}/audit"): {"actor": _TEXT, "action": _TEXT, "from": _DAY, "to": _DAY},
    ("GET", "/api/projects/{project_id}/audit.csv"): {"actor": _TEXT, "action": _TEXT, "from": _DAY, "to": _DAY},
    ("GET", "/api/progress"): {
        "case": {"type": "string", "pattern": progress.CASE_PATTERN, "required": True,
                 "description": "the case number on the receipt, e.g. JS-2025-000001 (letters in any case)"},
        "code": {"type": "string", "pattern": progress.CODE_PATTERN, "required": True,
                 "description": "the verification code on the receipt: 6-16 digits"}},
    ("GET", "/api/verify"): {"sha256": {"type": "string", "pattern": r"^\s*[0-9a-fA-F]{64}\s*$"},
                             "code": text(reports.MAX_VERIFY_CODE,
                                          description="the report's verification code (give it or sha256)")},
    ("GET", "/api/notifications"): {"unread": {"type": "string", "enum": list(notifications.UNREAD),
                                               "description": "1 or true: only unread ones; 0 or false: all"}},
    ("GET", "/api/projects/{project_id}/annotations"): {
        "sheet_id": ID, "discipline": _DISCIPLINE, "status": {"type": "string", "enum": list(STATUSES)},
        "severity": {"type": "string", "enum": list(SEVERITIES)}},
    ("GET", "/api/projects/{project_id}/findings"): {"discipline": _DISCIPLINE},
    ("GET", "/api/annotation-library"): {"discipline": _DISCIPLINE},
    ("DELETE", "/api/annotations/{annotation_id}"): {"version": {**ID, "required": True}, "client_id": CLIENT_ID},
    ("GET", "/api/sheets/{sheet_id}/tiles/{z}/{x}/{y}.png"): {
        "hidden": {"type": "string", "description": "layer names to hide, comma-separated, each percent-encoded"},
        "shown": {"type": "string", "description": "layers off by default (off or not plotted in the drawing) "
                                                   "to show, comma-separated, each percent-encoded"}},
    ("GET", "/api/sheets/{sheet_id}/texts"): {"q": text(200)},
}
# query parameters whose empty value is refused rather than read as absent
EMPTY_REFUSED = {"client_id"}
# any other value is not refused: the language cookie, then Accept-Language decide (web/common.lang_of)
LANG = {"name": "lang", "in": "query", "required": False, "allowEmptyValue": True,
        "schema": {"type": "string", "pattern": NUL_FREE,
                   "description": "zh-CN or en; anything else: the Accept-Language header decides"}}
STRING_OWN = {"pattern", "enum", "format"}


def as_served(schema, closed: bool = True):
    """A declared schema as the server reads it: a string without a pattern, enum or format of
    its own takes no NUL (no database stores it: web/jsontext, web/limits); an object that names
    its properties takes no others when ``closed`` (a JSON body: web/common.Ctx.json refuses them)."""
    if isinstance(schema, list):
        return [as_served(s, closed) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key == "properties":
            out[key] = {name: as_served(s, closed) for name, s in value.items()}
        elif key in ("items", "additionalProperties", "anyOf", "oneOf", "allOf", "not"):
            out[key] = as_served(value, closed)
        else:
            out[key] = value
    if out.get("type") == "string" and not STRING_OWN & out.keys():
        out["pattern"] = NUL_FREE
    if closed and out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    return out


def query_parameter(name: str, schema: dict) -> dict:
    required = bool(schema.get("required"))
    param = {"name": name, "in": "query", "required": required,
             "schema": as_served({k: v for k, v in schema.items() if k != "required"})}
    if not required and name not in EMPTY_REFUSED:
        param["allowEmptyValue"] = True  # ``?to=``: as if not given
    return param


BY_SUFFIX = {".pdf": "application/pdf", "/pdf": "application/pdf", ".png": "image/png", ".zip": "application/zip",
             ".csv": "text/csv", "/bcf": "application/octet-stream", ".json": "application/json"}


def media_type(path: str, meta: dict) -> str:
    """The media type of a successful answer: the endpoint's ``produces``, else its path's suffix."""
    if meta.get("produces", "application/json") != "application/json":
        return meta["produces"]
    for suffix, kind in BY_SUFFIX.items():
        if path.endswith(suffix):
            return kind
    return "application/json"


OK_SCHEMA = {"type": "object", "required": ["ok", "data"], "properties": {"ok": {"type": "boolean", "enum": [True]}}}


def _schema(kind: str, path: str) -> dict:
    """The envelope ``{"ok": true, "data": …}`` for JSON answers; a file for the rest (a ``….json``
    download such as the round's export is a document of its own, not the envelope)."""
    if kind != "application/json":
        return {"type": "string", "format": "binary"}
    return {"type": "object"} if path.endswith(".json") else OK_SCHEMA


PATH_INTS = {"year": {"type": "integer", "minimum": 2000, "maximum": 2200},  # services/calendar_years.set_year
             "page": ID}  # web/common.path_int


def path_schema(name: str, convertor: str | None) -> dict:
    """An id is a positive INTEGER; another ``{name:int}`` (a tile's z/x/y ...) is a number of
    digits; anything else a string."""
    if name.endswith("_id"):
        return ID
    return PATH_INTS.get(name, {"type": "integer", "minimum": 0}) if convertor == "int" else {"type": "string"}


# described, not declared as a parameter of each write: a generated client must not send one
# key with two bodies (web/idempotency.py)
IDEMPOTENCY_NOTE = (
    "互联网+联合图审 / online joint drawing review.\n\n"
    "写操作（POST/PUT/PATCH/DELETE，上传除外）可带请求头 `Idempotency-Key`（1–255 个可见 ASCII 字符，由调用方生成，"
    "如 UUID）：同一用户以同一键重发同一请求时返回首次的结果（响应头 `Idempotent-Replayed: true`），不会重复执行；"
    "首次请求尚在处理中为 409 `idempotency_key_in_use`，同一键用于不同请求为 422 `idempotency_key_reused`。"
    "键保留一天；只保留成功（2xx）的结果。\n\n"
    "Writes (POST/PUT/PATCH/DELETE, uploads excepted) take an `Idempotency-Key` request header (1 to 255 visible "
    "ASCII characters of the caller's choosing, such as a UUID): the same user sending the same request with the "
    "same key again gets the first answer (`Idempotent-Replayed: true`) and nothing is done twice; while the first "
    "is still running the answer is 409 `idempotency_key_in_use`, and the key with another request is 422 "
    "`idempotency_key_reused`. Keys are kept for a day; only answers that did something (2xx) are kept.")


def document(routes) -> dict:
    paths: dict = {}
    convertors = {name: conv for route in routes if isinstance(route, Route)
                  for name, conv in re.findall(r"{(\w+):(\w+)}", route.path)}
    for path, method, meta in api_routes(routes):
        params = [{"name": name, "in": "path", "required": True, "schema": path_schema(name, convertors.get(name))}
                  for name in re.findall(r"{(\w+)(?::\w+)?}", path)]
        declared = {**QUERY.get((method, path), {}), **meta.get("query", {})}
        params += [query_parameter(name, schema) for name, schema in declared.items()]
        params.append(LANG)
        kind = media_type(path, meta)
        op = {
            "summary": meta["summary"],
            "tags": [meta["tag"]],
            "parameters": params,
            "responses": {
                "200": {"description": "OK", "content": {kind: {"schema": _schema(kind, path)}}},
                "default": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        }
        if meta["login"]:
            op["security"] = [{"bearer": []}, {"session": []}]
        if meta["body"] is not None:
            op["requestBody"] = {"required": meta.get("body_required", True),
                                 "content": {"application/json": {"schema": as_served(meta["body"])}}}
        if meta.get("form") is not None:
            op["requestBody"] = {"required": True, "content": {
                "multipart/form-data": {"schema": as_served(meta["form"], closed=False)}}}
        clean = re.sub(r"{(\w+):\w+}", r"{\1}", path)
        paths.setdefault(clean, {})[method.lower()] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": "drawreview API", "version": "1", "description": IDEMPOTENCY_NOTE},
        "paths": paths,
        "x-websocket": websocket_info(),
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "drawreview_session"},
            },
        },
    }


def websocket_info() -> dict:
    """The project websocket, which OpenAPI cannot describe: its path, message types and limits
    (the viewer checks a write against ``max_message_bytes`` before sending it)."""
    from .sync_handlers import MESSAGE_HANDLERS
    from .sync_messages import MAX_MESSAGE_BYTES

    return {"path": "/ws/projects/{project_id}", "client_messages": sorted(MESSAGE_HANDLERS),
            "max_message_bytes": MAX_MESSAGE_BYTES,
            "refusals": ["error", "slow_down"], "docs": "docs/contracts.md"}


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(document(request.app.routes))
