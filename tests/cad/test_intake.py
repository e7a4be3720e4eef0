import io
import stat
import zipfile

import pytest

from drawreview.settings import load_settings
from drawreview.cad import errors as E
from drawreview.cad import filetype, intake
from drawreview.errors import DrawReviewError, UnsafeArchive

from .conftest import REAL_FILES


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_real_files_identified_by_content(path):
    assert filetype.identify(path) == ("pdf" if path.suffix == ".pdf" else "dxf")


def test_binary_dxf_sentinel():
    assert filetype.sniff(b"AutoCAD Binary DXF\r\n\x1a\x00") == "dxf"


@pytest.mark.parametrize("head, cls, code", [
    (b"AC1012\x00\x00\x00\x00\x00\x00", E.DwgVersionUnsupported, "dwg_version_unsupported"),
    (b"AC1040\x00\x00\x00\x00\x00\x00", E.DwgVersionUnsupported, "dwg_version_unsupported"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", E.NotADrawing, "not_a_drawing"),
    (b"hello, this is not a drawing\n", E.NotADrawing, "not_a_drawing"),
    (b"", E.EmptyFile, "empty_file"),
])
def test_bad_inputs_get_specific_codes(tmp_path, head, cls, code):
    p = tmp_path / "plan.dxf"  # the name lies; content decides
    p.write_bytes(head)
    with pytest.raises(cls) as info:
        filetype.identify(p)
    assert info.value.code == code
    assert "plan.dxf" in info.value.message_zh and "plan.dxf" in info.value.message_en
    if code == "dwg_version_unsupported":  # names the version and the range read
        version = head[:6].decode()
        assert version in info.value.message_zh and version in info.value.message_en
        assert "R14" in info.value.message_zh and "R2018" in info.value.message_en
        assert ("R13" in info.value.message_en and "older" in info.value.message_en) if version == "AC1012" else \
            "newer than R2018" in info.value.message_en


@pytest.mark.parametrize("head, zh", [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG 图片"),
    (b"Rar!\x1a\x07\x00", "RAR 压缩包"),
    (b"\x00\x01\x02 random bytes" * 20, "无法识别的二进制数据"),
    (b"hello, this is not a drawing\n", "纯文本"),
])
def test_what_a_refused_file_holds_is_said_in_chinese(tmp_path, head, zh):
    """The zh-CN message names the content in Chinese (it said "内容为 unknown data")."""
    p = tmp_path / "说明.dxf"
    p.write_bytes(head)
    with pytest.raises(E.NotADrawing) as info:
        filetype.identify(p)
    assert zh in info.value.message_zh, info.value.message_zh
    assert not any(word in info.value.message_zh for word in ("unknown", "text", "image", "archive"))


def test_every_document_kind_has_its_chinese_name():
    from drawreview.services import submissions

    kinds = {kind for _, kind in filetype._MAGIC} | {kind for _, kind in submissions._PACKAGE_PARTS}
    kinds |= {"unknown data", "text", "Office document", "OpenDocument file", "EPUB e-book"}
    assert kinds <= set(E.KIND_ZH), kinds - set(E.KIND_ZH)


def _gbk_zip(path, entries: dict[str, bytes]):
    """Zip whose names are GBK bytes without the UTF-8 flag, as Windows zip tools write them."""
    placeholders = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(entries.items()):
            raw = name.encode("gbk")
            ph = (f"P{i}_" + "x" * len(raw))[: len(raw)]
            assert len(ph) == len(raw)
            placeholders[ph.encode()] = raw
            zf.writestr(ph, data)
    blob = path.read_bytes()
    for ph, raw in placeholders.items():
        blob = blob.replace(ph, raw)
    path.write_bytes(blob)


def test_zip_gbk_names_nested_folders(tmp_path):
    dxf = (REAL_FILES[1]).read_bytes()  # a small real DXF
    z = tmp_path / "图纸.zip"
    _gbk_zip(z, {"建筑/一层/一层平面图.dxf": dxf, "说明.txt": b"plain text"})
    got = intake.ingest(z, tmp_path / "out")
    assert [m.name for m in got.members] == ["建筑/一层/一层平面图.dxf"]
    assert got.members[0].path.exists() and got.members[0].path.read_bytes() == dxf
    assert got.members[0].path.parent.name == "一层"
    assert [e.name for e in got.errors] == ["说明.txt"]
    assert got.errors[0].error.code == "not_a_drawing"


def test_zip_unsafe_entries_rejected_one_by_one(tmp_path):
    z = tmp_path / "a.zip"
    dxf = REAL_FILES[1].read_bytes()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("ok/plan.dxf", dxf)
        zf.writestr("../evil.dxf", dxf)
        zf.writestr("/etc/abs.dxf", dxf)
        link = zipfile.ZipInfo("link.dxf")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("drawing.dwg", b"AC1009" + b"\x00" * 64)  # R11/R12: a version not read
    got = intake.expand_zip(z, tmp_path / "out")
    assert [m.name for m in got.members] == ["ok/plan.dxf"]
    codes = {e.name: e.error.code for e in got.errors}
    assert codes == {"../evil.dxf": "unsafe_path", "/etc/abs.dxf": "unsafe_path",
                     "link.dxf": "symlink_entry", "drawing.dwg": "dwg_version_unsupported"}
    assert not (tmp_path / "evil.dxf").exists()
    assert all(isinstance(e.error, DrawReviewError) for e in got.errors)
    assert got.errors[0].as_dict()["code"] == "unsafe_path"


def test_zip_bomb_stopped_while_streaming(tmp_path):
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.dxf", b"0" * (20 * 1024 * 1024))
    with pytest.raises(E.ZipBomb) as info:
        intake.expand_zip(z, tmp_path / "out")
    assert isinstance(info.value, UnsafeArchive) and info.value.code == "zip_bomb"
    assert not any((tmp_path / "out").rglob("*.dxf"))  # partial output removed


def test_zip_total_size_limit(tmp_path):
    z = tmp_path / "big.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        for i in range(3):
            zf.writestr(f"{i}.dxf", b"x" * 400_000)
    limits = intake.ZipLimits(max_total=1_000_000)
    with pytest.raises(E.ArchiveTooLarge) as info:
        intake.expand_zip(z, tmp_path / "out", limits=limits)
    assert info.value.code == "archive_too_large" and info.value.details["limit"] == 1_000_000
    assert "big.zip/2.dxf" in info.value.message_zh and "size limit" in info.value.message_en
    assert not any((tmp_path / "out").rglob("*.dxf"))


def test_zip_member_size_limit(tmp_path):
    z = tmp_path / "member.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("small.dxf", b"x" * 100_000)
        zf.writestr("large.dxf", b"x" * 600_000)
    with pytest.raises(E.ArchiveTooLarge) as info:
        intake.expand_zip(z, tmp_path / "out", limits=intake.ZipLimits(max_member=500_000))
    assert "member.zip/large.dxf" in info.value.message_zh and info.value.details["limit"] == 500_000
    got = intake.expand_zip(z, tmp_path / "ok", limits=intake.ZipLimits(max_member=600_000))
    assert len(got.members) + len(got.errors) == 2  # within the limit: expanded (then judged by content)


def test_zip_limits_come_from_settings(tmp_path):
    settings = load_settings({"DRAWREVIEW_DATA_DIR": str(tmp_path / "d"), "DRAWREVIEW_MAX_SUBMISSION_BYTES": "5000000"})
    limits = intake.ZipLimits.for_set(settings, used_bytes=1_000_000)
    assert (limits.max_entries, limits.max_member, limits.max_total) == (20000, 5_000_000, 4_000_000)
    settings = load_settings({"DRAWREVIEW_DATA_DIR": str(tmp_path / "d"), "DRAWREVIEW_ZIP_MAX_ENTRIES": "7",
                              "DRAWREVIEW_ZIP_MAX_MEMBER_BYTES": "123"})
    limits = intake.ZipLimits.for_set(settings, used_bytes=0)
    assert (limits.max_entries, limits.max_member, limits.max_total) == (7, 123, 2 * 1024**3)


def test_zip_entry_count_limit(tmp_path):
    z = tmp_path / "many.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for i in range(6):
            zf.writestr(f"{i}.txt", b"x")
    with pytest.raises(E.TooManyEntries):
        intake.expand_zip(z, tmp_path / "out", limits=intake.ZipLimits(max_entries=5))


def test_corrupt_zip(tmp_path):
    z = tmp_path / "c.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.dxf", b"x" * 1000)
    z.write_bytes(buf.getvalue()[:60])
    with pytest.raises(E.CorruptArchive):
        intake.expand_zip(z, tmp_path / "out")


# -- a zip is a zip: the container's own structure first, then the members' content ----------

def _pdf(text: str) -> bytes:
    import pymupdf

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), text)
    data = doc.tobytes()
    doc.close()
    return data


def _zip(entries: dict[str, bytes], compression: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED], ids=["stored", "deflated"])
def test_an_archive_of_pdfs_is_a_zip_whatever_its_members_start_with(tmp_path, compression):
    entries = {f"图纸/建施-{i:02d}.pdf": _pdf(f"sheet {i}") for i in range(1, 11)}
    z = tmp_path / "set.zip"
    z.write_bytes(_zip(entries, compression))
    if compression == zipfile.ZIP_STORED:  # what fooled the old sniffer: a member's %PDF a few bytes in
        assert b"%PDF-" in z.read_bytes()[:1024]
    assert filetype.identify(z) == "zip"
    got = intake.ingest(z, tmp_path / "x")
    assert sorted(m.name for m in got.members) == sorted(entries)  # all ten, none vanished
    assert {m.kind for m in got.members} == {"pdf"} and not got.errors


def test_a_zip_with_bytes_in_front_is_a_zip(tmp_path):
    """A self-extractor or a prefixed archive: no local header at 0, found by its central directory."""
    z = tmp_path / "sfx.bin"
    z.write_bytes(b"MZ" + b"\x90" * 3000 + _zip({"a.pdf": _pdf("a"), "b.pdf": _pdf("b")}, zipfile.ZIP_STORED))
    assert filetype.identify(z) == "zip"
    assert sorted(m.name for m in intake.ingest(z, tmp_path / "x").members) == ["a.pdf", "b.pdf"]


def test_a_pdf_with_leading_garbage_stays_a_pdf(tmp_path):
    import pymupdf

    p = tmp_path / "scan.pdf"
    p.write_bytes(b"\x00garbage from a mail gateway\r\n" * 20 + _pdf("总平面图"))
    assert filetype.identify(p) == "pdf"
    with pymupdf.open(p) as doc:  # the reference reader agrees it is one readable page
        assert doc.page_count == 1


def test_a_pdf_that_merely_contains_zip_signatures_stays_a_pdf(tmp_path):
    import pymupdf

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "PK\x05\x06 PK\x01\x02 PK\x03\x04")
    doc.embfile_add("inner.zip", _zip({"x.dxf": b"0\nEOF\n"}, zipfile.ZIP_STORED))  # a zip inside the PDF
    p = tmp_path / "a.pdf"
    p.write_bytes(doc.tobytes())
    assert filetype.identify(p) == "pdf"


def test_a_dxf_in_a_stored_zip(tmp_path):
    dxf = REAL_FILES[1].read_bytes()
    z = tmp_path / "dxf.zip"
    z.write_bytes(_zip({"plan.dxf": dxf, "cover.pdf": _pdf("目录")}, zipfile.ZIP_STORED))
    assert filetype.identify(z) == "zip"
    got = intake.ingest(z, tmp_path / "x")
    assert {m.name: m.kind for m in got.members} == {"plan.dxf": "dxf", "cover.pdf": "pdf"}


def test_a_dwg_in_a_stored_zip_is_judged_as_a_dwg(tmp_path):
    dwg_dir = REAL_FILES[0].parent / "dwg"
    dwg = sorted(dwg_dir.glob("*.dwg"))[0].read_bytes()
    z = tmp_path / "dwg.zip"
    z.write_bytes(_zip({"plan.dwg": dwg, "cover.pdf": _pdf("目录")}, zipfile.ZIP_STORED))
    assert filetype.identify(z) == "zip"
    got = intake.ingest(z, tmp_path / "x")
    # the DWG member is looked at as a DWG, and accepted
    judged = {m.name: m.kind for m in got.members} | {e.name: e.error.code for e in got.errors}
    assert judged == {"cover.pdf": "pdf", "plan.dwg": "dwg"}, judged


def test_a_damaged_zip_is_reported_as_a_damaged_zip(tmp_path):
    data = _zip({"a.pdf": _pdf("a"), "b.pdf": _pdf("b")}, zipfile.ZIP_STORED)
    z = tmp_path / "cut.zip"
    z.write_bytes(data[: len(data) // 2])  # local header at 0, the directory cut off
    assert filetype.identify(z) == "zip"
    with pytest.raises(E.CorruptArchive):
        intake.ingest(z, tmp_path / "x")


def test_real_dwgs_identified_by_content(tmp_path):
    dwgs = sorted((REAL_FILES[0].parent / "dwg").glob("*.dwg"))
    assert len(dwgs) >= 8
    for path in dwgs:
        assert filetype.identify(path) == "dwg"
    # a .dwg that is really a DXF or a PDF goes by its content
    fake = tmp_path / "plan.dwg"
    fake.write_bytes(REAL_FILES[1].read_bytes())
    assert filetype.identify(fake) == "dxf"
    pdf = next(p for p in REAL_FILES if p.suffix == ".pdf")
    fake.write_bytes(pdf.read_bytes())
    assert filetype.identify(fake) == "pdf"


def _dxf_text() -> bytes:
    import ezdxf

    doc = ezdxf.new()
    doc.modelspace().add_text("一层平面图 建施-01")
    out = io.StringIO()
    doc.write(out)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("comments", [
    b"999\nnotice\n" * 40,  # more pairs than the first 64 lines hold, all in the first 4 KB
    b"999\n" + b"x" * 200 + b"\n" + b"999\nnotice line written by an exporter\n" * 40_000,  # 1.4 MB of them
    b"\xef\xbb\xbf" + b"999\nhi\n" * 1_000,  # behind a UTF-8 byte-order mark
    b"999\r\nhi\r\n" * 2_000 + b" 999\nhi\n" * 2_000,  # CRLF, then a padded group code
], ids=["40-pairs", "1.4MB", "bom", "crlf-padded"])
def test_a_dxf_behind_many_comments_is_a_dxf(tmp_path, comments):
    """ezdxf skips any number of leading 999 comments; identify called such a file "text"
    (it looked at the first 64 lines only) and the upload failed as not a drawing (decision 162)."""
    p = tmp_path / "建施-01.dxf"
    p.write_bytes(comments + _dxf_text())
    assert filetype.identify(p) == "dxf"


def test_a_file_of_nothing_but_comments_is_not_a_drawing(tmp_path):
    p = tmp_path / "说明.dxf"
    p.write_bytes(b"999\nhi\n" * 2_000)
    with pytest.raises(E.NotADrawing):
        filetype.identify(p)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_dxf_is_named_as_such(tmp_path, encoding):
    """A DXF a text editor saved "as Unicode" was "content is unknown data"; it is now told as
    a UTF-16 DXF, with what to do, in both languages (decision 162)."""
    text = _dxf_text().decode("utf-8")
    data = text.encode(encoding)
    if encoding != "utf-16":  # the BOM a text editor writes, in the byte order it used
        data = (b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff") + data
    p = tmp_path / "建施-01.dxf"
    p.write_bytes(data)
    with pytest.raises(E.Utf16Dxf) as info:
        filetype.identify(p)
    assert info.value.code == "dxf_utf16"
    assert "UTF-16" in info.value.message_zh and "另存为" in info.value.message_zh
    assert "UTF-16" in info.value.message_en and "save it again" in info.value.message_en
    assert "建施-01.dxf" in info.value.message_zh


def test_utf16_text_that_is_no_dxf_stays_not_a_drawing(tmp_path):
    p = tmp_path / "说明.dxf"
    p.write_bytes("设计说明：本工程为住宅。".encode("utf-16"))
    with pytest.raises(E.NotADrawing):
        filetype.identify(p)
