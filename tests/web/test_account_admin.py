"""POST /api/users: the administrator opens an account (the user-management page's form), in both
modes. Only an administrator may; each refusal names what is wrong in zh-CN and English and
creates nothing (no user, no organisation); an organisation is made with the kind the role needs;
the account logs in and is audited."""

from __future__ import annotations

import re

from sqlmodel import select

from drawreview.models import AuditEntry, Organisation, User
from tests.web.test_credentials import bearer, db_call, make_user

DESIGN = "示范建筑设计研究院有限公司"
BUILDER = "示范置业有限公司"


def _count(stack, model, *where) -> int:
    async def q(s):
        return len((await s.exec(select(model).where(*where))).all())

    return db_call(stack, q)


def test_only_an_administrator_opens_accounts(stack, client):
    body = {"username": "not-by-window", "role": "designer", "organisation": DESIGN, "password": "a-long-password-1"}
    r = client.post("/api/users", json=body, headers=stack.token_headers("window"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"
    assert _count(stack, User, User.username == "not-by-window") == 0


def test_refusals_name_the_problem_in_both_languages(stack, client):
    admin = make_user(stack, "acc_admin", role="admin")
    h = bearer(admin["token"])
    cases = [
        ({"username": "x", "role": "designer", "organisation": DESIGN, "password": "short"},
         "用户名须为 3–64 个字母、数字或 _ . -；密码至少 10 个字符",
         "The username must be 3–64 letters, digits, _ . or -; The password needs at least 10 characters"),
        ({"username": "rev-nodisc", "role": "reviewer", "organisation": "示范市行政审批局联合审图中心",
          "password": "a-long-password-1"},
         "审查人员须选择一个专业", "A reviewer needs a discipline"),
        ({"username": "des-disc", "role": "designer", "discipline": "fire", "organisation": DESIGN,
          "password": "a-long-password-1"},
         "只有审查人员有专业", "Only reviewers have a discipline"),
        ({"username": "des-noorg", "role": "designer", "password": "a-long-password-1"},
         "请填写所属设计单位的名称（最多 200 个字符）", "Enter the name of the account's design institute (at most 200 characters)"),
        ({"username": "des-wrongorg", "role": "designer", "organisation": BUILDER, "password": "a-long-password-1"},
         f"“{BUILDER}”已登记为建设单位，不是设计单位", f"“{BUILDER}” is registered as a construction unit, not a design institute"),
        ({"username": "fire", "role": "designer", "organisation": DESIGN, "password": "a-long-password-1"},
         "用户名已存在", "That username is taken"),
        # an administrator belongs to no organisation: a name given was dropped without a word
        ({"username": "adm-org", "role": "admin", "organisation": DESIGN, "password": "a-long-password-1"},
         "管理员账号不属于任何单位，请不要填写所属单位", "An administrator's account belongs to no organisation: leave it empty"),
    ]
    users_before = _count(stack, User)
    orgs_before = _count(stack, Organisation)
    for body, zh, en in cases:
        r = client.post("/api/users", json=body, headers=h)
        assert r.status_code in (409, 422), r.text
        assert r.json()["error"]["messages"] == {"zh-CN": zh, "en": en}, (body, r.json()["error"])
    assert _count(stack, User) == users_before and _count(stack, Organisation) == orgs_before


def test_an_account_is_opened_with_a_new_organisation_and_logs_in(stack, client):
    admin = make_user(stack, "acc_admin2", role="admin")
    body = {"username": "builder-new", "display_name": "建设单位 钱七", "role": "construction",
            "organisation": "滨江新区城市建设投资有限公司", "password": "initial-pass-2026"}
    r = client.post("/api/users", json=body, headers=bearer(admin["token"]))
    assert r.status_code == 200, r.text
    made = r.json()["data"]
    assert (made["username"], made["role"], made["organisation"], made["active"]) == \
        ("builder-new", "construction", "滨江新区城市建设投资有限公司", True)
    assert _count(stack, Organisation, Organisation.name == "滨江新区城市建设投资有限公司",
                  Organisation.kind == "construction_unit") == 1
    listed = {u["username"]: u for u in client.get("/api/users", headers=bearer(admin["token"])).json()["data"]}
    assert listed["builder-new"]["organisation"] == "滨江新区城市建设投资有限公司"
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post("/login", data={"username": "builder-new", "password": "initial-pass-2026", "csrf_token": token,
                                    "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/me").json()["data"]["role"] == "construction"
    assert _count(stack, AuditEntry, AuditEntry.action == "user.create", AuditEntry.actor == "acc_admin2") == 1
