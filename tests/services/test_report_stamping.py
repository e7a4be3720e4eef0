"""An approved round's sheets are stamped and signed in the drawing children, a chunk a call:
the stored files come back in the order of the sheets, each the stamped, signed copy of its own
sheet; a sheet that cannot be read fails the issue with its own zh-CN / English message."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pymupdf
import pytest

from drawreview.errors import UnreadableDrawing
from drawreview.report.signing import ensure_authority_key, load_signing, validate_signature
from drawreview.services import report_stamping
from drawreview.storage import LocalStorage


def _sheet(marker: str) -> bytes:
    doc = pymupdf.open()
    doc.new_page(width=1191, height=842).insert_text((72, 400), marker)
    return doc.tobytes()


@pytest.fixture
def signing(tmp_path):
    ensure_authority_key(tmp_path / "authority")
    return load_signing(tmp_path / "authority")


def test_sheets_come_back_in_order_stamped_and_signed(tmp_path, signing, monkeypatch):
    monkeypatch.setattr(report_stamping, "CHUNK", 2)  # five sheets: three calls, run side by side
    storage = LocalStorage(tmp_path / "blobs")
    markers = [f"SHEET-{i}" for i in range(5)]
    items = [(storage.put_bytes(_sheet(m)).sha256, f"审查合格图纸 {m}") for m in markers]
    out = asyncio.run(report_stamping.stamp_all(storage, signing, "JS-2026-7", datetime(2026, 12, 6), "示范审图中心",
                                                items))
    assert len(out) == len(markers)
    for marker, (sha256, size) in zip(markers, out):
        with storage.open(sha256) as fh:
            pdf = fh.read()
        assert len(pdf) == size
        text = pymupdf.open("pdf", pdf)[0].get_text()
        assert marker in text and "审查合格" in text and "JS-2026-7" in text
        assert validate_signature(pdf, signing.cert).ok


def test_an_unreadable_sheet_fails_with_its_message(tmp_path, signing):
    storage = LocalStorage(tmp_path / "blobs")
    items = [(storage.put_bytes(_sheet("ok")).sha256, "a"), (storage.put_bytes(b"%PDF-1.7 broken").sha256, "b")]
    with pytest.raises(UnreadableDrawing) as err:
        asyncio.run(report_stamping.stamp_all(storage, signing, "JS-1", datetime(2026, 12, 6), "示范", items))
    assert err.value.message("zh-CN") == "待盖章的图纸 PDF 无法读取"
    assert err.value.message("en") == "The sheet PDF to stamp cannot be read"
