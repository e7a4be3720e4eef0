"""JSON export of a whole review round: project, sheets, comments, findings, conclusions.

The shape is versioned by ``schema_version``; adding a key is a minor change (1.x),
renaming or removing one a major change. Times are ISO 8601 strings with their UTC offset
(the report part's naive times are Beijing local, +08:00); points are sheet coordinates (see
``docs/contracts.md``). Codes (severity, status, verdict, conclusion) stay codes, each with a
``*_label`` beside it ({"zh-CN", "en"}) from the one vocabulary. Text is kept exactly as
written (emoji, CJK Extension B): only the PDF font substitutes glyphs. Sheet PDFs are
referred to by file name only, never by a server path.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from drawreview.report.model import (
    SEVERITY_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    Comment,
    DisciplineSection,
    Finding,
    ReportData,
    aware,
    label,
)

SCHEMA_VERSION = "1.5"  # 1.2: each comment names its sheet PDF (two sheets may share a number), findings their facts;
# 1.3: "history", every comment of the case with its course through the rounds (from round 2 on);
# 1.4: each comment's "first_id" (its number when first raised) and "raised_round";
# 1.5: "review_time", each round's disciplines with the working days used, on hold (补正) and allowed
KIND = "drawreview.review_round"


def _t(at: datetime | None) -> str | None:
    return aware(at).isoformat(timespec="seconds") if at else None


def _labels(table: dict, code: str) -> dict[str, str]:
    return {"zh-CN": label(table, code), "en": label(table, code, "en")}


def _comment(d: DisciplineSection, c: Comment) -> dict[str, Any]:
    g = c.geometry
    return {
        "id": c.id,
        "first_id": c.first_id,
        "raised_round": c.raised_round,
        "discipline": d.code,
        "sheet_number": c.sheet_number,
        "sheet_pdf_name": c.sheet_pdf_path.name,
        "geometry": {"kind": g.kind, "points": [list(p) for p in g.points], "text": g.text, "bbox": list(g.bbox())},
        "severity": c.severity,
        "severity_label": _labels(SEVERITY_LABELS, c.severity),
        "clause": c.clause,
        "status": c.status,
        "status_label": _labels(STATUS_LABELS, c.status),
        "text": c.text,
        "author": c.author,
        "created_at": _t(c.created_at),
        "thread": [{"author": r.author, "org": r.org, "at": _t(r.at), "text": r.text} for r in c.thread],
    }


def _finding(d: DisciplineSection, f: Finding) -> dict[str, Any]:
    return {
        "discipline": d.code,
        "rule_id": f.rule_id,
        "clause": f.clause,
        "message": f.message,
        "measured": f.measured,
        "required": f.required,
        "unit": f.unit,
        "sheet_number": f.sheet_number,
        "bbox": list(f.bbox) if f.bbox else None,
        "facts": f.facts,
    }


def to_dict(data: ReportData) -> dict[str, Any]:
    p = data.project
    sheets: dict[str, dict[str, Any]] = {}
    for d, c in data.all_comments():
        s = sheets.setdefault(
            c.sheet_number,
            {"number": c.sheet_number, "title": c.sheet_title, "pdf_name": c.sheet_pdf_path.name, "comment_ids": []},
        )
        s["comment_ids"].append(c.id)
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": KIND,
        "project": {
            "name": p.name,
            "case_number": p.case_number,
            "address": p.address,
            "construction_unit": p.construction_unit,
            "design_institute": p.design_institute,
            "authority": p.authority,
        },
        "round": {
            "round_no": p.round_no,
            "submitted_at": _t(p.submitted_at),
            "accepted_at": _t(p.accepted_at),
            "issued_at": _t(p.issued_at),
            "verdict": p.verdict,
            "verdict_label": _labels(VERDICT_LABELS, p.verdict),
            "reply_deadline": _t(p.reply_deadline),
        },
        "disciplines": [
            {
                "code": d.code,
                "name_zh": d.name_zh,
                "name_en": d.name_en,
                "reviewer": d.reviewer,
                "severity_counts": d.severity_counts(),
                "status_counts": d.status_counts(),
            }
            for d in data.disciplines
        ],
        "sheets": list(sheets.values()),
        "comments": [_comment(d, c) for d, c in data.all_comments()],
        "findings": [_finding(d, f) for d in data.disciplines for f in d.findings],
        "conclusions": [
            {"discipline": d.code, "conclusion": d.conclusion, "conclusion_label": _labels(VERDICT_LABELS, d.conclusion),
             "reviewer": d.reviewer, "checker": d.checker, "opinion": getattr(d, "opinion", ""),
             "concluded_at": _t(d.concluded_at)}
            for d in data.disciplines
        ],
        "history": [
            {"first_id": e.first_id, "ids": list(e.ids), "discipline": e.discipline, "sheet": e.sheet,
             "severity": e.severity, "text": e.text, "raised_round": e.raised_round, "closed_round": e.closed_round,
             "status": e.status, "course": [{"round": r, "step": step} for r, step in e.course]}
            for e in data.history
        ],
        "review_time": [
            {"round": r.round_no, "discipline": r.discipline, "discipline_en": r.discipline_en,
             "started_at": _t(r.started_at), "concluded_at": _t(r.concluded_at), "used_workdays": r.used,
             "held_workdays": r.held, "limit_workdays": r.limit, "overdue": r.overdue, "estimated": r.estimated}
            for r in data.review_time
        ],
    }


def export_json(data: ReportData, *, indent: int | None = 2) -> str:
    """The round as a JSON document (UTF-8 text, Chinese kept as is)."""
    return json.dumps(to_dict(data), ensure_ascii=False, indent=indent)
