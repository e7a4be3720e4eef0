"""A submission of many files (a zip of single-sheet PDFs): the file table and the submission
API list failed and unfinished files whatever their place, then the first of the rest, and say
how many there are — the page stays small, nothing is hidden silently. Expected answers are
recomputed here from the set's definition, on both databases."""

from __future__ import annotations

import asyncio
import re

import pytest

from drawreview.db import Database
from drawreview.models import DrawingFile
from tests import drawing_inputs as di

N = 260
LIMIT = 200  # the page's table (services/file_list.SHOWN)


def state_of(i: int) -> str:
    return "failed" if i % 50 == 49 else ("processing" if i == 255 else "ready")


@pytest.fixture(scope="module")
def many(stack, client):
    sid = di.new_submission(client, stack)

    async def seed():
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                for i in range(N):
                    s.add(DrawingFile(submission_id=sid, sha256=f"{i:064x}", original_name=f"图-{i:03d}.pdf", size=1,
                                      format="pdf", state=state_of(i), progress=1.0 if state_of(i) == "ready" else 0.5))
                await s.commit()
        finally:
            await db.close()

    asyncio.run(seed())
    return sid


def expected(limit: int) -> list[str]:
    attention = [i for i in range(N) if state_of(i) != "ready"]
    rest = [i for i in range(N) if state_of(i) == "ready"][:limit - len(attention)]
    return [f"图-{i:03d}.pdf" for i in sorted(attention + rest)]


def test_the_api_lists_what_needs_attention_first(stack, client, many):
    h = stack.token_headers("designer")
    whole = client.get(f"/api/submissions/{many}", headers=h).json()["data"]
    assert len(whole["files"]) == N and whole["file_counts"]["total"] == N  # no limit asked: every file
    part = client.get(f"/api/submissions/{many}", headers=h, params={"files_limit": LIMIT}).json()["data"]
    assert [f["original_name"] for f in part["files"]] == expected(LIMIT)
    assert {"图-249.pdf", "图-255.pdf"} <= {f["original_name"] for f in part["files"]}  # beyond the first 200
    counts = part["file_counts"]
    assert counts["total"] == N and counts["shown"] == LIMIT
    assert counts["by_state"] == {s: sum(state_of(i) == s for i in range(N)) for s in ("failed", "processing", "ready")}
    small = client.get(f"/api/submissions/{many}", headers=h, params={"files_limit": 3}).json()["data"]
    assert [f["original_name"] for f in small["files"]] == ["图-049.pdf", "图-099.pdf", "图-149.pdf"]
    for bad in ("0", "x", "5001", "-1"):
        r = client.get(f"/api/submissions/{many}", headers=h, params={"files_limit": bad})
        assert r.status_code == 422 and "files_limit" in r.json()["error"]["details"], bad


def test_the_project_page_lists_part_and_says_so(stack, client, many):
    h = stack.token_headers("designer")
    pid = stack.demo["project_id"]
    html = client.get(f"/projects/{pid}", headers=h, params={"submission": many}).text
    table = html[html.index('id="files"'):html.index("</table>", html.index('id="files"'))]
    names = re.findall(r"图-\d{3}\.pdf", table)
    assert names == expected(LIMIT)
    counts = html[html.index('id="file-counts"'):html.index("</p>", html.index('id="file-counts"'))]
    assert "hidden" not in counts.split(">")[0] and f"共 {N} 个文件" in counts and f"列出 {LIMIT} 个" in counts
    assert f"submission={many}&amp;files=all" in counts
    every = client.get(f"/projects/{pid}", headers=h, params={"submission": many, "files": "all"}).text
    table = every[every.index('id="files"'):every.index("</table>", every.index('id="files"'))]
    assert re.findall(r"图-\d{3}\.pdf", table) == [f"图-{i:03d}.pdf" for i in range(N)]
    english = client.get(f"/projects/{pid}", headers={**h, "Accept-Language": "en"}, params={"submission": many}).text
    assert f"{N} files; {LIMIT} listed here" in english


def test_a_small_set_is_listed_whole_without_a_note(stack, client):
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("a.dxf", di.plan(("建施-01",), ("一层",)))])
    h = stack.token_headers("designer")
    html = client.get(f"/projects/{stack.demo['project_id']}", headers=h, params={"submission": sid}).text
    counts = html[html.index('id="file-counts"'):]
    assert counts.split(">")[0].rstrip().endswith("hidden")
    data = client.get(f"/api/submissions/{sid}", headers=h, params={"files_limit": LIMIT}).json()["data"]
    assert [f["original_name"] for f in data["files"]] == ["a.dxf"] and data["file_counts"]["shown"] == 1
