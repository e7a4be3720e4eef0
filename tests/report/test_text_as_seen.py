"""What a reader sees of the written text: format characters drawn as nothing, and comments and
replies dated alike. Both found by reading issued reports back from outside (decision 143): a
designer's answer pasted from a right-to-left editor carried U+200F/U+202E/U+202C, which the
fallback font BabelStone Han draws as dotted boxes lettered "RLM", "RLO", "PDF"; and a comment
was dated 2026年12月07日 while its replies were dated 2026-12-07 21:03."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import datetime

import pymupdf

from drawreview.report.model import Reply
from drawreview.report.pdf import render_report

MARKS = "\u200f\u202e\u202c\u200b\u2066\u2069\u00ad\ufeff"  # RLM, RLO, PDF, ZWSP, RLI, PDI, soft hyphen, BOM


def _poppler(tool: str, pdf: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    args = [tool, "-raw", str(path), "-"] if tool == "pdftotext" else [tool, str(path)]
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=120).stdout


def _one_comment(sample_data, **changes):
    d = sample_data.disciplines[0]
    c = replace(d.comments[0], **changes)
    return replace(sample_data, disciplines=(replace(d, comments=(c,)),)), c


def test_format_characters_are_not_drawn(sample_data, tmp_path):
    answer = f"接闪网格已按{MARKS[0]}(RTL){MARKS[0]}调整{MARKS[1]}RLO{MARKS[2]}末尾{MARKS[3:]}完"
    at = datetime(2026, 12, 7, 21, 3)
    data, _c = _one_comment(sample_data, thread=(Reply(author="设计人 赵磊", org="示范设计院", at=at, text=answer),))
    data = replace(data, project=replace(data.project, name=f"项目{MARKS[3]}名称{MARKS[0]}"))
    pdf, info = render_report(data)
    assert not info.missing_glyphs
    text = _poppler("pdftotext", pdf, tmp_path)
    flat = "".join(text.split())
    assert "接闪网格已按(RTL)调整RLO末尾完" in flat and "项目名称" in flat
    assert not set(MARKS) & set(text)
    # nothing was drawn for them: no glyph of the font that has their dotted boxes
    assert "BabelStone" not in _poppler("pdffonts", pdf, tmp_path)
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        drawn = {ch["c"] for page in doc for block in page.get_text("rawdict")["blocks"]
                 for line in block.get("lines", ()) for span in line["spans"] for ch in span["chars"]}
    assert not set(MARKS) & drawn


def test_a_comment_and_its_replies_are_dated_alike(sample_data, tmp_path):
    raised, answered = datetime(2026, 12, 7, 9, 5), datetime(2026, 12, 8, 14, 30)
    data, c = _one_comment(sample_data, created_at=raised,
                           thread=(Reply(author="设计人 赵磊", org="示范设计院", at=answered, text="已按意见修改"),))
    pdf, _info = render_report(data)
    flat = "".join(_poppler("pdftotext", pdf, tmp_path).split())
    assert f"{c.author.replace(' ', '')}2026年12月07日09:05：{c.text.replace(' ', '')}" in flat
    assert "设计人赵磊（示范设计院）2026年12月08日14:30：已按意见修改" in flat
    assert "2026-12-08" not in flat
