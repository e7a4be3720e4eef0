"""Permission matrix: every API route × every role (and anonymous).

Every ``@api`` route in the app must have a row here, so a new route cannot ship without
its permissions being stated and tested. Projects a caller may not see answer 404 (not
403) so that ids cannot be probed.
"""

import pytest

from drawreview.app import routes
from drawreview.web.openapi import api_routes

ROLES = ["anonymous", "window", "planning", "fire", "civil_defence", "lightning", "meteorology", "designer",
         "builder", "other_designer"]
ALL = {r: 200 for r in ROLES if r != "anonymous"}


def expect(default: int, **overrides) -> dict:
    table = {r: default for r in ROLES}
    table["anonymous"] = 401
    table.update(overrides)
    return table


REVIEWERS_404 = {r: 404 for r in ["planning", "fire", "civil_defence", "lightning", "meteorology"]}

# (method, path) -> (request builder, expected status per role)
MATRIX = {
    ("GET", "/api/me"): (lambda s: {}, expect(200)),
    ("POST", "/api/tokens"): (lambda s: {"json": {"name": "t"}}, expect(200)),
    ("GET", "/api/projects"): (lambda s: {}, expect(200)),
    ("POST", "/api/projects"): (
        lambda s: {"json": {"name": "权限测试项目", "construction_unit_id": s.demo["organisations"]["示范置业有限公司"],
                            "design_institute_id": s.demo["organisations"]["示范建筑设计研究院有限公司"]}},
        expect(403, window=200, designer=200, other_designer=403),
    ),
    ("GET", "/api/projects/{project_id}"): (lambda s: {}, expect(200, other_designer=404, **REVIEWERS_404)),
}


def test_every_api_route_is_in_the_matrix():
    declared = {(m, p) for p, m, _ in api_routes(routes())}
    assert declared == set(MATRIX), f"missing: {declared - set(MATRIX)}; stale: {set(MATRIX) - declared}"


@pytest.fixture(scope="module")
def other_designer(stack, client):
    """A designer of another institute, to prove institutes see only their own projects."""
    import asyncio

    from drawreview.auth import new_api_token
    from drawreview.db import Database
    from drawreview.services import accounts

    async def make():
        db = Database(stack.settings)
        async with db.session() as s:
            org = await accounts.get_or_create_org(s, "另一家设计院", "design_institute")
            user = await accounts.create_user(s, "other_designer", "a-long-password-1", "designer", org=org)
            token = await new_api_token(s, user)
            await s.commit()
        await db.close()
        return token

    return {"Authorization": f"Bearer {asyncio.run(make())}"}


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_permission_matrix(stack, client, other_designer, route):
    method, path = route
    build, expected = MATRIX[route]
    url = path.replace("{project_id}", str(stack.demo["project_id"]))
    for role in ROLES:
        if role == "anonymous":
            headers = {}
        elif role == "other_designer":
            headers = other_designer
        else:
            headers = stack.token_headers(role)
        r = client.request(method, url, headers=headers, **build(stack))
        assert r.status_code == expected[role], f"{method} {path} as {role}: {r.status_code} {r.text[:200]}"
        if r.status_code >= 400:
            assert r.json()["ok"] is False


def test_listing_is_scoped(stack, client, other_designer):
    mine = client.get("/api/projects", headers=stack.token_headers("designer")).json()["data"]
    assert stack.demo["project_id"] in [p["id"] for p in mine]
    theirs = client.get("/api/projects", headers=other_designer).json()["data"]
    assert stack.demo["project_id"] not in [p["id"] for p in theirs]
    reviewer = client.get("/api/projects", headers=stack.token_headers("fire")).json()["data"]
    assert stack.demo["project_id"] not in [p["id"] for p in reviewer]  # no fire task on it yet
