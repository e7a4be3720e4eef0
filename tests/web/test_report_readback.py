"""The issued 审查意见书 examined from outside: issued through the HTTP API as the window does,
then read back only with poppler (pdftotext, pdffonts) — never with the code that wrote it."""

from __future__ import annotations

import re
import subprocess
import uuid
from pathlib import Path

from tests.web.matrix.reports import create_report_world

RARE = "𠀀鿰"  # CJK Extension B and a recent Unified Ideograph: the default report font has neither


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


def _drawn(text: str, flat: str, font_lacks: str) -> bool:
    """``text`` appears in ``flat``, each character the font lacks drawn as □."""
    return "".join("□" if ch in font_lacks else ch for ch in text) in flat


def test_a_sheet_title_the_font_cannot_draw_does_not_block_the_report(stack, client, tmp_path):
    """A rare character in a sheet title (shown in the drawings list, a field gathered apart from
    the comments) refused the whole report with 422 "报告字体缺少以下字符": the authority could
    not issue it at all. Now it is drawn as □ like everywhere else and the issue is audited."""
    world = create_report_world(stack, state="concluded")
    window = stack.token_headers("window")
    sheet = client.get(f"/api/submissions/{world['submission_id']}/sheets", headers=window).json()["data"][0]
    title = f"总平面图{RARE}（甲）"
    r = client.patch(f"/api/sheets/{sheet['id']}", headers=window, json={"title": title, "reason": "图名按设计单位来函更正"})
    assert r.status_code == 200, r.text
    pdf = _issue(stack, client, world)
    flat = re.sub(r"\s+", "", _tool(["pdftotext", "-layout"], pdf, tmp_path))
    assert _drawn(title, flat, RARE) and sheet["number"] in flat
    fonts = _tool(["pdffonts"], pdf, tmp_path).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # every font embedded
    trail = client.get(f"/api/projects/{world['project_id']}/audit", headers=window,
                       params={"action": "report.issue"}).json()["data"]["entries"]
    assert set(RARE) <= set(trail[-1]["detail"]["replaced_chars"])
