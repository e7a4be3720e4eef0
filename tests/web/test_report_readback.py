"""The issued 审查意见书 examined from outside: issued through the HTTP API as the window does,
then read back only with poppler (pdftotext, pdffonts) — never with the code that wrote it."""

from __future__ import annotations

import re
import subprocess
import uuid
from pathlib import Path

from tests.web.matrix.reports import create_report_world

RARE = "𠀀鿰"  # CJK Extension B and a recent Unified Ideograph: drawn with the fallback fonts


def _tool(args: list[str], pdf: bytes, tmp: Path) -> str:
    path = tmp / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(pdf)
    return subprocess.run([*args, str(path), *(["-"] if args[0] == "pdftotext" else [])], capture_output=True,
                          text=True, timeout=120, check=True).stdout


def _issue(stack, client, world) -> bytes:
    r = client.post(f"/api/submissions/{world['submission_id']}/report", headers=stack.token_headers("window"))
    assert r.status_code == 200, r.text
    report = client.get(f"/api/projects/{world['project_id']}/reports", headers=stack.token_headers("window")).json()["data"][-1]
    return client.get(report["pdf_url"], headers=stack.token_headers("builder")).content


def _none_has() -> str:
    """A character no report font draws (it must become □)."""
    from drawreview.report.font import font_chain, missing_chars

    return next(ch for ch in "🚒🛸🧯\U0001fa90" if missing_chars(font_chain(), ch))


def test_a_sheet_title_the_font_cannot_draw_does_not_block_the_report(stack, client, tmp_path):
    """A rare character in a sheet title (shown in the drawings list, a field gathered apart from
    the comments) refused the whole report with 422 "报告字体缺少以下字符": the authority could
    not issue it at all. Now the title is printed as written where a report font has the glyph
    (𠀀 and 鿰 from the fallback fonts, read back by pdftotext as written), □ where none has,
    and the issue is audited with the replaced characters."""
    world = create_report_world(stack, state="concluded")
    window = stack.token_headers("window")
    sheet = client.get(f"/api/submissions/{world['submission_id']}/sheets", headers=window).json()["data"][0]
    lost = _none_has()
    title = f"总平面图{RARE}（甲）{lost}"
    r = client.patch(f"/api/sheets/{sheet['id']}", headers=window, json={"title": title, "reason": "图名按设计单位来函更正"})
    assert r.status_code == 200, r.text
    pdf = _issue(stack, client, world)
    flat = re.sub(r"\s+", "", _tool(["pdftotext", "-layout"], pdf, tmp_path))
    assert title.replace(lost, "□") in flat and sheet["number"] in flat
    fonts = _tool(["pdffonts"], pdf, tmp_path).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # every font embedded
    trail = client.get(f"/api/projects/{world['project_id']}/audit", headers=window,
                       params={"action": "report.issue"}).json()["data"]["entries"]
    assert trail[-1]["detail"]["replaced_chars"] == [lost]


def _words(pdf: bytes, tmp: Path) -> list[tuple[int, float, float, str]]:
    """(page, yMin, yMax, word) for every word poppler finds, with each page's height."""
    html = _tool(["pdftotext", "-bbox"], pdf, tmp)
    out, page, height = [], 0, 0.0
    for line in html.splitlines():
        if m := re.search(r'<page width="[\d.]+" height="([\d.]+)"', line):
            page, height = page + 1, float(m.group(1))
        elif m := re.search(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*)</word>', line):
            out.append((page, float(m.group(1)) / height, float(m.group(2)) / height, m.group(3)))
    return out


def _set_opinion(stack, submission_id: int, discipline: str, opinion: str) -> None:
    from sqlmodel import select

    from drawreview.models import ReviewTask
    from tests.services.reviews_world import run

    async def go(s):
        task = (await s.exec(select(ReviewTask).where(ReviewTask.submission_id == submission_id,
                                                      ReviewTask.discipline == discipline))).one()
        task.opinion = opinion
        s.add(task)
    run(stack, go)


def test_a_conclusion_taller_than_a_page_continues_on_the_next_page(stack, client, tmp_path):
    """A written opinion of a few thousand characters made its row in the conclusions table
    (审查结论) taller than a page: the row ran over the footer and off the bottom edge, and
    the end of the opinion was lost. The row now continues on the next page, under the
    repeated header; poppler finds the whole opinion and nothing below the footer line."""
    world = create_report_world(stack, state="concluded")
    opinion = "疏散楼梯间前室面积不足，" * 250 + "意见到此结束"
    _set_opinion(stack, world["submission_id"], "fire", opinion)
    pdf = _issue(stack, client, world)
    flat = re.sub(r"\s+", "", _tool(["pdftotext", "-raw"], pdf, tmp_path))
    assert flat.count("意见到此结束") == 2  # the discipline's section and the conclusions table
    words = _words(pdf, tmp_path)
    footers = {p: y0 for p, y0, _, w in words if w == "页" and y0 > 0.9}  # "第 n 页 / 共 N 页"
    assert footers and all(y1 <= 1.0 for _, _, y1, _ in words)  # nothing past the page's edge
    body = [(p, y1) for p, _, y1, w in words if "疏散楼梯间" in w or "前室面积" in w]
    assert all(y1 < footers[p] for p, y1 in body)  # the opinion never runs into the footer


def test_a_signer_s_long_name_is_printed_whole_on_the_signature_line(stack, client, tmp_path):
    """The signature block cut reviewers' and checkers' names to 80 points with "…": the line
    that says who signs named part of a person. Names now wrap within their column."""
    from drawreview.services import accounts
    from tests.services.reviews_world import run

    checker_name = "审核人 Maximilian Alexander von Hohenberg-Schönfeld"
    username = f"chk{uuid.uuid4().hex[:8]}"

    async def make(s):
        authority = await accounts.get_or_create_org(s, stack.account("window")["org"], "review_authority",
                                                     actor="test")
        user = await accounts.create_user(s, username, "a-long-password-1", "window", checker_name, None, authority,
                                          actor="test")
        return user.id
    checker_id = run(stack, make)
    world = create_report_world(stack, state="concluded")
    r = client.post(f"/api/submissions/{world['submission_id']}/report", headers=stack.token_headers("window"),
                    json={"checkers": {"fire": checker_id}})
    assert r.status_code == 200, r.text
    report = client.get(f"/api/projects/{world['project_id']}/reports", headers=stack.token_headers("window")).json()["data"][-1]
    pdf = client.get(report["pdf_url"], headers=stack.token_headers("builder")).content
    flat = re.sub(r"\s+", "", _tool(["pdftotext", "-raw"], pdf, tmp_path))
    whole = re.sub(r"\s+", "", checker_name)
    assert whole in flat
    # wherever the name starts, it is there in full (no "审核人Maximilian…")
    assert flat.count(whole[:12]) == flat.count(whole) and "…" not in flat.split("签章Signatures")[-1].split("综合")[0]


def test_the_report_says_when_it_was_issued_in_its_metadata(stack, client, tmp_path):
    """pdfinfo showed no CreationDate: the document's own metadata did not say when it was made.
    It is now the issue time in Beijing time with its offset: the day the cover prints as 出具日期
    and the time the signature carries (ModDate is the signing time, set by the signer)."""
    world = create_report_world(stack, state="concluded")
    pdf = _issue(stack, client, world)
    info = dict(line.split(":", 1) for line in _tool(["pdfinfo", "-isodates"], pdf, tmp_path).splitlines() if ":" in line)
    created = info.get("CreationDate", "").strip()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08(:00)?", created), info
    day = created[:10]
    flat = re.sub(r"\s+", "", _tool(["pdftotext", "-layout"], pdf, tmp_path))
    assert f"出具日期Issued{day[:4]}年{day[5:7]}月{day[8:10]}日" in flat
    signed = re.search(r"签署时间(\d{4}-\d\d-\d\d)(\d\d:\d\d)\+0800", flat)
    assert signed and signed.group(1) == day and created[11:16] == signed.group(2)


def test_a_failed_review_says_the_case_is_closed_and_what_follows(stack, client, tmp_path):
    """A 审查不合格 report ended with the verdict and said nothing of what follows, while the
    case is closed (no reply, no new revision: decision 030) and its comments still read
    "待回复". It now says the case is closed and the project must be submitted anew; a
    revision-required report keeps its reply deadline and has no such sentence."""
    failed = create_report_world(stack, state="concluded", verdict="rejected")
    flat = re.sub(r"\s+", "", _tool(["pdftotext", "-layout"], _issue(stack, client, failed), tmp_path))
    assert "综合审查结论：审查不合格" in flat and "本次审查终结" in flat and "重新申报审查" in flat
    assert "前逐条回复审查意见" not in flat
    revise = create_report_world(stack, state="concluded", verdict="revision_required")
    flat = re.sub(r"\s+", "", _tool(["pdftotext", "-layout"], _issue(stack, client, revise), tmp_path))
    assert "前逐条回复审查意见" in flat and "本次审查终结" not in flat
