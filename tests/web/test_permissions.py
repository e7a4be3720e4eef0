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


@pytest.fixture(scope="module")
def world(stack, client):
    w = {}
    for mod in modules():
        if hasattr(mod, "prepare"):
            mod.prepare(stack, client, w)
    return w


def headers_for(stack, role, other_designer):
    if role == "anonymous":
        return {}
    if role == "other_designer":
        return other_designer
    return stack.token_headers(role)


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_permission_matrix(stack, client, other_designer, world, route):
    method, path = route
    build, expected = MATRIX[route]
    url = re.sub(r"{(\w+)(?::\w+)?}", lambda m: str(world[m.group(1)]), path)
    for role in ROLES:
        r = client.request(method, url, headers=headers_for(stack, role, other_designer), **build(stack, world))
        assert r.status_code == expected[role], f"{method} {path} as {role}: {r.status_code} {r.text[:200]}"
        if r.status_code >= 400:
            assert r.json()["ok"] is False


def test_listing_is_scoped(stack, client, other_designer):
    mine = client.get("/api/projects", headers=stack.token_headers("designer")).json()["data"]
    assert stack.demo["project_id"] in [p["id"] for p in mine]
    theirs = client.get("/api/projects", headers=other_designer).json()["data"]
    assert stack.demo["project_id"] not in [p["id"] for p in theirs]
