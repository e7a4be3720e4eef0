"""JSON export of a whole review round."""

from __future__ import annotations

import json

from drawreview.report.model import SEVERITY_LABELS
from drawreview.report.export_json import SCHEMA_VERSION, export_json, to_dict

TOP_KEYS = ["schema_version", "kind", "project", "round", "disciplines", "sheets", "comments", "findings", "conclusions",
            "history", "review_time"]
COMMENT_KEYS = {
    "id", "first_id", "raised_round", "discipline", "sheet_number", "sheet_pdf_name", "geometry", "severity", "severity_label",
    "clause", "status", "status_label",
    "text", "author", "created_at", "thread",
}  # fmt: skip


def test_round_export_has_a_stable_versioned_shape(sample_data):
    doc = json.loads(export_json(sample_data))
    assert list(doc) == TOP_KEYS
    assert doc["schema_version"] == SCHEMA_VERSION == "1.5"
    assert doc["project"]["case_number"] == sample_data.project.case_number
    assert doc["round"]["round_no"] == sample_data.project.round_no
    assert doc["round"]["issued_at"] == sample_data.project.issued_at.isoformat(timespec="seconds") + "+08:00"
    for c in doc["comments"]:
        assert set(c) == COMMENT_KEYS
        assert set(c["geometry"]) == {"kind", "points", "text", "bbox"}
        for r in c["thread"]:
            assert set(r) == {"author", "org", "at", "text"}


def test_everything_of_the_round_is_there(sample_data):
    doc = to_dict(sample_data)
    comments = sample_data.all_comments()
    assert [c["id"] for c in doc["comments"]] == [c.id for _, c in comments]
    assert [c["discipline"] for c in doc["comments"]] == [d.code for d, _ in comments]
    first = comments[0][1]
    assert doc["comments"][0]["geometry"]["points"] == [list(p) for p in first.geometry.points]
    assert doc["comments"][0]["thread"] == [
        {"author": r.author, "org": r.org, "at": r.at.isoformat(timespec="seconds"), "text": r.text} for r in first.thread
    ]
    sheets = {s["number"]: s for s in doc["sheets"]}
    assert set(sheets) == {c.sheet_number for _, c in comments}
    assert sum(len(s["comment_ids"]) for s in doc["sheets"]) == len(comments)
    assert len(doc["findings"]) == sum(len(d.findings) for d in sample_data.disciplines)
    f = doc["findings"][0]
    assert (f["measured"], f["required"], f["unit"]) == (3.5, 4.0, "m")
    assert [c["conclusion"] for c in doc["conclusions"]] == [d.conclusion for d in sample_data.disciplines]
    counts = doc["disciplines"][0]["severity_counts"]
    assert sum(counts.values()) == len(sample_data.disciplines[0].comments)


def test_no_server_paths_and_chinese_kept(sample_data):
    text = export_json(sample_data)
    folder = str(sample_data.disciplines[0].comments[0].sheet_pdf_path.parent)
    assert folder not in text
    assert sample_data.project.name in text  # ensure_ascii=False
    assert json.loads(text) == json.loads(export_json(sample_data, indent=None))


RARE = "已补充 𠀀𪚥 说明 😀 ✔"  # CJK Extension B, an emoji, a dingbat


def _with_rare(sample_data):
    from dataclasses import replace

    from drawreview.report.model import Reply

    d = sample_data.disciplines[0]
    c = d.comments[0]
    c2 = replace(c, text=RARE, thread=(Reply(author="陈工", org="设计院", at=c.created_at, text=RARE),))
    return replace(sample_data, disciplines=(replace(d, comments=(c2, *d.comments[1:])), *sample_data.disciplines[1:]))


def test_every_character_survives_and_codes_carry_labels(sample_data):
    data = _with_rare(sample_data)
    raw = export_json(data)
    doc = json.loads(raw)  # the standard library's parser, not ours
    first = doc["comments"][0]
    assert first["text"] == RARE and "𠀀" in raw and "\\u" not in raw  # kept as written, UTF-8
    assert first["severity_label"] == {"zh-CN": SEVERITY_LABELS[first["severity"]][0],
                                       "en": SEVERITY_LABELS[first["severity"]][1]}
    assert doc["round"]["verdict_label"]["zh-CN"] in ("审查合格", "审查合格（附意见）", "修改后复审", "审查不合格", "审查中")
    for t in (first["created_at"], doc["round"]["issued_at"]):
        assert t[-6:] == "+08:00"


def test_an_issued_round_read_back_from_its_json_gives_the_same_bcf_and_marked_up_sheets(sample_data):
    """round_doc.from_dict is to_dict's inverse for what the later exports draw: the BCF and the
    marked-up sheets made from the kept JSON are the ones made from the report's own data."""
    from drawreview.report.annots import annotate_sheets
    from drawreview.report.bcf import export_bcf
    from drawreview.report.round_doc import by_sheet, from_dict

    folders = {c.sheet_pdf_path.name: c.sheet_pdf_path.parent for _, c in sample_data.all_comments()}
    back = from_dict(json.loads(export_json(sample_data)), lambda name: folders[name] / name)
    assert to_dict(back)["comments"] == to_dict(sample_data)["comments"]
    assert to_dict(back)["conclusions"] == to_dict(sample_data)["conclusions"]
    assert to_dict(back)["findings"] == to_dict(sample_data)["findings"]
    assert export_bcf(back) == export_bcf(sample_data)
    def marked(data):  # up to the trailer, whose file ID MuPDF draws anew on every save (or leaves out)
        return {n: pdf[:pdf.rindex(b"trailer")] for n, pdf in annotate_sheets(data.disciplines).items()}

    assert marked(back) == marked(sample_data)
    grouped = by_sheet(back)
    assert sum(len(v) for v in grouped.values()) == len(sample_data.all_comments())
    for name, items in grouped.items():
        ids = [int(c.id) for _, c in items if c.id.isdigit()]
        assert ids == sorted(ids) and all(c.sheet_pdf_path.name == name for _, c in items)
