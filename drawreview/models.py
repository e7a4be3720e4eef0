"""The data model (SQLModel tables). Alembic migrations in ``drawreview/migrations`` follow it.

Enumerations are stored as short strings (checked by the services), so new values need no
migration. Times are timezone-aware UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum
from typing import Any, Optional

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# Ids and versions are INTEGER columns: 32-bit on PostgreSQL (64-bit on SQLite). A number from
# outside beyond this is no object's id or version, and is refused before it reaches a query.
MAX_INT = 2**31 - 1


def is_id(value: Any) -> bool:
    """Whether a value from a request body can be an object's id (a JSON true is not 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_INT


def _ts(**kw) -> Any:
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False, **kw))


def _json(default=dict) -> Any:
    return Field(default_factory=default, sa_column=Column(JSON, nullable=False))


class OrgKind(StrEnum):
    design_institute = "design_institute"
    construction_unit = "construction_unit"
    review_authority = "review_authority"


class Role(StrEnum):
    window = "window"  # joint-review window clerk
    reviewer = "reviewer"
    designer = "designer"
    construction = "construction"  # construction-unit user
    admin = "admin"


class Discipline(StrEnum):
    planning = "planning"
    fire = "fire"
    civil_defence = "civil_defence"
    lightning = "lightning"
    meteorology = "meteorology"


DISCIPLINE_NAMES = {
    "planning": ("规划", "Planning"),
    "fire": ("消防", "Fire protection"),
    "civil_defence": ("人防", "Civil air defence"),
    "lightning": ("防雷", "Lightning protection"),
    "meteorology": ("气象", "Meteorology"),
}


class Organisation(SQLModel, table=True):
    __tablename__ = "organisation"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=32)
    created_at: datetime = _ts()


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(max_length=100)
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=32)
    discipline: Optional[str] = Field(default=None, max_length=32)
    org_id: Optional[int] = Field(default=None, foreign_key="organisation.id", index=True)
    email: Optional[str] = Field(default=None, max_length=200)
    active: bool = True
    created_at: datetime = _ts()


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)  # sha256 hex of the token
    name: str = Field(default="", max_length=100)
    created_at: datetime = _ts()
    revoked: bool = False
    revoked_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class UserSession(SQLModel, table=True):
    """A browser login, server-side: the signed cookie carries only ``id``, so logout, a password
    change or a deactivation ends it for every copy of the cookie (``auth.py``)."""

    __tablename__ = "user_session"
    id: str = Field(primary_key=True, max_length=64)  # random, unguessable
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = _ts()
    revoked_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class Project(SQLModel, table=True):
    __tablename__ = "project"
    __table_args__ = (UniqueConstraint("case_year", "case_serial", name="uq_project_case"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=300)
    project_type: str = Field(default="building", max_length=32)  # building / municipal / special
    complexity: str = Field(default="normal", max_length=16)  # normal / complex
    construction_unit_id: int = Field(foreign_key="organisation.id", index=True)
    design_institute_id: int = Field(foreign_key="organisation.id", index=True)
    case_year: Optional[int] = None
    case_serial: Optional[int] = None
    case_number: Optional[str] = Field(default=None, max_length=32, unique=True)
    verification_code: Optional[str] = Field(default=None, max_length=16)
    stage: str = Field(default="draft", max_length=32)
    params: dict = _json()  # planning conditions and project flags (sprinklers, lightning class...)
    last_event_seq: int = 0
    created_at: datetime = _ts()
    version: int = 1


class Submission(SQLModel, table=True):
    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("project_id", "revision", name="uq_submission_revision"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    revision: int = 1
    state: str = Field(default="draft", max_length=32)
    created_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = _ts()
    submitted_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    total_bytes: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # joint-review workflow (services/reviews.py)
    round_no: int = 1  # review round; a revision that answers comments starts the next one
    previous_id: Optional[int] = Field(default=None, foreign_key="submission.id")
    accepted_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    accepted_by: Optional[int] = Field(default=None, foreign_key="user_account.id")
    deficiencies: list = _json(list)  # 容缺: [{"item", "supplied_at"|None}]
    deficiency_deadline: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    return_reasons: list = _json(list)
    verdict: Optional[str] = Field(default=None, max_length=32)
    concluded_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    receipt_sha256: Optional[str] = Field(default=None, max_length=64)
    report_sha256: Optional[str] = Field(default=None, max_length=64)
    report_issued_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))


class DrawingFile(SQLModel, table=True):
    __tablename__ = "drawing_file"
    __table_args__ = (UniqueConstraint("submission_id", "sha256", "original_name", name="uq_file_in_submission"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    sha256: str = Field(max_length=64, index=True)
    original_name: str = Field(max_length=500)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    format: str = Field(default="unknown", max_length=16)  # dxf / dwg / pdf / zip / unknown
    state: str = Field(default="uploaded", max_length=16)  # uploaded/processing/ready/failed
    error: Optional[dict] = Field(default=None, sa_column=Column(JSON))
    repairs: list = _json(list)  # what was repaired in a damaged file (recover, audit fixes)
    notes: list = _json(list)  # information about an intact file (no frame, units assumed, content off-sheet)
    progress: float = 0.0
    parent_id: Optional[int] = Field(default=None, foreign_key="drawing_file.id")
    created_at: datetime = _ts()


class Sheet(SQLModel, table=True):
    __tablename__ = "sheet"
    __table_args__ = (UniqueConstraint("file_id", "key", name="uq_sheet_key"),
                      # the sheet list's page order within a submission (services/sheet_list.py)
                      Index("ix_sheet_list_order", "submission_id", "file_id", "id"))
    id: Optional[int] = Field(default=None, primary_key=True)
    file_id: int = Field(foreign_key="drawing_file.id", index=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    key: str = Field(max_length=200)  # stable within a file: "model", "model#2", "layout:..."
    number: str = Field(default="", max_length=64, index=True)
    title: str = Field(default="", max_length=200)
    discipline: str = Field(default="", max_length=32)
    detected: bool = False
    width: float = 0.0
    height: float = 0.0
    max_zoom: int = 0
    transform: list = _json(list)  # [a, e, f] drawing units -> sheet points
    units: str = Field(default="", max_length=16)
    unit_m: float = 0.001
    pdf_sha256: Optional[str] = Field(default=None, max_length=64)
    meta_sha256: Optional[str] = Field(default=None, max_length=64)  # layers + texts JSON blob
    thumb_sha256: Optional[str] = Field(default=None, max_length=64)  # PNG thumbnail blob
    state: str = Field(default="pending", max_length=16)
    matched_sheet_id: Optional[int] = Field(default=None, foreign_key="sheet.id")
    # overlay against the matched previous-revision sheet (services/compare.py): key, blob, regions
    compare: Optional[dict] = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = _ts()


class ReviewTask(SQLModel, table=True):
    __tablename__ = "review_task"
    __table_args__ = (UniqueConstraint("submission_id", "discipline", name="uq_task_discipline"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    discipline: str = Field(max_length=32)
    reviewer_id: Optional[int] = Field(default=None, foreign_key="user_account.id", index=True)
    state: str = Field(default="pending", max_length=32)
    conclusion: Optional[str] = Field(default=None, max_length=32)
    started_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    due_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    concluded_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    pauses: list = _json(list)  # [[from_iso, to_iso|null], ...] while the designer revises
    opinion: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    light: str = Field(default="green", max_length=8)  # last traffic light seen by the deadline watch
    version: int = 1
    checker_id: Optional[int] = Field(default=None, foreign_key="user_account.id")  # 审核人, named when issuing


class Annotation(SQLModel, table=True):
    __tablename__ = "annotation"
    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: str = Field(max_length=64, unique=True)  # idempotency key from the client
    project_id: int = Field(foreign_key="project.id", index=True)
    sheet_id: int = Field(foreign_key="sheet.id", index=True)
    author_id: int = Field(foreign_key="user_account.id")
    discipline: str = Field(max_length=32)
    kind: str = Field(max_length=16)  # pin / rect / cloud / arrow / polyline / text
    geometry: dict = _json()
    severity: str = Field(default="general", max_length=16)  # mandatory / general / suggestion
    clause: str = Field(default="", max_length=200)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default="open", max_length=16)  # open / answered / closed
    automatic: bool = False
    finding_id: Optional[int] = Field(default=None, foreign_key="rule_finding.id")
    carried_from_id: Optional[int] = Field(default=None, foreign_key="annotation.id")
    deleted: bool = False
    version: int = 1
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class Comment(SQLModel, table=True):
    __tablename__ = "comment"
    id: Optional[int] = Field(default=None, primary_key=True)
    client_id: str = Field(max_length=64, unique=True)
    annotation_id: int = Field(foreign_key="annotation.id", index=True)
    author_id: int = Field(foreign_key="user_account.id")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _ts()


class RuleFinding(SQLModel, table=True):
    __tablename__ = "rule_finding"
    id: Optional[int] = Field(default=None, primary_key=True)
    sheet_id: int = Field(foreign_key="sheet.id", index=True)
    rule_id: str = Field(max_length=32)
    discipline: str = Field(max_length=32)
    severity: str = Field(max_length=16)
    data: dict = _json()  # handles, bbox, evidence WKT, measured, required, messages
    state: str = Field(default="new", max_length=16)  # new / confirmed / dismissed
    dismiss_reason: str = Field(default="", max_length=500)
    created_at: datetime = _ts()


class ProjectEvent(SQLModel, table=True):
    """Append-only per-project event log; ``seq`` lets a reconnecting client catch up."""

    __tablename__ = "project_event"
    __table_args__ = (UniqueConstraint("project_id", "seq", name="uq_event_seq"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    seq: int
    type: str = Field(max_length=64)
    actor_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    payload: dict = _json()
    created_at: datetime = _ts()


class AuditEntry(SQLModel, table=True):
    """Hash-chained audit log (全程留痕): each row's hash covers its content and the previous hash."""

    __tablename__ = "audit_entry"
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = _ts()
    actor_id: Optional[int] = None
    actor: str = Field(default="", max_length=100)
    action: str = Field(max_length=64)
    object_type: str = Field(max_length=32)
    object_id: str = Field(default="", max_length=64)
    project_id: Optional[int] = Field(default=None, index=True)
    detail: dict = _json()
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """One row per chain (project id, or 0 for the global chain) holding its last hash; locked
    while appending so each chain stays linear."""

    __tablename__ = "audit_head"
    id: int = Field(default=0, primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_id: int = 0
    last_hash: str = Field(default="0" * 64, max_length=64)


class ClientWrite(SQLModel, table=True):
    """Idempotency record of one client write (REST or websocket): the same ``client_id`` from
    the same user again returns the stored result instead of writing twice."""

    __tablename__ = "client_write"
    __table_args__ = (UniqueConstraint("user_id", "client_id", name="uq_client_write"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    client_id: str = Field(max_length=64)
    op: str = Field(max_length=32)
    project_id: int = Field(foreign_key="project.id", index=True)
    seq: Optional[int] = None
    result: dict = _json()
    # sha256 of the write's content (client_writes.request_digest): the same client_id with other
    # content is refused, not replayed; None for records written before decision 142
    request_digest: Optional[str] = Field(default=None, max_length=64)
    created_at: datetime = _ts()


class IdempotentRequest(SQLModel, table=True):
    """A write sent with an ``Idempotency-Key`` header (web/idempotency.py): the same key from the
    same user again is answered with the stored answer instead of acting twice; pending while the
    first request runs (``status`` None)."""

    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotent_request"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id")
    key: str = Field(max_length=255)
    fingerprint: str = Field(max_length=64)  # sha256 of the method, path, query and body
    status: Optional[int] = None
    body: Optional[str] = Field(default=None, sa_column=Column(Text))
    created_at: datetime = _ts(index=True)


# --- joint-review workflow: notifications, outboxes, ratings (services/notifications.py) ---

class Notification(SQLModel, table=True):
    """An in-app notification for one user."""

    __tablename__ = "notification"
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    project_id: Optional[int] = Field(default=None, foreign_key="project.id", index=True)
    type: str = Field(max_length=48)
    title_zh: str = Field(max_length=300)
    title_en: str = Field(max_length=300)
    payload: dict = _json()
    read_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime = _ts()


class OutboxEmail(SQLModel, table=True):
    """An email waiting for (or done with) SMTP delivery; written in the same transaction as
    the change it reports, so nothing is lost while the SMTP server is down."""

    __tablename__ = "outbox_email"
    id: Optional[int] = Field(default=None, primary_key=True)
    to_addr: str = Field(max_length=200)
    subject: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default="pending", max_length=16, index=True)  # pending / sending / sent / failed
    attempts: int = 0
    next_attempt_at: datetime = _ts()
    claimed_until: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    last_error: str = Field(default="", max_length=500)
    sent_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime = _ts()


class Webhook(SQLModel, table=True):
    """A subscriber URL; ``org_id`` None = every project (registered by the window/admin)."""

    __tablename__ = "webhook"
    id: Optional[int] = Field(default=None, primary_key=True)
    org_id: Optional[int] = Field(default=None, foreign_key="organisation.id", index=True)
    url: str = Field(max_length=500)
    secret: str = Field(max_length=200)
    events: list = _json(list)  # event types; empty = all
    active: bool = True
    created_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = _ts()


class WebhookDelivery(SQLModel, table=True):
    __tablename__ = "webhook_delivery"
    id: Optional[int] = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", index=True)
    event_type: str = Field(max_length=48)
    body: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default="pending", max_length=16, index=True)  # pending / sending / delivered / failed
    attempts: int = 0
    next_attempt_at: datetime = _ts()
    claimed_until: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    last_status: Optional[int] = None
    last_error: str = Field(default="", max_length=500)
    delivered_at: Optional[datetime] = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    created_at: datetime = _ts()


class Rating(SQLModel, table=True):
    """The construction unit's or design institute's rating of the service (1–5 + text)."""

    __tablename__ = "rating"
    __table_args__ = (UniqueConstraint("project_id", "org_id", name="uq_rating_org"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    org_id: int = Field(foreign_key="organisation.id")
    user_id: int = Field(foreign_key="user_account.id")
    role: str = Field(max_length=32)
    score: int
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = _ts()


# --- issued reports (services/reports.py) ---

class Report(SQLModel, table=True):
    """An issued, signed document of one review round (the merged report, 审查意见书).

    ``sha256`` is the hash of the final signed file, which is also its blob address; the
    verification page looks reports up by it or by ``verify_code`` (random, printed as the QR
    code on the cover: ``/verify/<code>``), so issued reports cannot be enumerated by id.
    """

    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("submission_id", "round_no", "kind", name="uq_report_round"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    round_no: int
    kind: str = Field(default="round", max_length=16)  # round = the merged review report
    sha256: str = Field(max_length=64, unique=True)  # of the signed file = its blob
    size: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    pages: int = 0
    verify_code: str = Field(max_length=32, unique=True)
    verdict: str = Field(default="", max_length=32)
    case_number: str = Field(default="", max_length=32)
    signer: str = Field(default="", max_length=300)
    issued_at: datetime = _ts()
    issued_by: Optional[int] = Field(default=None, foreign_key="user_account.id")


class ReportFile(SQLModel, table=True):
    """A file issued with a report and kept with it: a signed stamped sheet (审查合格), or a
    heavy export (BCF, marked-up sheets zip) built once for the issued round. ``sha256`` is the
    blob address; stamped sheets are found by it on the verification page."""

    __tablename__ = "report_file"
    __table_args__ = (UniqueConstraint("report_id", "kind", "name", name="uq_report_file"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    kind: str = Field(max_length=24)  # stamped_sheet / bcf / bcf_en / marked_up_zip / stamped_zip
    name: str = Field(max_length=300)  # the download's file name
    sheet_id: Optional[int] = Field(default=None, foreign_key="sheet.id")
    sha256: str = Field(max_length=64, index=True)
    size: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    created_at: datetime = _ts()
