"""Hostile archives (cad/intake.py): a bomb is stopped a little past the ratio floor because the
ratio is measured against the compressed bytes consumed so far, not the entry's header; an
entry whose name is too long for the file system is refused alone and the others are kept; a
damaged entry is refused alone; no message names a server path. The expanded entries are
compared with what Python's own zipfile reads from the same archive."""

from __future__ import annotations

import zipfile

import pytest

from drawreview.cad import errors as E
from drawreview.cad import intake
from tests import drawing_inputs as di


def _zeros_entry(zf: zipfile.ZipFile, name: str, size: int) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w", force_zip64=True) as out:
        block = b"\0" * (8 * 1024 * 1024)
        for _ in range(size // len(block)):
            out.write(block)


def test_a_bomb_stops_a_little_past_the_floor(tmp_path):
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        _zeros_entry(zf, "a.dxf", 512 * 1024 * 1024)  # ~0.5 MB compressed, 512 MB expanded
    info = zipfile.ZipFile(z).infolist()[0]
    # judged by the header alone (expanded / whole compressed size), 100 MB would pass first
    assert info.compress_size * 200 > 64 * 1024 * 1024
    with pytest.raises(E.ZipBomb) as caught:
        intake.expand_zip(z, tmp_path / "out")
    limits = intake.ZipLimits()
    assert caught.value.details["expanded_bytes"] <= limits.ratio_floor + intake.INFLATE_OUT
    assert not any((tmp_path / "out").rglob("*.dxf"))


def test_inflate_matches_zipfile(tmp_path):
    z = tmp_path / "set.zip"
    plan, pdf = di.plan(), di.pdf_bytes()
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("平面图.dxf", plan)
        zf.writestr("目录/总图.pdf", pdf)
        zf.writestr("stored.dxf", plan, compress_type=zipfile.ZIP_STORED)
    got = intake.expand_zip(z, tmp_path / "out")
    reference = zipfile.ZipFile(z)
    assert sorted(m.name for m in got.members) == sorted(reference.namelist()) and not got.errors
    for m in got.members:
        assert m.path.read_bytes() == reference.read(m.name)


def test_a_too_long_name_is_refused_alone(tmp_path):
    long_name = "超长" * 60 + ".dxf"  # 120 Chinese characters: 364 bytes, over the 255-byte limit
    long_dir = "目录" * 50 + "/平面.dxf"
    z = tmp_path / "names.zip"
    z.write_bytes(di.zip_of({long_name: di.plan(), long_dir: di.plan(), "正常.dxf": di.plan()}))
    got = intake.expand_zip(z, tmp_path / "out")
    assert [m.name for m in got.members] == ["正常.dxf"]
    codes = {e.name: e.error.code for e in got.errors}
    assert codes == {long_name: "entry_name_too_long", long_dir: "entry_name_too_long"}
    for e in got.errors:
        text = str(e.as_dict())
        assert str(tmp_path) not in text and "/tmp" not in text
        assert e.as_dict()["messages"]["zh-CN"] and e.as_dict()["messages"]["en"]


def test_a_damaged_entry_is_refused_alone(tmp_path):
    z = tmp_path / "damaged.zip"
    z.write_bytes(di.zip_of({"坏.dxf": di.plan(), "好.dxf": di.plan()}))
    data = bytearray(z.read_bytes())
    info = zipfile.ZipFile(z).getinfo("坏.dxf")
    start = info.header_offset + 30 + len(info.filename.encode()) + 10
    data[start:start + 64] = bytes(64)  # garble its deflate stream
    z.write_bytes(bytes(data))
    got = intake.expand_zip(z, tmp_path / "out")
    assert [m.name for m in got.members] == ["好.dxf"]
    assert [(e.name, e.error.code) for e in got.errors] == [("坏.dxf", "bad_entry")]
    assert str(tmp_path) not in str(got.errors[0].as_dict())


def test_a_damaged_archive_names_no_server_path(tmp_path):
    z = tmp_path / "broken.zip"
    z.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(Exception) as caught:
        intake.expand_zip(z, tmp_path / "out", name="上传.zip")
    assert str(tmp_path) not in str(caught.value) and str(tmp_path) not in str(getattr(caught.value, "details", ""))


def test_zlib_reference_agrees_on_the_crc(tmp_path):
    """A corrupted CRC in the directory is caught like zipfile catches it."""
    z = tmp_path / "crc.zip"
    z.write_bytes(di.zip_of({"a.dxf": di.plan(), "b.dxf": di.plan()}))
    data = bytearray(z.read_bytes())
    info = zipfile.ZipFile(z).getinfo("a.dxf")
    cd = data.find(b"PK\x01\x02")
    crc_at = cd + 16
    data[crc_at:crc_at + 4] = (info.CRC ^ 0xFFFFFFFF).to_bytes(4, "little")
    z.write_bytes(bytes(data))
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(z).read("a.dxf")
    got = intake.expand_zip(z, tmp_path / "out")
    assert [m.name for m in got.members] == ["b.dxf"] and got.errors[0].error.code == "bad_entry"
