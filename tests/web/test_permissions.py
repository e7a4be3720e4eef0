"""Permission matrix: every API route × every role (and anonymous), from tests/web/matrix/.

Every ``@api`` route must have a row, so a new route cannot ship without its permissions
being stated and tested. Projects a caller may not see answer 404 (not 403), so ids cannot
be probed.
"""

import re

import pytest

from drawreview.app import routes
from drawreview.web.openapi import api_routes
from tests.web.matrix import ROLES, all_rows, modules

MATRIX = all_rows()


def test_every_api_route_is_in_the_matrix():
    declared = {(m, p) for p, m, _ in api_routes(routes())}
    assert declared == set(MATRIX), f"missing: {declared - set(MATRIX)}; stale: {set(MATRIX) - declared}"


def _outsider(stack, username: str, org_name: str, kind: str, role: str) -> dict:
    import asyncio

    from drawreview.auth import new_api_token
    from drawreview.db import Database
    from drawreview.services import accounts

    async def make():
        db = Database(stack.settings)
        async with db.session() as s:
            org = await accounts.get_or_create_org(s, org_name, kind)
            user = await accounts.create_user(s, username, "a-long-password-1", role, org=org)
            token = await new_api_token(s, user)
            await s.commit()
        await db.close()
        return token

    return {"Authorization": f"Bearer {asyncio.run(make())}"}


@pytest.fixture(scope="module")
def other_designer(stack, client):
    """A designer of another institute, to prove institutes see only their own projects."""
    return _outsider(stack, "other_designer", "另一家设计院", "design_institute", "designer")


@pytest.fixture(scope="module")
def other_builder(stack, client):
    """A construction-unit user of another organisation: sees only his own organisation's projects."""
    return _outsider(stack, "other_builder", "另一家建设单位", "construction_unit", "construction")


@pytest.fixture(scope="module")
def world(stack, client):
    # rows of rate-limited public routes reset their key between roles (one limiter per app)
    w = {"reset_limit": lambda key: client.portal.call(client.app.state.limiter.reset, key)}
    for mod in modules():
        if hasattr(mod, "prepare"):
            mod.prepare(stack, client, w)
    return w


def headers_for(stack, role, outsiders):
    if role == "anonymous":
        return {}
    if role in outsiders:
        return outsiders[role]
    return stack.token_headers(role)


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_permission_matrix(stack, client, other_designer, other_builder, world, route):
    method, path = route
    build, expected = MATRIX[route]
    url = re.sub(r"{(\w+)(?::\w+)?}", lambda m: str(world[m.group(1)]), path)
    for role in ROLES:
        outsiders = {"other_designer": other_designer, "other_builder": other_builder}
        r = client.request(method, url, headers=headers_for(stack, role, outsiders), **build(stack, world))
        assert r.status_code == expected[role], f"{method} {path} as {role}: {r.status_code} {r.text[:200]}"
        if r.status_code >= 400:
            assert r.json()["ok"] is False


def test_listing_is_scoped(stack, client, other_designer):
    mine = client.get("/api/projects", headers=stack.token_headers("designer")).json()["data"]
    assert stack.demo["project_id"] in [p["id"] for p in mine]
    theirs = client.get("/api/projects", headers=other_designer).json()["data"]
    assert stack.demo["project_id"] not in [p["id"] for p in theirs]


def test_other_construction_unit_cannot_see_or_read_the_demo_project(stack, client, other_builder):
    pid = stack.demo["project_id"]
    assert pid in [p["id"] for p in client.get("/api/projects", headers=stack.token_headers("builder")).json()["data"]]
    assert client.get(f"/api/projects/{pid}", headers=stack.token_headers("builder")).status_code == 200
    assert pid not in [p["id"] for p in client.get("/api/projects", headers=other_builder).json()["data"]]
    for path in (f"/api/projects/{pid}", f"/api/projects/{pid}/submissions", f"/api/projects/{pid}/annotations"):
        r = client.get(path, headers=other_builder)
        assert r.status_code == 404 and r.json()["ok"] is False, path


def test_a_reviewer_sees_a_project_only_with_a_task_in_his_discipline(stack, client):
    import asyncio

    from sqlalchemy import delete

    from drawreview.db import Database
    from drawreview.models import ReviewTask
    from tests.web.matrix.reports import create_report_world

    w = create_report_world(stack, state="in_review", verdict=None, name="只有消防任务的项目")

    async def keep_only_fire():
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                await s.exec(delete(ReviewTask).where(ReviewTask.submission_id == w["submission_id"],
                                                      ReviewTask.discipline != "fire"))
                await s.commit()
        finally:
            await db.close()

    asyncio.run(keep_only_fire())
    pid = w["project_id"]
    fire = client.get("/api/projects", headers=stack.token_headers("fire")).json()["data"]
    assert pid in [p["id"] for p in fire]
    assert client.get(f"/api/projects/{pid}", headers=stack.token_headers("fire")).status_code == 200
    for reviewer in ("planning", "civil_defence", "lightning", "meteorology"):
        listed = client.get("/api/projects", headers=stack.token_headers(reviewer)).json()["data"]
        assert pid not in [p["id"] for p in listed], reviewer
        assert client.get(f"/api/projects/{pid}", headers=stack.token_headers(reviewer)).status_code == 404, reviewer
    assert pid in [p["id"] for p in client.get("/api/projects", headers=stack.token_headers("window")).json()["data"]]


REFUSALS = {401, 403, 404}
JUNK = {"json": {"zz_not_a_field": [1], "name": {"x": None}, "points": "many"}}
# (route, role) -> why the matrix's refusal depends on what the body asks, so a wrong body is a 422
BY_THE_BODY = {
    (("POST", "/api/projects"), "other_designer"):
        "a designer opens projects for his own institute; the matrix's body names another one",
    (("POST", "/api/annotations/{annotation_id}/status"), "designer"):
        "the designer may mark a comment answered; the matrix's body asks for another status",
}


@pytest.mark.parametrize("route", sorted(r for r in MATRIX if r[0] in {"POST", "PUT", "PATCH", "DELETE"}))
def test_a_refused_caller_is_refused_before_the_body_is_read(stack, client, other_designer, other_builder, world,
                                                               route):
    """A caller the matrix refuses gets the same refusal whatever the body: a designer whose bad
    account form answered 422 and whose good one 403 learnt the form's rules (and that the route
    would take him once the body is right) from a route he may not use at all."""
    method, path = route
    _, expected = MATRIX[route]
    url = re.sub(r"{(\w+)(?::\w+)?}", lambda m: str(world[m.group(1)]), path)
    outsiders = {"other_designer": other_designer, "other_builder": other_builder}
    wrong = []
    for role in ROLES:
        if expected[role] not in REFUSALS or (route, role) in BY_THE_BODY:
            continue
        r = client.request(method, url, headers=headers_for(stack, role, outsiders), **JUNK)
        if r.status_code != expected[role]:
            wrong.append(f"{role}: {r.status_code} {r.json().get('error', {}).get('code')}")
    assert not wrong, f"{method} {path}: " + "; ".join(wrong)
