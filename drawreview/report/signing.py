"""PAdES signatures of issued reports with pyHanko.

For the demo the review authority has a self-signed key and certificate
(:func:`ensure_authority_key`); a deployment replaces them with ones from a real CA. The
signature is PAdES baseline B-B (CMS with the ESS signing-certificate attribute,
SubFilter ETSI.CAdES.detached). Integrity hashes (:mod:`drawreview.report.integrity`) must
be taken of the bytes :func:`sign_pdf` returns: signing appends to the file.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from drawreview.errors import UnreadableDrawing, ValidationFailed

KEY_FILE = "authority-key.pem"
CERT_FILE = "authority-cert.pem"
FIELD_NAME = "AuthoritySignature"


def ensure_authority_key(folder: str | Path, *, authority: str = "drawreview demo review authority") -> tuple[Path, Path]:
    """(key_path, cert_path) in ``folder``, creating a self-signed ECDSA P-256 key and a
    10-year certificate for ``authority`` if they are not there yet."""
    folder = Path(folder)
    key_path, cert_path = folder / KEY_FILE, folder / CERT_FILE
    if key_path.is_file() and cert_path.is_file():
        return key_path, cert_path
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, authority),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{authority} (demo)"),
        ]
    )
    now = dt.datetime.now(dt.timezone.utc)
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
    )  # fmt: skip
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    tmp = key_path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key_pem)
    os.replace(tmp, key_path)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def sign_pdf(
    in_bytes: bytes, key: str | Path, cert: str | Path, *, reason: str = "施工图审查意见书", location: str = ""
) -> bytes:
    """``in_bytes`` with a PAdES B-B signature of the authority appended (incremental
    update, so the original bytes are a prefix of the result)."""
    signer = signers.SimpleSigner.load(str(key), str(cert))
    if signer is None:
        raise ValidationFailed("无法读取审查机构的签名密钥或证书", "Cannot load the authority's signing key or certificate")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(in_bytes))
    except Exception as exc:
        raise UnreadableDrawing("待签名的 PDF 无法读取", "The PDF to sign cannot be read") from exc
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
    )
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    signed: bool  # the file has a signature at all
    intact: bool  # the signed bytes are unchanged (digest matches)
    valid: bool  # the cryptographic signature verifies
    trusted: bool  # the signer chains to the trust certificate
    whole_file: bool  # nothing was appended after signing
    signer: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.trusted and self.whole_file


def validate_signature(pdf_bytes: bytes, trust_cert: str | Path) -> SignatureCheck:
    """Check the last signature of ``pdf_bytes`` against ``trust_cert``; never raises for
    a damaged or unsigned file, it reports it."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        sigs = reader.embedded_signatures
    except Exception:
        return SignatureCheck(False, False, False, False, False)
    if not sigs:
        return SignatureCheck(False, False, False, False, False)
    sig = sigs[-1]
    vc = ValidationContext(trust_roots=[load_cert_from_pemder(str(trust_cert))])
    try:
        status = validate_pdf_signature(sig, vc)
    except (SignatureValidationError, PdfError, ValueError, KeyError):
        return SignatureCheck(True, False, False, False, False)
    whole = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    return SignatureCheck(
        True, bool(status.intact), bool(status.valid), bool(status.trusted), whole, status.signing_cert.subject.human_friendly
    )
