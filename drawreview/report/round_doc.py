"""An issued round read back from the JSON kept at issue (``export_json``): the report data the
signed report was drawn from, so that the round's other exports (BCF, the marked-up sheets)
made later show what the report shows, not what the rows say now.

The inverse of :func:`drawreview.report.export_json.to_dict` for what those exports use:
project and round, each discipline with its conclusion, the comments with their states and
threads, the findings. Times come back as Beijing local time without offset, as the report
part holds them; a sheet PDF comes back from its file name (its blob's sha256) through
``pdf_path``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from drawreview.report.model import (
    BEIJING,
    Comment,
    DisciplineSection,
    Finding,
    Geometry,
    Project,
    Reply,
    ReportData,
)


def _at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).astimezone(BEIJING).replace(tzinfo=None) if text else None


def _origins(doc: dict[str, Any]) -> dict[str, tuple[str, int | None]]:
    """{comment id: (first id, round raised)} from the history (a document kept before schema
    1.4 names them there only): the BCF topic of a carried comment is its first one's."""
    return {str(i): (str(e["first_id"]), e.get("raised_round")) for e in doc.get("history") or () for i in e["ids"]}


def _comment(c: dict[str, Any], title: dict[str, str], pdf_path: Callable[[str], Path], pdf_name: dict[str, str],
             origins: dict[str, tuple[str, int | None]]) -> Comment:
    g = c["geometry"]
    first, raised = origins.get(str(c["id"]), (None, None))
    return Comment(
        id=c["id"], first_id=c.get("first_id") or first or "", raised_round=c.get("raised_round") or raised,
        sheet_number=c["sheet_number"], sheet_title=title.get(c["sheet_number"], ""),
        sheet_pdf_path=pdf_path(c.get("sheet_pdf_name") or pdf_name[c["sheet_number"]]),
        geometry=Geometry(kind=g["kind"], points=tuple(tuple(p) for p in g["points"]), text=g.get("text", "")),
        severity=c["severity"], clause=c["clause"], status=c["status"], text=c["text"], author=c["author"],
        created_at=_at(c["created_at"]),
        thread=tuple(Reply(author=r["author"], org=r["org"], at=_at(r["at"]), text=r["text"]) for r in c["thread"]))


def _finding(f: dict[str, Any]) -> Finding:
    return Finding(rule_id=f["rule_id"], clause=f["clause"], message=f["message"], measured=f["measured"],
                   required=f["required"], unit=f.get("unit", ""), sheet_number=f.get("sheet_number", ""),
                   bbox=tuple(f["bbox"]) if f.get("bbox") else None, facts=f.get("facts", ""))


def from_dict(doc: dict[str, Any], pdf_path: Callable[[str], Path]) -> ReportData:
    p, r = doc["project"], doc["round"]
    title = {s["number"]: s["title"] for s in doc["sheets"]}
    pdf_name = {s["number"]: s["pdf_name"] for s in doc["sheets"]}
    concluded = {x["discipline"]: x for x in doc["conclusions"]}
    origins = _origins(doc)
    sections = []
    for d in doc["disciplines"]:
        x = concluded.get(d["code"], {})
        sections.append(DisciplineSection(
            code=d["code"], name_zh=d["name_zh"], name_en=d["name_en"], reviewer=d["reviewer"],
            conclusion=x.get("conclusion", "pending"), concluded_at=_at(x.get("concluded_at")),
            opinion=x.get("opinion", ""), checker=x.get("checker", ""),
            comments=tuple(_comment(c, title, pdf_path, pdf_name, origins) for c in doc["comments"]
                           if c["discipline"] == d["code"]),
            findings=tuple(_finding(f) for f in doc["findings"] if f["discipline"] == d["code"])))
    project = Project(
        name=p["name"], case_number=p["case_number"], address=p["address"],
        construction_unit=p["construction_unit"], design_institute=p["design_institute"], authority=p["authority"],
        round_no=r["round_no"], submitted_at=_at(r["submitted_at"]), accepted_at=_at(r["accepted_at"]),
        issued_at=_at(r["issued_at"]), verdict=r["verdict"], reply_deadline=_at(r.get("reply_deadline")))
    return ReportData(project=project, disciplines=sections)


def by_sheet(data: ReportData) -> dict[str, list[tuple[str, Comment]]]:
    """{sheet PDF file name: [(discipline, comment)]}, sheets in the order of their first
    comment and each sheet's comments by number, as the marked-up sheets were made at issue."""
    pairs = sorted(((d.code, c) for d, c in data.all_comments()), key=lambda dc: _number(dc[1].id))
    out: dict[str, list[tuple[str, Comment]]] = {}
    for code, c in pairs:
        out.setdefault(c.sheet_pdf_path.name, []).append((code, c))
    return out


def _number(comment_id: str) -> tuple[int, str]:
    return (int(comment_id), "") if comment_id.isdigit() else (0, comment_id)
