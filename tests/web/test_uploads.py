"""Uploads through the API, in both modes: streaming, limits, idempotent retries, and every
kind of bad input — each gets its specific error code with zh-CN and English messages while
the other files of the set are kept and the server keeps serving. In scaled mode the jobs
run in a real arq worker process (``servers``) or a burst worker."""

from __future__ import annotations

import socket
import statistics
import time
from urllib.parse import urlsplit

import httpx
import pymupdf
import pytest
from starlette.testclient import TestClient

from drawreview.app import create_app
from tests import drawing_inputs as di



def good():
    return ("好图.dxf", di.plan())


def designer(stack):
    return stack.token_headers("designer")


def sheets(client, stack, sid):
    return client.get(f"/api/submissions/{sid}/sheets", headers=designer(stack)).json()["data"]


def upload_with_good(client, stack, bad: tuple[str, bytes]) -> tuple[dict, dict, list]:
    """Upload a bad file together with a good one; return (bad file, good file, sheets)."""
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [bad, good()])
    files = di.by_name(di.wait_files(client, stack, sid))
    got = sheets(client, stack, sid)
    assert files["好图.dxf"]["state"] == "ready", files["好图.dxf"]
    assert [s["number"] for s in got if s["file_id"] == files["好图.dxf"]["id"]] == ["建施-01", "建施-02"]
    assert client.get("/healthz").status_code == 200
    return files[bad[0]], files["好图.dxf"], got


def assert_error(f: dict, code: str, zh_part: str, en_part: str) -> None:
    assert f["state"] == "failed", f
    err = f["error"]
    assert err["code"] == code, err
    assert zh_part in err["messages"]["zh-CN"] and en_part in err["messages"]["en"], err
    assert f["original_name"] in err["messages"]["zh-CN"]  # the message names the file


# -- bad inputs: a specific error each, the rest of the set kept ---------------------------

def test_truncated_dxf(stack, client):
    bad, _, _ = upload_with_good(client, stack, ("截断.dxf", di.truncated_dxf()))
    assert_error(bad, "truncated_drawing", "截断", "truncated")


def test_huge_and_nan_coordinates_are_skipped_with_a_note(stack, client):
    bad, _, got = upload_with_good(client, stack, ("坐标.dxf", di.damaged_coordinates_dxf()))
    assert bad["state"] == "ready"
    note = next(n for n in bad["repairs"] if "NaN" in n)
    assert "坐标异常" in note and "damaged coordinates" in note
    # notes are notes, not repairs: "no frame found" informs about the drawing, it repaired nothing
    assert any("no frame found" in n for n in bad["notes"]) and not any("no frame" in n for n in bad["repairs"])
    assert any(s["file_id"] == bad["id"] and s["state"] == "ready" for s in got)


def test_self_inserting_block_is_drawn_once_with_a_note(stack, client):
    bad, _, got = upload_with_good(client, stack, ("自引用.dxf", di.self_inserting_block_dxf()))
    assert bad["state"] == "ready"
    assert any("引用了自身" in n and "inserts itself" in n for n in bad["repairs"]), bad["repairs"]
    assert any(s["file_id"] == bad["id"] and s["state"] == "ready" for s in got)


def test_zip_bomb(stack, client):
    bad, _, _ = upload_with_good(client, stack, ("炸弹.zip", di.zip_bomb()))
    assert_error(bad, "zip_bomb", "压缩炸弹", "zip bomb")


def test_zip_with_parent_path_entry_keeps_the_other_members(stack, client):
    archive = di.zip_of({"../逃逸.dxf": di.simple_dxf(), "图纸/结施-01.dxf": di.plan(("结施-01",), ("基础平面图",))})
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("图纸包.zip", archive)])
    files = di.by_name(di.wait_files(client, stack, sid))
    z = files["图纸包.zip"]
    assert z["state"] == "ready" and z["error"]["code"] == "archive_entries_rejected"
    entry = z["error"]["entries"][0]
    assert entry["code"] == "unsafe_path" and entry["name"] == "../逃逸.dxf"
    assert "不安全" in entry["messages"]["zh-CN"] and "unsafe path" in entry["messages"]["en"]
    member = files["图纸/结施-01.dxf"]
    assert member["parent_id"] == z["id"] and member["state"] == "ready"
    assert [s["number"] for s in sheets(client, stack, sid)] == ["结施-01"]
    assert "逃逸.dxf" not in files


def test_encrypted_pdf(stack, client):
    bad, _, _ = upload_with_good(client, stack, ("加密.pdf", di.pdf_bytes(encrypt=True)))
    assert_error(bad, "encrypted_pdf", "已加密", "encrypted")


def test_pdf_with_javascript_is_stripped(stack, client):
    bad, _, got = upload_with_good(client, stack, ("脚本.pdf", di.pdf_bytes(javascript=True)))
    assert bad["state"] == "ready"
    assert any("JavaScript" in n and "移除" in n for n in bad["repairs"])
    sheet = next(s for s in got if s["file_id"] == bad["id"])
    pdf = client.get(f"/api/sheets/{sheet['id']}/pdf", headers=designer(stack)).content
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    assert not any("/JavaScript" in doc.xref_object(x) or "/JS" in doc.xref_object(x)
                   for x in range(1, doc.xref_length()))


def test_empty_file(stack, client):
    bad, _, _ = upload_with_good(client, stack, ("空.dxf", b""))
    assert_error(bad, "empty_file", "文件为空", "empty")


def test_jpeg_named_dxf(stack, client):
    bad, _, _ = upload_with_good(client, stack, ("照片.dxf", di.JPEG))
    assert_error(bad, "not_a_drawing", "不是图纸文件", "JPEG")


def _package(parts: dict[str, str]) -> bytes:
    """A zip package as office programs write it (the [Content_Types].xml part first)."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    return buf.getvalue()


DOCX = _package({
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                           'content-types"><Override PartName="/word/document.xml" ContentType="application/'
                           'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
    "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                         'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>设计说明</w:t></w:r></w:p></w:body>'
                         '</w:document>'})
ODT = _package({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document-content/>"})


@pytest.mark.parametrize("name,data,kind", [("设计说明.docx", DOCX, "Word document"),
                                            ("设计说明.zip", DOCX, "Word document"),
                                            ("说明.odt", ODT, "OpenDocument")])
def test_office_documents_are_not_drawings_whatever_their_name(stack, client, name, data, kind):
    """A .docx is a zip underneath: it is refused by its content as not a drawing, never
    expanded as an archive (no "nested archive", no zip row)."""
    bad, _, _ = upload_with_good(client, stack, (name, data))
    assert_error(bad, "not_a_drawing", "不是图纸文件", kind)
    assert bad["format"] != "zip" and bad["state"] == "failed"


def test_dwg_of_a_version_not_read_is_named(stack, client):
    bad, _, _ = upload_with_good(client, stack, ("旧图.dwg", di.DWG_R12))
    assert_error(bad, "dwg_version_unsupported", "R11/R12（AC1009）", "R11/R12 (AC1009) is older than")


def test_body_without_its_closing_boundary_stores_nothing(stack, client):
    sid = di.new_submission(client, stack)
    head = (b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"half.dxf\"\r\n"
            b"Content-Type: application/octet-stream\r\n\r\n")
    r = client.post(f"/api/submissions/{sid}/files", content=head + di.plan()[:5000],
                    headers={**designer(stack), "Content-Type": "multipart/form-data; boundary=xyz"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "upload_incomplete"
    assert r.json()["error"]["messages"]["zh-CN"].startswith("上传未完成")
    assert client.get(f"/api/submissions/{sid}", headers=designer(stack)).json()["data"]["files"] == []
    assert list(stack.settings.blob_dir.joinpath("tmp").glob("up-*")) == []


def test_not_multipart_is_refused(stack, client):
    sid = di.new_submission(client, stack)
    r = client.post(f"/api/submissions/{sid}/files", content=b"abc", headers={**designer(stack),
                                                                            "Content-Type": "text/plain"})
    assert r.status_code == 415 and r.json()["error"]["code"] == "not_multipart"


# -- idempotency and limits -----------------------------------------------------------------

def test_retrying_the_same_upload_returns_the_existing_file(stack, client):
    sid = di.new_submission(client, stack)
    data = di.simple_dxf(("重试",))
    first = di.upload(client, stack, sid, [("重试.dxf", data)])["data"]["files"][0]
    again = di.upload(client, stack, sid, [("重试.dxf", data)])["data"]["files"][0]
    assert again["id"] == first["id"]
    files = client.get(f"/api/submissions/{sid}", headers=designer(stack)).json()["data"]["files"]
    assert len(files) == 1
    di.wait_files(client, stack, sid)
    assert len(sheets(client, stack, sid)) == 1


def test_size_limits_answer_413(stack):
    small = stack.settings.with_(max_file_bytes=4000, max_submission_bytes=6000)
    with TestClient(create_app(small)) as c:
        sid = di.new_submission(c, stack)
        r = c.post(f"/api/submissions/{sid}/files", headers=designer(stack),
                   files=[("file", ("大.dxf", b"0" * 5000))])
        assert r.status_code == 413 and r.json()["error"]["code"] == "file_too_large"
        assert "大.dxf" in r.json()["error"]["messages"]["zh-CN"]
        assert c.post(f"/api/submissions/{sid}/files", headers=designer(stack),
                      files=[("file", ("一.dxf", b"1" * 3500))]).status_code == 200
        r = c.post(f"/api/submissions/{sid}/files", headers=designer(stack),
                   files=[("file", ("二.dxf", b"2" * 3500))])
        assert r.status_code == 413 and r.json()["error"]["code"] == "submission_too_large"
        files = c.get(f"/api/submissions/{sid}", headers=designer(stack)).json()["data"]["files"]
        assert [f["original_name"] for f in files] == ["一.dxf"]


def test_a_submitted_submission_takes_no_more_files(stack, client):
    import asyncio

    from tests.services.reviews_world import new_project, run
    from tests.web.matrix.drawings import _set_draft

    async def own_project(s):  # handed in, it blocks new revisions: keep the shared demo project free
        return (await new_project(s, stack, name="已提交不再收图")).id

    sid = di.new_submission(client, stack, run(stack, own_project))
    asyncio.run(_set_draft(stack, sid))

    async def submit():
        from sqlalchemy import update

        from drawreview.db import Database
        from drawreview.models import Submission

        db = Database(stack.settings)
        async with db.session() as s:
            await s.exec(update(Submission).where(Submission.id == sid).values(state="submitted"))
            await s.commit()
        await db.close()

    asyncio.run(submit())
    r = client.post(f"/api/submissions/{sid}/files", headers=designer(stack),
                    files=[("file", ("晚了.dxf", di.simple_dxf()))])
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"


# -- every shared real drawing ingests ------------------------------------------------------

# Files of ../shared/drawings expected to get ``no_drawable_content``: none. Each one was
# looked at (README.md there): even recover01 (no HEADER), duplicate_handles (47 audit fixes)
# and the R12 AC1003 example hold drawable geometry, so every file must give ready sheets.
NO_DRAWABLE_CONTENT: set[str] = set()
SHEETS_PER_FILE = {"ezdxf__uncommon.dxf": 2, "ezdxf__xclip.dxf": 3, "sky__floorplan.dxf": 2}  # others: 1


def test_every_shared_drawing_gets_sheets(stack, client):
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [(p.name, p.read_bytes()) for p in di.REAL_FILES])
    files = di.by_name(di.wait_files(client, stack, sid, timeout=240))
    got = sheets(client, stack, sid)
    assert NO_DRAWABLE_CONTENT <= set(files)
    for path in di.REAL_FILES:
        f = files[path.name]
        if path.name in NO_DRAWABLE_CONTENT:
            assert f["state"] == "failed" and f["error"]["code"] == "no_drawable_content", f
            continue
        assert f["state"] == "ready", (path.name, f.get("error"))
        mine = [s for s in got if s["file_id"] == f["id"]]
        assert len(mine) == SHEETS_PER_FILE.get(path.name, 1), (path.name, mine)
        assert all(s["state"] == "ready" and s["width"] > 0 for s in mine), (path.name, mine)


# -- real processes: a cut-off upload, and the arq worker ----------------------------------

def _multipart(name: str, data: bytes, boundary: str = "----drawreview-test") -> tuple[bytes, str]:
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_upload_cut_off_half_way_leaves_no_row_and_no_blob(stack, servers):
    base = servers[0]
    headers = designer(stack)
    sid = httpx.post(f"{base}/api/projects/{stack.demo['project_id']}/submissions", headers=headers).json()["data"]["id"]
    blobs_before = {p.name for p in stack.settings.blob_dir.glob("??/??/*")}
    body, ctype = _multipart("中断.dxf", di.plan() * 20)
    host = urlsplit(base)
    request = (f"POST /api/submissions/{sid}/files HTTP/1.1\r\nHost: {host.netloc}\r\n"
               f"Authorization: {headers['Authorization']}\r\nContent-Type: {ctype}\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode()
    with socket.create_connection((host.hostname, host.port)) as sock:
        sock.sendall(request + body[: len(body) // 2])
        time.sleep(0.3)
    deadline = time.monotonic() + 15
    while list(stack.settings.blob_dir.joinpath("tmp").glob("up-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(stack.settings.blob_dir.joinpath("tmp").glob("up-*")) == []
    assert {p.name for p in stack.settings.blob_dir.glob("??/??/*")} == blobs_before
    files = httpx.get(f"{base}/api/submissions/{sid}", headers=headers).json()["data"]["files"]
    assert files == []
    assert httpx.get(f"{base}/healthz").status_code == 200
    # the same upload, complete this time, works
    r = httpx.post(f"{base}/api/submissions/{sid}/files", headers={**headers, "Content-Type": ctype}, content=body)
    assert r.status_code == 200 and r.json()["data"]["files"][0]["original_name"] == "中断.dxf"


def _answer_to_headers_alone(base: str, sid: int, headers: dict, declared: int) -> tuple[int, dict, bytes]:
    """Send an upload's headers, declaring *declared* bytes, and none of its body; return the
    answer's status, JSON body and what followed (a server waiting for the body answers nothing:
    the read times out)."""
    host = urlsplit(base)
    request = (f"POST /api/submissions/{sid}/files HTTP/1.1\r\nHost: {host.netloc}\r\n"
               f"Authorization: {headers['Authorization']}\r\nAccept-Language: zh-CN\r\n"
               "Content-Type: multipart/form-data; boundary=drawreview-119\r\n"
               f"Content-Length: {declared}\r\n\r\n").encode()
    import json

    with socket.create_connection((host.hostname, host.port), timeout=10) as sock:
        sock.sendall(request)
        raw = b""
        while b"\r\n\r\n" not in raw:
            raw += sock.recv(65536) or b"!"  # (a closed connection ends the headers too)
        head, _, body = raw.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
        while len(body) < length:
            body += sock.recv(65536)
    return int(head.split()[1]), json.loads(body), head


def test_an_upload_declared_too_large_is_refused_before_its_body(stack, servers):
    """A Content-Length beyond one file's limit, or beyond the room the submission has left, is
    answered 413 at once, before the client sends the body; nothing is stored."""
    base = servers[0]
    headers = designer(stack)
    sid = httpx.post(f"{base}/api/projects/{stack.demo['project_id']}/submissions", headers=headers).json()["data"]["id"]
    blobs_before = {p.name for p in stack.settings.blob_dir.glob("??/??/*")}
    limits = stack.settings
    status, body, _ = _answer_to_headers_alone(base, sid, headers, limits.max_file_bytes + 2 * 1024**2)
    assert status == 413, body
    err = body["error"]
    assert err["code"] == "file_too_large" and err["details"]["limit"] == limits.max_file_bytes
    assert "单个文件的大小上限" in err["messages"]["zh-CN"] and "size limit of one file" in err["messages"]["en"]
    status, body, _ = _answer_to_headers_alone(base, sid, headers, limits.max_submission_bytes + 2 * 1024**2)
    assert status == 413 and body["error"]["code"] == "submission_too_large", body
    assert "总大小超过上限" in body["error"]["messages"]["zh-CN"] and "size limit" in body["error"]["messages"]["en"]
    assert list(stack.settings.blob_dir.joinpath("tmp").glob("up-*")) == []
    assert {p.name for p in stack.settings.blob_dir.glob("??/??/*")} == blobs_before
    assert httpx.get(f"{base}/api/submissions/{sid}", headers=headers).json()["data"]["files"] == []
    # a file within the limit, declared honestly, still goes in
    r = httpx.post(f"{base}/api/submissions/{sid}/files", headers=headers, files=[("file", good())])
    assert r.status_code == 200 and r.json()["data"]["files"][0]["original_name"] == "好图.dxf", r.text


@pytest.mark.timeout(180)
def test_processing_runs_in_the_server_or_its_worker(stack, servers):
    """Embedded: the server process runs the job in-process; scaled: the arq worker process."""
    headers = designer(stack)
    base = servers[-1]
    sid = httpx.post(f"{base}/api/projects/{stack.demo['project_id']}/submissions", headers=headers).json()["data"]["id"]
    r = httpx.post(f"{base}/api/submissions/{sid}/files", headers=headers,
                   files=[("file", ("进程.dxf", di.plan(("建施-11",), ("进程测试",))))])
    assert r.status_code == 200, r.text
    deadline = time.monotonic() + 120
    while True:
        files = httpx.get(f"{servers[0]}/api/submissions/{sid}", headers=headers).json()["data"]["files"]
        if files[0]["state"] in di.FINAL or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert files[0]["state"] == "ready", files
    got = httpx.get(f"{servers[0]}/api/submissions/{sid}/sheets", headers=headers).json()["data"]
    assert [(s["number"], s["state"]) for s in got] == [("建施-11", "ready")]
    tile = httpx.get(f"{servers[0]}/api/sheets/{got[0]['id']}/tiles/0/0/0.png", headers=headers)
    assert tile.status_code == 200 and tile.content.startswith(b"\x89PNG")


@pytest.mark.timeout(180)
def test_the_server_keeps_answering_while_it_processes(stack, servers):
    """Drawing processing runs in child processes (niced, a GIL of their own): the serving
    process's event loop is never held for long meanwhile — measured inside the server by its
    loop watch (``/healthz`` ``loop``: each tick that came back late, and how much of that the
    kernel kept the process waiting for a CPU on a busy machine; the rest is this code's
    doing, docs/decisions/119) — and /healthz and tiles of sheets already processed keep
    answering. Client-side times include the machine's load (this test runs beside others on
    two cores), so they get generous bounds, and tiles are compared with the same tiles asked
    for before the processing started."""
    headers = designer(stack)
    base = servers[0]
    sid = httpx.post(f"{base}/api/projects/{stack.demo['project_id']}/submissions", headers=headers).json()["data"]["id"]
    r = httpx.post(f"{base}/api/submissions/{sid}/files", headers=headers,
                   files=[("file", ("先到.dxf", di.plan(("建施-31",), ("先处理",))))])
    assert r.status_code == 200, r.text
    deadline = time.monotonic() + 60
    while httpx.get(f"{base}/api/submissions/{sid}", headers=headers).json()["data"]["files"][0]["state"] != "ready":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    ready = httpx.get(f"{base}/api/submissions/{sid}/sheets", headers=headers).json()["data"][0]
    tile_url = f"{base}/api/sheets/{ready['id']}/tiles"
    web = httpx.Client(headers=headers, timeout=30)  # one client: its own set-up is not timed

    def timed_tile(i: int) -> float:
        z = 1 + i % max(1, ready["max_zoom"])  # a tile of the finished sheet, various zooms
        t0 = time.monotonic()
        tile = web.get(f"{tile_url}/{z}/0/0.png")
        took = time.monotonic() - t0
        assert tile.status_code == 200 and tile.content.startswith(b"\x89PNG")
        return took

    before = [timed_tile(i) for i in range(12)]  # the same tiles, before the processing
    big = [(p.name, p.read_bytes()) for p in di.REAL_FILES if p.name in ("ezdxf__3_us_main.dxf", "sky__floorplan.dxf")]
    big.append(("密集填充.dxf", di.slow_hatches_dxf(6000, 20.0, 1.0)))  # seconds of pure-Python painting
    since = time.time()
    r = web.post(f"{base}/api/submissions/{sid}/files", files=[("file", item) for item in big], timeout=60)
    assert r.status_code == 200, r.text
    slowest, tile_times, stalls, deadline = 0.0, [], {}, time.monotonic() + 180
    while time.monotonic() < deadline:
        t0 = time.monotonic()
        health = web.get(f"{base}/healthz", timeout=10)
        slowest = max(slowest, time.monotonic() - t0)
        assert health.status_code == 200
        stalls.update({s["at"]: s for s in health.json()["loop"]["stalls"] if s["at"] >= since})
        files = web.get(f"{base}/api/submissions/{sid}").json()["data"]["files"]
        if all(f["state"] in di.FINAL for f in files):
            break
        tile_times.append(timed_tile(len(tile_times)))
        time.sleep(0.05)
    assert [f["state"] for f in files] == ["ready"] * 4
    assert health.json()["loop"]["running"]
    blocked = max((s["blocked_ms"] for s in stalls.values()), default=0.0)
    assert blocked < 200, f"the server's event loop was blocked for {blocked:.0f} ms while processing: {stalls}"
    assert slowest < 2.0, f"/healthz took {slowest:.2f}s while processing"
    assert len(tile_times) >= 3, "the big files finished before any tile was asked for"
    assert max(tile_times) < 2.0, f"a tile of a finished sheet took {max(tile_times):.2f}s while processing"
    usual = statistics.median(before)
    assert statistics.median(tile_times) < max(0.1, 3 * usual), \
        f"tiles took {statistics.median(tile_times):.3f}s (median) while processing, {usual:.3f}s before"


def test_stored_zip_of_pdfs_gives_every_member(stack, client):
    """ZIP_STORED puts a member's %PDF a few bytes into the archive; it is still one archive of
    three drawings (each its own file with its sheet), not one PDF."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for n in (1, 2, 3):
            zf.writestr(f"建施-0{n}.pdf", di.pdf_bytes(f"{n} 层平面图 建施-0{n}"))
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("图纸.zip", out.getvalue())])
    files = di.by_name(di.wait_files(client, stack, sid))
    assert files["图纸.zip"]["format"] == "zip" and files["图纸.zip"]["state"] == "ready"
    members = {n: f for n, f in files.items() if f["parent_id"] == files["图纸.zip"]["id"]}
    assert sorted(members) == ["建施-01.pdf", "建施-02.pdf", "建施-03.pdf"]
    assert all(f["format"] == "pdf" and f["state"] == "ready" for f in members.values())
    assert len(sheets(client, stack, sid)) == 3


def test_stored_zip_of_a_dwg_and_a_dxf(stack, client):
    """A DWG and a DXF stored (uncompressed) in one archive: each member identified by its own
    bytes, each processed into sheets."""
    import io
    import zipfile

    dwg = di.REAL_FILES[0].parent / "dwg" / "acadsharp__sample_AC1018.dwg"  # R2004, real geometry
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("图纸/总图.dwg", dwg.read_bytes())
        zf.writestr("图纸/建施-01.dxf", di.plan(("建施-01",), ("一层平面图",)))
    sid = di.new_submission(client, stack)
    di.upload(client, stack, sid, [("混合.zip", out.getvalue())])
    files = di.by_name(di.wait_files(client, stack, sid))
    assert files["混合.zip"]["format"] == "zip"
    assert files["图纸/总图.dwg"]["format"] == "dwg" and files["图纸/总图.dwg"]["state"] == "ready", files
    assert files["图纸/建施-01.dxf"]["format"] == "dxf" and files["图纸/建施-01.dxf"]["state"] == "ready"
