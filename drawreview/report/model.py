"""Plain input data for the report part.

The services layer fills these from the database; every function in ``drawreview.report``
takes them and nothing else (no session, no storage). Coordinates follow
``docs/contracts.md``: markup points are in sheet-PDF page coordinates (points, origin
top-left, y down) of the comment's one-page sheet PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from drawreview import vocabulary
from drawreview.errors import ValidationFailed

GEOMETRY_KINDS = ("pin", "rect", "cloud", "arrow", "polyline", "text")
# minimum number of points per kind
_MIN_POINTS = {"pin": 1, "rect": 2, "cloud": 2, "arrow": 2, "polyline": 2, "text": 1}

SEVERITIES = ("mandatory", "general", "suggestion")
SEVERITY_LABELS = {
    "mandatory": ("强制性条文", "Mandatory"),
    "general": ("一般性问题", "General"),
    "suggestion": ("建议", "Suggestion"),
}
STATUSES = ("open", "answered", "closed")
STATUS_LABELS = {
    "open": ("待回复", "Open"),
    "answered": ("已回复待核实", "Answered, to verify"),
    "closed": ("已关闭", "Closed"),
}
# Verdicts / conclusions: the authority's words from the one vocabulary table; free text is shown as given.
VERDICT_LABELS = vocabulary.table()


BEIJING = timezone(timedelta(hours=8), "CST")


def aware(at: datetime) -> datetime:
    """``at`` with its UTC offset: the report part's times are Beijing local when naive."""
    return at if at.tzinfo is not None else at.replace(tzinfo=BEIJING)


def label(table: dict[str, tuple[str, str]], code: str, lang: str = "zh-CN") -> str:
    """The zh-CN (default) or English label of ``code``; unknown codes are shown as given."""
    pair = table.get(code)
    if pair is None:
        return code
    return pair[1] if lang.startswith("en") else pair[0]


Point = tuple[float, float]


@dataclass(frozen=True, kw_only=True)
class Geometry:
    """A markup shape in sheet coordinates.

    pin: one point. rect: two opposite corners. cloud: a polygon (>= 3 points) or two
    corners of a rectangle. arrow: tail then head. polyline: >= 2 points. text: the top-left
    corner, or two corners of the text box; ``text`` holds the words shown.
    """

    kind: str
    points: tuple[Point, ...]
    text: str = ""

    def __post_init__(self) -> None:
        if self.kind not in GEOMETRY_KINDS:
            raise ValidationFailed(
                f"未知的标注类型：{self.kind}", f"Unknown markup kind: {self.kind}", details={"kind": self.kind}
            )
        pts = tuple((float(x), float(y)) for x, y in self.points)
        object.__setattr__(self, "points", pts)
        if len(pts) < _MIN_POINTS[self.kind]:
            raise ValidationFailed(
                f"{self.kind} 标注的点数不足", f"Too few points for a {self.kind} markup", details={"kind": self.kind}
            )

    def bbox(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the points; a text box without a second corner is given a
        nominal size from its text length."""
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
        if self.kind == "text" and len(self.points) == 1:
            x1 = x0 + max(40.0, 11.0 * len(self.text))
            y1 = y0 + 18.0
        return (x0, y0, x1, y1)


@dataclass(frozen=True, kw_only=True)
class Reply:
    author: str
    org: str  # organisation or discipline of the author, e.g. "某设计院" or "消防"
    at: datetime
    text: str


@dataclass(frozen=True, kw_only=True)
class Comment:
    """A reviewer's comment anchored to a markup on one sheet.

    ``text``/``author``/``created_at`` are the opening remark (``created_at``: when it was
    first raised, also for a comment carried into a later round); ``thread`` the replies
    that followed (design institute answers, reviewer follow-ups), oldest first.
    ``raised_round`` is the round the comment was first raised in and ``first_id`` its number
    then (a carried comment is a copy with its own ``id``); ``sheet_round`` is set when the
    comment sits on an earlier round's drawing (no copy was carried), ``sheet_withdrawn`` when the
    report's round has no sheet of that number.
    """

    id: str
    sheet_number: str
    sheet_title: str
    sheet_pdf_path: Path
    geometry: Geometry
    severity: str
    clause: str
    status: str
    text: str
    author: str
    created_at: datetime
    thread: tuple[Reply, ...] = ()
    raised_round: int | None = None
    first_id: str = ""
    sheet_round: int | None = None
    # that earlier sheet's number is not in the report's revision: the sheet was withdrawn
    sheet_withdrawn: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", str(self.id))
        object.__setattr__(self, "first_id", str(self.first_id or self.id))
        object.__setattr__(self, "sheet_pdf_path", Path(self.sheet_pdf_path))
        object.__setattr__(self, "thread", tuple(self.thread))
        if self.severity not in SEVERITIES:
            raise ValidationFailed(
                f"意见 {self.id} 的严重程度无效：{self.severity}",
                f"Comment {self.id} has an unknown severity: {self.severity}",
            )
        if self.status not in STATUSES:
            raise ValidationFailed(
                f"意见 {self.id} 的状态无效：{self.status}",
                f"Comment {self.id} has an unknown status: {self.status}",
            )

    def thread_text(self) -> str:
        """The whole conversation as plain text (annotation contents, BCF description)."""
        lines = [f"{self.author} {self.created_at:%Y-%m-%d %H:%M}: {self.text}"]
        for r in self.thread:
            lines.append(f"{r.author}（{r.org}）{r.at:%Y-%m-%d %H:%M}: {r.text}")
        return "\n".join(lines)


@dataclass(frozen=True, kw_only=True)
class Finding:
    """A confirmed automatic rule finding, attached to a sheet."""

    rule_id: str
    clause: str
    message: str
    measured: float | str
    required: float | str
    unit: str = ""
    sheet_number: str = ""
    bbox: tuple[float, float, float, float] | None = None  # sheet coordinates
    facts: str = ""  # where the facts the check read came from (rules.finding.facts_line)


@dataclass(frozen=True, kw_only=True)
class DisciplineSection:
    code: str  # e.g. "fire", "planning", "civil_defence"
    name_zh: str
    name_en: str
    reviewer: str
    conclusion: str  # a VERDICT_LABELS code or free text
    concluded_at: datetime | None
    comments: tuple[Comment, ...] = ()
    findings: tuple[Finding, ...] = ()
    opinion: str = ""  # the reviewer's overall opinion with the conclusion
    # the round the conclusion was given in; earlier than the report's round when the
    # discipline kept its conclusion (no re-review), None when unknown
    concluded_round: int | None = None

    checker: str = ""  # 审核人: who checked the discipline's opinion before issue
    closed_before: int = 0  # comments of this discipline closed in earlier rounds (not listed again)

    def __post_init__(self) -> None:
        object.__setattr__(self, "comments", tuple(self.comments))
        object.__setattr__(self, "findings", tuple(self.findings))

    def sheets(self) -> list[tuple[str, str, list[Comment]]]:
        """Comments grouped by sheet, in first-seen order: [(number, title, comments)]."""
        groups: dict[str, tuple[str, str, list[Comment]]] = {}
        for c in self.comments:
            groups.setdefault(c.sheet_number, (c.sheet_number, c.sheet_title, []))[2].append(c)
        return list(groups.values())

    def severity_counts(self) -> dict[str, int]:
        counts = {s: 0 for s in SEVERITIES}
        for c in self.comments:
            counts[c.severity] += 1
        return counts

    def status_counts(self) -> dict[str, int]:
        counts = {s: 0 for s in STATUSES}
        for c in self.comments:
            counts[c.status] += 1
        return counts


@dataclass(frozen=True, kw_only=True)
class Project:
    name: str
    case_number: str
    address: str
    construction_unit: str
    design_institute: str
    authority: str
    round_no: int
    submitted_at: datetime | None
    accepted_at: datetime | None
    issued_at: datetime | None
    verdict: str  # a VERDICT_LABELS code or free text
    reply_deadline: datetime | None = None  # revision required: reply and resubmit by this day
    reply_deadline_estimated: bool = False  # counted by weekends: that year's holidays are not entered
    signature_note: str = ""  # what the signature is (PAdES level) and why
    certificate_url: str = ""  # where the authority's certificate and chain are published
    audit_anchor: str = ""  # the audit chain's head at issue (services/anchors.anchor_line), printed for audit verify


@dataclass(frozen=True, kw_only=True)
class Drawing:
    """One sheet of the reviewed set (图纸目录): number, title, revision and the hash of the
    uploaded file it came from."""

    number: str
    title: str
    discipline: str
    revision: int
    file_name: str
    file_sha256: str
    # a sheet of an earlier revision that this one no longer has, listed for the comments on it
    withdrawn: bool = False


@dataclass(frozen=True, kw_only=True)
class Basis:
    """One entry of 审查依据: a standard (with its edition) or a ruleset (with its version)."""

    kind: str  # "standard" | "ruleset"
    name: str
    version: str = ""


@dataclass(frozen=True, kw_only=True)
class Stamped:
    """A stamped (审查合格) sheet issued with the report, by its file name and SHA-256."""

    number: str
    title: str
    file_name: str
    sha256: str


@dataclass(frozen=True, kw_only=True)
class HistoryEntry:
    """One comment of the case through its rounds (report/history.py): ``ids`` are the markup and
    its copies in later revisions; ``course`` is [(round, step)], step one of raised, answered,
    reopened, closed, withdrawn; ``status`` the state at the report's round (or withdrawn)."""

    first_id: str
    ids: tuple[str, ...]
    discipline: str
    sheet: str
    severity: str
    text: str
    raised_round: int
    closed_round: int | None
    status: str
    course: tuple[tuple[int, str], ...]


@dataclass(frozen=True, kw_only=True)
class ReviewTime:
    """One discipline's review clock in one round (审查用时): the working days its reviewer used
    from the round's start to the conclusion, the days the clock stood still while the design
    institute corrected (补正), and the limit of that round (services/review_time.py)."""

    round_no: int
    discipline: str  # zh-CN name
    discipline_en: str
    started_at: datetime | None
    concluded_at: datetime | None
    used: int  # working days counted, 补正 days left out
    held: int  # working days the clock stood still (补正)
    limit: int  # the round's limit: first review 7 (complex 10), re-review as configured
    estimated: bool = False  # a day beyond the calendar's known years: counted by weekends

    @property
    def overdue(self) -> bool:
        return self.used > self.limit


@dataclass(frozen=True, kw_only=True)
class ReportData:
    project: Project
    disciplines: tuple[DisciplineSection, ...] = field(default_factory=tuple)
    drawings: tuple[Drawing, ...] = ()
    basis: tuple[Basis, ...] = ()
    stamped: tuple[Stamped, ...] = ()
    history: tuple[HistoryEntry, ...] = ()  # every comment of the case (a report of round 2 or later)
    review_time: tuple[ReviewTime, ...] = ()  # each round's disciplines up to the report's round

    def __post_init__(self) -> None:
        object.__setattr__(self, "disciplines", tuple(self.disciplines))
        object.__setattr__(self, "drawings", tuple(self.drawings))
        object.__setattr__(self, "basis", tuple(self.basis))
        object.__setattr__(self, "stamped", tuple(self.stamped))
        object.__setattr__(self, "review_time", tuple(self.review_time))

    def all_comments(self) -> list[tuple[DisciplineSection, Comment]]:
        return [(d, c) for d in self.disciplines for c in d.comments]
