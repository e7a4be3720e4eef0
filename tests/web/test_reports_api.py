"""The reports endpoints and the public verification page, through the real app in both modes."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pymupdf
import pytest

from drawreview.report.integrity import sha256_hex
from drawreview.services import reports as service
from tests.web.matrix.reports import MARKUPS, create_report_world
from tests.web.test_errors import assert_envelope


def issue(stack, client, world) -> dict:
    """The window issues the concluded round's report through the one issuing path (the
    workflow's report step); returns the issued report as the reports list shows it."""
    r = client.post(f"/api/submissions/{world['submission_id']}/report", headers=stack.token_headers("window"))
    assert r.status_code == 200, r.text
    listed = client.get(f"/api/projects/{world['project_id']}/reports", headers=stack.token_headers("window"))
    return listed.json()["data"][0]


@pytest.fixture(scope="module")
def approved(stack, client):
    """A concluded round (every discipline approved) whose report the window issued through the API."""
    world = create_report_world(stack, state="concluded")
    report = issue(stack, client, world)
    pdf = client.get(report["pdf_url"], headers=stack.token_headers("builder"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    return world, report, pdf.content


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_issue_list_and_download(stack, client, approved):
    world, report, pdf = approved
    assert sha256_hex(pdf) == report["sha256"] and report["round_no"] == 1 and report["verdict"] == "approved"
    assert report["verify_url"].endswith("/verify/" + report["verify_url"].rsplit("/", 1)[1])
    again = client.post(f"/api/submissions/{world['submission_id']}/report", headers=stack.token_headers("window"))
    assert_envelope(again, 409)  # the round moved on to approved: issued once
    listed = client.get(f"/api/projects/{world['project_id']}/reports", headers=stack.token_headers("designer"))
    assert [r["id"] for r in listed.json()["data"]] == [report["id"]]
    r = client.post(f"/api/submissions/{world['submission_id']}/report", headers=stack.token_headers("designer"))
    assert_envelope(r, 403)
    # the duplicate issuing route is gone: one path only
    gone = client.post(f"/api/submissions/{world['submission_id']}/reports", headers=stack.token_headers("window"))
    assert gone.status_code in (404, 405)


def test_issuing_notifies_the_construction_unit_and_the_designer(stack, client, approved):
    world, report, _ = approved
    for username in ("builder", "designer"):
        notes = client.get("/api/notifications", headers=stack.token_headers(username)).json()["data"]
        notes = notes["items"] if isinstance(notes, dict) else notes
        issued = [n for n in notes if n["type"] == "report.issued" and n["project_id"] == world["project_id"]]
        assert len(issued) == 1, (username, notes)
        assert issued[0]["payload"]["submission_id"] == world["submission_id"]
        assert issued[0]["payload"]["verdict"] == "approved"
    # and the round moved on by its verdict, like any issue through the workflow
    sub = client.get(f"/api/submissions/{world['submission_id']}", headers=stack.token_headers("builder")).json()["data"]
    assert sub["state"] == "approved"
    # the reviewers are not the report's audience
    notes = client.get("/api/notifications", headers=stack.token_headers("planning")).json()["data"]
    notes = notes["items"] if isinstance(notes, dict) else notes
    assert not [n for n in notes if n["type"] == "report.issued" and n["project_id"] == world["project_id"]]


def test_stamped_single_sheet_carries_the_stamp(stack, client, approved):
    world = approved[0]
    for sheet_id in world["sheet_ids"]:
        r = client.get(f"/api/sheets/{sheet_id}/stamped.pdf", headers=stack.token_headers("designer"))
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content[:5] == b"%PDF-"
        doc = pymupdf.open("pdf", r.content)
        text = "".join(page.get_text() for page in doc)
        assert "审查合格" in text and world["case_number"] in text


def test_issuing_signs_with_the_configured_authority_dir(stack, approved, tmp_path):
    """DRAWREVIEW_AUTHORITY_DIR: the key is created there, and the issued report is signed by
    the certificate stored there."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko.pdf_utils.reader import PdfFileReader
    from starlette.testclient import TestClient

    from drawreview.app import create_app
    from drawreview.report.signing import CERT_FILE, KEY_FILE
    from drawreview.settings import load_settings

    folder = tmp_path / "authority"
    settings = load_settings({**stack.env, "DRAWREVIEW_AUTHORITY_DIR": str(folder)})
    assert settings.authority_dir == folder.resolve()
    world = create_report_world(stack, state="concluded")
    with TestClient(create_app(settings)) as c:
        report = issue(stack, c, world)
        pdf = c.get(report["pdf_url"], headers=stack.token_headers("builder")).content
    assert (folder / KEY_FILE).is_file() and (folder / CERT_FILE).is_file()
    expected = x509.load_pem_x509_certificate((folder / CERT_FILE).read_bytes()).public_bytes(Encoding.DER)
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    assert sig.signer_cert.dump() == expected  # not the data dir's key (made by the fixture's issue)
    default = settings.data_dir / "authority" / CERT_FILE
    assert default.read_bytes() != (folder / CERT_FILE).read_bytes()


def test_issuing_an_open_round_is_refused(stack, client):
    world = create_report_world(stack, state="in_review", verdict=None)
    r = client.post(f"/api/submissions/{world['submission_id']}/report", headers=stack.token_headers("window"))
    assert_envelope(r, 409)
    listed = client.get(f"/api/projects/{world['project_id']}/reports", headers=stack.token_headers("window"))
    assert listed.json()["data"] == []


def test_verify_page_by_code_then_upload(client, approved):
    world, report, pdf = approved
    page = client.get(report["verify_url"].replace("http://127.0.0.1:8000", ""))
    assert page.status_code == 200 and world["name"] in page.text and report["sha256"] in page.text
    token = csrf_of(page.text)
    code = report["verify_url"].rsplit("/", 1)[1]
    ok = client.post("/verify", data={"csrf_token": token, "code": code},
                     files={"file": ("r.pdf", pdf, "application/pdf")})
    assert ok.status_code == 200 and 'data-issued="yes"' in ok.text and 'data-ok="yes"' in ok.text
    assert world["case_number"] in ok.text and 'class="v-round">1<' in ok.text and world["name"] in ok.text
    modified = pdf.replace(b"/Producer", b"/Producex", 1) if b"/Producer" in pdf else pdf + b"\n"
    bad = client.post("/verify", data={"csrf_token": token, "code": code},
                      files={"file": ("r.pdf", modified, "application/pdf")})
    assert bad.status_code == 200 and 'data-issued="no"' in bad.text and 'data-ok="no"' in bad.text


def test_verify_page_by_hash_and_bad_input(client, approved):
    _, report, _ = approved
    r = client.get(f"/verify?sha256={report['sha256'].upper()}")
    assert 'data-issued="yes"' in r.text
    r = client.get("/verify?sha256=" + "0" * 64)
    assert 'data-issued="no"' in r.text
    r = client.get("/verify?sha256=nothex")
    assert r.status_code == 422 and 'id="verify-error"' in r.text
    r = client.get("/verify/no-such-code")
    assert r.status_code == 404


def test_verify_form_needs_the_csrf_token(client, approved):
    pdf = approved[2]
    client.get("/verify")  # the session now has a token, but the form below does not carry it
    r = client.post("/verify", files={"file": ("r.pdf", pdf, "application/pdf")})
    assert r.status_code == 403 and 'data-issued' not in r.text


def test_verify_upload_is_size_limited(client, approved, monkeypatch):
    token = csrf_of(client.get("/verify").text)
    monkeypatch.setattr(service, "MAX_VERIFY_BYTES", 1000)
    r = client.post("/verify", data={"csrf_token": token}, files={"file": ("r.pdf", b"x" * 5000, "application/pdf")})
    assert r.status_code == 413


def test_verify_api_for_scripts(stack, client, approved):
    _, report, pdf = approved
    body = client.get("/api/verify", params={"sha256": report["sha256"]}).json()
    assert body["ok"] and body["data"]["issued"] and body["data"]["signature"]["ok"]
    assert body["data"]["report"]["case_number"] == approved[0]["case_number"]
    r = client.post("/api/verify", headers=stack.token_headers("builder"), files={"file": ("r.pdf", pdf + b"%x\n")})
    assert r.json()["data"]["issued"] is False
    # NUL in a text field is refused as in a JSON body (on PostgreSQL it reached a query)
    r = client.post("/api/verify", data={"code": "JS-2026\x00"}, files={"file": ("r.pdf", pdf)})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_form", r.text
    assert_envelope(client.get("/api/verify"), 422)


def test_verify_upload_is_anonymous_and_rate_limited(stack, approved):
    """POST /api/verify: no login, no CSRF token (it changes nothing); its own per-address limit."""
    from starlette.testclient import TestClient

    from drawreview.app import create_app

    _, report, pdf = approved
    with TestClient(create_app(stack.settings), client=("198.51.100.77", 1)) as anon:
        r = anon.post("/api/verify", files={"file": ("r.pdf", pdf)})
        assert r.status_code == 200 and r.json()["data"]["issued"] is True, r.text
        statuses = [anon.post("/api/verify", files={"file": ("r.pdf", b"%PDF-1.7 x")}).status_code
                    for _ in range(service.VERIFY_LIMIT)]
        assert statuses[-1] == 429 and statuses.count(200) == service.VERIFY_LIMIT - 1
    with TestClient(create_app(stack.settings), client=("198.51.100.78", 1)) as other:
        assert other.post("/api/verify", files={"file": ("r.pdf", pdf)}).status_code == 200


def test_stamped_sheets_only_after_approval(stack, client, approved):
    world = approved[0]
    r = client.get(f"/api/submissions/{world['submission_id']}/stamped-sheets.zip",
                   headers=stack.token_headers("builder"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert sorted(zf.namelist()) == ["建施-02-一层平面图.pdf", "总图-01-总平面图.pdf"]
        for name in zf.namelist():
            text = pymupdf.open("pdf", zf.read(name))[0].get_text()
            assert "审查合格" in text and world["case_number"] in text
    open_round = create_report_world(stack, state="concluded")
    r = client.get(f"/api/submissions/{open_round['submission_id']}/stamped-sheets.zip",
                   headers=stack.token_headers("builder"))
    assert_envelope(r, 409)
    assert r.json()["error"]["code"] == "round_not_approved"
    r = client.get(f"/api/sheets/{open_round['sheet_ids'][0]}/stamped.pdf", headers=stack.token_headers("window"))
    assert_envelope(r, 409)


def test_marked_up_sheet_has_one_annotation_per_markup(stack, client, approved):
    world = approved[0]
    for index, sheet_id in enumerate(world["sheet_ids"]):
        r = client.get(f"/api/sheets/{sheet_id}/marked-up.pdf", headers=stack.token_headers("designer"))
        assert r.status_code == 200
        doc = pymupdf.open("pdf", r.content)
        page = doc[0]
        annots = [a for a in page.annots() if doc.xref_get_key(a.xref, "IRT")[0] == "null"]  # not replies/states
        assert len(annots) == sum(1 for m in MARKUPS if m[1] == index)
        # a human (Chinese) file name; the ASCII one for clients that read only it (decision 157)
        assert "filename*=UTF-8''%E5%B8%A6%E6%89%B9%E6%B3%A8-" in r.headers["content-disposition"]  # 带批注-
        assert f'filename="marked-up-sheet-{sheet_id}.pdf"' in r.headers["content-disposition"]


def test_json_export(stack, client, approved):
    world = approved[0]
    r = client.get(f"/api/submissions/{world['submission_id']}/export.json", headers=stack.token_headers("fire"))
    data = json.loads(r.content)
    assert data["kind"] == "drawreview.review_round" and data["project"]["case_number"] == world["case_number"]
    assert len(data["comments"]) == len(MARKUPS) and len(data["findings"]) == 1
    assert {c["discipline"] for c in data["comments"]} == {"planning", "fire"}


def test_bcf_download(stack, client, approved):
    world = approved[0]
    r = client.get(f"/api/submissions/{world['submission_id']}/bcf", headers=stack.token_headers("planning"))
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert "bcf.version" in zf.namelist()
        assert len({n.split("/")[0] for n in zf.namelist() if "/" in n}) == len(MARKUPS)


def test_project_page_section_renders():
    from types import SimpleNamespace as NS

    from drawreview.web.i18n import translator
    from drawreview.web.pages import templates

    tpl = templates.get_template("_reports.html")
    html = tpl.render(project=NS(id=7), current=NS(id=9, state="approved"), user=NS(role="window"),
                      t=translator("zh-CN"))
    for href in ("/api/projects/7/reports", "/api/submissions/9/marked-up-sheets.zip", "/api/submissions/9/bcf",
                 "/api/submissions/9/export.json", "/api/submissions/9/stamped-sheets.zip",
                 'data-url="/api/submissions/9/report"'):  # the workflow's issue step (report + state)
        assert href in html, href
    assert "出具本轮意见书" in html and "/static/reports.js" in html
    html = tpl.render(project=NS(id=7), current=NS(id=9, state="in_review"), user=NS(role="designer"),
                      t=translator("en"))
    assert "stamped-sheets.zip" not in html and 'id="issue-report"' not in html and "Reports and exports" in html


def test_downloads_of_reports_and_drawings_are_audited(stack, client, approved):
    import asyncio

    from sqlmodel import select

    from drawreview.db import Database
    from drawreview.models import AuditEntry

    world, report, _ = approved
    h = stack.token_headers("builder")
    assert client.get(f"/api/reports/{report['id']}/pdf", headers=h).status_code == 200
    assert client.get(f"/api/submissions/{world['submission_id']}/marked-up-sheets.zip", headers=h).status_code == 200

    async def entries():
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                return (await s.exec(select(AuditEntry).where(AuditEntry.action.in_(
                    ["report.download", "drawing.download"]), AuditEntry.actor == "builder"))).all()
        finally:
            await db.close()

    rows = asyncio.run(entries())
    assert any(r.action == "report.download" and r.object_id == str(report["id"]) for r in rows)
    assert any(r.action == "drawing.download" and r.object_type == "submission"
               and r.object_id == str(world["submission_id"]) for r in rows)
    # the builder downloads other projects' files in other tests: these downloads carry this project
    mine = [r for r in rows if (r.object_type, r.object_id) in {("report", str(report["id"])),
                                                                 ("submission", str(world["submission_id"]))}]
    assert mine and all(r.project_id == world["project_id"] for r in mine)
