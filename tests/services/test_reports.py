"""Issuing a round's report from the database, in both modes: the real PDF, its signature, the
recorded hash, idempotency (also under concurrent issuers), the audit entry and the event, and
the derived exports (marked-up sheets, BCF 3.0) over the same rows."""

from __future__ import annotations

import asyncio
import io
import zipfile

import pymupdf
import pytest
import xmlschema
from sqlmodel import func, select

from drawreview.auth import Principal
from drawreview.db import Database
from drawreview.errors import Conflict, InvalidTransition
from drawreview.models import AuditEntry, ProjectEvent, Report, User
from drawreview.report.integrity import sha256_hex
from drawreview.report.signing import validate_signature
from drawreview.services import report_files, reports
from drawreview.storage import make_storage
from tests.web.matrix.reports import MARKUPS, create_report_world

from tests.thirdparty import SHARED  # noqa: E402

XSD = SHARED / "specs" / "bcf-3.0"
PUBLIC = "https://review.example.cn"  # the issuing request's address (no BASE_URL configured in the test stack)
DISCIPLINES = sorted({m[0] for m in MARKUPS})


def run(stack, fn):
    """Run ``fn(session, storage)`` in a fresh database session (committed afterwards)."""

    async def go():
        db = Database(stack.settings)
        try:
            async with db.session() as session:
                out = await fn(session, make_storage(stack.settings))
                await session.commit()
                return out
        finally:
            await db.close()

    return asyncio.run(go())


async def window(session) -> Principal:
    user = (await session.exec(select(User).where(User.username == "window"))).one()
    return Principal.of(user)


def issue(stack, submission_id: int, events: list | None = None) -> Report:
    async def fn(session, storage):
        return await reports.issue_round_report(session, storage, stack.settings, submission_id, await window(session),
                                                emit=(events.append if events is not None else None), base_url=PUBLIC)

    return run(stack, fn)


@pytest.fixture(scope="module")
def issued(stack):
    world = create_report_world(stack)
    events: list = []
    report = issue(stack, world["submission_id"], events)
    pdf = make_storage(stack.settings).path(report.sha256).read_bytes()
    return world, report, pdf, events


def test_the_pdf_shows_the_round(issued):
    world, report, pdf, _ = issued
    doc = pymupdf.open("pdf", pdf)
    cover = doc[0].get_text()
    for value in (world["name"], world["case_number"], "示范置业有限公司", "示范建筑设计研究院有限公司",
                  "示范市行政审批局联合审图中心", "第 1 轮", "2025年03月03日", "审查合格"):
        assert value in cover, value
    level1 = [t for lvl, t, _ in doc.get_toc() if lvl == 1]
    assert level1[:2] == ["封面 Cover", "审查汇总 Summary"] and level1[-1] == "审查结论 Conclusions"
    assert level1[2] == "审查图纸目录 Drawings reviewed"
    assert level1[3:-1] == ["规划 Planning", "消防 Fire protection", "人防 Civil air defence", "防雷 Lightning protection",
                            "气象 Meteorology"]  # every discipline that reviewed has a section
    text = "".join(p.get_text() for p in doc).replace("\n", "")
    for disc, _si, _kind, _geo, _sev, _status, body, replies in MARKUPS:
        assert body in text
        for _who, reply in replies:
            assert reply in text
    assert "设计人 赵磊（示范建筑设计研究院有限公司）" in text  # replies name the author's organisation
    assert "已删除的意见" not in text and "未确认的自动标注" not in text and "未确认的检查结果" not in text
    assert "消防车道净宽度不足" in text and "3.5m" in text and "4m" in text  # the confirmed finding
    images = sum(len(p.get_image_info()) for p in doc)
    assert images == len(MARKUPS) + 1 == len(world["annotation_ids"]) + 1  # one crop per comment, and the seal
    assert report.pages == doc.page_count


def test_signature_validates_and_hash_is_of_the_signed_file(stack, issued):
    _, report, pdf, _ = issued
    assert sha256_hex(pdf) == report.sha256 and len(pdf) == report.size
    check = validate_signature(pdf, reports.trust_cert(stack.settings))
    assert check.ok, check
    assert "示范市行政审批局联合审图中心" in report.signer
    doc = pymupdf.open("pdf", pdf)
    links = [link["uri"] for link in doc[0].get_links() if link.get("uri")]
    assert links == [f"{PUBLIC}/verify/{report.verify_code}"]  # the QR code's target, from the issuing request
    last = [link["uri"] for link in doc[-1].get_links() if link.get("uri")]
    assert f"{PUBLIC}/verify/authority.pem" in last  # the published certificate, linked from the last page


def test_audit_entry_and_event(stack, issued):
    world, report, _, events = issued
    assert [e.type for e in events] == ["report.issued"]
    assert events[0].payload["report_id"] == report.id and events[0].payload["sha256"] == report.sha256

    async def fn(session, storage):
        audit = (await session.exec(select(AuditEntry).where(AuditEntry.action == "report.issue",
                                                             AuditEntry.object_id == str(report.id)))).all()
        evs = (await session.exec(select(ProjectEvent).where(ProjectEvent.project_id == world["project_id"],
                                                             ProjectEvent.type == "report.issued"))).all()
        return len(audit), len(evs)

    assert run(stack, fn) == (1, 1)


def test_issuing_again_returns_the_same_report(stack, issued):
    world, report, _, _ = issued
    events: list = []
    again = issue(stack, world["submission_id"], events)
    assert again.id == report.id and again.sha256 == report.sha256 and events == []


def test_concurrent_issuers_make_one_report(stack):
    world = create_report_world(stack, state="concluded")

    async def go():
        db = Database(stack.settings)
        storage = make_storage(stack.settings)

        async def one():
            async with db.session() as session:
                r = await reports.issue_round_report(session, storage, stack.settings, world["submission_id"],
                                                     await window(session), base_url=PUBLIC)
                await session.commit()
                return r.id

        try:
            ids = await asyncio.gather(one(), one())
            async with db.session() as session:
                n = (await session.exec(select(func.count()).select_from(Report)
                                        .where(Report.submission_id == world["submission_id"]))).one()
            return ids, n
        finally:
            await db.close()

    ids, n = asyncio.run(go())
    assert ids[0] == ids[1] and n == 1


def test_an_open_round_cannot_be_issued(stack):
    world = create_report_world(stack, state="in_review", verdict=None)
    with pytest.raises(InvalidTransition) as exc:
        issue(stack, world["submission_id"])
    assert exc.value.code == "round_not_concluded" and set(exc.value.details["pending"]) == {
        "planning", "fire", "civil_defence", "lightning", "meteorology"}


def test_verification_accepts_the_issued_file_and_rejects_a_modified_one(stack, issued):
    _, report, pdf, _ = issued

    async def check(session, storage, data):
        return await reports.verify(session, storage, stack.settings, sha256=sha256_hex(data), upload=data)

    good = run(stack, lambda s, st: check(s, st, pdf))
    assert good["issued"] and good["signature"]["ok"] and good["report"]["round_no"] == 1
    i = len(pdf) // 3
    bad_bytes = pdf[:i] + bytes([pdf[i] ^ 0x01]) + pdf[i + 1:]
    bad = run(stack, lambda s, st: check(s, st, bad_bytes))
    assert not bad["issued"] and bad["report"] is None and not bad["signature"]["ok"]


def test_stamped_sheets_need_an_approved_round(stack):
    world = create_report_world(stack, state="concluded")

    async def fn(session, storage):
        from drawreview.models import Submission

        return await report_files.stamped_zip(session, storage, await session.get(Submission, world["submission_id"]), "x.zip")

    with pytest.raises(Conflict) as exc:
        run(stack, fn)
    assert exc.value.code == "round_not_approved"


def test_marked_up_sheets_have_one_pdf_annotation_per_markup(stack, issued):
    world = issued[0]

    async def fn(session, storage):
        from drawreview.models import Submission

        return await report_files.marked_up_zip(session, storage, await session.get(Submission, world["submission_id"]), "x.zip")

    data = run(stack, fn)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert len(names) == 2
        total = 0
        for name in names:
            doc = pymupdf.open("pdf", zf.read(name))
            page = doc[0]
            annots = [a for a in page.annots() if doc.xref_get_key(a.xref, "IRT")[0] == "null"]
            states = [a for a in page.annots() if doc.xref_get_key(a.xref, "State")[0] != "null"]
            total += len(annots)
            assert all(a.info["title"] for a in annots) and len(states) == len(annots)  # one review state each
    assert total == len(MARKUPS)


def test_bcf_validates_against_the_bcf_3_schemas(stack, issued):
    world = issued[0]
    schemas = {name: xmlschema.XMLSchema(str(XSD / xsd)) for name, xsd in {
        "bcf.version": "version.xsd", "extensions.xml": "extensions.xsd", "project.bcfp": "project.xsd",
        "markup.bcf": "markup.xsd", "viewpoint.bcfv": "visinfo.xsd"}.items()}

    async def fn(session, storage):
        from drawreview.models import Submission

        return await report_files.bcf(session, storage, await session.get(Submission, world["submission_id"]), "x.bcfzip")

    with zipfile.ZipFile(io.BytesIO(run(stack, fn))) as zf:
        checked = 0
        for name in zf.namelist():
            base = name.rsplit("/", 1)[-1]
            if base in schemas:
                schemas[base].validate(io.BytesIO(zf.read(name)))
                checked += 1
        topics = {n.split("/")[0] for n in zf.namelist() if "/" in n}
    assert len(topics) == len(MARKUPS) and checked == 3 + 2 * len(MARKUPS)


def test_characters_the_font_lacks_are_replaced_not_refused():
    from drawreview.report.font import font_chain, load_font, missing_chars
    from drawreview.services.report_data import PLACEHOLDER, _Cleaner

    none_has = next(ch for ch in "🚒🛸🧯\U0001fa90" if missing_chars(font_chain(), ch))  # no report font draws it
    clean = _Cleaner()
    assert clean(f"已修改{none_has}，见图") == f"已修改{PLACEHOLDER}，见图" and clean.replaced == {none_has}
    assert not missing_chars(load_font(), PLACEHOLDER)


def test_with_a_tsa_the_issued_report_is_b_lt_and_verify_says_so(stack, tmp_path_factory):
    """The settings path: DRAWREVIEW_TSA_URL + an authority folder issued by a real local PKI
    (certomancer, tests/report/pki.py) → the issued file is PAdES B-LT, pdfsig-independent
    pyHanko validation offline succeeds, and the verification lists the timestamp and LTV."""
    import io as _io

    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    from tests.report.pki import start_pki

    pki = start_pki(tmp_path_factory.mktemp("pki"))
    try:
        settings = stack.settings.with_(tsa_url=pki.tsa_url, authority_dir=pki.authority_dir)
        world = create_report_world(stack, state="concluded")

        async def fn(session, storage):
            r = await reports.issue_round_report(session, storage, settings, world["submission_id"],
                                                 await window(session), base_url=PUBLIC)
            await session.flush()
            pdf = storage.path(r.sha256).read_bytes()
            return r, pdf, await reports.verify(session, storage, settings, sha256=r.sha256)

        report, pdf, checked = run(stack, fn)
    finally:
        pki.stop()
    reader = PdfFileReader(_io.BytesIO(pdf))
    dss = DocumentSecurityStore.read_dss(reader)
    offline = dss.as_validation_context({"trust_roots": [load_cert_from_pemder(str(pki.root_pem))],
                                         "allow_fetching": False, "revocation_mode": "hard-fail"})
    status = validate_pdf_signature(reader.embedded_signatures[0], offline)
    assert status.bottom_line and status.timestamp_validity is not None
    assert checked["signature"]["level"] == "B-LT" and checked["signature"]["ltv_ok"] and checked["signature"]["ok"]
    assert {c["item"] for c in checked["checked"] if c["ok"]} >= {"timestamp", "ltv"}
    text = "".join(p.get_text() for p in pymupdf.open("pdf", pdf)).replace("\n", "")
    assert "PAdES B-LT" in text and "可信时间戳" in text


def test_the_public_address_is_configured_or_the_requests_never_a_default(tmp_path):
    from starlette.requests import Request

    from drawreview.settings import load_settings

    unset = load_settings({"DRAWREVIEW_DATA_DIR": str(tmp_path)})
    configured = load_settings({"DRAWREVIEW_DATA_DIR": str(tmp_path), "DRAWREVIEW_BASE_URL": "https://review.example.gov.cn/"})
    request = Request({"type": "http", "scheme": "https", "server": ("shenpi.local", 8443), "path": "/", "root_path": "",
                       "headers": [(b"host", b"shenpi.local:8443")], "query_string": b""})
    assert unset.public_base_url is None and reports.public_base(unset) is None
    assert reports.public_base(unset, request) == "https://shenpi.local:8443"
    assert reports.public_base(configured, request) == "https://review.example.gov.cn"
    with pytest.raises(Conflict) as exc:
        reports.verify_url(unset, "abc")
    assert exc.value.code == "base_url_unknown"


def test_the_listed_issue_date_is_the_beijing_date_the_pdf_prints():
    """Issued at 04:38 Beijing time (20:38 UTC the day before): the project page's list shows the
    date the report itself prints as 出具日期, not the UTC day."""
    from datetime import datetime

    r = Report(id=1, project_id=1, submission_id=1, round_no=1, kind="review", sha256="0" * 64, size=1, pages=1,
               verdict="approved", case_number="JS-2026-000001", signer="", issued_at=datetime(2026, 12, 6, 20, 38),
               issued_by=None, verify_code="x", blob_sha256="0" * 64)
    d = reports.report_dict(r)
    assert d["issued_at"].startswith("2026-12-06T20:38") and d["issued_date"] == "2026-12-07"
