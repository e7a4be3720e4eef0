"""PAdES signing and validation with pyHanko, on real reports."""

from __future__ import annotations

import io
from dataclasses import replace

import pymupdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from drawreview.errors import UnreadableDrawing
from drawreview.report.integrity import sha256_hex, verify
from drawreview.report.issuance import issue_report
from drawreview.report.signing import (FIELD_NAME, BatchSigner, SigningConfig, ensure_authority_key, sign_pdf,
                                      validate_signature)

from .conftest import VERIFY_URL


@pytest.fixture(scope="module")
def small_data(sample_data):
    return replace(sample_data, disciplines=sample_data.disciplines[:2])


@pytest.fixture(scope="module")
def issued(small_data, authority):
    key, cert = authority
    return issue_report(small_data, key_path=key, cert_path=cert, verify_url=VERIFY_URL)


def test_authority_key_is_created_once(tmp_path):
    key, cert = ensure_authority_key(tmp_path)
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert cert.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert key.stat().st_mode & 0o077 == 0  # private key readable by the owner only
    before = (key.read_bytes(), cert.read_bytes())
    assert ensure_authority_key(tmp_path) == (key, cert)
    assert (key.read_bytes(), cert.read_bytes()) == before


def test_signed_report_validates_and_is_pades(issued, authority):
    check = validate_signature(issued.pdf, authority[1])
    assert check.ok, check
    assert "drawreview demo review authority" in check.signer
    sig = PdfFileReader(io.BytesIO(issued.pdf)).embedded_signatures[0]
    assert sig.field_name == FIELD_NAME
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    # still a normal PDF with all its pages and bookmarks
    doc = pymupdf.open("pdf", issued.pdf)
    assert doc.page_count == issued.info.pages and doc.get_toc() == issued.info.toc


def test_a_modified_byte_breaks_the_signature(issued, authority):
    data = bytearray(issued.pdf)
    data[len(data) // 3] ^= 0x01  # inside the signed byte range (an image or content stream)
    check = validate_signature(bytes(data), authority[1])
    assert not check.intact and not check.ok


def test_an_appended_update_is_not_accepted(issued, authority):
    writer = IncrementalPdfFileWriter(io.BytesIO(issued.pdf))
    writer.root["/Lang"] = generic.TextStringObject("en")  # a real incremental update
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    changed = out.getvalue()
    assert changed.startswith(issued.pdf) and len(changed) > len(issued.pdf)
    check = validate_signature(changed, authority[1])
    assert check.intact and not check.whole_file and not check.ok
    assert not verify(changed, issued.sha256)


def test_another_authority_is_not_trusted(issued, tmp_path):
    _, other_cert = ensure_authority_key(tmp_path)
    check = validate_signature(issued.pdf, other_cert)
    assert not check.trusted and not check.ok


def test_unsigned_or_garbage_files_are_reported_not_raised(rendered, authority):
    assert validate_signature(rendered[0], authority[1]).signed is False
    assert validate_signature(b"not a pdf", authority[1]).ok is False


def test_signing_garbage_is_refused(authority):
    with pytest.raises(UnreadableDrawing):
        sign_pdf(b"not a pdf", *authority)


def _reserved(pdf: bytes) -> int:
    """The hex digits reserved for the signature container (pyHanko's ``bytes_reserved``)."""
    return 2 * len(PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1].sig_object["/Contents"])


def test_batch_signing_reserves_the_first_files_space_for_the_rest(authority):
    """The stamped sheets of a round are signed by one BatchSigner: every file is validly
    signed, and the files after the first (signed without pyHanko's dry run) reserve the space
    that dry run sized for the first — what sign_pdf reserves, give or take the few bytes an
    ECDSA signature's DER length varies by."""
    key, cert = authority
    batch = BatchSigner(SigningConfig(key=key, cert=cert))
    sheets = []
    for i in range(3):
        doc = pymupdf.open()
        doc.new_page(width=1191, height=842).insert_text((72, 72 + 40 * i), f"sheet {i}" * (i + 1))
        sheets.append(doc.tobytes())
    signed = [batch.sign(pdf, reason=f"审查合格图纸 {i}") for i, pdf in enumerate(sheets)]
    assert batch.reserved and batch.reserved % 2 == 0
    for i, (pdf, out) in enumerate(zip(sheets, signed)):
        assert out.startswith(pdf)
        check = validate_signature(out, cert)
        assert check.ok and check.whole_file, check
        assert _reserved(out) == batch.reserved
        assert abs(_reserved(sign_pdf(pdf, key, cert, reason=f"审查合格图纸 {i}")) - batch.reserved) <= 16


def test_hash_refers_to_the_final_signed_file(issued, small_data):
    assert issued.sha256 == sha256_hex(issued.pdf)
    assert verify(issued.pdf, issued.sha256)
    assert verify(issued.pdf, issued.sha256.upper())
    # signing appended to the unsigned report: the unsigned bytes do not verify
    doc = pymupdf.open("pdf", issued.pdf)
    assert doc.get_sigflags() == 3
    assert not verify(issued.pdf[: len(issued.pdf) // 2], issued.sha256)


def test_written_file_is_the_issued_one(tmp_path, small_data, authority):
    out = tmp_path / "issued.pdf"
    issued = issue_report(small_data, key_path=authority[0], cert_path=authority[1], verify_url=VERIFY_URL, out_path=out)
    assert out.read_bytes() == issued.pdf
    assert verify(out.read_bytes(), issued.sha256)
