"""A sheet without a drawing number (a DXF layout without a title block) is named by its file and
its place in the file wherever users read it, never "图纸 #10": the issued report (read back with
poppler's pdftotext), the comment list API, the BCF export, the marked-up sheets' file names, the
sheet list API (and its search) and the refusal that names comments still open."""

from __future__ import annotations

import io
import subprocess
import zipfile

import pymupdf
import pytest

from drawreview.models import Sheet
from tests.web.matrix.reports import NUMBERLESS_FILE, create_report_world

LABEL = f"{NUMBERLESS_FILE} · 布局 Layout1"
LABEL_EN = f"{NUMBERLESS_FILE} · Layout Layout1"


def test_sheet_label_rule():
    from drawreview.services.sheets import sheet_label

    numbered = Sheet(file_id=1, submission_id=1, key="layout:A1", number="建施-01", title="一层平面图")
    assert sheet_label(numbered, "a.dxf") == "建施-01 一层平面图"
    assert sheet_label(numbered, "a.dxf", title=False) == "建施-01"
    bare = Sheet(file_id=1, submission_id=1, key="layout:Layout1", number=" ", title="")
    assert sheet_label(bare, "XX.dxf") == "XX.dxf · 布局 Layout1"
    assert sheet_label(bare, "XX.dxf", "en") == "XX.dxf · Layout Layout1"
    assert sheet_label(bare) == "布局 Layout1"  # the file is named beside it
    model = Sheet(file_id=1, submission_id=1, key="model#2", number="", title="总平面图")
    assert sheet_label(model, "XX.dxf") == "XX.dxf · 模型空间（第 2 幅图框） 总平面图"
    # a layout whose title is its own name (a DWG's "MyLayout"): the name once, not twice
    named = Sheet(file_id=1, submission_id=1, key="layout:MyLayout", number="", title="MyLayout")
    assert sheet_label(named, "结施.dwg") == "结施.dwg · 布局 MyLayout"
    assert sheet_label(named, "结施.dwg", "en") == "结施.dwg · Layout MyLayout"
    titled = Sheet(file_id=1, submission_id=1, key="layout:MyLayout", number="", title="首层平面")
    assert sheet_label(titled, "结施.dwg") == "结施.dwg · 布局 MyLayout 首层平面"


@pytest.fixture(scope="module")
def issued(stack, client):
    """A concluded round whose second sheet has no number, its report issued through the API."""
    world = create_report_world(stack, state="concluded", numberless=True)
    r = client.post(f"/api/submissions/{world['submission_id']}/report", headers=stack.token_headers("window"))
    assert r.status_code == 200, r.text
    report = client.get(f"/api/projects/{world['project_id']}/reports",
                        headers=stack.token_headers("window")).json()["data"][0]
    pdf = client.get(report["pdf_url"], headers=stack.token_headers("builder"))
    assert pdf.status_code == 200
    return world, pdf.content


def test_the_report_names_the_file_and_layout(issued, tmp_path):
    _, pdf = issued
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=120,
                          check=True).stdout
    assert f"图纸 {LABEL}" in text  # the heading over the sheet's comments
    assert "图纸 #" not in text
    assert "布局 Layout1" in text.split("审查图纸目录")[-1]  # the drawing list (the file has its own column)
    toc = [t for _, t, _ in pymupdf.open("pdf", pdf).get_toc()]
    assert any(t.startswith(LABEL) for t in toc), toc


def test_the_comment_list_names_the_file_and_layout(stack, client, issued):
    world, _ = issued
    rows = client.get(f"/api/submissions/{world['submission_id']}/comments",
                      headers=stack.token_headers("designer")).json()["data"]
    on_it = [c for c in rows if c["sheet_id"] == world["sheet_ids"][1]]
    assert on_it and all(c["sheet_number"] == LABEL and c["sheet_title"] == "" for c in on_it)
    assert all(c["sheet_label"] == {"zh-CN": LABEL, "en": LABEL_EN} for c in on_it)
    assert {c["sheet_label"]["zh-CN"] for c in rows if c["sheet_id"] == world["sheet_ids"][0]} == {"总图-01"}


def test_exports_name_the_file_and_layout(stack, client, issued):
    world, _ = issued
    h = stack.token_headers("planning")
    bcf = client.get(f"/api/submissions/{world['submission_id']}/bcf", headers=h)
    with zipfile.ZipFile(io.BytesIO(bcf.content)) as zf:
        markups = [zf.read(n).decode() for n in zf.namelist() if n.endswith("markup.bcf")]
    assert any(f"[{LABEL}]" in m for m in markups)
    assert not any("[#" in m for m in markups)
    zipped = client.get(f"/api/submissions/{world['submission_id']}/marked-up-sheets.zip", headers=h)
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as zf:
        assert "某住宅楼-结构-布局 Layout1.pdf" in zf.namelist(), zf.namelist()
    one = client.get(f"/api/sheets/{world['sheet_ids'][1]}/marked-up.pdf", headers=h)
    assert one.status_code == 200 and "Layout1" in one.headers["content-disposition"]


def test_the_sheet_list_carries_the_file_and_finds_it(stack, client, issued):
    world, _ = issued
    h = stack.token_headers("fire")
    rows = client.get(f"/api/submissions/{world['submission_id']}/sheets", headers=h).json()["data"]
    bare = next(s for s in rows if s["id"] == world["sheet_ids"][1])
    assert bare["file_name"] == NUMBERLESS_FILE and bare["number"] == ""
    assert bare["label"] == {"zh-CN": LABEL, "en": LABEL_EN}
    found = client.get(f"/api/projects/{world['project_id']}/sheets?q=住宅楼", headers=h).json()["data"]
    assert [s["id"] for s in found] == [world["sheet_ids"][1]]


def test_the_refusal_names_the_file_and_layout(stack, client):
    world = create_report_world(stack, state="concluded", verdict="approved", closed=False, numberless=True)
    r = client.post(f"/api/submissions/{world['submission_id']}/report", headers=stack.token_headers("window"))
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "report_blocked"
    assert f"图纸 {LABEL}，" in err["messages"]["zh-CN"] and f"sheet {LABEL_EN}," in err["messages"]["en"]
