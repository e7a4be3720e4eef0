"""Real inputs for the drawings tests (good specimens and deliberately bad files) and helpers
that upload through the API and wait for the processing jobs in either deployment mode."""

from __future__ import annotations

import asyncio
import io
import time
import zipfile
from functools import lru_cache
from pathlib import Path

import ezdxf
import pymupdf

from drawreview.cad import specimen

from tests.thirdparty import SHARED  # noqa: E402

DRAWINGS = SHARED / "drawings"
REAL_FILES = sorted(p for p in DRAWINGS.iterdir() if p.suffix in (".dxf", ".pdf"))
FINAL = ("ready", "failed")


# -- good specimens -------------------------------------------------------------------

@lru_cache
def _specimen_dir() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="dr-specimens-"))


@lru_cache
def plan(numbers: tuple[str, ...] = ("建施-01", "建施-02"), titles: tuple[str, ...] = ("一层平面图", "二层平面图"),
         rooms: tuple[int, int] = (2, 2)) -> bytes:
    """A small Chinese floor plan DXF with one A1 frame + title block per sheet number."""
    path = _specimen_dir() / f"plan-{abs(hash((numbers, titles, rooms)))}.dxf"
    specimen.floor_plan(path, frames=len(numbers), rooms=rooms, numbers=list(numbers), titles=list(titles),
                        dimensions=1)
    return path.read_bytes()


def simple_dxf(texts: tuple[str, ...] = ("一层平面图",)) -> bytes:
    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    msp.add_lwpolyline([(0, 0), (10000, 0), (10000, 6000), (0, 6000)], close=True, dxfattribs={"layer": "WALL"})
    for i, text in enumerate(texts):
        msp.add_text(text, height=300, dxfattribs={"layer": "TEXT"}).set_placement((500, 500 + 600 * i))
    buf = io.StringIO()
    doc.write(buf)
    return buf.getvalue().encode("utf-8")


@lru_cache
def slow_hatches_dxf(count: int = 24, size: float = 1000.0, scale: float = 0.05) -> bytes:
    """Paints for seconds (pattern hatches), reads quickly: timeouts and locks. The default
    (24 dense hatches) is also slow to rasterise; many small sparse ones (e.g. 6000, 20, 1.0)
    rasterise quickly."""
    doc = ezdxf.new("R2010", units=4)
    msp = doc.modelspace()
    cols = int(count**0.5) + 1
    for i in range(count):
        h = msp.add_hatch(color=1)
        h.set_pattern_fill("ANSI31", scale=scale)
        x, y = (i % cols) * size * 1.1, (i // cols) * size * 1.1
        h.paths.add_polyline_path([(x, y), (x + size, y), (x + size, y + size), (x, y + size)], is_closed=True)
    w = cols * size * 1.1
    msp.add_lwpolyline([(-size, -size), (w, -size), (w, w), (-size, w)], close=True)
    buf = io.StringIO()
    doc.write(buf)
    return buf.getvalue().encode("utf-8")


def pdf_bytes(text: str = "总平面图 DR-01", encrypt: bool = False, javascript: bool = False) -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=842, height=595)
    page.draw_rect(pymupdf.Rect(20, 20, 822, 575), color=(0, 0, 0), width=1)
    page.insert_text((60, 80), text, fontsize=18)
    if javascript:
        js = doc.get_new_xref()
        doc.update_object(js, "<</S/JavaScript/JS(app.alert('pwned');)>>")
        doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{js} 0 R")
    out = io.BytesIO()
    if encrypt:
        doc.save(out, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner-secret", user_pw="user-secret")
    else:
        doc.save(out)
    doc.close()
    return out.getvalue()


def side_by_side(left: Path, right: Path, offset_x: float, out: Path):
    """One model space holding *left*'s drawing and *right*'s shifted *offset_x* east (two
    title-block frames side by side, as Chinese practice often delivers them); the ezdxf
    document, saved to *out*."""
    from ezdxf.addons import Importer

    doc, other = ezdxf.readfile(left), ezdxf.readfile(right)
    before = {e.dxf.handle for e in doc.modelspace()}
    imp = Importer(other, doc)
    imp.import_modelspace()
    imp.finalize()
    for e in doc.modelspace():
        if e.dxf.handle not in before:
            e.translate(offset_x, 0, 0)
    doc.saveas(out)
    return doc


# -- bad inputs -----------------------------------------------------------------------

def truncated_dxf() -> bytes:
    data = plan()
    return data[: int(len(data) * 0.55)]


def damaged_coordinates_dxf() -> bytes:
    """Lines with 1e300 and NaN coordinates next to a sane one (written as DXF text)."""
    good = simple_dxf(("完好的线",)).decode()
    bad = ("0\nLINE\n5\nBAD1\n8\nWALL\n10\n1e300\n20\n0.0\n30\n0.0\n11\n5.0\n21\n1e300\n31\n0.0\n"
           "0\nLINE\n5\nBAD2\n8\nWALL\n10\nnan\n20\n0.0\n30\n0.0\n11\n100.0\n21\nnan\n31\n0.0\n")
    head, sep, tail = good.rpartition("0\nENDSEC\n0\nSECTION\n2\nOBJECTS")
    if not sep:  # fall back: before the ENDSEC of ENTITIES
        i = good.index("ENTITIES")
        j = good.index("0\nENDSEC", i)
        return (good[:j] + bad + good[j:]).encode()
    return (head + bad + sep + tail).encode()


def self_inserting_block_dxf() -> bytes:
    doc = ezdxf.new("R2010", units=4)
    block = doc.blocks.new("LOOP")
    block.add_line((0, 0), (1000, 1000))
    block.add_blockref("LOOP", (100, 100))  # the block inserts itself
    msp = doc.modelspace()
    msp.add_blockref("LOOP", (0, 0))
    msp.add_line((0, 0), (5000, 0))
    buf = io.StringIO()
    doc.write(buf)
    return buf.getvalue().encode("utf-8")


def zip_of(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = compression
            info.flag_bits |= 0x800  # UTF-8 names
            zf.writestr(info, data)
    return out.getvalue()


def zip_bomb() -> bytes:
    """32 MB of zeros in ~32 KB: the ratio check stops it long before any real harm."""
    return zip_of({"a.dxf": b"\0" * (32 * 1024 * 1024)})


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200
DWG_R12 = b"AC1009" + b"\x00" * 500  # a DWG version drawreview does not read


# -- upload + wait --------------------------------------------------------------------

def new_submission(client, stack, project_id: int | None = None) -> int:
    pid = project_id or stack.demo["project_id"]
    r = client.post(f"/api/projects/{pid}/submissions", headers=stack.token_headers("designer"))
    assert r.status_code == 200, r.text
    return r.json()["data"]["id"]


def upload(client, stack, submission_id: int, files: list[tuple[str, bytes]], expect: int = 200) -> dict:
    r = client.post(f"/api/submissions/{submission_id}/files", headers=stack.token_headers("designer"),
                    files=[("file", (name, data)) for name, data in files])
    assert r.status_code == expect, r.text
    return r.json()


def run_queued_jobs(stack) -> None:
    """Scaled mode without a worker process: run a real arq worker in burst mode."""
    from drawreview.jobs.worker import make_worker

    async def burst():
        worker = make_worker(stack.settings, burst=True)
        try:
            await worker.main()
        finally:
            await worker.close()

    asyncio.run(burst())


def wait_files(client, stack, submission_id: int, timeout: float = 120.0, worker: bool = False) -> list[dict]:
    """Files of the submission once every one is ready or failed. ``worker``: a worker process
    serves the queue (scaled mode with the ``servers`` fixture); else run a burst worker."""
    deadline = time.monotonic() + timeout
    headers = stack.token_headers("designer")
    while True:
        if stack.mode == "scaled" and not worker:
            run_queued_jobs(stack)
        files = client.get(f"/api/submissions/{submission_id}", headers=headers).json()["data"]["files"]
        if files and all(f["state"] in FINAL for f in files):
            return files
        if time.monotonic() > deadline:
            raise AssertionError(f"files not processed in {timeout}s: {files}")
        time.sleep(0.2)


def by_name(files: list[dict]) -> dict[str, dict]:
    return {f["original_name"]: f for f in files}


def many_page_pdf(pages: int) -> bytes:
    """A set of *pages* A3 sheets, each with a frame, some lines and a title block (number at
    the bottom right), as one PDF: the input of the many-page paths."""
    import pymupdf

    doc = pymupdf.open()
    for i in range(pages):
        page = doc.new_page(width=1191, height=842)
        page.draw_rect(pymupdf.Rect(20, 20, 1171, 822))
        for k in range(12):
            page.draw_line((60 + k * 80, 60), (60 + k * 80, 700))
        page.insert_text((900, 780), f"{i + 1}层平面图", fontsize=12, fontname="china-s")  # not embedded
        page.insert_text((900, 805), f"建施-{i + 1:03d}", fontsize=14, fontname="china-s")
    data = doc.tobytes(garbage=1, deflate=True)
    doc.close()
    return data
