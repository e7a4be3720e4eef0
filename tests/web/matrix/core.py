from . import REVIEWERS, expect

ROWS = {
    ("GET", "/api/me"): (lambda s, w: {}, expect(200)),
    ("POST", "/api/tokens"): (lambda s, w: {"json": {"name": "t"}}, expect(200)),
    ("GET", "/api/tokens"): (lambda s, w: {}, expect(200)),
    # a token of someone else: nobody but its owner (or an admin) may even see it
    ("DELETE", "/api/tokens/{token_id}"): (lambda s, w: {}, expect(404)),
    # a wrong current password: refused for everybody, and nothing changes
    ("POST", "/api/me/password"): (
        lambda s, w: {"json": {"current_password": "not-it", "new_password": "a-new-long-password"}},
        expect(422)),
    ("POST", "/api/users/{user_id}/deactivate"): (lambda s, w: {}, expect(403)),
    ("POST", "/api/users/{user_id}/reactivate"): (lambda s, w: {}, expect(403)),
    ("GET", "/api/users"): (lambda s, w: {}, expect(403)),  # the user list: administrators only
    ("POST", "/api/users"): (  # opening accounts: administrators only
        lambda s, w: {"json": {"username": "matrix-user", "role": "designer", "organisation": "示范建筑设计研究院有限公司",
                               "password": "a-long-password-1"}}, expect(403)),
    ("POST", "/api/ws-tickets"): (lambda s, w: {}, expect(200)),
    ("GET", "/api/projects"): (lambda s, w: {}, expect(200)),
    ("POST", "/api/projects"): (
        lambda s, w: {"json": {"name": "权限测试项目", "construction_unit_id": s.demo["organisations"]["示范置业有限公司"],
                               "design_institute_id": s.demo["organisations"]["示范建筑设计研究院有限公司"]}},
        expect(403, window=200, designer=200),
    ),
    ("GET", "/api/projects/{project_id}"): (lambda s, w: {}, expect(200, other_designer=404, **{r: 404 for r in REVIEWERS})),
}


def prepare(stack, client, world):
    import asyncio

    from drawreview.auth import new_api_token
    from drawreview.db import Database
    from drawreview.models import ApiToken
    from drawreview.services import accounts
    from sqlmodel import select

    world["project_id"] = stack.demo["project_id"]

    async def bystander():
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                user = await accounts.create_user(s, "matrix_bystander", "a-long-password-1", "admin")
                await new_api_token(s, user, "bystander")
                await s.flush()
                tok = (await s.exec(select(ApiToken).where(ApiToken.user_id == user.id))).one()
                await s.commit()
                return user.id, tok.id
        finally:
            await db.close()

    world["user_id"], world["token_id"] = asyncio.run(bystander())
