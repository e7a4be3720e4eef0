"""A big round issued through the window's endpoint (issue 18, at a size the test run affords):
a few hundred sheets, a hundred comments of the five disciplines made through the API (some
answered), every one closed, the report issued and read back with poppler's ``pdftotext``:
every comment appears once, numbered as ``/api/submissions/{id}/comments`` numbers it, every
sheet is listed among the drawings reviewed and the stamped sheets; the issuing answer says
where the time went (``Server-Timing``); the stamped zip holds one signed sheet per sheet.
bench_scale runs the same round at 5,000 sheets and 1,000 comments and times it."""

from __future__ import annotations

import io
import re
import subprocess
import uuid
import zipfile

import pytest

from drawreview.report.signing import validate_signature
from drawreview.services import reports as report_service
from tests.services.reviews_world import new_project, principal, run, sheet_pdf

SHEETS, COMMENTS = 240, 100
DISCIPLINES = ("planning", "fire", "civil_defence", "lightning", "meteorology")
PREFIXES = ("总图", "建施", "结施", "水施", "暖施", "电施", "人防")


def ok(r):
    assert r.status_code == 200, r.text
    return r.json()["data"]


def _big_submission(stack) -> tuple[int, int, list[str]]:
    from drawreview.models import DrawingFile, Sheet, Submission
    from drawreview.storage import make_storage

    numbers = [f"{PREFIXES[i % len(PREFIXES)]}-{i + 1:03d}" for i in range(SHEETS)]

    async def go(s):
        project = await new_project(s, stack, name=f"大型项目-{uuid.uuid4().hex[:6]}")
        sub = Submission(project_id=project.id, revision=1, created_by=(await principal(s, "designer")).user_id)
        s.add(sub)
        await s.flush()
        f = DrawingFile(submission_id=sub.id, sha256=uuid.uuid4().hex * 2, original_name="大型图纸集.pdf", size=1,
                        format="pdf", state="ready")
        s.add(f)
        await s.flush()
        sha = sheet_pdf(make_storage(stack.settings))
        s.add_all([Sheet(file_id=f.id, submission_id=sub.id, key=f"page:{i}", number=n, title=f"{i % 30 + 1}层平面图",
                         state="ready", width=1191, height=842, pdf_sha256=sha) for i, n in enumerate(numbers)])
        return project.id, sub.id

    pid, sid = run(stack, go)
    return pid, sid, numbers


@pytest.fixture(scope="module")
def issued(stack, client):
    h = {u: stack.token_headers(u) for u in ("designer", "window", "builder", *DISCIPLINES)}
    pid, sid, numbers = _big_submission(stack)
    ok(client.post(f"/api/submissions/{sid}/submit", headers=h["designer"]))
    view = ok(client.post(f"/api/submissions/{sid}/accept", headers=h["window"], json={"disciplines": list(DISCIPLINES)}))
    sheets = ok(client.get(f"/api/submissions/{sid}/sheets", headers=h["window"], params={"limit": 500}))
    assert len(sheets) == SHEETS
    made = {}
    for k in range(COMMENTS):
        disc, sheet = DISCIPLINES[k % 5], sheets[k * SHEETS // COMMENTS]
        ann = ok(client.post(f"/api/sheets/{sheet['id']}/annotations", headers=h[disc], json={
            "client_id": uuid.uuid4().hex, "kind": ("rect", "cloud", "arrow")[k % 3],
            "geometry": {"points": [[200 + k, 200], [420 + k, 330]]}, "severity": "general",
            "body": f"第{k + 1}条：请核对疏散宽度。"}))["annotation"]
        version = ann["version"]
        if k % 4 == 0:
            ok(client.post(f"/api/annotations/{ann['id']}/comments", headers=h["designer"],
                           json={"client_id": uuid.uuid4().hex, "body": f"已按第{k + 1}条修改。"}))
            version = ok(client.post(f"/api/annotations/{ann['id']}/status", headers=h["designer"],
                                     json={"status": "answered", "version": version}))["annotation"]["version"]
        ok(client.post(f"/api/annotations/{ann['id']}/status", headers=h[disc], json={"status": "closed", "version": version}))
        made[ann["id"]] = sheet["number"]
    for task in view["tasks"]:
        ok(client.post(f"/api/tasks/{task['id']}/conclude", headers=h[task["discipline"]],
                       json={"conclusion": "approved", "opinion": "同意。"}))
    numbered = {c["id"]: c["number"] for c in ok(client.get(f"/api/submissions/{sid}/comments", headers=h["window"]))}
    r = client.post(f"/api/submissions/{sid}/report", headers=h["window"])
    assert r.status_code == 200, r.text
    report = next(x for x in ok(client.get(f"/api/projects/{pid}/reports", headers=h["builder"]))
                  if x["submission_id"] == sid)
    pdf = client.get(report["pdf_url"], headers=h["builder"]).content
    return {"sid": sid, "numbers": numbers, "made": made, "numbered": numbered, "response": r, "pdf": pdf,
            "h": h, "view": view}


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return "".join(out.decode("utf-8").split())


def test_the_report_lists_every_comment_numbered_as_the_system_numbers_it(issued):
    text = _text(issued["pdf"])
    listed = re.findall(r"意见(\d+-\d+)（#(\d+)）", text)
    assert sorted(int(i) for _, i in listed) == sorted(issued["made"])  # each comment once
    assert {int(i): no for no, i in listed} == issued["numbered"]
    assert len({d for d, _ in (no.split("-") for no, _ in listed)}) == len(DISCIPLINES)


def test_the_report_lists_every_sheet_reviewed_and_stamped(issued):
    text = _text(issued["pdf"])
    for number in issued["numbers"]:
        assert text.count(number) >= 2, number  # drawings reviewed + stamped sheets (+ comment headings)


def test_the_report_is_signed_and_says_where_the_time_went(stack, issued):
    check = validate_signature(issued["pdf"], report_service.trust_cert(stack.settings))
    assert check.ok and check.whole_file
    timing = issued["response"].headers["server-timing"]
    phases = dict(re.findall(r"([\w-]+);dur=([\d.]+)", timing))
    assert {"gather", "stamp", "render", "sign", "store", "total"} <= set(phases), timing
    assert float(phases["total"]) >= float(phases["stamp"]) + float(phases["render"])


def test_the_stamped_zip_holds_every_sheet_signed(stack, client, issued):
    r = client.get(f"/api/submissions/{issued['sid']}/stamped-sheets.zip", headers=issued["h"]["builder"])
    assert r.status_code == 200 and int(r.headers["content-length"]) == len(r.content)
    cert = report_service.trust_cert(stack.settings)
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        names = zf.namelist()
        assert len(names) == SHEETS and zf.testzip() is None
        assert {n.split("-")[0] + "-" + n.split("-")[1] for n in names} == set(issued["numbers"])
        for name in names[:: SHEETS // 6]:
            pdf = zf.read(name)
            assert "审查合格" in _text(pdf) and validate_signature(pdf, cert).ok
