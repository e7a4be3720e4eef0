"""The window's preview before signing, through the HTTP API: the refusal issuing would meet now,
or the report as it would be issued — unsigned, marked as a preview — and nothing written."""

from __future__ import annotations

import io

import pymupdf

from tests.web.matrix.reports import create_report_world


def test_preview_of_a_concluded_round_is_the_report_unsigned_and_writes_nothing(stack, client):
    world = create_report_world(stack, state="concluded", name="签发前预览测试")
    window = stack.token_headers("window")
    sid = world["submission_id"]
    r = client.get(f"/api/submissions/{sid}/report/preview", headers=window)
    assert r.status_code == 200, r.text
    p = r.json()["data"]
    assert p["may_issue"] is True and p["refusal"] is None and p["pages"] >= 2
    assert 1 <= len(p["page_urls"]) <= 3
    pdf = client.get(p["pdf_url"], headers=window)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    doc = pymupdf.open("pdf", pdf.content)
    assert doc.page_count == p["pages"]
    assert all("PREVIEW · NOT ISSUED" in page.get_text() for page in doc)  # every page says it is not issued
    assert world["case_number"] in doc[0].get_text()
    assert not doc.get_sigflags() > 0  # nothing signed
    png = client.get(p["page_urls"][0], headers=window)
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert pymupdf.Pixmap(io.BytesIO(png.content)).width >= 800
    assert client.get(f"/api/submissions/{sid}/report/preview/9.png", headers=window).status_code == 404
    # nothing was issued by looking
    reports = client.get(f"/api/projects/{world['project_id']}/reports", headers=window).json()["data"]
    assert reports == []


def test_preview_names_what_blocks_issuing(stack, client):
    world = create_report_world(stack, state="in_review", verdict=None, name="签发前预览-未完成")
    window = stack.token_headers("window")
    r = client.get(f"/api/submissions/{world['submission_id']}/report/preview", headers={**window, "Accept-Language": "en"})
    assert r.status_code == 200, r.text
    p = r.json()["data"]
    assert p["may_issue"] is False and p["pages"] == 0 and p["page_urls"] == []
    assert p["refusal"]["code"] and p["refusal"]["messages"]["zh-CN"] and p["refusal"]["messages"]["en"]
    # the pictures and the PDF are refused the same way issuing would be
    r = client.get(f"/api/submissions/{world['submission_id']}/report/preview.pdf", headers=window)
    assert r.status_code == 409 and r.json()["error"]["code"] == p["refusal"]["code"]
