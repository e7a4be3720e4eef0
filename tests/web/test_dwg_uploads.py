"""DWG uploads through the API in both modes: alone, several, inside a zip in a GBK-named
folder; converted in a drawing child, split and rendered like a DXF, rule-checked; bad DWGs
each get their specific error while the other files of the set are kept and the server keeps
serving."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from drawreview.app import create_app
from drawreview.cad import specimen
from tests import drawing_inputs as di
from tests.conftest import SHARED
from tests.dwg_inputs import dxf_to_dwg, gbk_zip

DWGS = SHARED / "drawings" / "dwg"


def designer(stack):
    return stack.token_headers("designer")


@pytest.fixture(scope="module")
def cn_dwg(tmp_path_factory) -> bytes:
    d = tmp_path_factory.mktemp("cn-dwg")
    dxf = specimen.floor_plan(d / "plan.dxf", frames=2, rooms=(2, 2), dimensions=0,
                              numbers=["建施-01", "建施-02"], titles=["一层平面图", "二层平面图"])
    return dxf_to_dwg(dxf, d / "plan.dwg").read_bytes()


@pytest.fixture(scope="module")
def cn_dwg_fire(tmp_path_factory) -> bytes:
    d = tmp_path_factory.mktemp("cn-dwg-fire")
    dxf = specimen.floor_plan(d / "fire.dxf", frames=1, rooms=(2, 2), dimensions=0,
                              numbers=["消施-01"], titles=["消防平面图"])
    return dxf_to_dwg(dxf, d / "fire.dwg").read_bytes()


def _sheets(client, stack, sid):
    return client.get(f"/api/submissions/{sid}/sheets", headers=designer(stack)).json()["data"]


def test_dwg_alone_several_and_in_a_gbk_zip(stack, client, cn_dwg, cn_dwg_fire):
    sid = di.new_submission(client, stack)
    zipped = gbk_zip({"建筑施工图/消防/消防平面.dwg": cn_dwg_fire, "说明.txt": b"plain text"})
    di.upload(client, stack, sid, [("一层.dwg", cn_dwg)])  # alone
    di.upload(client, stack, sid, [("样例2018.dwg", (DWGS / "acadsharp__sample_AC1032.dwg").read_bytes()),
                                   ("样例R14.dwg", (DWGS / "acadsharp__sample_AC1014.dwg").read_bytes()),
                                   ("建筑对象.dwg", (DWGS / "acadsharp__AecObjects.dwg").read_bytes()),
                                   ("图纸.zip", zipped)])
    files = di.by_name(di.wait_files(client, stack, sid))
    for name in ("一层.dwg", "样例2018.dwg", "样例R14.dwg", "建筑对象.dwg", "建筑施工图/消防/消防平面.dwg"):
        assert files[name]["state"] == "ready" and files[name]["format"] == "dwg", files[name]
    assert files["图纸.zip"]["state"] == "ready"
    assert [e["name"] for e in files["图纸.zip"]["error"]["entries"]] == ["说明.txt"]
    # what the conversion left out is a note on an intact file, not a repair
    assert any("MULTILEADER" in n and "多重引线" in n for n in files["样例2018.dwg"]["notes"])
    assert any("AEC_WALL" in n and "AECEXPORTTOAUTOCAD" in n for n in files["建筑对象.dwg"]["notes"])
    assert not any("DWG" in n for n in files["样例2018.dwg"]["repairs"] + files["建筑对象.dwg"]["repairs"])

    got = _sheets(client, stack, sid)
    by_file = {}
    for s in got:
        by_file.setdefault(s["file_id"], []).append(s)
    assert [s["number"] for s in by_file[files["一层.dwg"]["id"]]] == ["建施-01", "建施-02"]
    assert [s["title"] for s in by_file[files["一层.dwg"]["id"]]] == ["一层平面图", "二层平面图"]
    assert [s["number"] for s in by_file[files["建筑施工图/消防/消防平面.dwg"]["id"]]] == ["消施-01"]
    assert len(by_file[files["样例2018.dwg"]["id"]]) == 4 and len(by_file[files["样例R14.dwg"]["id"]]) == 4
    assert all(s["state"] == "ready" for s in got)
    first = by_file[files["一层.dwg"]["id"]][0]
    assert first["units"] == "mm"
    tile = client.get(f"/api/sheets/{first['id']}/tiles/0/0/0.png", headers=designer(stack))
    assert tile.status_code == 200 and tile.content[:4] == b"\x89PNG"
    texts = client.get(f"/api/sheets/{first['id']}/texts?q=卫生间", headers=designer(stack)).json()["data"]
    assert texts, "the GBK room labels are searchable"
    # the API says what it accepts
    data = client.get(f"/api/submissions/{sid}", headers=designer(stack)).json()["data"]
    assert data["accepted_formats"] == ["dwg", "dxf", "pdf", "zip"]
    assert client.get("/healthz").status_code == 200


def test_bad_dwgs_get_specific_errors_and_the_set_is_kept(stack, client, cn_dwg):
    sample = (DWGS / "acadsharp__sample_AC1032.dwg").read_bytes()
    pdf = next(p for p in (SHARED / "drawings").iterdir() if p.suffix == ".pdf").read_bytes()
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [
        ("截断.dwg", sample[: len(sample) // 2]),
        ("乱码.dwg", sample[:128] + bytes((i * 7919) % 251 for i in range(100_000))),
        ("其实是DXF.dwg", di.plan()),
        ("其实是PDF.dwg", pdf),
        ("R12.dwg", di.DWG_R12),
        ("地理位置.dwg", (DWGS / "acadsharp__geoloc.dwg").read_bytes()),
        ("好图.dwg", cn_dwg),
    ])
    files = di.by_name(di.wait_files(client, stack, sid))

    def error(name, code, zh, en):
        f = files[name]
        assert f["state"] == "failed" and f["error"]["code"] == code, f
        assert zh in f["error"]["messages"]["zh-CN"] and en in f["error"]["messages"]["en"], f["error"]
        assert name in f["error"]["messages"]["zh-CN"] and name in f["error"]["messages"]["en"]

    error("截断.dwg", "truncated_drawing", "R2018/AC1032", "truncated")
    error("乱码.dwg", "dwg_unreadable", "已损坏", "R2004 file header")
    error("R12.dwg", "dwg_version_unsupported", "R11/R12（AC1009）", "older than")
    error("地理位置.dwg", "no_drawable_content", "没有可显示的内容", "no drawable content")
    assert files["其实是DXF.dwg"]["state"] == "ready" and files["其实是DXF.dwg"]["format"] == "dxf"
    assert files["其实是PDF.dwg"]["state"] == "ready" and files["其实是PDF.dwg"]["format"] == "pdf"
    assert files["好图.dwg"]["state"] == "ready"
    numbers = [s["number"] for s in _sheets(client, stack, sid) if s["file_id"] == files["好图.dwg"]["id"]]
    assert numbers == ["建施-01", "建施-02"]
    assert client.get("/healthz").status_code == 200


def test_dwg_with_more_objects_than_the_limit(stack, cn_dwg, tmp_path):
    """DRAWREVIEW_DWG_MAX_OBJECTS stops the reader in the child: a specific error, and the next
    file of the set (a DXF) is processed."""
    settings = stack.settings.with_(dwg_max_objects=300)
    limited = dataclasses.replace(stack, settings=settings)
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        sid = di.new_submission(client, limited)
        di.upload(client, limited, sid, [("大图.dwg", cn_dwg), ("好图.dxf", di.plan())])
        files = di.by_name(di.wait_files(client, limited, sid))
        f = files["大图.dwg"]
        assert f["state"] == "failed" and f["error"]["code"] == "dwg_too_complex", f
        assert "300" in f["error"]["messages"]["en"] and "大图.dwg" in f["error"]["messages"]["zh-CN"]
        assert files["好图.dxf"]["state"] == "ready"
        assert client.get("/healthz").status_code == 200


def test_upload_page_names_the_formats(stack, client):
    from drawreview.web.i18n import t

    assert "DWG" in t("upload.drop", "zh-CN") and "DWG" in t("upload.drop", "en")
    page = Path(__file__).resolve().parents[2] / "drawreview" / "web" / "templates" / "project.html"
    assert 'accept=".dwg,.dxf,.pdf,.zip"' in page.read_text(encoding="utf-8")
    spec = client.get("/api/openapi.json").json()
    summaries = [op.get("summary", "") for path in spec["paths"].values() for op in path.values()
                 if isinstance(op, dict)]
    assert any("DWG" in s and "DXF" in s and "PDF" in s and "ZIP" in s for s in summaries)
