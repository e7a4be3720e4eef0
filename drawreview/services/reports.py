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
import dataclasses
import fcntl
import hashlib
import secrets
import threading
from datetime import datetime
from pathlib import Path
from typing import Callable

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import Conflict, InvalidTransition, NotFound, RateLimited, ValidationFailed
from ..models import Project, Report, ReportFile, ReviewTask, Sheet, Submission, User, utcnow
from ..ratelimit import address_key
from ..report.printer import printer
from ..report.model import Stamped
from ..report.seal import load_seal
from ..report.signing import SigningConfig, ensure_authority_key, level_note, load_signing, validate_signature
from . import anchors, audit, events, report_data, report_extras, report_json, report_stamping, tasks, workflow
from .report_phases import add as add_phase
from .report_phases import phase
from .notifications import aware
from .sheets import file_names, sheet_label

KIND_ROUND = "round"
KIND_STAMPED = "stamped_sheet"
MAX_VERIFY_BYTES = 64 * 1024 * 1024
MAX_VERIFY_CODE = 32  # a verification code is shorter: a longer one finds nothing
VERIFY_LIMIT, VERIFY_WINDOW_S = 120, 600  # verification attempts per client IP

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


def signing_config(settings, authority: str = "drawreview demo review authority") -> SigningConfig:
    """The authority's key, certificate and chain, with the configured TSA (B-LT) and document
    timestamp (B-LTA); without a TSA the signatures are B-B (decision 070)."""
    authority_key(settings, authority)
    return load_signing(authority_dir(settings), tsa_url=getattr(settings, "tsa_url", None),
                        lta=getattr(settings, "pades_lta", False))


def trust_cert(settings) -> list[Path]:
    """The PEM files to validate issued files against: the authority certificate and its chain."""
    cfg = signing_config(settings)
    return [cfg.cert, *cfg.chain, *cfg.trust]


CERT_PATH = "/verify/authority.pem"  # the authority certificate followed by its chain, PEM


def public_base(settings, request=None) -> str | None:
    """The public address printed into issued files: the configured ``BASE_URL``, else the
    address of the request that issues the document; never a built-in default."""
    configured = getattr(settings, "public_base_url", None)
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return str(request.base_url).rstrip("/")
    return None


def _base_or_fail(settings, base_url: str | None) -> str:
    base = public_base(settings) or (base_url or "").rstrip("/")
    if not base:
        raise Conflict("未配置公开访问地址（DRAWREVIEW_BASE_URL），无法生成核验二维码",
                       "No public address is configured (DRAWREVIEW_BASE_URL); the verification QR code cannot be made",
                       code="base_url_unknown")
    return base


def verify_url(settings, code: str, base_url: str | None = None) -> str:
    return f"{_base_or_fail(settings, base_url)}/verify/{code}"


# --- issuing -----------------------------------------------------------------------------------

async def _existing(session: AsyncSession, submission_id: int, round_no: int, kind: str) -> Report | None:
    return (await session.exec(select(Report).where(Report.submission_id == submission_id, Report.round_no == round_no,
                                                    Report.kind == kind))).first()


def _signer(cert_path: Path) -> str:
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return cert.subject.rfc4514_string()[:300]


async def issue_round_report(session: AsyncSession, storage, settings, submission_id: int, actor, *,
                             now: datetime | None = None, emit: Callable | None = None,
                             base_url: str | None = None) -> Report:
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
    with phase("gather"):
        g = await report_data.gather(session, storage, sub.id, actor=actor, issued_at=now)
    if g.verdict is None:
        pending = [t.discipline for t in (await session.exec(select(ReviewTask).where(
            ReviewTask.submission_id == sub.id))).all() if not t.conclusion]
        raise InvalidTransition("本轮审查尚有专业未出具结论，不能出具意见书",
                                "Some disciplines have not concluded this round; the report cannot be issued",
                                code="round_not_concluded", details={"pending": pending})
    workflow.verdict_action(g.verdict, [d["item"] for d in sub.deficiencies if not d.get("supplied_at")])
    code = secrets.token_urlsafe(16)
    base = _base_or_fail(settings, base_url)
    authority = g.data.project.authority
    cfg = await asyncio.to_thread(signing_config, settings, authority)
    with phase("stamp"):
        stamped = await _stamp_round(session, storage, cfg, sub, g, now) if g.verdict in report_data.APPROVED else []
    extras = dict(actor=actor, verdict=g.verdict, issued_at=now, cfg=tasks.config(settings),
                  ruleset_dir=getattr(settings, "ruleset_dir", None), signature_note=level_note(cfg),
                  certificate_url=base + CERT_PATH, stamped=tuple(entry for entry, _ in stamped))
    with phase("gather"):
        data = await report_extras.enrich(session, g.data, sub, **extras)
    # the project's audit chain as this transaction sees it, printed in the signed report and kept
    # in the authority's anchor export after the commit (issue #19: truncation is detectable)
    anchor = await anchors.document_anchor(session, g.project.id)
    data = dataclasses.replace(data, project=dataclasses.replace(data.project, audit_anchor=anchors.anchor_line(anchor)))
    anchors.after_commit(session, anchor, f"report {g.project.case_number} r{sub.round_no}")
    seal = await asyncio.to_thread(load_seal, getattr(settings, "seal_image", None), authority)
    # drawn and signed in the report printer's child: MuPDF keeps the GIL while it draws (decision 128)
    issued = await printer().issue(data, signing=cfg, verify_url=f"{base}/verify/{code}", seal=seal)
    add_phase("render", issued.render_s)
    add_phase("sign", issued.sign_s)
    with phase("store"):
        blob = await asyncio.to_thread(storage.put_bytes, issued.pdf)
        # the JSON export of this round, from the same data (kept: later rows must not change it)
        json_blob = await asyncio.to_thread(storage.put_bytes, await report_json.build(
            session, storage, sub, issued_at=now, audit_anchor=data.project.audit_anchor, extras=extras))
    # Serialise issuers of this submission (row lock on PostgreSQL, the write lock on SQLite), then look again.
    await session.exec(update(Submission).where(Submission.id == sub.id).values(round_no=Submission.round_no))
    found = await _existing(session, sub.id, sub.round_no, KIND_ROUND)
    if found is not None:
        return found
    report = Report(project_id=g.project.id, submission_id=sub.id, round_no=sub.round_no, kind=KIND_ROUND,
                    sha256=blob.sha256, size=blob.size, pages=issued.info.pages, verify_code=code,
                    verdict=g.verdict, case_number=g.project.case_number or "", signer=_signer(cfg.cert), issued_at=now,
                    issued_by=getattr(actor, "user_id", None))
    session.add(report)
    await session.flush()
    session.add_all([ReportFile(report_id=report.id, kind=KIND_STAMPED, name=entry.file_name, sheet_id=sheet_id,
                                sha256=entry.sha256, size=size) for entry, (sheet_id, size) in stamped])
    session.add(report_json.file_row(report, json_blob, file_name(g.project, report)[:-4] + ".json"))
    detail = {"report_id": report.id, "submission_id": sub.id, "round": sub.round_no, "sha256": report.sha256,
              "verdict": report.verdict, "pages": report.pages, "comments": len(g.data.all_comments()),
              "signature_level": cfg.level, "stamped_sheets": len(stamped)}
    replaced = set(g.replaced) | set(issued.info.missing_glyphs)  # drawn as □ (the font has no glyph)
    if replaced:
        detail["replaced_chars"] = sorted(replaced)
    await audit.record(session, actor, "report.issue", "report", report.id, g.project.id, detail)
    ev = await events.append(session, g.project.id, "report.issued", actor, detail)
    if emit is not None:
        emit(ev)
    return report


def sheet_file_name(sheet: Sheet, file_name: str | None = None) -> str:
    """A human file name for a sheet: ``<number>-<title>.pdf``; an unnumbered sheet of the
    uploaded file *file_name* ``<file>-<place>-<title>.pdf`` (``XX-布局 Layout1.pdf``)."""
    if sheet.number or not file_name:
        base = sheet.number or f"sheet-{sheet.id}"
    else:
        base = sheet_label(sheet, Path(file_name).stem, title=False).replace(" · ", "-")
    name = f"{base}-{sheet.title}" if sheet.title else base
    return name.replace("/", "_").replace("\\", "_") + ".pdf"


async def _stamp_round(session: AsyncSession, storage, cfg: SigningConfig, sub: Submission, g, now: datetime
                       ) -> list[tuple[Stamped, tuple[int, int]]]:
    """Stamp (审查合格) and sign every rendered sheet of an approved round, store the files;
    [(entry for the report, (sheet id, size))]. The stamp is deterministic; the signature is
    made once here, so every later download returns these very bytes."""
    sheets = [s for s in (await session.exec(select(Sheet).where(Sheet.submission_id == sub.id)
                                             .order_by(Sheet.number, Sheet.id))).all() if s.pdf_sha256]
    case, authority = g.project.case_number or "—", g.data.project.authority
    when = report_data.local(now)

    files = await file_names(session, (s.file_id for s in sheets))
    names, seen = [], set()
    for s in sheets:
        name = sheet_file_name(s, files.get(s.file_id))
        if name in seen:
            name = name[:-4] + f"-{s.id}.pdf"
        seen.add(name)
        names.append(name)
    items = [(s.pdf_sha256, f"审查合格图纸 {case} {s.number}".strip()) for s in sheets]
    stored = await report_stamping.stamp_all(storage, cfg, case, when, authority, items)
    return [(Stamped(number=sheet_label(s, files.get(s.file_id), title=False), title=s.title or "", file_name=name,
                     sha256=sha256), (s.id, size))
            for s, name, (sha256, size) in zip(sheets, names, stored)]


# --- reading -----------------------------------------------------------------------------------

def report_dict(r: Report, settings=None, base: str | None = None) -> dict:
    out = {"id": r.id, "project_id": r.project_id, "submission_id": r.submission_id, "round_no": r.round_no,
           "kind": r.kind, "sha256": r.sha256, "size": r.size, "pages": r.pages, "verdict": r.verdict,
           "case_number": r.case_number, "signer": r.signer, "issued_at": aware(r.issued_at).isoformat(),
           # the Beijing date the PDF prints as 出具日期 (a report issued at 04:00 Beijing time is
           # issued that day, not on the UTC day before)
           "issued_date": f"{report_data.local(r.issued_at):%Y-%m-%d}",
           "issued_by": r.issued_by, "pdf_url": f"/api/reports/{r.id}/pdf"}
    if settings is not None:
        base = public_base(settings) or base
        out["verify_url"] = f"{base or ''}/verify/{r.verify_code}"
    return out


async def list_reports(session: AsyncSession, project_id: int) -> list[Report]:
    return list((await session.exec(select(Report).where(Report.project_id == project_id)
                                    .order_by(Report.issued_at, Report.id))).all())


async def latest_for(session: AsyncSession, submission_id: int) -> Report | None:
    return (await session.exec(select(Report).where(Report.submission_id == submission_id)
                               .order_by(Report.id.desc()))).first()


def file_name(project: Project, r: Report) -> str:
    return f"report-{project.case_number or project.id}-r{r.round_no}.pdf"


# --- verification ------------------------------------------------------------------------------

async def throttle(limiter, ip: str) -> None:
    if await limiter.hit(f"verify:ip:{address_key(ip)}", VERIFY_WINDOW_S) > VERIFY_LIMIT:
        raise RateLimited(details={"scope": "ip", "retry_after_s": VERIFY_WINDOW_S})


def clean_sha256(value: str | None) -> str:
    value = (value or "").strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ValidationFailed("请输入 64 位十六进制的 SHA-256 值", "Enter a SHA-256 hash (64 hexadecimal digits)",
                               details={"sha256": "64 hex digits"})
    return value


async def by_code(session: AsyncSession, code: str) -> Report | None:
    code = (code or "").strip()
    if not code or len(code) > MAX_VERIFY_CODE:
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
            "whole_file": check.whole_file, "ok": check.ok, "signer": check.signer, "level": check.level,
            "timestamp": check.timestamp or None, "timestamp_ok": check.timestamp_ok, "ltv_ok": check.ltv_ok}


def _what(check, kind: str) -> list[dict]:
    """What the verification checked, in words (zh-CN, English) with the outcome."""
    doc = "意见书" if kind == "report" else "盖章图纸"
    items = [("hash", f"文件 SHA-256 与出具时登记的{doc}一致", f"The file's SHA-256 equals the issued {kind.replace('_', ' ')}'s",
              True)]
    if check is None:
        return [{"item": k, "zh": zh, "en": en, "ok": ok} for k, zh, en, ok in items]
    items += [
        ("signed", "文件带有审查机构的电子签名", "The file carries the authority's signature", check.signed),
        ("intact", "签名所覆盖的内容未被改动", "The signed content is unchanged", check.intact and check.valid),
        ("trusted", "签名证书链至本机构公布的证书", "The signing certificate chains to the published authority certificate",
         check.trusted),
        ("whole_file", "签名后未追加除验证数据外的修改", "Nothing but validation data was added after signing",
         check.whole_file),
    ]
    if check.timestamp_ok is not None:
        items.append(("timestamp", f"可信时间戳 {check.timestamp[:19]} 有效", f"Trusted timestamp {check.timestamp[:19]} is valid",
                      check.timestamp_ok))
    if check.ltv_ok is not None:
        items.append(("ltv", "仅凭文件内嵌的吊销信息即可验证证书链（长期验证）",
                      "The chain validates from the embedded revocation data alone (long-term validation)", check.ltv_ok))
    return [{"item": k, "zh": zh, "en": en, "ok": bool(ok)} for k, zh, en, ok in items]


async def verify(session: AsyncSession, storage, settings, *, sha256: str, code: str | None = None,
                 upload: bytes | None = None) -> dict:
    """Is ``sha256`` (of a presented file, or typed in) an issued report, or a stamped sheet
    issued with one? With ``code`` (from the QR code) it must be that report (or one of its
    stamped sheets). The signature is checked on the stored file when the hash matches, on the
    ``upload`` otherwise (to say whether a signed file was altered)."""
    r = (await session.exec(select(Report).where(Report.sha256 == sha256))).first()
    kind = "report"
    sheet_file = None
    if r is None:
        sheet_file = (await session.exec(select(ReportFile).where(ReportFile.sha256 == sha256,
                                                                  ReportFile.kind == KIND_STAMPED))).first()
        if sheet_file is not None:
            r, kind = await session.get(Report, sheet_file.report_id), "stamped_sheet"
    expected = await by_code(session, code) if code else None
    if code and expected is None:
        raise NotFound("找不到该核验码对应的意见书", "No issued report has this verification code", code="not_found")
    matched = r is not None and (expected is None or expected.id == r.id)
    out: dict = {"sha256": sha256, "issued": matched, "kind": kind if matched else None, "report": None,
                 "signature": None, "expected": await public_facts(session, expected) if expected else None,
                 "stamped_sheet": {"name": sheet_file.name, "sha256": sheet_file.sha256} if matched and sheet_file else None,
                 "checked": []}
    if matched:
        out["report"] = await public_facts(session, r)
        pdf = await asyncio.to_thread(read_blob, storage, sha256)
    else:
        pdf = upload
    check = None
    if pdf is not None:
        cert = await asyncio.to_thread(trust_cert, settings)
        check = await asyncio.to_thread(validate_signature, pdf, cert)
        out["signature"] = _signature(check)
    if matched:
        out["checked"] = _what(check, kind)
    return out


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
