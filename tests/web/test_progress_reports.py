"""The construction unit (or anyone holding the receipt) downloads the issued report by case
number + verification code from the public progress page; stages and conclusions are shown in
the reader's language, never as internal codes."""

from __future__ import annotations

import hashlib
import re

import pymupdf

from tests.web.matrix.reports import create_report_world

CODE = "123456"  # the report world's verification code


def _issued(stack, client):
    world = create_report_world(stack, state="concluded", name="进度查询-意见书下载")
    r = client.post(f"/api/submissions/{world['submission_id']}/report", headers=stack.token_headers("window"))
    assert r.status_code == 200, r.text
    reports = client.get(f"/api/projects/{world['project_id']}/reports", headers=stack.token_headers("window")).json()["data"]
    return world, reports[0]


def test_issued_report_downloads_with_case_and_code(stack, client):
    world, report = _issued(stack, client)
    data = client.get("/api/progress", params={"case": world["case_number"], "code": CODE}).json()["data"]
    assert [r["id"] for r in data["reports"]] == [report["id"]] and data["reports"][0]["verdict"] == report["verdict"]
    page = client.get("/progress", params={"case": world["case_number"], "code": CODE}, headers={"Accept-Language": "en"})
    assert page.status_code == 200 and f'data-report-id="{report["id"]}"' in page.text
    text = re.sub(r"<[^>]+>", " ", page.text.split("<main>", 1)[1])
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), "raw codes on the progress page"
    got = client.post("/progress/report", data={"case": world["case_number"], "code": CODE, "report_id": report["id"]})
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(got.content).hexdigest() == report["sha256"]  # the signed file itself
    assert world["case_number"] in pymupdf.open("pdf", got.content)[0].get_text()


def test_report_download_refuses_a_wrong_code_or_another_cases_report(stack, client):
    world, report = _issued(stack, client)
    other, other_report = _issued(stack, client)
    wrong = client.post("/progress/report", data={"case": world["case_number"], "code": "654321", "report_id": report["id"]})
    assert wrong.status_code == 404 and b"%PDF" not in wrong.content[:10]
    cross = client.post("/progress/report", data={"case": world["case_number"], "code": CODE,
                                                  "report_id": other_report["id"]})
    assert cross.status_code == 404 and b"%PDF" not in cross.content[:10]
    bad = client.post("/progress/report", data={"case": "nonsense", "code": CODE, "report_id": "x"})
    assert bad.status_code == 422
