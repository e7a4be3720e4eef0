"""Files that go with an issued round: signed stamped sheets (审查合格, made once at issue and
stored, so every download is the same bytes), marked-up sheets with native PDF annotations,
BCF 3.0 and JSON exports.

The heavy exports (BCF, the marked-up zip, the stamped zip) of a round whose report is issued
are built once and kept as ``ReportFile`` rows; before the report they are built on request
from the current rows. The JSON of an issued round is made at issue from the report's own data
(``services/report_json.py``); the BCF and the marked-up sheets of an issued round are drawn
from that JSON (``report/round_doc.py``), so a later answer or state change does not show in
them when it is not in the signed report. Before the report they are built on request.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import Conflict
from ..models import Project, Report, ReportFile, Sheet, Submission, utcnow
from ..report.annots import annotate_sheet
from ..report.bcf import export_bcf
from ..report import round_doc
from ..report.export_json import export_json
from ..report.model import Comment, ReportData
from ..report.stamps import Stamper, stamp_sheet
from . import report_data, report_json
from .reports import KIND_STAMPED, latest_for, read_blob, sheet_file_name
from .sheets import file_names

APPROVED_STATES = {"approved"}
KIND_BCF, KIND_MARKED_ZIP, KIND_STAMPED_ZIP = "bcf", "marked_up_zip", "stamped_zip"
KIND_BCF_EN = "bcf_en"  # the same round's BCF with its own words in English


def require_approved(sub: Submission) -> None:
    if sub.state not in APPROVED_STATES:
        raise Conflict("本轮审查尚未通过，不能下载盖章图纸", "The round is not approved; stamped sheets are not available",
                       code="round_not_approved", details={"state": sub.state})


def zip_entries(entries, when: datetime) -> bytes:
    """A zip of (name, bytes) with every entry dated ``when``: the same files, the same zip."""
    buf = io.BytesIO()
    _write_zip(buf, entries, when)
    return buf.getvalue()


def _write_zip(target, entries, when: datetime) -> None:
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:  # *entries* may be lazy: one entry's bytes in memory at a time
            info = zipfile.ZipInfo(name, date_time=stamp)
            # a PDF's streams are compressed already: deflating it again costs CPU and saves ~nothing
            info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(".pdf") else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


@dataclass
class ZipDownload:
    """A zip on disk to send as it is read (FileResponse); *temporary*: delete it afterwards."""

    path: Path
    temporary: bool

    def discard(self) -> None:
        if self.temporary:
            self.path.unlink(missing_ok=True)


def zip_to_file(storage, entries, when: datetime) -> Path:
    """:func:`zip_entries` written to a temporary file beside the blobs: a 5,000-sheet zip is
    never held in memory, only the entry being written."""
    fd, name = tempfile.mkstemp(dir=storage.tmp, prefix="zip-", suffix=".zip")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_zip(fh, entries, when)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


async def _issued(session: AsyncSession, sub: Submission) -> Report | None:
    r = await latest_for(session, sub.id)
    return r if r is not None and r.round_no == sub.round_no else None


async def _stored(session: AsyncSession, report: Report, kind: str) -> ReportFile | None:
    return (await session.exec(select(ReportFile).where(ReportFile.report_id == report.id, ReportFile.kind == kind)
                               .order_by(ReportFile.id))).first()


async def stored_export(session: AsyncSession, storage, sub: Submission, kind: str, name: str,
                        build: Callable[[], bytes]) -> bytes:
    """``build()`` once per issued round (kept as a ReportFile), on every call before the report."""
    report = await _issued(session, sub)
    if report is None:
        return await asyncio.to_thread(build)
    row = await _stored(session, report, kind)
    if row is not None:
        return await asyncio.to_thread(read_blob, storage, row.sha256)
    data = await asyncio.to_thread(build)
    blob = await asyncio.to_thread(storage.put_bytes, data)
    if await _stored(session, report, kind) is None:  # a concurrent download may have stored it meanwhile
        session.add(ReportFile(report_id=report.id, kind=kind, name=name, sha256=blob.sha256, size=blob.size))
        try:
            await session.commit()
        except IntegrityError:  # it did, between the look and the insert: theirs is kept
            await session.rollback()
    return data


# --- stamped sheets ----------------------------------------------------------------------------

async def _stamped_rows(session: AsyncSession, sub: Submission) -> list[ReportFile]:
    report = await _issued(session, sub)
    if report is None:
        return []
    return list((await session.exec(select(ReportFile).where(ReportFile.report_id == report.id,
                                                             ReportFile.kind == KIND_STAMPED)
                                    .order_by(ReportFile.name))).all())


async def stamped_sheet(session: AsyncSession, storage, sub: Submission, sheet: Sheet) -> tuple[str, bytes]:
    """(file name, the signed stamped sheet issued with the report)."""
    require_approved(sub)
    row = next((r for r in await _stamped_rows(session, sub) if r.sheet_id == sheet.id), None)
    if row is not None:
        return row.name, await asyncio.to_thread(read_blob, storage, row.sha256)
    if not sheet.pdf_sha256:
        raise Conflict("图纸尚未生成 PDF", "The sheet has no rendered PDF", code="sheet_not_ready",
                       details={"sheet_id": sheet.id})
    # approved before stamped sheets were issued with the report: the stamp alone, unsigned
    project = await session.get(Project, sub.project_id)
    when = report_data.local(sub.report_issued_at or sub.concluded_at or utcnow())
    data = await asyncio.to_thread(read_blob, storage, sheet.pdf_sha256)
    authority = await report_data.authority_name(session)
    files = await file_names(session, [sheet.file_id])
    return sheet_file_name(sheet, files.get(sheet.file_id)), await asyncio.to_thread(
        stamp_sheet, data, project.case_number or "—", when, authority)


async def stamped_zip(session: AsyncSession, storage, sub: Submission, name: str) -> ZipDownload:
    """The signed stamped sheets issued with the report, zipped (built once, kept as a blob);
    a round approved without them (issued before they existed) gets the stamps alone, unsigned.
    The zip is written to disk entry by entry and sent from there (docs/decisions/101)."""
    require_approved(sub)
    rows = await _stamped_rows(session, sub)
    if rows:
        report = await _issued(session, sub)
        stored = await _stored(session, report, KIND_STAMPED_ZIP)
        if stored is not None:
            return ZipDownload(storage.path(stored.sha256), temporary=False)
        entries = ((r.name, read_blob(storage, r.sha256)) for r in rows)
        tmp = await asyncio.to_thread(zip_to_file, storage, entries, report_data.local(report.issued_at))
        try:
            blob = await asyncio.to_thread(storage.put_file, tmp)
        finally:
            tmp.unlink(missing_ok=True)
        if await _stored(session, report, KIND_STAMPED_ZIP) is None:  # a concurrent download may have stored it
            session.add(ReportFile(report_id=report.id, kind=KIND_STAMPED_ZIP, name=name, sha256=blob.sha256,
                                   size=blob.size))
            await session.commit()
        return ZipDownload(storage.path(blob.sha256), temporary=False)
    sheets = [s for s in (await session.exec(select(Sheet).where(Sheet.submission_id == sub.id)
                                             .order_by(Sheet.number, Sheet.id))).all() if s.pdf_sha256]
    if not sheets:
        raise Conflict("没有可盖章的图纸", "There are no rendered sheets to stamp", code="no_sheets")
    project = await session.get(Project, sub.project_id)
    when = report_data.local(sub.report_issued_at or sub.concluded_at or utcnow())
    authority = await report_data.authority_name(session)
    files = await file_names(session, (s.file_id for s in sheets))
    named = [(sheet_file_name(s, files.get(s.file_id)), s.pdf_sha256) for s in sheets]

    stamper = Stamper(project.case_number or "—", when, authority)
    entries = ((n, stamper.stamp(read_blob(storage, sha))) for n, sha in named)
    return ZipDownload(await asyncio.to_thread(zip_to_file, storage, entries, when), temporary=True)


# --- marked-up sheets, BCF, JSON -----------------------------------------------------------------

async def _gather_round(session, storage, sub: Submission, need_pdfs: bool = True, raw: bool = False):
    r = await latest_for(session, sub.id)
    return await report_data.gather(session, storage, sub.id, issued_at=r.issued_at if r else None, need_pdfs=need_pdfs,
                                    **({"raw": True} if raw else {}))


async def _kept(session: AsyncSession, storage, sub: Submission) -> ReportData | None:
    """The issued round's data as kept at issue (None before the report, or for a round issued
    before its JSON was kept: those are drawn from the current rows)."""
    text = await report_json.issued(session, storage, await _issued(session, sub))
    return round_doc.from_dict(json.loads(text), storage.path) if text is not None else None


async def marked_up_sheet(session: AsyncSession, storage, sub: Submission, sheet: Sheet) -> bytes:
    if not sheet.pdf_sha256:
        raise Conflict("图纸尚未生成 PDF", "The sheet has no rendered PDF", code="sheet_not_ready",
                       details={"sheet_id": sheet.id})
    kept = await _kept(session, storage, sub)
    if kept is not None:
        items = round_doc.by_sheet(kept).get(sheet.pdf_sha256, [])
    else:
        items = (await _gather_round(session, storage, sub)).comments_per_sheet.get(sheet.id, [])
    data = await asyncio.to_thread(read_blob, storage, sheet.pdf_sha256)
    return await asyncio.to_thread(annotate_sheet, data, items)


async def _sheet_names(session: AsyncSession, sub: Submission, shas) -> dict[str, str]:
    """{sheet PDF sha256: the file name of a sheet of this project drawn as that PDF}."""
    rows = (await session.exec(select(Sheet).join(Submission, Submission.id == Sheet.submission_id).where(
        Submission.project_id == sub.project_id, Sheet.pdf_sha256.in_(list(shas) or [""]))
        .order_by(Sheet.id))).all()
    files = await file_names(session, (s.file_id for s in rows))
    names: dict[str, str] = {}
    for sheet in rows:
        names.setdefault(sheet.pdf_sha256, sheet_file_name(sheet, files.get(sheet.file_id)))
    return names


async def marked_up_zip(session: AsyncSession, storage, sub: Submission, name: str) -> bytes:
    kept = await _kept(session, storage, sub)
    groups: list[tuple[str, str, list[tuple[str, Comment]]]]  # (file name, PDF sha256, comments)
    if kept is not None:
        per_pdf = round_doc.by_sheet(kept)
        names = await _sheet_names(session, sub, per_pdf)
        groups = [(names.get(sha) or f"{items[0][1].sheet_number}.pdf", sha, items) for sha, items in per_pdf.items()]
        when = kept.project.issued_at
    else:
        g = await _gather_round(session, storage, sub)
        files = await file_names(session, (s.file_id for s in g.sheets.values()))
        groups = [(sheet_file_name(g.sheets[sid], files.get(g.sheets[sid].file_id)), g.sheets[sid].pdf_sha256, items)
                  for sid, items in g.comments_per_sheet.items()]
        when = g.data.project.issued_at or report_data.local(utcnow())
    if not groups:
        raise Conflict("本轮没有审查意见", "This round has no comments", code="no_comments")

    def build() -> bytes:
        entries = [(file, annotate_sheet(read_blob(storage, sha), items)) for file, sha, items in groups]
        names = [n for n, _ in entries]
        return zip_entries(((n if names.count(n) == 1 else f"{i}-{n}", d) for i, (n, d) in enumerate(entries, 1)),
                           when)

    return await stored_export(session, storage, sub, KIND_MARKED_ZIP, name, build)


async def bcf(session: AsyncSession, storage, sub: Submission, name: str, lang: str = "zh-CN") -> bytes:
    """The round's BCF in the reader's language (an issued round keeps one file per language)."""
    data = await _kept(session, storage, sub) or (await _gather_round(session, storage, sub, raw=True)).data
    english = lang.startswith("en")
    return await stored_export(session, storage, sub, KIND_BCF_EN if english else KIND_BCF, name,
                               lambda: export_bcf(data, lang="en" if english else "zh-CN"))


async def round_json(session: AsyncSession, storage, sub: Submission) -> str:
    """An issued round's JSON as kept at issue (the signed report's data); before the report,
    or for a round issued before the JSON was kept, built from the current rows."""
    kept = await report_json.issued(session, storage, await latest_for(session, sub.id))
    if kept is not None:
        return kept
    g = await _gather_round(session, storage, sub, need_pdfs=False, raw=True)
    return export_json(g.data)
