"""BCF 3.0 export of the review comments (buildingSMART BIM Collaboration Format).

Zip layout (BCF-XML 3.0): ``bcf.version``, ``extensions.xml``, ``project.bcfp`` and one
folder per topic GUID holding ``markup.bcf``, ``viewpoint.bcfv`` and ``snapshot.png`` (the
report crop, markup drawn). One topic per comment: title, status, priority (from the
severity), labels (the discipline), creation author and date, the opening remark and every
reply as BCF comments. GUIDs are UUID-5 of the case number and comment id, so exporting
the same round twice gives the same GUIDs. A topic's GUID (and so its comments') comes from the
comment's first number (``first_id``): the same comment carried into a later revision is the
same topic in every round's export, which a BIM tool then updates instead of adding a second
one (decision 143); its viewpoint is the revision's own.

Sheets are 2D, so the viewpoint is an orthogonal camera looking down (-Z) on the sheet
laid in the XY plane in paper metres (x right, y up: ``(px, -py) * 0.0254 / 72``), framing
the crop; the markup's segments are BCF ``Lines`` at Z = 0.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from datetime import datetime
from xml.etree import ElementTree as ET

from drawreview.report.crop import SheetCache, render_crop
from drawreview.report.model import (
    SEVERITY_LABELS,
    STATUS_LABELS,
    Comment,
    DisciplineSection,
    ReportData,
    aware,
    label,
)

BCF_VERSION = "3.0"
TOPIC_TYPE = "Issue"
M_PER_PT = 0.0254 / 72
_NS = uuid.UUID("0b6f6c1e-5d0e-4a5e-9a59-6a1d2f1b7c3e")  # drawreview BCF namespace


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "/".join(parts)))


def _status(code: str) -> str:
    return label(STATUS_LABELS, code, "en")


def _priority(code: str) -> str:
    return label(SEVERITY_LABELS, code, "en")


def _iso(at: datetime) -> str:
    return aware(at).isoformat(timespec="seconds")  # with its offset, as xs:dateTime allows


# what XML 1.0 cannot carry: C0 controls but tab, LF and CR; U+FFFE, U+FFFF; lone surrogates
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """Text as XML 1.0 can carry it: a character it forbids (a control character pasted into a
    comment) becomes U+FFFD. ElementTree writes such characters as they are, and the whole file
    then failed to parse in any BCF reader (decision 134); the JSON export keeps them."""
    return _NOT_XML.sub("\ufffd", text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _nonblank(text: str, fallback: str = "—") -> str:
    return text.strip() or fallback


def _point(parent: ET.Element, tag: str, x: float, y: float, z: float) -> None:
    el = _sub(parent, tag)
    for name, v in (("X", x), ("Y", y), ("Z", z)):
        _sub(el, name, repr(float(v)))


def _world(p: tuple[float, float]) -> tuple[float, float]:
    return p[0] * M_PER_PT, -p[1] * M_PER_PT


def viewpoint_xml(guid: str, comment: Comment, clip: tuple[float, float, float, float]) -> bytes:
    root = ET.Element("VisualizationInfo", Guid=guid)
    cam = _sub(root, "OrthogonalCamera")
    cx, cy = _world(((clip[0] + clip[2]) / 2, (clip[1] + clip[3]) / 2))
    _point(cam, "CameraViewPoint", cx, cy, 10.0)
    _point(cam, "CameraDirection", 0, 0, -1)
    _point(cam, "CameraUpVector", 0, 1, 0)
    h = (clip[3] - clip[1]) * M_PER_PT
    _sub(cam, "ViewToWorldScale", repr(h))
    _sub(cam, "AspectRatio", repr((clip[2] - clip[0]) / (clip[3] - clip[1])))
    g = comment.geometry
    pts = list(g.points)
    if g.kind in ("rect", "text") and len(pts) >= 2 or g.kind == "cloud" and len(pts) == 2:
        x0, y0, x1, y1 = g.bbox()
        pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    elif g.kind == "cloud":
        pts = pts + [pts[0]]
    if len(pts) >= 2:
        lines = _sub(root, "Lines")
        for a, b in zip(pts, pts[1:]):
            line = _sub(lines, "Line")
            _point(line, "StartPoint", *_world(a), 0.0)
            _point(line, "EndPoint", *_world(b), 0.0)
    return _xml(root)


#: the export's own words, by language (the comments, names and clauses stay as written)
WORDS = {"zh-CN": {"comment": "意见", "stage": "第 {n} 轮", "clause": "依据条文：", "sheet": "图纸：",
                   "org": "{author}（{org}）", "project": "{name}（{case}）"},
         "en": {"comment": "Comment", "stage": "Round {n}", "clause": "Clause: ", "sheet": "Sheet: ",
                "org": "{author} ({org})", "project": "{name} ({case})"}}


def _words(lang: str) -> dict[str, str]:
    return WORDS["en" if lang.startswith("en") else "zh-CN"]


def _label(d: DisciplineSection, lang: str) -> str:
    return _nonblank(d.name_en if lang.startswith("en") else d.name_zh, d.code)


def _org(org: str, data: ReportData, lang: str) -> str:
    """A reviewer's "org" is his discipline's Chinese name: in English, the discipline's English one."""
    if lang.startswith("en"):
        return next((d.name_en for d in data.disciplines if d.name_zh == org and d.name_en), org)
    return org


def markup_xml(data: ReportData, d: DisciplineSection, c: Comment, topic: str, viewpoint: str,
               lang: str = "zh-CN") -> bytes:
    w = _words(lang)
    root = ET.Element("Markup")
    t = _sub(root, "Topic", Guid=topic, ServerAssignedId=c.id, TopicType=TOPIC_TYPE, TopicStatus=_status(c.status))
    first = c.text.strip().splitlines()[0] if c.text.strip() else w["comment"]
    title = f"[{c.sheet_number}] {first}"
    _sub(t, "Title", title if len(title) <= 120 else title[:119] + "…")
    _sub(t, "Priority", _priority(c.severity))
    _sub(_sub(t, "Labels"), "Label", _label(d, lang))
    _sub(t, "CreationDate", _iso(c.created_at))
    _sub(t, "CreationAuthor", _nonblank(c.author))
    if c.thread:
        last = c.thread[-1]
        _sub(t, "ModifiedDate", _iso(last.at))
        _sub(t, "ModifiedAuthor", _nonblank(last.author))
    _sub(t, "Stage", w["stage"].format(n=data.project.round_no))
    desc = f"{c.text}\n{w['clause']}{c.clause}\n{w['sheet']}{c.sheet_number} {c.sheet_title}"
    _sub(t, "Description", _nonblank(desc))
    comments = _sub(t, "Comments")
    entries = [(c.created_at, c.author, c.text)] + [
        (r.at, w["org"].format(author=r.author, org=_org(r.org, data, lang)), r.text) for r in c.thread]
    for i, (at, author, text) in enumerate(entries):
        el = _sub(comments, "Comment", Guid=_guid(topic, "comment", str(i)))
        _sub(el, "Date", _iso(at))
        _sub(el, "Author", _nonblank(author))
        if text.strip():
            _sub(el, "Comment", text)
        if i == 0:
            _sub(el, "Viewpoint", Guid=viewpoint)
    vp = _sub(_sub(t, "Viewpoints"), "ViewPoint", Guid=viewpoint)
    _sub(vp, "Viewpoint", "viewpoint.bcfv")
    _sub(vp, "Snapshot", "snapshot.png")
    _sub(vp, "Index", "0")
    return _xml(root)


def extensions_xml(data: ReportData, lang: str = "zh-CN") -> bytes:
    root = ET.Element("Extensions")
    comments = data.all_comments()
    groups = [
        ("TopicTypes", "TopicType", [TOPIC_TYPE]),
        ("TopicStatuses", "TopicStatus", [_status(s) for s in STATUS_LABELS]),
        ("Priorities", "Priority", [_priority(s) for s in SEVERITY_LABELS]),
        ("TopicLabels", "TopicLabel", [_label(d, lang) for d in data.disciplines]),
        ("Users", "User", [_nonblank(c.author) for _, c in comments]
         + [_nonblank(r.author) for _, c in comments for r in c.thread]),
        ("Stages", "Stage", [_words(lang)["stage"].format(n=data.project.round_no)]),
    ]  # fmt: skip
    for outer, inner, values in groups:
        el = _sub(root, outer)
        for v in dict.fromkeys(values):  # unique, in order
            _sub(el, inner, v)
    return _xml(root)


def project_xml(data: ReportData, lang: str = "zh-CN") -> bytes:
    root = ET.Element("ProjectInfo")
    p = _sub(root, "Project", ProjectId=_guid(data.project.case_number, "project"))
    _sub(p, "Name", _nonblank(_words(lang)["project"].format(name=data.project.name, case=data.project.case_number)))
    return _xml(root)


def version_xml() -> bytes:
    return _xml(ET.Element("Version", VersionId=BCF_VERSION))


def export_bcf(data: ReportData, *, snapshot_px: int = 900, lang: str = "zh-CN") -> bytes:
    """The ``.bcfzip`` bytes for every comment of ``data``; the export's own words (labels, stage,
    the description's headings) in ``lang``. GUIDs do not depend on the language."""
    buf = io.BytesIO()
    case = data.project.case_number
    # every entry dated the round's issue (a name alone would take the clock's second: the same
    # round exported twice gave two different files)
    at = data.project.issued_at or data.project.accepted_at or data.project.submitted_at
    stamp = (max(at.year, 1980), at.month, at.day, at.hour, at.minute, at.second) if at else (1980, 1, 1, 0, 0, 0)

    def put(name: str, payload: bytes) -> None:
        zf.writestr(zipfile.ZipInfo(name, date_time=stamp), payload, compress_type=zipfile.ZIP_DEFLATED)

    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf, SheetCache() as cache:
        put("bcf.version", version_xml())
        put("extensions.xml", extensions_xml(data, lang))
        put("project.bcfp", project_xml(data, lang))
        for d, c in data.all_comments():
            topic = _guid(case, "topic", c.first_id)
            viewpoint = _guid(case, "viewpoint", c.id)
            pix, clip = render_crop(cache.page(c.sheet_pdf_path), c, d.code, width_px=snapshot_px)
            put(f"{topic}/markup.bcf", markup_xml(data, d, c, topic, viewpoint, lang))
            put(f"{topic}/viewpoint.bcfv", viewpoint_xml(viewpoint, c, tuple(clip)))
            put(f"{topic}/snapshot.png", pix.tobytes("png"))
    return buf.getvalue()
