"""Bad input from outside, fifth pass (decision 162), against real server processes in both
modes with an httpx client: a DXF behind many 999 comments is a drawing (it failed as "text"); a
DXF saved as UTF-16 is told as such in both languages (it was "unknown data"); names keep no
format characters (a U+202E override showed ``gpj.dxf`` reversed, as ``fxd.jpg``) and are NFC,
so the same file named on a Mac (NFD) and elsewhere is one file; a project name of zero-width
characters is blank. The other files of the request and the submission are untouched."""

from __future__ import annotations

import io
import time
import unicodedata
import zipfile

import ezdxf
import httpx


def _dxf(text: str = "一层平面图 建施-01") -> bytes:
    doc = ezdxf.new()
    doc.modelspace().add_text(text)
    out = io.StringIO()
    doc.write(out)
    return out.getvalue().encode("utf-8")


def _designer(stack) -> dict:
    return {**stack.token_headers("designer"), "Accept-Language": "en"}


def _new_project(stack, url: str, name: str = "第五轮坏输入") -> httpx.Response:
    return httpx.post(f"{url}/api/projects", headers=_designer(stack), timeout=30,
                      json={"name": name, "construction_unit_id": stack.account("builder")["org_id"],
                            "design_institute_id": stack.account("designer")["org_id"]})


def _submission(stack, url: str) -> int:
    r = _new_project(stack, url)
    assert r.status_code == 200, r.text
    r = httpx.post(f"{url}/api/projects/{r.json()['data']['id']}/submissions", headers=_designer(stack), timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["data"]["id"]


def _upload(stack, url: str, sid: int, files: list[tuple[str, bytes]]) -> list[dict]:
    r = httpx.post(f"{url}/api/submissions/{sid}/files", headers=_designer(stack), timeout=120,
                   files=[("file", (name, data)) for name, data in files])
    assert r.status_code == 200, r.text
    return r.json()["data"]["files"]


def _settled(stack, url: str, sid: int, timeout: float = 120.0) -> dict[str, dict]:
    deadline = time.monotonic() + timeout
    while True:
        r = httpx.get(f"{url}/api/submissions/{sid}", headers=_designer(stack), timeout=30)
        files = r.json()["data"]["files"]
        if all(f["state"] in ("ready", "failed") for f in files) or time.monotonic() > deadline:
            return {f["original_name"]: f for f in files}
        time.sleep(0.5)


def test_a_dxf_behind_comments_is_read_and_a_utf16_dxf_is_named(stack, servers):
    url = servers[-1]
    sid = _submission(stack, url)
    plan = _dxf()
    _upload(stack, url, sid, [
        ("建施-01.dxf", b"999\nnotice line written by an exporter\n" * 2_000 + plan),
        ("建施-02.dxf", plan.decode("utf-8").encode("utf-16")),
        ("建施-03.dxf", _dxf("二层平面图 建施-03")),
    ])
    files = _settled(stack, url, sid)
    assert files["建施-01.dxf"]["state"] == "ready" and files["建施-01.dxf"]["error"] is None, files["建施-01.dxf"]
    err = files["建施-02.dxf"]["error"]
    assert files["建施-02.dxf"]["state"] == "failed" and err["code"] == "dxf_utf16", err
    assert "建施-02.dxf" in err["messages"]["zh-CN"] and "UTF-16" in err["messages"]["zh-CN"]
    assert "另存为" in err["messages"]["zh-CN"] and "save it again from CAD" in err["messages"]["en"]
    assert files["建施-03.dxf"]["state"] == "ready"
    sheets = httpx.get(f"{url}/api/submissions/{sid}/sheets", headers=_designer(stack), timeout=30)
    assert sheets.status_code == 200 and len(sheets.json()["data"]) >= 2, sheets.text[:300]


def test_names_keep_no_format_characters_and_are_nfc(stack, servers):
    url = servers[-1]
    sid = _submission(stack, url)
    plan = _dxf()
    nfd = unicodedata.normalize("NFD", "总图-é.dxf")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("图纸/\u202egpj.dxf", _dxf("二层平面图"))
        zf.writestr("图纸/\u200b建施-05\ufeff.dxf", _dxf("三层平面图"))
    rows = _upload(stack, url, sid, [("\u202egpj.dxf", _dxf("屋顶平面图")), (nfd, plan), ("总图-é.dxf", plan),
                                     ("图纸.zip", archive.getvalue())])
    assert [r["original_name"] for r in rows][:3] == ["gpj.dxf", "总图-é.dxf", "总图-é.dxf"]
    assert rows[1]["id"] == rows[2]["id"]  # one file: the same bytes under the same name
    files = _settled(stack, url, sid)
    assert set(files) == {"gpj.dxf", "总图-é.dxf", "图纸.zip", "图纸/gpj.dxf", "图纸/建施-05.dxf"}, list(files)
    assert all(f["state"] == "ready" for f in files.values()), files


def test_a_project_name_of_invisible_characters_is_blank(stack, servers):
    url = servers[0]
    for name in ("\u200b\u200b", "\ufeff", "\u202e \u2066"):
        r = _new_project(stack, url, name)
        assert r.status_code == 422, (name, r.text)
        error = r.json()["error"]
        assert error["code"] == "validation_failed" and "name" in error["details"]
        assert error["messages"]["zh-CN"] and error["messages"]["en"]
    r = _new_project(stack, url, "\u202e示范工程")
    assert r.status_code == 200 and r.json()["data"]["name"] == "示范工程", r.text
