"""The issued 审查意见书 as an authority files it, opened with tools other than the code that
wrote it: poppler's pdftotext / pdftoppm / pdfsig, pyHanko's reader, the cryptography package,
xmlschema. Issued through the HTTP API (the workflow's report step) in both modes."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pymupdf
import pytest
import xmlschema
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader

from drawreview.report.integrity import sha256_hex
from tests.thirdparty import SHARED
from tests.web.matrix.reports import create_report_world

XSD = SHARED / "specs" / "bcf-3.0"


def _issue(stack, client, world) -> tuple[dict, bytes]:
    r = client.post(f"/api/submissions/{world['submission_id']}/report", headers=stack.token_headers("window"))
    assert r.status_code == 200, r.text
    report = client.get(f"/api/projects/{world['project_id']}/reports", headers=stack.token_headers("window")).json()["data"][-1]
    pdf = client.get(report["pdf_url"], headers=stack.token_headers("designer")).content
    return report, pdf


@pytest.fixture(scope="module")
def approved(stack, client):
    world = create_report_world(stack, state="concluded")
    report, pdf = _issue(stack, client, world)
    return world, report, pdf


def _tool(args: list[str], data: bytes, tmp: Path, suffix=".pdf") -> str:
    path = tmp / f"in{suffix}"
    path.write_bytes(data)
    return subprocess.run([*args, str(path), *(["-"] if args[0] == "pdftotext" else [])], capture_output=True,
                          text=True, timeout=120, check=args[0] != "pdfsig").stdout


def test_report_content_read_with_pdftotext(stack, client, approved, tmp_path):
    world, report, pdf = approved
    text = _tool(["pdftotext", "-layout"], pdf, tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert "审查合格" in text and "有条件通过" not in text and "不予通过" not in text  # the authority's words
    files = client.get(f"/api/submissions/{world['submission_id']}", headers=stack.token_headers("window")).json()["data"]
    assert "审查图纸目录" in text
    for number in ("总图-01", "建施-02"):
        assert number in text
    for f in files["files"]:
        assert f["sha256"] in flat  # the drawings reviewed, by the hash of the uploaded file
    assert "审查依据" in text and "GB50016-2014" in flat  # the standard the comments cite, with its edition year
    assert "rulesets/fire.toml" in text and "sha256:" in text  # the ruleset and its version
    assert "审核人" in text and "窗口受理员王芳" in flat  # the checker: the window user who issued it
    assert "PAdESB-B" in flat and "未配置时间戳服务" in flat  # no TSA in the test stack: says B-B and why
    assert "/verify/authority.pem" in flat
    pages = pymupdf.open("pdf", pdf).page_count
    assert f"第{pages}页/共{pages}页" in flat  # page numbering kept


def test_seal_and_signature_are_visible(approved, tmp_path):
    _, report, pdf = approved
    doc = pymupdf.open("pdf", pdf)
    last = doc[-1]
    seal = max(last.get_image_info(), key=lambda i: (i["bbox"][2] - i["bbox"][0]))["bbox"]
    # poppler renders the page (annotations included); count red pixels where the seal is
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", str(doc.page_count), "-l", str(doc.page_count),
                    str(tmp_path / "r.pdf"), str(tmp_path / "p")], check=True, timeout=120)
    [png] = list(tmp_path.glob("p*.png"))
    pix = pymupdf.Pixmap(str(png))

    def reds(x0, y0, x1, y1) -> int:
        n = 0
        for y in range(int(y0), int(y1)):
            for x in range(int(x0), int(x1)):
                r, g, b = pix.pixel(x, y)[:3]
                n += r > 150 and g < 110 and b < 110
        return n

    assert reds(*seal) > 400  # the seal is there in ink, not only in the object tree
    reader = PdfFileReader(io.BytesIO(pdf))
    [sig] = reader.embedded_signatures
    widget = sig.sig_field
    rect = [float(v) for v in widget["/Rect"]]
    assert rect[2] - rect[0] > 100 and rect[3] - rect[1] > 30  # a visible signature field ...
    assert "/N" in widget["/AP"]  # ... with its own appearance
    h = last.rect.height
    assert reds(rect[0], h - rect[3], rect[2], h - rect[1]) > 100  # and poppler draws it (red frame)
    out = _tool(["pdfsig"], pdf, tmp_path)
    assert "Signature is Valid" in out


def test_the_published_certificate_is_the_signer(stack, client, approved):
    _, report, pdf = approved
    page = client.get("/verify")
    assert 'href="/verify/authority.pem"' in page.text
    r = client.get("/verify/authority.pem")
    assert r.status_code == 200
    certs = x509.load_pem_x509_certificates(r.content)
    reader = PdfFileReader(io.BytesIO(pdf))
    signer = reader.embedded_signatures[0].signer_cert
    assert certs[0].serial_number == signer.serial_number


def test_stamped_sheets_are_signed_stable_listed_and_verifiable(stack, client, approved, tmp_path):
    world, report, pdf = approved
    text = re.sub(r"\s+", "", _tool(["pdftotext"], pdf, tmp_path))
    for sheet_id in world["sheet_ids"]:
        a = client.get(f"/api/sheets/{sheet_id}/stamped.pdf", headers=stack.token_headers("window"))
        b = client.get(f"/api/sheets/{sheet_id}/stamped.pdf", headers=stack.token_headers("designer"))
        assert a.status_code == 200 and a.content == b.content  # the same sheet, the same bytes
        sha = sha256_hex(a.content)
        assert sha in text  # listed in the report with its hash
        assert "Signature is Valid" in _tool(["pdfsig"], a.content, tmp_path)
        assert "审查合格" in _tool(["pdftotext"], a.content, tmp_path)
        v = client.get("/api/verify", params={"sha256": sha}).json()["data"]
        assert v["issued"] and v["kind"] == "stamped_sheet" and v["signature"]["ok"]
        assert {c["item"] for c in v["checked"] if c["ok"]} >= {"hash", "signed", "intact", "trusted", "whole_file"}
    page = client.get(f"/verify?sha256={sha}")
    assert 'id="verify-checked"' in page.text and "盖章图纸" in page.text


def test_heavy_exports_are_built_once_and_valid(stack, client, approved):
    world = approved[0]
    url = f"/api/submissions/{world['submission_id']}/bcf"
    a = client.get(url, headers=stack.token_headers("planning"))
    b = client.get(url, headers=stack.token_headers("fire"))
    assert a.status_code == 200 and a.content == b.content  # stored for the issued round
    assert "filename*=UTF-8''" in a.headers["content-disposition"] and world["case_number"] in a.headers["content-disposition"]
    schema = xmlschema.XMLSchema(str(XSD / "markup.xsd"))
    with zipfile.ZipFile(io.BytesIO(a.content)) as zf:
        for name in zf.namelist():
            if name.endswith("markup.bcf"):
                schema.validate(io.BytesIO(zf.read(name)))
    z1 = client.get(f"/api/submissions/{world['submission_id']}/marked-up-sheets.zip", headers=stack.token_headers("window"))
    z2 = client.get(f"/api/submissions/{world['submission_id']}/marked-up-sheets.zip", headers=stack.token_headers("window"))
    assert z1.content == z2.content


def test_revision_required_report_gives_a_reply_deadline(stack, client, tmp_path):
    world = create_report_world(stack, state="concluded", verdict="revision_required")
    _, pdf = _issue(stack, client, world)
    flat = re.sub(r"\s+", "", _tool(["pdftotext"], pdf, tmp_path))
    assert "修改后复审" in flat and "回复期限" in flat and "前逐条回复审查意见" in flat


def test_json_and_bcf_keep_every_character(stack, client):
    """A reply with CJK Extension B and an emoji, written through the API: the PDF may show □,
    the JSON (stdlib parser) and the BCF (xmlschema + ElementTree) keep it as written."""
    from xml.etree import ElementTree as ET

    world = create_report_world(stack, state="concluded")
    text = "已补充 𠀀𪚥 见图 😀"
    aid = world["annotation_ids"][0]
    r = client.post(f"/api/annotations/{aid}/comments", headers=stack.token_headers("designer"),
                    json={"client_id": f"rare-{aid}", "body": text})
    assert r.status_code in (200, 201), r.text
    data = client.get(f"/api/submissions/{world['submission_id']}/export.json", headers=stack.token_headers("window"))
    doc = __import__("json").loads(data.content.decode("utf-8"))
    [c] = [c for c in doc["comments"] if c["id"] == str(aid)]
    assert c["thread"][-1]["text"] == text and c["created_at"].endswith("+08:00")
    assert c["severity_label"]["zh-CN"] and c["status_label"]["en"]
    assert "第1轮" in data.headers["content-disposition"] or "%E7%AC%AC1%E8%BD%AE" in data.headers["content-disposition"]
    bcf = client.get(f"/api/submissions/{world['submission_id']}/bcf", headers=stack.token_headers("window")).content
    schema = xmlschema.XMLSchema(str(XSD / "markup.xsd"))
    with zipfile.ZipFile(io.BytesIO(bcf)) as zf:
        found = []
        for name in zf.namelist():
            if name.endswith("markup.bcf"):
                xml = zf.read(name)
                schema.validate(io.BytesIO(xml))
                found += [e.text for e in ET.fromstring(xml).iter("Comment") if e.text]
    assert text in found


def test_the_preview_before_signing_shows_the_same_apparatus(stack, client, tmp_path):
    world = create_report_world(stack, state="concluded")
    r = client.get(f"/api/submissions/{world['submission_id']}/report/preview.pdf", headers=stack.token_headers("window"))
    assert r.status_code == 200
    flat = re.sub(r"\s+", "", _tool(["pdftotext"], r.content, tmp_path))
    assert "审查图纸目录" in flat and "审查依据" in flat and "审核人" in flat and "预览" in flat
    assert len(pymupdf.open("pdf", r.content)[-1].get_image_info()) == 1  # the seal, where it will be


def test_checkers_named_when_issuing_sign_per_discipline(stack, client, tmp_path):
    world = create_report_world(stack, state="concluded")
    me = {u: client.get("/api/me", headers=stack.token_headers(u)).json()["data"] for u in ("planning", "fire")}
    url = f"/api/submissions/{world['submission_id']}/report"
    same = client.post(url, headers=stack.token_headers("window"), json={"checkers": {"fire": me["fire"]["id"]}})
    assert same.status_code == 422 and "审核人" in same.json()["error"]["messages"]["zh-CN"]  # not its own reviewer
    unknown = client.post(url, headers=stack.token_headers("window"), json={"checkers": {"structure": me["fire"]["id"]}})
    assert unknown.status_code == 422
    ok = client.post(url, headers=stack.token_headers("window"), json={"checkers": {"fire": me["planning"]["id"]}})
    assert ok.status_code == 200, ok.text
    report = client.get(f"/api/projects/{world['project_id']}/reports", headers=stack.token_headers("window")).json()["data"][-1]
    pdf = client.get(report["pdf_url"], headers=stack.token_headers("window")).content
    lines = [re.sub(r"\s+", "", ln) for ln in _tool(["pdftotext", "-layout"], pdf, tmp_path).splitlines()]
    fire = next(ln for ln in lines if ln.startswith("消防审查人（签字）"))
    planning = next(ln for ln in lines if ln.startswith("规划审查人（签字）"))
    assert "审核人（签字）：" + me["planning"]["display_name"].replace(" ", "") in fire
    assert "审核人（签字）：窗口受理员王芳" in planning  # not named: the one who issued checked it
