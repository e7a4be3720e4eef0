"""The stamped-sheets zip is written to disk entry by entry and sent from there (issue 18):
an issued round's zip is built once and kept, so every download is the same bytes; no
temporary file is left behind; the zip opens in Python's own zipfile and every member is a
stamped PDF PyMuPDF reads."""

from __future__ import annotations

import io
import zipfile

import pymupdf

from drawreview.storage import make_storage
from tests.web.test_reports_api import issue
from tests.web.matrix.reports import create_report_world


def test_the_stamped_zip_is_sent_from_disk_and_kept(stack, client):
    world = create_report_world(stack, state="concluded")
    issue(stack, client, world)
    url = f"/api/submissions/{world['submission_id']}/stamped-sheets.zip"
    tmp = make_storage(stack.settings).tmp
    before = set(tmp.iterdir())
    first = client.get(url, headers=stack.token_headers("builder"))
    second = client.get(url, headers=stack.token_headers("window"))
    assert first.status_code == 200 and first.headers["content-type"] == "application/zip"
    assert int(first.headers["content-length"]) == len(first.content)  # a file response, not a built body
    assert first.content == second.content
    assert "attachment" in first.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(first.content)) as zf:
        assert zf.testzip() is None and zf.namelist()
        # the PDFs are stored as they are (their streams are compressed already): no CPU spent deflating them
        assert {i.compress_type for i in zf.infolist() if i.filename.endswith(".pdf")} == {zipfile.ZIP_STORED}
        for name in zf.namelist():
            assert "审查合格" in pymupdf.open("pdf", zf.read(name))[0].get_text()
    assert set(tmp.iterdir()) == before  # nothing left in the temporary folder
