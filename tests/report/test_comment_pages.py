"""A comment's parts across pages: a reply (or the drawing crop) that starts a page names the
comment it belongs to. Found by reading an issued three-round report back with pdftotext: the
designer's answer "↳ 设计人 …：已修改" stood alone at the top of a page, under no comment, and
read as an answer to whatever came before (decision 132). Read back with poppler per page."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import datetime

from drawreview.report.model import Reply
from drawreview.report.pdf import render_report
from drawreview.report.sample import sample_report


def _pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=120).stdout
    return text.split("\f")


def test_every_reply_is_on_a_page_that_names_its_comment(tmp_path):
    data = sample_report(tmp_path / "sheets", comments=24, sheets_per_discipline=2, lines=300)
    sections = []
    for d in data.disciplines:
        comments = []
        for c in d.comments:
            n = int(c.id)
            body = "疏散楼梯的设置与防火分区的划分应按规范复核。" * (1 + (n * 7) % 23)
            thread = [Reply(author="设计人 赵磊", org="示范设计院", at=datetime(2026, 12, 7, 10, k),
                            text=f"答复意见#{c.id}第{k}次：" + "已按意见修改。" * (1 + (n + k) % 9)) for k in range(1 + n % 3)]
            comments.append(replace(c, text=body, thread=tuple(thread)))
        sections.append(replace(d, comments=tuple(comments)))
    pdf, _info = render_report(replace(data, disciplines=tuple(sections)))
    pages = _pages(pdf, tmp_path)
    seen = 0
    for page in pages:
        for reply_of in re.findall(r"答复意见#(\d+)第\d+次", page.replace("\n", "")):
            seen += 1
            assert f"（#{reply_of}）" in page, page[:300]
    assert seen == sum(len(c.thread) for d in sections for c in d.comments)  # every reply read back
    starts = [p.lstrip().split("\n", 1)[0] for p in pages if p.strip()]
    assert not [s for s in starts if s.startswith("↳")]
    assert any("（续） Comment" in s for s in starts)  # the case arose: a part of a comment started a page
