"""PAdES signatures of issued reports with pyHanko.

For the demo the review authority has a self-signed key and certificate
(:func:`ensure_authority_key`); a deployment replaces them with ones from a real CA. The
signature is PAdES baseline B-B (CMS with the ESS signing-certificate attribute,
SubFilter ETSI.CAdES.detached); with a time-stamping service configured it is B-LT (an RFC 3161
signature timestamp and the chain's OCSP/CRL data in the document security store) or B-LTA
(plus a document timestamp), see decision 070. Integrity hashes (:mod:`drawreview.report.integrity`) must
be taken of the bytes :func:`sign_pdf` returns: signing appends to the file.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.stamp import StaticStampStyle
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext

from drawreview.errors import ServiceUnavailable, UnreadableDrawing, ValidationFailed

KEY_FILE = "authority-key.pem"
CERT_FILE = "authority-cert.pem"
CHAIN_FILE = "authority-chain.pem"  # optional: intermediates and root, PEM
TRUST_FILE = "trust.pem"  # optional: extra trust anchors (e.g. the TSA's root)
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


@dataclass(frozen=True)
class SigningConfig:
    """Who signs and how: the authority's key and certificate, the certificates between it
    and a root (``chain``), an RFC 3161 time-stamping service (``tsa_url``; without one the
    signature is PAdES B-B), and whether a document timestamp is added for B-LTA.
    ``trust`` are extra trust anchors (the authority's root when it is not self-signed,
    a TSA's root) used to fetch and check revocation data while signing."""

    key: Path
    cert: Path
    chain: tuple[Path, ...] = ()
    tsa_url: str | None = None
    lta: bool = False
    trust: tuple[Path, ...] = ()

    @property
    def level(self) -> str:
        if not self.tsa_url:
            return "B-B"
        return "B-LTA" if self.lta else "B-LT"


def level_note(cfg: SigningConfig) -> str:
    """What the report says about its own signature level (zh-CN, with the English term)."""
    if cfg.level == "B-B":
        return ("PAdES B-B：未配置时间戳服务（TSA），签名时间取自签章服务器时钟，未嵌入证书状态信息；"
                "证书到期后无法单凭本文件证明签名时证书有效。")
    text = "PAdES B-LT：签名附 RFC 3161 可信时间戳，并嵌入证书链的吊销状态信息（OCSP/CRL），可长期验证。"
    if cfg.level == "B-LTA":
        text = text.replace("B-LT", "B-LTA").rstrip("。") + "；另加文档时间戳，保护已嵌入的验证数据。"
    return text


def load_signing(folder: str | Path, *, tsa_url: str | None = None, lta: bool = False) -> SigningConfig:
    """The signing configuration of an authority folder: ``authority-key.pem``,
    ``authority-cert.pem``, optionally ``authority-chain.pem`` (intermediates, then the root)
    and ``trust.pem`` (extra anchors)."""
    folder = Path(folder)
    chain = folder / CHAIN_FILE
    trust = folder / TRUST_FILE
    return SigningConfig(key=folder / KEY_FILE, cert=folder / CERT_FILE,
                         chain=(chain,) if chain.is_file() else (), tsa_url=tsa_url or None, lta=bool(lta and tsa_url),
                         trust=(trust,) if trust.is_file() else ())


def _pem_certs(paths) -> list:
    out = []
    for p in paths:
        out.extend(load_certs_from_pemder([str(p)]))
    return out


def _is_root(cert) -> bool:
    return cert.self_signed in ("yes", "maybe")  # asn1crypto answers with a string, "no" included


def chain_certs(cfg: SigningConfig) -> list:
    """The authority certificate followed by its chain (asn1crypto certificates)."""
    return _pem_certs([cfg.cert, *cfg.chain])


def _context(cfg: SigningConfig, fetching: bool) -> ValidationContext:
    certs = chain_certs(cfg)
    anchors = [c for c in certs if _is_root(c)] + _pem_certs(cfg.trust)
    return ValidationContext(trust_roots=anchors, other_certs=certs, allow_fetching=fetching)


@dataclass(frozen=True)
class Appearance:
    """A visible signature: ``page`` (index, -1 = last), ``box`` in PDF user space
    (x0, y0, x1, y1, origin bottom-left), drawn from page 0 of ``pdf`` (a one-page PDF)."""

    page: int
    box: tuple[float, float, float, float]
    pdf: bytes


def _load_signer(cfg: SigningConfig) -> signers.SimpleSigner:
    try:
        return signers.SimpleSigner.load(str(cfg.key), str(cfg.cert), ca_chain_files=[str(p) for p in cfg.chain])
    except Exception:
        raise ValidationFailed("无法读取审查机构的签名密钥或证书",
                               "Cannot load the authority's signing key or certificate") from None


def sign_pdf(in_bytes: bytes, key: str | Path | SigningConfig, cert: str | Path | None = None, *,
             reason: str = "施工图审查意见书", location: str = "", appearance: Appearance | None = None) -> bytes:
    """``in_bytes`` with the authority's PAdES signature appended (incremental updates, so the
    original bytes are a prefix of the result): B-B, or with a TSA B-LT (signature timestamp
    and the chain's revocation data in a DSS), or B-LTA (plus a document timestamp)."""
    cfg = key if isinstance(key, SigningConfig) else SigningConfig(key=Path(key), cert=Path(cert))
    return _sign(in_bytes, cfg, _load_signer(cfg), reason=reason, location=location, appearance=appearance)


class BatchSigner:
    """Signs many files with one configuration (the stamped sheets of a round, thousands at a
    time): the key and certificate are read once, and for B-B signatures (no TSA, so the
    signature container has the same size every time) the space pyHanko sizes with a dry-run
    signature of the first file is reserved for the rest without that dry run."""

    def __init__(self, cfg: SigningConfig) -> None:
        self.cfg, self.signer, self.reserved = cfg, _load_signer(cfg), None

    def sign(self, in_bytes: bytes, *, reason: str) -> bytes:
        out = _sign(in_bytes, self.cfg, self.signer, reason=reason, bytes_reserved=self.reserved)
        if self.reserved is None and not self.cfg.tsa_url:
            sig = PdfFileReader(io.BytesIO(out)).embedded_signatures[-1]
            self.reserved = 2 * len(sig.sig_object["/Contents"])  # hex digits, as pyHanko counts them
        return out


def _sign(in_bytes: bytes, cfg: SigningConfig, signer, *, reason: str, location: str = "",
          appearance: Appearance | None = None, bytes_reserved: int | None = None) -> bytes:
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(in_bytes))
    except Exception as exc:
        raise UnreadableDrawing("待签名的 PDF 无法读取", "The PDF to sign cannot be read") from exc
    timestamper = timestamps.HTTPTimeStamper(cfg.tsa_url, timeout=20) if cfg.tsa_url else None
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason, location=location or None,
        embed_validation_info=timestamper is not None, use_pades_lta=cfg.lta and timestamper is not None,
        validation_context=_context(cfg, True) if timestamper is not None else None,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        style, spec = None, None
        if appearance is not None:
            ap_path = Path(tmp) / "appearance.pdf"
            ap_path.write_bytes(appearance.pdf)
            style = StaticStampStyle.from_pdf_file(str(ap_path), border_width=0)
            page = appearance.page if appearance.page >= 0 else _page_count(writer) + appearance.page
            spec = fields.SigFieldSpec(FIELD_NAME, on_page=page, box=tuple(round(v, 2) for v in appearance.box))
        pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper, stamp_style=style,
                                       new_field_spec=spec)
        try:
            out = pdf_signer.sign_pdf(writer, bytes_reserved=bytes_reserved)
        except Exception as exc:  # TSA / OCSP / CRL fetch errors, a chain that does not validate
            raise SigningFailed(exc, cfg) from exc
    return out.getvalue()


def _page_count(writer: IncrementalPdfFileWriter) -> int:
    return int(writer.root["/Pages"]["/Count"])


class SigningFailed(ServiceUnavailable):
    """The signature could not be made (the TSA or a revocation responder unreachable or refusing)."""

    def __init__(self, exc: Exception, cfg: SigningConfig) -> None:
        where = f"（时间戳服务 {cfg.tsa_url}）" if cfg.tsa_url else ""
        super().__init__(f"签章失败{where}：{type(exc).__name__}: {exc}"[:500],
                         f"Signing failed{' (TSA ' + cfg.tsa_url + ')' if cfg.tsa_url else ''}: "
                         f"{type(exc).__name__}: {exc}"[:500],
                         code="signing_failed", details={"level": cfg.level})


@dataclass(frozen=True)
class SignatureCheck:
    signed: bool  # the file has a signature at all
    intact: bool  # the signed bytes are unchanged (digest matches)
    valid: bool  # the cryptographic signature verifies
    trusted: bool  # the signer chains to the trust certificate
    whole_file: bool  # nothing was appended after signing but validation data / document timestamps
    signer: str = ""
    level: str = ""  # PAdES level found in the file: B-B, B-T, B-LT, B-LTA
    timestamp: str = ""  # the signature timestamp's time (ISO 8601) when there is one
    timestamp_ok: bool | None = None  # the signature timestamp verifies and its TSA is trusted
    ltv_ok: bool | None = None  # the chain validates from the embedded revocation data alone (B-LT and up)

    @property
    def ok(self) -> bool:
        return (self.signed and self.intact and self.valid and self.trusted and self.whole_file
                and self.timestamp_ok is not False and self.ltv_ok is not False)


def _trust(trust) -> tuple[list, list]:
    paths = [trust] if isinstance(trust, (str, Path)) else list(trust)
    certs = _pem_certs(paths)
    roots = [c for c in certs if _is_root(c)] or certs[:1]
    return roots, [c for c in certs if c not in roots]


def _level(reader: PdfFileReader, sigs, has_ts: bool) -> str:
    has_dss = "/DSS" in reader.root
    doc_ts = any(s.sig_object_type == "/DocTimeStamp" for s in sigs)
    if has_ts and has_dss and doc_ts:
        return "B-LTA"
    if has_ts and has_dss:
        return "B-LT"
    return "B-T" if has_ts else "B-B"


def validate_signature(pdf_bytes: bytes, trust_cert) -> SignatureCheck:
    """Check the authority's signature of ``pdf_bytes`` against ``trust_cert`` (a PEM file, or
    several: self-signed ones are the anchors); never raises for a damaged or unsigned file,
    it reports it. For a B-LT/B-LTA file the chain is validated a second time from the
    embedded revocation data alone (no network), which is what makes it verifiable later."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        sigs = reader.embedded_signatures
    except Exception:
        return SignatureCheck(False, False, False, False, False)
    real = [s for s in sigs if s.sig_object_type != "/DocTimeStamp"]
    if not real:
        return SignatureCheck(False, False, False, False, False)
    sig = next((s for s in real if s.field_name == FIELD_NAME), real[-1])
    roots, others = _trust(trust_cert)
    vc = ValidationContext(trust_roots=roots, other_certs=others)
    try:
        status = validate_pdf_signature(sig, vc)
    except (SignatureValidationError, PdfError, ValueError, KeyError):
        return SignatureCheck(True, False, False, False, False)
    ts = status.timestamp_validity
    level = _level(reader, sigs, ts is not None)
    coverage = status.coverage.name if status.coverage is not None else ""
    level_ok = status.modification_level is None or status.modification_level.value <= ModificationLevel.LTA_UPDATES.value
    whole = coverage == "ENTIRE_FILE" or (coverage == "ENTIRE_REVISION" and level_ok)
    ltv_ok = None
    if level in ("B-LT", "B-LTA"):
        try:
            dss = DocumentSecurityStore.read_dss(reader)
            kwargs = {"trust_roots": roots, "other_certs": others, "allow_fetching": False,
                      "revocation_mode": "hard-fail"}
            if ts is not None and ts.valid and ts.trusted:
                # validate as of the trusted signature time, accepting the revocation data fetched just
                # after it: still true when the certificates have expired and the responders are gone
                kwargs.update(moment=ts.timestamp, retroactive_revinfo=True)
            offline = dss.as_validation_context(kwargs)
            ltv_ok = bool(validate_pdf_signature(sig, offline).bottom_line)
        except Exception:
            ltv_ok = False
    return SignatureCheck(
        True, bool(status.intact), bool(status.valid), bool(status.trusted), whole,
        status.signing_cert.subject.human_friendly, level=level,
        timestamp=ts.timestamp.isoformat() if ts is not None else "",
        timestamp_ok=(bool(ts.valid and ts.intact and ts.trusted) if ts is not None else None), ltv_ok=ltv_ok,
    )
