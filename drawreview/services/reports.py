"""Issued reports: issue a round's merged report (gather → build → PAdES-sign → store → record),
list and download them, derived downloads (stamped sheets, marked-up sheets, BCF, JSON), and
the public verification of a presented file or hash.

Issuing is idempotent per (submission, round): a second call returns the first ``Report``.
The PDF is built and signed in a worker thread, before any write; the row is then inserted
under a write lock on the submission and the existence check repeated, so two concurrent
issuers end with one report. The QR code on the cover carries ``/verify/<verify_code>``; the
recorded SHA-256 is that of the final signed file, which is also its blob address.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import io
import secrets
import threading
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Callable

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import Conflict, InvalidTransition, NotFound, RateLimited, ValidationFailed
from ..models import Project, Report, ReviewTask, Sheet, Submission, User, utcnow
from ..report.annots import annotate_sheet
from ..report.bcf import export_bcf
from ..report.export_json import export_json
from ..report.issuance import issue_report
from ..report.signing import ensure_authority_key, validate_signature
from ..report.stamps import stamp_sheet, stamp_zip
from . import audit, events, report_data, workflow
from .notifications import aware

KIND_ROUND = "round"
MAX_VERIFY_BYTES = 64 * 1024 * 1024
VERIFY_LIMIT, VERIFY_WINDOW_S = 120, 600  # verification attempts per client IP
APPROVED_STATES = {"approved"}

_key_lock = threading.Lock()


def read_blob(storage, sha256: str) -> bytes:
    with storage.open(sha256) as fh:
        return fh.read()


# --- the authority's key -------------------------------------------------------------------

def authority_dir(settings) -> Path:
    """``settings.authority_dir`` or ``extra["authority_dir"]`` when set, else ``<data dir>/authority``.
    In the scaled mode it must be shared by every app process (like the blob folder)."""
    explicit = getattr(settings, "authority_dir", None) or (settings.extra or {}).get("authority_dir")
    return Path(explicit) if explicit else Path(settings.data_dir) / "authority"


def authority_key(settings, authority: str = "drawreview demo review authority") -> tuple[Path, Path]:
    """(key, cert); created once, under a file lock so concurrent processes agree on one pair."""
    folder = authority_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    with _key_lock, open(folder / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            return ensure_authority_key(folder, authority=authority)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def trust_cert(settings) -> Path:
    return authority_key(settings)[1]


def verify_url(settings, code: str) -> str:
    return f"{settings.base_url}/verify/{code}"


# --- issuing -----------------------------------------------------------------------------------

async def _existing(session: AsyncSession, submission_id: int, round_no: int, kind: str) -> Report | None:
    return (await session.exec(select(Report).where(Report.submission_id == submission_id, Report.round_no == round_no,
                                                    Report.kind == kind))).first()


def _signer(cert_path: Path) -> str:
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return cert.subject.rfc4514_string()[:300]


async def issue_round_report(session: AsyncSession, storage, settings, submission_id: int, actor, *,
                             now: datetime | None = None, emit: Callable | None = None) -> Report:
    """Issue (once) the merged, signed report of the submission's current round.

    Raises 404 for an unknown submission, 409 ``round_not_concluded`` while a discipline has
    no conclusion, and the workflow's 409 when an approval still waits for 容缺 items. Writes
    the report row, an audit entry and a ``report.issued`` event (handed to ``emit``) in the
    caller's transaction; the caller commits (and publishes).
    """
    sub = await session.get(Submission, submission_id)
    if sub is None:
        raise NotFound("找不到该报审", "Submission not found", details={"submission_id": submission_id})
    found = await _existing(session, sub.id, sub.round_no, KIND_ROUND)
    if found is not None:
        return found
    now = now or utcnow()
    g = await report_data.gather(session, storage, sub.id, actor=actor, issued_at=now)
    if g.verdict is None:
        pending = [t.discipline for t in (await session.exec(select(ReviewTask).where(
            ReviewTask.submission_id == sub.id))).all() if not t.conclusion]
        raise InvalidTransition("本轮审查尚有专业未出具结论，不能出具意见书",
                                "Some disciplines have not concluded this round; the report cannot be issued",
                                code="round_not_concluded", details={"pending": pending})
    workflow.verdict_action(g.verdict, [d["item"] for d in sub.deficiencies if not d.get("supplied_at")])
    code = secrets.token_urlsafe(16)
    key, cert = await asyncio.to_thread(authority_key, settings, g.data.project.authority)
    issued = await asyncio.to_thread(issue_report, g.data, key_path=key, cert_path=cert,
                                     verify_url=verify_url(settings, code))
    blob = await asyncio.to_thread(storage.put_bytes, issued.pdf)
    # Serialise issuers of this submission (row lock on PostgreSQL, the write lock on SQLite), then look again.
    await session.exec(update(Submission).where(Submission.id == sub.id).values(round_no=Submission.round_no))
    found = await _existing(session, sub.id, sub.round_no, KIND_ROUND)
    if found is not None:
        return found
    report = Report(project_id=g.project.id, submission_id=sub.id, round_no=sub.round_no, kind=KIND_ROUND,
                    sha256=blob.sha256, size=blob.size, pages=issued.info.pages, verify_code=code,
                    verdict=g.verdict, case_number=g.project.case_number or "", signer=_signer(cert), issued_at=now,
                    issued_by=getattr(actor, "user_id", None))
    session.add(report)
    await session.flush()
    detail = {"report_id": report.id, "submission_id": sub.id, "round": sub.round_no, "sha256": report.sha256,
              "verdict": report.verdict, "pages": report.pages, "comments": len(g.data.all_comments())}
    if g.replaced:
        detail["replaced_chars"] = sorted(g.replaced)
    await audit.record(session, actor, "report.issue", "report", report.id, g.project.id, detail)
    ev = await events.append(session, g.project.id, "report.issued", actor, detail)
    if emit is not None:
        emit(ev)
    return report


# --- reading -----------------------------------------------------------------------------------

def report_dict(r: Report, settings=None) -> dict:
    out = {"id": r.id, "project_id": r.project_id, "submission_id": r.submission_id, "round_no": r.round_no,
           "kind": r.kind, "sha256": r.sha256, "size": r.size, "pages": r.pages, "verdict": r.verdict,
           "case_number": r.case_number, "signer": r.signer, "issued_at": aware(r.issued_at).isoformat(),
           "issued_by": r.issued_by, "pdf_url": f"/api/reports/{r.id}/pdf"}
    if settings is not None:
        out["verify_url"] = verify_url(settings, r.verify_code)
    return out


async def list_reports(session: AsyncSession, project_id: int) -> list[Report]:
    return list((await session.exec(select(Report).where(Report.project_id == project_id)
                                    .order_by(Report.issued_at, Report.id))).all())


async def latest_for(session: AsyncSession, submission_id: int) -> Report | None:
    return (await session.exec(select(Report).where(Report.submission_id == submission_id)
                               .order_by(Report.id.desc()))).first()


def file_name(project: Project, r: Report) -> str:
    return f"report-{project.case_number or project.id}-r{r.round_no}.pdf"


# --- derived downloads ---------------------------------------------------------------------------

def require_approved(sub: Submission) -> None:
    if sub.state not in APPROVED_STATES:
        raise Conflict("本轮审查尚未通过，不能下载盖章图纸", "The round is not approved; stamped sheets are not available",
                       code="round_not_approved", details={"state": sub.state})


def sheet_file_name(sheet: Sheet) -> str:
    base = sheet.number or f"sheet-{sheet.id}"
    name = f"{base}-{sheet.title}" if sheet.title else base
    return name.replace("/", "_").replace("\\", "_") + ".pdf"


async def _stamp_facts(session: AsyncSession, sub: Submission) -> tuple[str, datetime, str]:
    project = await session.get(Project, sub.project_id)
    r = await latest_for(session, sub.id)
    when = (r.issued_at if r else None) or sub.report_issued_at or sub.concluded_at or utcnow()
    return project.case_number or "—", report_data.local(when), await report_data.authority_name(session)


async def stamped_sheet(session: AsyncSession, storage, sub: Submission, sheet: Sheet) -> bytes:
    require_approved(sub)
    if not sheet.pdf_sha256:
        raise Conflict("图纸尚未生成 PDF", "The sheet has no rendered PDF", code="sheet_not_ready",
                       details={"sheet_id": sheet.id})
    case, when, authority = await _stamp_facts(session, sub)
    data = await asyncio.to_thread(read_blob, storage, sheet.pdf_sha256)
    return await asyncio.to_thread(stamp_sheet, data, case, when, authority)


async def stamped_zip(session: AsyncSession, storage, sub: Submission) -> bytes:
    require_approved(sub)
    sheets = [s for s in (await session.exec(select(Sheet).where(Sheet.submission_id == sub.id)
                                             .order_by(Sheet.number, Sheet.id))).all() if s.pdf_sha256]
    if not sheets:
        raise Conflict("没有可盖章的图纸", "There are no rendered sheets to stamp", code="no_sheets")
    case, when, authority = await _stamp_facts(session, sub)

    def build() -> bytes:
        named = ((sheet_file_name(s), read_blob(storage, s.pdf_sha256)) for s in sheets)  # read one at a time
        return stamp_zip(named, case, when, authority)

    return await asyncio.to_thread(build)


async def _gather_round(session, storage, sub: Submission, need_pdfs: bool = True):
    r = await latest_for(session, sub.id)
    return await report_data.gather(session, storage, sub.id, issued_at=r.issued_at if r else None, need_pdfs=need_pdfs)


async def marked_up_sheet(session: AsyncSession, storage, sub: Submission, sheet: Sheet) -> bytes:
    if not sheet.pdf_sha256:
        raise Conflict("图纸尚未生成 PDF", "The sheet has no rendered PDF", code="sheet_not_ready",
                       details={"sheet_id": sheet.id})
    g = await _gather_round(session, storage, sub)
    data = await asyncio.to_thread(read_blob, storage, sheet.pdf_sha256)
    return await asyncio.to_thread(annotate_sheet, data, g.comments_per_sheet.get(sheet.id, []))


async def marked_up_zip(session: AsyncSession, storage, sub: Submission) -> bytes:
    g = await _gather_round(session, storage, sub)
    if not g.comments_per_sheet:
        raise Conflict("本轮没有审查意见", "This round has no comments", code="no_comments")

    def build() -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for sheet_id, items in g.comments_per_sheet.items():
                sheet = g.sheets[sheet_id]
                marked = annotate_sheet(read_blob(storage, sheet.pdf_sha256), items)
                zf.writestr(f"{sheet.id}-{sheet_file_name(sheet)}", marked)
        return buf.getvalue()

    return await asyncio.to_thread(build)


async def bcf(session: AsyncSession, storage, sub: Submission) -> bytes:
    g = await _gather_round(session, storage, sub)
    return await asyncio.to_thread(export_bcf, g.data)


async def round_json(session: AsyncSession, storage, sub: Submission) -> str:
    g = await _gather_round(session, storage, sub, need_pdfs=False)
    return export_json(g.data)


# --- verification ------------------------------------------------------------------------------

async def throttle(limiter, ip: str) -> None:
    if await limiter.hit(f"verify:ip:{ip}", VERIFY_WINDOW_S) > VERIFY_LIMIT:
        raise RateLimited(details={"scope": "ip", "retry_after_s": VERIFY_WINDOW_S})


def clean_sha256(value: str | None) -> str:
    value = (value or "").strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ValidationFailed("请输入 64 位十六进制的 SHA-256 值", "Enter a SHA-256 hash (64 hexadecimal digits)",
                               details={"sha256": "64 hex digits"})
    return value


async def by_code(session: AsyncSession, code: str) -> Report | None:
    code = (code or "").strip()
    if not code or len(code) > 32:
        return None
    return (await session.exec(select(Report).where(Report.verify_code == code))).first()


async def public_facts(session: AsyncSession, r: Report) -> dict:
    """What the public verification shows of an issued report: no comments, no people."""
    project = await session.get(Project, r.project_id)
    issuer = await session.get(User, r.issued_by) if r.issued_by else None
    return {"project_name": project.name, "case_number": r.case_number or project.case_number, "round_no": r.round_no,
            "issued_at": aware(r.issued_at).isoformat(), "issued_date": f"{report_data.local(r.issued_at):%Y-%m-%d}",
            "verdict": r.verdict, "sha256": r.sha256, "pages": r.pages, "size": r.size, "signer": r.signer,
            "authority": await report_data.authority_name(session, issuer)}


def _signature(check) -> dict:
    return {"signed": check.signed, "intact": check.intact, "valid": check.valid, "trusted": check.trusted,
            "whole_file": check.whole_file, "ok": check.ok, "signer": check.signer}


async def verify(session: AsyncSession, storage, settings, *, sha256: str, code: str | None = None,
                 upload: bytes | None = None) -> dict:
    """Is ``sha256`` (of a presented file, or typed in) an issued report? With ``code`` (from
    the QR code) it must be that report. The signature is checked on the stored file when the
    hash matches, on the ``upload`` otherwise (to say whether a signed report was altered)."""
    r = (await session.exec(select(Report).where(Report.sha256 == sha256))).first()
    expected = await by_code(session, code) if code else None
    if code and expected is None:
        raise NotFound("找不到该核验码对应的意见书", "No issued report has this verification code", code="not_found")
    matched = r is not None and (expected is None or expected.id == r.id)
    out: dict = {"sha256": sha256, "issued": matched, "report": None, "signature": None,
                 "expected": await public_facts(session, expected) if expected else None}
    if matched:
        out["report"] = await public_facts(session, r)
        pdf = await asyncio.to_thread(read_blob, storage, r.sha256)
    else:
        pdf = upload
    if pdf is not None:
        cert = await asyncio.to_thread(trust_cert, settings)
        out["signature"] = _signature(await asyncio.to_thread(validate_signature, pdf, cert))
    return out


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
