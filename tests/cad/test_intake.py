import io
import stat
import zipfile

import pytest

from drawreview.settings import load_settings
from drawreview.cad import errors as E
from drawreview.cad import intake
from drawreview.errors import DrawReviewError, UnsafeArchive

from .conftest import REAL_FILES


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_real_files_identified_by_content(path):
    assert intake.identify(path) == ("pdf" if path.suffix == ".pdf" else "dxf")


def test_binary_dxf_sentinel():
    assert intake.sniff(b"AutoCAD Binary DXF\r\n\x1a\x00") == "dxf"


@pytest.mark.parametrize("head, cls, code", [
    (b"AC1032\x00\x00\x00\x00\x00\x00", E.DwgNotSupported, "dwg_not_supported"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", E.NotADrawing, "not_a_drawing"),
    (b"hello, this is not a drawing\n", E.NotADrawing, "not_a_drawing"),
    (b"", E.EmptyFile, "empty_file"),
])
def test_bad_inputs_get_specific_codes(tmp_path, head, cls, code):
    p = tmp_path / "plan.dxf"  # the name lies; content decides
    p.write_bytes(head)
    with pytest.raises(cls) as info:
        intake.identify(p)
    assert info.value.code == code
    assert "plan.dxf" in info.value.message_zh and "plan.dxf" in info.value.message_en
    if code == "dwg_not_supported":
        assert "DXF" in info.value.message_zh and "R2018" in info.value.message_en


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
        zf.writestr("drawing.dwg", b"AC1027" + b"\x00" * 64)
    got = intake.expand_zip(z, tmp_path / "out")
    assert [m.name for m in got.members] == ["ok/plan.dxf"]
    codes = {e.name: e.error.code for e in got.errors}
    assert codes == {"../evil.dxf": "unsafe_path", "/etc/abs.dxf": "unsafe_path",
                     "link.dxf": "symlink_entry", "drawing.dwg": "dwg_not_supported"}
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
