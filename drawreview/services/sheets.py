"""Sheets (分图): one row per sheet of a drawing file, its rendered PDF, metadata and tiles.

A sheet is upserted by ``(file_id, key)`` so re-running a processing job never duplicates
sheets. Its heavy data lives in blobs: the one-page sheet PDF (``pdf_sha256``), a JSON
metadata blob with layers, texts and notes (``meta_sha256``) and a PNG thumbnail
(``thumb_sha256``). Sheets of revision N+1 are matched to revision N by sheet number.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from ..auth import Principal
from ..errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from ..models import DrawingFile, Project, Sheet, Submission
from ..policy import require_project
from . import audit, events
from .submissions import EDITABLE
from .visible import is_blank

EDITABLE_FIELDS = {"number": 64, "title": 200, "discipline": 32}
MAX_REASON = 500  # a correction's reason, after submission
TEXT_RESULTS = 200


async def require_sheet(session: AsyncSession, principal: Principal | None, sheet_id: int,
                        action: str = "project.view") -> tuple[Sheet, Submission, Project]:
    sheet = await session.get(Sheet, sheet_id)
    sub = await session.get(Submission, sheet.submission_id) if sheet is not None else None
    if sheet is None or sub is None:
        raise NotFound("找不到该图纸", "Sheet not found", details={"sheet_id": sheet_id})
    try:
        project = await require_project(session, principal, sub.project_id, action)
    except NotFound:
        raise NotFound("找不到该图纸", "Sheet not found", details={"sheet_id": sheet_id}) from None
    return sheet, sub, project


def require_ready(sheet: Sheet, what: str = "pdf_sha256") -> str:
    sha = getattr(sheet, what)
    if sheet.state != "ready" or not sha:
        raise Conflict("图纸仍在处理中，请稍后再试", "The sheet is still being processed; try again shortly",
                       code="sheet_not_ready", details={"sheet_id": sheet.id, "state": sheet.state})
    return sha


async def list_sheets(session: AsyncSession, submission_id: int) -> list[Sheet]:
    stmt = select(Sheet).where(Sheet.submission_id == submission_id).order_by(Sheet.file_id, Sheet.id)
    return list((await session.exec(stmt)).all())


def space_label(key: str, lang: str = "zh-CN") -> str:
    """A sheet's place in its file in words: ``model`` → 模型空间 / Model space, ``model#2`` → the
    second frame, ``layout:A1`` → 布局 A1 / Layout A1, ``page:3`` → 第 3 页 / Page 3."""
    en = lang.startswith("en")
    base, _, nth = (key or "").partition("#")
    space, _, name = base.partition(":")
    if space == "page" and name:
        text = f"Page {name}" if en else f"第 {name} 页"
    elif space == "layout":
        text = f"Layout {name}" if en else f"布局 {name}"
    elif space == "model":
        text = "Model space" if en else "模型空间"
    else:
        text = key or ("Sheet" if en else "图纸")
    if nth:
        text += f" (frame {nth})" if en else f"（第 {nth} 幅图框）"
    return text


def key_labels(key: str) -> dict[str, str]:
    """:func:`space_label` in both languages, for JSON."""
    return {"zh-CN": space_label(key, "zh-CN"), "en": space_label(key, "en")}


def sheet_label(sheet: Sheet, file_name: str | None = None, lang: str = "zh-CN", *, title: bool = True) -> str:
    """How a sheet is named wherever users see it (report, comment list, messages, exports):
    its drawing number, followed by its title; a sheet without a number (a DXF without a title
    block: model space, a layout named Layout1) by its file's name and its place in the file,
    ``XX.dxf · 布局 Layout1``, followed by its title if it has one. ``title=False`` leaves the
    title out (where the title has its own column or field); without ``file_name`` (where the
    file is named beside it) only the place is given."""
    number = (sheet.number or "").strip()
    heading = (sheet.title or "").strip() if title else ""
    if number:
        name = number
    else:
        place = space_label(sheet.key, lang)
        name = f"{file_name} · {place}" if file_name else place
        if heading and heading.casefold() == _layout_name(sheet.key).casefold():
            heading = ""  # a layout titled by its own name: "布局 MyLayout MyLayout" said it twice
    return f"{name} {heading}" if heading else name


def _layout_name(key: str | None) -> str:
    base = (key or "").partition("#")[0]
    space, _, name = base.partition(":")
    return name if space == "layout" else ""


async def file_names(session: AsyncSession, file_ids) -> dict[int, str]:
    """{file id: the uploaded file's name}, for :func:`sheet_label`."""
    ids = sorted({i for i in file_ids if i is not None})
    if not ids:
        return {}
    rows = await session.exec(select(DrawingFile.id, DrawingFile.original_name).where(DrawingFile.id.in_(ids)))
    return {i: name for i, name in rows.all()}


def sheet_dict(s: Sheet, file_name: str | None = None) -> dict:
    """A sheet as JSON; with *file_name* also ``file_name`` and ``label`` (:func:`sheet_label`)."""
    extra = {} if file_name is None else {
        "file_name": file_name,
        "label": {"zh-CN": sheet_label(s, file_name, "zh-CN"), "en": sheet_label(s, file_name, "en")}}
    return {
        **extra,
        "key_label": key_labels(s.key),
        "id": s.id,
        "file_id": s.file_id,
        "submission_id": s.submission_id,
        "key": s.key,
        "number": s.number,
        "title": s.title,
        "discipline": s.discipline,
        "detected": s.detected,
        "state": s.state,
        "width": s.width,
        "height": s.height,
        "max_zoom": s.max_zoom,
        "transform": s.transform,
        "units": s.units,
        "unit_m": s.unit_m,
        "matched_sheet_id": s.matched_sheet_id,
        "pdf_sha256": s.pdf_sha256,
    }


# -- metadata blob ----------------------------------------------------------------------

_meta_cache: OrderedDict[str, dict] = OrderedDict()
_meta_lock = threading.Lock()


def load_meta(storage, sha256: str | None) -> dict:
    """The sheet's metadata (layers, texts, notes); blobs are immutable, so cache by hash."""
    if not sha256:
        return {"layers": [], "texts": [], "notes": []}
    with _meta_lock:
        hit = _meta_cache.get(sha256)
        if hit is not None:
            _meta_cache.move_to_end(sha256)
            return hit
    with storage.open(sha256) as fh:
        meta = json.load(fh)
    with _meta_lock:
        _meta_cache[sha256] = meta
        while len(_meta_cache) > 64:
            _meta_cache.popitem(last=False)
    return meta


def search_texts(meta: dict, q: str, limit: int = TEXT_RESULTS) -> list[dict]:
    """The sheet's lettering holding *q*: what the sheet shows first, then lettering on layers
    hidden by default (off or not plotted in the drawing), each of those marked ``hidden``
    with its ``layer`` (the sheet's texts say so: cad/render.py; docs/decisions/128)."""
    q = q.strip().casefold()
    shown, hidden = [], []
    for item in meta.get("texts", []):
        if not q or q in item["text"].casefold():
            (hidden if item.get("hidden") else shown).append(item)
            if len(shown) >= limit:
                break
    return (shown + hidden)[:limit]


# -- upsert and matching ----------------------------------------------------------------

async def by_key(session: AsyncSession, file_id: int, key: str) -> Sheet | None:
    return (await session.exec(select(Sheet).where(Sheet.file_id == file_id, Sheet.key == key[:200]))).first()


async def upsert_sheet(session: AsyncSession, file: DrawingFile, key: str, fields: dict) -> tuple[Sheet, bool]:
    """The sheet ``(file.id, key)``, created or updated with *fields*."""
    sheet = await by_key(session, file.id, key)
    created = sheet is None
    if created:
        sheet = Sheet(file_id=file.id, submission_id=file.submission_id, key=key[:200])
    for name, value in fields.items():
        setattr(sheet, name, value)
    session.add(sheet)
    await session.flush()
    return sheet, created


async def fail_unfinished(session: AsyncSession, file_id: int) -> int:
    """Mark the file's sheets that never became ready ``failed``; returns how many are ready."""
    from sqlalchemy import func, update

    await session.execute(update(Sheet).where(Sheet.file_id == file_id, Sheet.state != "ready")
                       .values(state="failed").execution_options(synchronize_session=False))
    return (await session.exec(select(func.count()).select_from(Sheet).where(
        Sheet.file_id == file_id, Sheet.state == "ready"))).one()


async def match_sheets(session: AsyncSession, submission: Submission, file_id: int | None = None) -> int:
    """Set ``matched_sheet_id`` of the submission's sheets (of one file, with *file_id*) to the
    previous revision's sheet with the same number (first one when numbers repeat); a sheet
    without a number, to the previous revision's unnumbered sheet at the same place of a file of
    the same name (real drawings often carry no number the splitter reads: their comments were
    not carried and no comparison was offered). Returns how many matched."""
    prev = (await session.exec(select(Submission).where(
        Submission.project_id == submission.project_id, Submission.revision == submission.revision - 1))).first()
    by_number: dict[str, int] = {}
    by_place: dict[tuple[str, str], int] = {}
    if prev is not None:
        for s, name in await _sheets_with_file_names(session, prev.id):
            key = _norm_number(s.number)
            if key and key not in by_number:
                by_number[key] = s.id
            elif not key:
                by_place.setdefault((_file_name(name), s.key), s.id)
    matched = 0
    stmt = select(Sheet, DrawingFile.original_name).join(DrawingFile, DrawingFile.id == Sheet.file_id).where(
        Sheet.submission_id == submission.id)
    if file_id is not None:
        stmt = stmt.where(Sheet.file_id == file_id)
    for s, name in (await session.exec(stmt.order_by(Sheet.file_id, Sheet.id))).all():
        number = _norm_number(s.number)
        target = by_number.get(number) if number else by_place.get((_file_name(name), s.key))
        if s.matched_sheet_id != target:
            s.matched_sheet_id = target
            session.add(s)
        matched += target is not None
    await session.flush()
    return matched


async def _sheets_with_file_names(session: AsyncSession, submission_id: int) -> list[tuple[Sheet, str]]:
    stmt = (select(Sheet, DrawingFile.original_name).join(DrawingFile, DrawingFile.id == Sheet.file_id)
            .where(Sheet.submission_id == submission_id).order_by(Sheet.file_id, Sheet.id))
    return list((await session.exec(stmt)).all())


def _file_name(name: str | None) -> str:
    """A file's name without the folder or archive it came in, for matching across revisions."""
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip().casefold()


def _norm_number(number: str | None) -> str:
    return "".join((number or "").split()).replace("－", "-").replace("—", "-").upper()


async def rematch_around(session: AsyncSession, submission: Submission) -> None:
    """After a number changed: match this submission and the next revision again."""
    await match_sheets(session, submission)
    nxt = (await session.exec(select(Submission).where(
        Submission.project_id == submission.project_id, Submission.revision == submission.revision + 1))).first()
    if nxt is not None:
        await match_sheets(session, nxt)


# -- corrections ------------------------------------------------------------------------

def validate_patch(data: dict) -> dict:
    changes, problems = {}, {}
    for name, value in data.items():
        if name == "reason":
            continue  # checked by ``check_may_correct``
        if name not in EDITABLE_FIELDS:
            problems[name] = "unknown field; one of number, title, discipline"
        elif not isinstance(value, str) or len(value) > EDITABLE_FIELDS[name]:
            problems[name] = f"text, at most {EDITABLE_FIELDS[name]} characters"
        else:
            changes[name] = value.strip()
    if problems or not changes:
        raise ValidationFailed("图号、图名或专业填写有误", "Invalid sheet number, title or discipline",
                               details=problems or {"body": "give number, title and/or discipline"})
    return changes


def check_may_correct(principal: Principal, submission: Submission, data: dict) -> str | None:
    """Who may correct a sheet now: the design institute only while its submission is an editable
    draft; once submitted, only the window (or an admin), and only with a reason for the audit
    log. Returns that reason (None while the draft is editable)."""
    if submission.state in EDITABLE:
        return None
    if principal.role not in {"window", "admin"}:
        raise InvalidTransition(
            "报审版本已提交，图号、图名、专业只能由受理窗口更正",
            "The submission has been submitted; only the review window may correct its sheets",
            code="sheet_locked", details={"state": submission.state, "editable": list(EDITABLE)})
    reason = data.get("reason")
    if not isinstance(reason, str) or is_blank(reason) or len(reason) > MAX_REASON:
        raise ValidationFailed(f"提交后更正图纸须填写原因（至多 {MAX_REASON} 字）",
                               f"A correction after submission needs a reason (at most {MAX_REASON} characters)",
                               details={"reason": f"required text, at most {MAX_REASON} characters"})
    return reason.strip()


async def update_sheet(session: AsyncSession, principal: Principal, sheet: Sheet, submission: Submission,
                       data: dict) -> tuple[Sheet, object | None]:
    """Correct a sheet's number / title / discipline (audit-logged); returns (sheet, event)."""
    reason = check_may_correct(principal, submission, data)
    changes = validate_patch(data)
    before = {k: getattr(sheet, k) for k in changes}
    if before == changes:
        return sheet, None
    for k, v in changes.items():
        setattr(sheet, k, v)
    session.add(sheet)
    await session.flush()
    await audit.record(session, principal, "sheet.update", "sheet", sheet.id, submission.project_id,
                       {"before": before, "after": changes, **({"reason": reason} if reason else {})})
    if "number" in changes:
        await rematch_around(session, submission)
    event = await events.append(session, submission.project_id, "sheet.updated", principal,
                                {"submission_id": submission.id, "sheet": sheet_dict(sheet)})
    return sheet, event
