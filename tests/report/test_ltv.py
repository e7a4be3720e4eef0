"""Long-term validation of issued reports against a REAL local PKI: certomancer's Animator
serves a root and an intermediate CA, an OCSP responder, CRLs and an RFC 3161 time-stamping
authority over HTTP on 127.0.0.1 (tests/report/pki.py). The report is signed through that
TSA; the checks use pyHanko's own validator (and poppler's pdfsig) on the file, not the code
that wrote it. B-LT must validate offline from the revocation data embedded in the file."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext

from drawreview.report.issuance import issue_report
from drawreview.report.signing import SigningFailed, load_signing, sign_pdf, validate_signature

from .conftest import VERIFY_URL
from .pki import start_pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    p = start_pki(tmp_path_factory.mktemp("pki"))
    yield p
    p.stop()


@pytest.fixture(scope="module")
def small(sample_data):
    return replace(sample_data, disciplines=sample_data.disciplines[:1])


def _issue(small, pki, lta: bool):
    cfg = load_signing(pki.authority_dir, tsa_url=pki.tsa_url, lta=lta)
    before = len(pki.requests)
    issued = issue_report(small, signing=cfg, verify_url=VERIFY_URL)
    return issued.pdf, pki.requests[before:]


def _offline_context(pki) -> ValidationContext:
    """Trust the test root only; no network: revocation data must come from the file."""
    return ValidationContext(trust_roots=[load_cert_from_pemder(str(pki.root_pem))], allow_fetching=False,
                             revocation_mode="hard-fail", crls=[], ocsps=[])


def test_b_lt_validates_offline_from_the_embedded_revocation_data(small, pki):
    pdf, requests = _issue(small, pki, lta=False)
    paths = {p for _, p in requests}
    assert "/review/tsa/tsa" in paths and "/review/ocsp/interm" in paths  # the real TSA and OCSP responder answered
    assert any(p.startswith("/review/crls/") for p in paths)
    reader = PdfFileReader(io.BytesIO(pdf))
    assert "/DSS" in reader.root  # the document security store with certificates, OCSP responses and CRLs
    dss = DocumentSecurityStore.read_dss(reader)
    assert len(dss.ocsps) >= 1 and len(dss.crls) >= 1
    sig = reader.embedded_signatures[0]
    # pyHanko without network: a hard-fail revocation check succeeds only with the embedded data
    offline = dss.as_validation_context({"trust_roots": [load_cert_from_pemder(str(pki.root_pem))],
                                         "allow_fetching": False, "revocation_mode": "hard-fail"})
    status = validate_pdf_signature(sig, offline)
    assert status.bottom_line and status.trusted and status.intact
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted  # RFC 3161 signature timestamp
    # and without the DSS the same hard-fail check fails: the data in the file is what carries it
    bare = validate_pdf_signature(sig, _offline_context(pki))
    assert not bare.bottom_line
    check = validate_signature(pdf, pki.root_pem)
    assert check.ok and check.level == "B-LT" and check.ltv_ok and check.timestamp_ok


def test_b_lta_adds_a_document_timestamp(small, pki):
    pdf, _ = _issue(small, pki, lta=True)
    reader = PdfFileReader(io.BytesIO(pdf))
    sigs = reader.embedded_signatures
    assert [s.sig_object_type for s in sigs] == ["/Sig", "/DocTimeStamp"]
    ts_status = validate_pdf_timestamp(sigs[1], validation_context=ValidationContext(
        trust_roots=[load_cert_from_pemder(str(pki.root_pem))], allow_fetching=False))
    assert ts_status.valid and ts_status.intact and ts_status.trusted
    check = validate_signature(pdf, pki.root_pem)
    assert check.ok and check.level == "B-LTA"


def test_the_report_says_which_level_it_carries(small, pki):
    from drawreview.report.signing import level_note

    assert "B-LT" in level_note(load_signing(pki.authority_dir, tsa_url=pki.tsa_url))
    b = level_note(load_signing(pki.authority_dir))
    assert "B-B" in b and "未配置时间戳服务" in b


def test_pdfsig_sees_a_valid_timestamped_signature(small, pki, tmp_path):
    pdf, _ = _issue(small, pki, lta=False)
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout
    assert "Signature is Valid" in out and "ETSI.CAdES.detached" in out
    assert "Signature Timestamp" in out or "Signing Time" in out


def test_an_unreachable_tsa_is_a_clear_error(small, pki, authority):
    from tests.conftest import free_port

    cfg = load_signing(pki.authority_dir, tsa_url=f"http://127.0.0.1:{free_port()}/tsa")
    with pytest.raises(SigningFailed) as exc:
        sign_pdf(_tiny_pdf(), cfg)
    assert exc.value.status == 503 and exc.value.code == "signing_failed" and "127.0.0.1" in exc.value.message_zh


def _tiny_pdf() -> bytes:
    import pymupdf

    doc = pymupdf.open()
    doc.new_page()
    return doc.tobytes()
