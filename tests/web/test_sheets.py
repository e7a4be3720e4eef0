"""The sheets API in both modes: list, detail with layers, corrections (audit-logged), tiles
with ETags and hidden layers, thumbnail, text search, PDF download, revision matching."""

from __future__ import annotations

import asyncio

import pymupdf
import pytest
from sqlmodel import select

from tests import drawing_inputs as di


@pytest.fixture(scope="module")
def rev1(stack, client):
    """A submission of the demo project with a rendered two-sheet plan."""
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("平面图.dxf", di.plan())])
    assert di.wait_files(client, stack, sid)[0]["state"] == "ready"
    sheets = client.get(f"/api/submissions/{sid}/sheets", headers=stack.token_headers("designer")).json()["data"]
    return {"submission_id": sid, "sheets": sheets}


def H(stack, who="designer"):
    return stack.token_headers(who)


def test_list_has_the_contract_fields(stack, client, rev1):
    sheets = rev1["sheets"]
    assert [(s["number"], s["title"], s["discipline"]) for s in sheets] == [
        ("建施-01", "一层平面图", "建筑"), ("建施-02", "二层平面图", "建筑")]
    for s in sheets:
        assert {"id", "number", "title", "discipline", "state", "width", "height", "max_zoom", "transform",
                "units", "unit_m", "file_id"} <= set(s)
        assert s["state"] == "ready" and s["units"] == "mm" and s["unit_m"] == 0.001 and len(s["transform"]) == 3
    # the builder (construction unit) of the project sees them too
    assert client.get(f"/api/submissions/{rev1['submission_id']}/sheets", headers=H(stack, "builder")).status_code == 200


def test_detail_has_layers_and_tile_grid(stack, client, rev1):
    d = client.get(f"/api/sheets/{rev1['sheets'][0]['id']}", headers=H(stack)).json()["data"]
    names = {lay["name"] for lay in d["layers"]}
    assert {"WALL", "TK"} <= names
    assert d["tiles"]["max_zoom"] == d["max_zoom"] and d["tiles"]["tile_size"] == 256
    assert d["text_count"] > 0


def test_tiles_are_pngs_with_etags_and_layers(stack, client, rev1):
    sid = rev1["sheets"][0]["id"]
    url = f"/api/sheets/{sid}/tiles/0/0/0.png"
    r = client.get(url, headers=H(stack))
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content.startswith(b"\x89PNG") and "max-age" in r.headers["cache-control"]
    etag = r.headers["etag"]
    assert client.get(url, headers={**H(stack), "If-None-Match": etag}).status_code == 304
    hidden = client.get(url + "?hidden=WALL,TK", headers=H(stack))
    assert hidden.status_code == 200 and hidden.headers["etag"] != etag and hidden.content != r.content
    pix = pymupdf.Pixmap(r.content)
    assert (pix.width, pix.height) == (256, 256)
    out = client.get(f"/api/sheets/{sid}/tiles/0/1/0.png", headers=H(stack))
    assert out.status_code == 404 and out.json()["error"]["code"] == "not_found"
    too_deep = client.get(f"/api/sheets/{sid}/tiles/9/0/0.png", headers=H(stack))
    assert too_deep.status_code == 404


def test_the_first_tile_is_made_with_the_sheet(stack, client, rev1):
    async def pdf_sha(sheet_id):
        from drawreview.db import Database
        from drawreview.models import Sheet

        db = Database(stack.settings)
        async with db.session() as s:
            sha = (await s.get(Sheet, sheet_id)).pdf_sha256
        await db.close()
        return sha

    from drawreview.cad import tiles
    from drawreview.storage import make_storage

    sid = rev1["sheets"][1]["id"]
    storage = make_storage(stack.settings)
    sha = asyncio.run(pdf_sha(sid))
    made = storage.derived(sha, tiles.TILE0)
    assert made.is_file()  # the processing job left it beside the sheet PDF
    url = f"/api/sheets/{sid}/tiles/0/0/0.png"
    served = client.get(url, headers=H(stack)).content
    assert served == made.read_bytes()
    # the same picture the tile renderer draws from the stored sheet PDF
    assert pymupdf.Pixmap(served).samples == pymupdf.Pixmap(tiles.render_tile(str(storage.path(sha)), 0, 0, 0)).samples
    made.unlink()  # (a sheet processed before tiles were kept): drawn on request, then kept
    assert client.get(url, headers=H(stack)).content == served and made.read_bytes() == served


def test_thumbnail_and_pdf(stack, client, rev1):
    s = rev1["sheets"][1]
    thumb = client.get(f"/api/sheets/{s['id']}/thumbnail.png", headers=H(stack))
    assert thumb.status_code == 200 and thumb.content.startswith(b"\x89PNG")
    pdf = client.get(f"/api/sheets/{s['id']}/pdf", headers=H(stack))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" in pdf.headers["content-disposition"]
    doc = pymupdf.open(stream=pdf.content, filetype="pdf")
    assert doc.page_count == 1 and abs(doc[0].rect.width - s["width"]) < 0.01


def test_text_search(stack, client, rev1):
    sid = rev1["sheets"][0]["id"]
    found = client.get(f"/api/sheets/{sid}/texts", params={"q": "一层"}, headers=H(stack)).json()["data"]
    assert found["count"] >= 1 and all("一层" in t["text"] for t in found["texts"])
    assert all(len(t["bbox"]) == 4 for t in found["texts"])
    none = client.get(f"/api/sheets/{sid}/texts", params={"q": "不存在的文字"}, headers=H(stack)).json()["data"]
    assert none["count"] == 0


def test_designer_corrects_a_sheet_and_it_is_audited(stack, client, rev1):
    sid = rev1["sheets"][1]["id"]
    r = client.patch(f"/api/sheets/{sid}", json={"title": "二层平面图（修正）", "discipline": "建筑"}, headers=H(stack))
    assert r.status_code == 200 and r.json()["data"]["title"] == "二层平面图（修正）"
    bad = client.patch(f"/api/sheets/{sid}", json={"number": 5}, headers=H(stack))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_failed"
    assert client.patch(f"/api/sheets/{sid}", json={"title": "x"}, headers=H(stack, "builder")).status_code == 403

    async def entries():
        from drawreview.db import Database
        from drawreview.models import AuditEntry

        db = Database(stack.settings)
        async with db.session() as s:
            rows = (await s.exec(select(AuditEntry).where(AuditEntry.action == "sheet.update",
                                                          AuditEntry.object_id == str(sid)))).all()
        await db.close()
        return rows

    rows = asyncio.run(entries())
    assert rows and rows[-1].actor == "designer" and rows[-1].detail["after"]["title"] == "二层平面图（修正）"


def test_next_revision_is_matched_by_number(stack, client, rev1):
    sid2 = di.new_submission(client, stack)
    di.upload(client, stack, sid2, [("平面图-二版.dxf", di.plan(("建施-02", "建施-05"), ("二层", "五层")))])
    di.wait_files(client, stack, sid2)
    sheets2 = client.get(f"/api/submissions/{sid2}/sheets", headers=H(stack)).json()["data"]
    old = {s["number"]: s["id"] for s in rev1["sheets"]}
    assert {s["number"]: s["matched_sheet_id"] for s in sheets2} == {"建施-02": old["建施-02"], "建施-05": None}
    # renumbering rev 2's second sheet to 建施-01 matches it to rev 1's 建施-01
    fifth = next(s for s in sheets2 if s["number"] == "建施-05")
    r = client.patch(f"/api/sheets/{fifth['id']}", json={"number": "建施-01"}, headers=H(stack))
    assert r.json()["data"]["matched_sheet_id"] == old["建施-01"]


def test_a_sheet_still_rendering_answers_409(stack, client, rev1):
    async def make_pending():
        from drawreview.db import Database
        from drawreview.models import Sheet

        db = Database(stack.settings)
        async with db.session() as s:
            first = await s.get(Sheet, rev1["sheets"][0]["id"])
            pending = Sheet(file_id=first.file_id, submission_id=first.submission_id, key="pending-test",
                            state="processing")
            s.add(pending)
            await s.commit()
            sheet_id = pending.id
        await db.close()
        return sheet_id

    sid = asyncio.run(make_pending())
    r = client.get(f"/api/sheets/{sid}/tiles/0/0/0.png", headers=H(stack))
    assert r.status_code == 409 and r.json()["error"]["code"] == "sheet_not_ready"


def test_the_project_page_lists_files_and_sheets(stack, client, rev1):
    r = client.get(f"/projects/{stack.demo['project_id']}?submission={rev1['submission_id']}", headers=H(stack))
    assert r.status_code == 200
    assert "上传图纸" in r.text and "/static/upload.js" in r.text and "建施-01" in r.text
    assert client.get(f"/projects/{stack.demo['project_id']}", headers=H(stack, "planning")).status_code == 404


def test_sheets_are_locked_for_the_institute_once_submitted(stack, client):
    """The design institute corrects sheets only while its submission is an editable draft;
    afterwards only the window does, with a reason that goes into the audit log."""
    orgs = stack.demo["organisations"]
    project = client.post("/api/projects", headers=H(stack), json={
        "name": "图纸锁定项目", "construction_unit_id": orgs["示范置业有限公司"],
        "design_institute_id": orgs["示范建筑设计研究院有限公司"]}).json()["data"]
    sub_id = di.new_submission(client, stack, project["id"])
    di.upload(client, stack, sub_id, [("平面图.dxf", di.plan())])
    di.wait_files(client, stack, sub_id)
    sheet = client.get(f"/api/submissions/{sub_id}/sheets", headers=H(stack)).json()["data"][0]
    url = f"/api/sheets/{sheet['id']}"
    assert client.patch(url, json={"title": "草稿中可改"}, headers=H(stack)).status_code == 200
    submitted = client.post(f"/api/submissions/{sub_id}/submit", headers=H(stack))
    assert submitted.status_code == 200, submitted.text
    locked = client.patch(url, json={"title": "提交后偷改"}, headers=H(stack))
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "sheet_locked"
    no_reason = client.patch(url, json={"title": "窗口更正"}, headers=H(stack, "window"))
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["error"]["details"]
    fixed = client.patch(url, json={"title": "窗口更正", "reason": "图名与目录不一致"}, headers=H(stack, "window"))
    assert fixed.status_code == 200 and fixed.json()["data"]["title"] == "窗口更正"
    detail = client.get(url, headers=H(stack)).json()["data"]
    assert detail["title"] == "窗口更正"

    async def last_entry():
        from drawreview.db import Database
        from drawreview.models import AuditEntry

        db = Database(stack.settings)
        async with db.session() as s:
            row = (await s.exec(select(AuditEntry).where(AuditEntry.action == "sheet.update",
                                                         AuditEntry.object_id == str(sheet["id"]))
                                .order_by(AuditEntry.id.desc()))).first()
        await db.close()
        return row

    entry = asyncio.run(last_entry())
    assert entry.actor == "window" and entry.detail["reason"] == "图名与目录不一致"


def test_a_sheet_download_is_audited(stack, client, rev1):
    sid = rev1["sheets"][0]["id"]
    assert client.get(f"/api/sheets/{sid}/pdf", headers=H(stack, "builder")).status_code == 200

    async def rows():
        from drawreview.db import Database
        from drawreview.models import AuditEntry

        db = Database(stack.settings)
        async with db.session() as s:
            out = (await s.exec(select(AuditEntry).where(AuditEntry.action == "drawing.download",
                                                         AuditEntry.object_id == str(sid)))).all()
        await db.close()
        return out

    assert [r.actor for r in asyncio.run(rows())] == ["builder"]


def test_a_layer_named_with_a_comma_is_hidden_alone(stack, client):
    # the viewer sends ?hidden= as percent-encoded names joined by commas; a DXF layer name may
    # hold a comma (AutoCAD and ezdxf allow it), and the server split the decoded value, so
    # hiding 'A,B' hid the layers A and B instead
    import ezdxf

    from drawreview.cad import specimen

    path = specimen.floor_plan(di._specimen_dir() / "comma-layers.dxf", frames=1, rooms=(2, 2))
    doc = ezdxf.readfile(path)
    for i, name in enumerate(("A,B", "A", "B")):
        doc.layers.add(name)
        doc.modelspace().add_line((2000 + 3000 * i, 1000), (2000 + 3000 * i, 9000), dxfattribs={"layer": name})
    doc.saveas(path)
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("逗号图层.dxf", path.read_bytes())])
    assert di.wait_files(client, stack, sid)[0]["state"] == "ready"
    sheet = client.get(f"/api/submissions/{sid}/sheets", headers=H(stack)).json()["data"][0]
    assert {"A,B", "A", "B"} <= {lay["name"] for lay in client.get(f"/api/sheets/{sheet['id']}",
                                                                   headers=H(stack)).json()["data"]["layers"]}
    url = f"/api/sheets/{sheet['id']}/tiles/0/0/0.png"

    def ink(query: str) -> int:
        got = client.get(url + query, headers=H(stack))
        assert got.status_code == 200
        pix = pymupdf.Pixmap(got.content)
        return sum(1 for v in pix.samples[::3] if v < 128)

    every, one, two = ink(""), ink("?hidden=A%2CB"), ink("?hidden=A,B")
    assert every > one > two  # one line hidden, then two
    etags = {client.get(url + q, headers=H(stack)).headers["etag"] for q in ("?hidden=A%2CB", "?hidden=A,B")}
    assert len(etags) == 2


def test_layers_the_drawing_does_not_plot_can_be_shown_and_snapping_follows_the_layers(stack, client):
    # a layer set not to plot (and one switched off) is in the sheet PDF as optional content
    # that is off by default: ?shown= draws it, with its own ETag; the snapping vertices take
    # the same ?hidden= / ?shown= so a measurement snaps only to what the reviewer sees
    import ezdxf

    from drawreview.cad import specimen

    path = specimen.floor_plan(di._specimen_dir() / "noplot-layers.dxf", frames=1, rooms=(2, 2))
    doc = ezdxf.readfile(path)
    doc.layers.add("不打印").dxf.plot = 0
    doc.layers.add("关,闭").off()
    for i, name in enumerate(("不打印", "关,闭")):
        doc.modelspace().add_line((2000 + 3000 * i, 1000), (2000 + 3000 * i, 9000), dxfattribs={"layer": name})
    doc.saveas(path)
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("不打印图层.dxf", path.read_bytes())])
    assert di.wait_files(client, stack, sid)[0]["state"] == "ready"
    sheet = client.get(f"/api/submissions/{sid}/sheets", headers=H(stack)).json()["data"][0]
    layers = {lay["name"]: lay for lay in client.get(f"/api/sheets/{sheet['id']}", headers=H(stack)).json()["data"]["layers"]}
    assert layers["不打印"]["plot"] is False and layers["关,闭"]["on"] is False
    url = f"/api/sheets/{sheet['id']}/tiles/0/0/0.png"

    def ink(query: str) -> tuple[int, str]:
        got = client.get(url + query, headers=H(stack))
        assert got.status_code == 200
        pix = pymupdf.Pixmap(got.content)
        return sum(1 for v in pix.samples[::3] if v < 128), got.headers["etag"]

    noplot, off = "%E4%B8%8D%E6%89%93%E5%8D%B0", "%E5%85%B3%2C%E9%97%AD"
    (plain, e0), (one, e1), (two, e2) = ink(""), ink(f"?shown={noplot}"), ink(f"?shown={noplot},{off}")
    assert plain < one < two and len({e0, e1, e2}) == 3
    assert ink(f"?shown={noplot}&hidden={noplot}")[0] == plain  # hidden wins

    box = f"0,0,{sheet['width']},{sheet['height']}"

    def points(query: str) -> set:
        got = client.get(f"/api/sheets/{sheet['id']}/vertices?bbox={box}&limit=5000{query}", headers=H(stack))
        assert got.status_code == 200, got.text
        return {tuple(p) for p in got.json()["data"]["points"]}

    every = points("")
    with_noplot = points(f"&shown={noplot}")
    assert every < with_noplot and len(with_noplot - every) == 2  # the two ends of the line
    assert points(f"&shown={noplot},{off}") - with_noplot and points("&hidden=WALL") < every
