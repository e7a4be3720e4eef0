"""The project page's heading facts (受理编号 · 建设地点 · 审计记录): one separator between each
two facts present, none before the first (a project without an address showed "· 审计记录")."""

from __future__ import annotations

import re


def _facts(html: str) -> str:
    m = re.search(r'id="project-name">.*?</h1>\s*<p class="muted"[^>]*>(.*?)</p>', html, re.S)
    assert m, html[:2000]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m.group(1))).strip()


def test_heading_facts_have_no_stray_separator(stack, client):
    orgs = {a["username"]: a["org_id"] for a in stack.demo["accounts"]}
    designer, window = stack.token_headers("designer"), stack.token_headers("window")
    made = {}
    for address in ("", "示范市<b>滨湖</b>大道88号"):
        r = client.post("/api/projects", headers=designer, json={
            "name": "地点测试", "address": address, "construction_unit_id": orgs["builder"],
            "design_institute_id": orgs["designer"]})
        assert r.status_code == 200, r.text
        made[address] = r.json()["data"]["id"]
    no_address = _facts(client.get(f"/projects/{made['']}", headers=window).text)
    assert no_address == "房屋建筑 · 一般项目（7 个工作日） · 审计记录（全程留痕）", no_address
    assert _facts(client.get(f"/projects/{made['']}", headers=designer).text) == "房屋建筑 · 一般项目（7 个工作日）"
    html = client.get(f"/projects/{made['示范市<b>滨湖</b>大道88号']}", headers=window).text
    assert "示范市&lt;b&gt;滨湖&lt;/b&gt;大道88号" in html  # user text escaped
    with_address = _facts(html)
    assert with_address.startswith("示范市&lt;b&gt;") and " · 审计记录" in with_address, with_address
    assert "· 房屋建筑 · 一般项目（7 个工作日） ·" in with_address  # what the window accepts the set on


def test_the_revision_hint_names_the_state_the_pages_show():
    """The hint after a "revision required" round told the designer to mark each comment “已修改”,
    a state no page has (the viewer and the comment list say 已答复 / Answered)."""
    from pathlib import Path

    from drawreview.web.i18n import MESSAGES

    viewer = (Path(__file__).resolve().parents[2] / "viewer" / "src" / "i18n.js").read_text(encoding="utf-8")
    statuses = re.search(r"'status\.answered': \['([^']+)', '([^']+)'\]", viewer).groups()
    zh, en = MESSAGES["review.revision_hint"]
    quoted_zh, quoted_en = re.findall(r"“([^”]+)”", zh), re.findall(r"“([^”]+)”", en)
    assert quoted_zh and set(quoted_zh) <= {statuses[0]}, quoted_zh
    assert quoted_en and set(quoted_en) <= {statuses[1]}, quoted_en
