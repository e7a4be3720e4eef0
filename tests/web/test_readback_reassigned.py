"""Read-back 5 (decision 148) in the suite: a round driven over HTTP in which the window
reassigns a discipline mid-round to a reviewer named with a CJK Extension B character, who
raises a comment and concludes; fire concludes 审查不合格 while the others pass; the window
asks for the report too early (refused, naming who is still reviewing), then issues it. What was
issued is read back only with outside tools: pdftotext, pdfsig, and the BCF 3.0 XSDs."""

from __future__ import annotations

import io
import re
import subprocess
import uuid
import zipfile

import xmlschema

from tests.thirdparty import SHARED
from tests.web.matrix.reports import create_report_world

XSD = SHARED / "specs" / "bcf-3.0"
NEW = "防雷审查 𪚥 欧阳"


def _text(pdf: bytes, tmp) -> str:
    path = tmp / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    sig = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=120).stdout
    assert "Signature is Valid." in sig and "Total document signed" in sig, sig
    return out


def test_a_reassigned_discipline_reads_back_in_the_report_and_the_bcf(stack, client, tmp_path):
    from drawreview.auth import new_api_token
    from drawreview.services import accounts
    from tests.services.reviews_world import run

    world = create_report_world(stack, state="in_review", verdict=None)
    window = stack.token_headers("window")

    async def make(s):
        org = await accounts.get_or_create_org(s, stack.account("window")["org"], "review_authority", actor="test")
        user = await accounts.create_user(s, f"lp{uuid.uuid4().hex[:6]}", "a-long-password-1", "reviewer", NEW,
                                          "lightning", org, actor="test")
        return user.id, await new_api_token(s, user, "t")
    new_id, token = run(stack, make)
    new = {"Authorization": f"Bearer {token}"}
    sid = world["submission_id"]
    tasks = {t["discipline"]: t for t in client.get(f"/api/submissions/{sid}/review", headers=window).json()["data"]["tasks"]}
    r = client.post(f"/api/tasks/{tasks['lightning']['id']}/assign", headers=window, json={"reviewer_id": new_id})
    assert r.status_code == 200 and r.json()["data"]["reviewer"] == NEW, r.text
    assert client.post(f"/api/tasks/{tasks['lightning']['id']}/start", headers=new).status_code == 200
    sheet = client.get(f"/api/submissions/{sid}/sheets", headers=window).json()["data"][0]
    body = "引下线间距 21.5m > 18m（新审查人提出）<b>不是粗体</b>"
    r = client.post(f"/api/sheets/{sheet['id']}/annotations", headers=new, json={
        "client_id": uuid.uuid4().hex, "kind": "rect", "geometry": {"points": [[100, 100], [300, 200]]},
        "severity": "mandatory", "clause": "GB 50057-2010 4.3.3", "body": body})
    assert r.status_code == 200, r.text
    conclusions = {d: ("rejected" if d == "fire" else "approved") for d in tasks}
    for d in [d for d in tasks if d not in ("fire", "lightning")] + ["fire"]:
        headers = stack.token_headers(d)
        assert client.post(f"/api/tasks/{tasks[d]['id']}/conclude", headers=headers,
                           json={"conclusion": conclusions[d], "opinion": f"{d} 结论"}).status_code == 200
    early = client.post(f"/api/submissions/{sid}/report", headers=window)
    assert early.status_code == 409 and "防雷" in early.json()["error"]["messages"]["zh-CN"], early.text
    assert client.post(f"/api/tasks/{tasks['lightning']['id']}/conclude", headers=new,
                       json={"conclusion": "approved", "opinion": "防雷审查合格"}).status_code == 200
    assert client.post(f"/api/submissions/{sid}/report", headers=window).status_code == 200
    report = client.get(f"/api/projects/{world['project_id']}/reports", headers=window).json()["data"][-1]
    text = _text(client.get(report["pdf_url"], headers=stack.token_headers("builder")).content, tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert "综合审查结论：审查不合格" in flat
    assert f"防雷审查人（签字）：{NEW.replace(' ', '')}" in flat  # who concluded signs, not the first assignee
    assert "<b>不是粗体</b>" in flat  # shown as written, never interpreted
    assert flat.count("引下线间距21.5m>18m（新审查人提出）") == 1

    bcf = zipfile.ZipFile(io.BytesIO(client.get(f"/api/submissions/{sid}/bcf", headers=window).content))
    schemas = {n: xmlschema.XMLSchema(str(XSD / x)) for n, x in (("markup.bcf", "markup.xsd"),
                                                                ("viewpoint.bcfv", "visinfo.xsd"))}
    mine = []
    for name in bcf.namelist():
        schema = schemas.get(name.rsplit("/", 1)[-1])
        if schema is not None:
            schema.validate(io.BytesIO(bcf.read(name)))
        if name.endswith("markup.bcf") and "新审查人提出" in bcf.read(name).decode():
            mine.append(bcf.read(name).decode())
    assert len(mine) == 1 and f"<CreationAuthor>{NEW}</CreationAuthor>" in mine[0]
    assert "&lt;b&gt;不是粗体&lt;/b&gt;" in mine[0]
