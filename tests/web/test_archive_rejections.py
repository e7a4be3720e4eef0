"""An archive with many refused members (decision 134): its row says how many were refused and
for which reasons, and lists the first 50 with their own messages, in zh-CN and English; the
members that are drawings are accepted; the file list stays small. Before, every refused member
was listed: 20,000 text files in a zip (the entry limit) made a 12 MB row, sent with every file
list, project page and each poll of them. Both modes, through the API and the processing job."""

from __future__ import annotations

from tests import drawing_inputs as di

REFUSED = 400


def test_an_archive_of_many_refused_members_lists_the_first_fifty(stack, client):
    entries = {f"说明/第{i:03d}号.txt": f"第 {i} 号说明\n".encode() for i in range(REFUSED)}
    entries["../逃逸.dxf"] = di.simple_dxf()
    entries["图纸/建施-01.dxf"] = di.plan(("建施-01",), ("一层平面图",))
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("杂物.zip", di.zip_of(entries))])
    files = di.by_name(di.wait_files(client, stack, sid))
    z = files["杂物.zip"]
    assert z["state"] == "ready", z
    err = z["error"]
    assert err["code"] == "archive_entries_rejected"
    assert err["details"]["rejected"] == REFUSED + 1 and err["details"]["accepted"] == 1
    assert err["details"]["by_code"] == {"not_a_drawing": REFUSED, "unsafe_path": 1}
    assert err["details"]["listed"] == 50 and len(err["entries"]) == 50
    assert [e["name"] for e in err["entries"]] == [f"说明/第{i:03d}号.txt" for i in range(50)]  # in the archive's order
    assert all(e["messages"]["zh-CN"] and e["messages"]["en"] for e in err["entries"])
    assert f"有 {REFUSED + 1} 个文件被拒绝" in err["messages"]["zh-CN"] and "列出前 50 个" in err["messages"]["zh-CN"]
    assert f"{REFUSED + 1} entries of the archive were rejected" in err["messages"]["en"]
    assert f"{REFUSED + 1 - 50} more are not listed" in err["messages"]["en"]
    member = files["图纸/建施-01.dxf"]
    assert member["parent_id"] == z["id"] and member["state"] == "ready"
    r = client.get(f"/api/submissions/{sid}", headers=stack.token_headers("designer"))
    assert len(r.content) < 60_000, len(r.content)  # 400 listed entries: ~270 KB
    page = client.get(f"/projects/{stack.demo['project_id']}", headers=stack.token_headers("designer"))
    assert page.status_code == 200 and "第399号.txt" not in page.text
