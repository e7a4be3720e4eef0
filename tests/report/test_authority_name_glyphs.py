"""The authority's name outside the report's flowing text — the generated seal, the visible
signature's appearance, the stamp on approved sheets — drawn with the report's fallback fonts
(decision 132): a rare character in the name (𪚥, CJK Extension B) printed as □ in the
signature field and as nothing in the seal and the stamp, since each used the one report font.
Read back with poppler's pdftotext (text) and by the seal image's ink (pixels)."""

from __future__ import annotations

import math
import subprocess
import uuid
from dataclasses import replace
from datetime import date

import numpy as np
import pymupdf

from drawreview.report.issuance import issue_report
from drawreview.report.seal import SIDE, ZOOM, default_seal
from drawreview.report.stamps import stamp_sheet

from .conftest import VERIFY_URL

RARE_NAME = "示范市𪚥城联合审图中心"


def _pdftotext(pdf: bytes, tmp_path) -> str:
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout


def _name_band_ink(png: bytes) -> int:
    """Opaque pixels of the seal between the star and the ring, above the centre: where the
    authority's name runs along the arc (the ring and the star are drawn whatever the name)."""
    pix = pymupdf.Pixmap(png)
    alpha = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)[:, :, -1]
    ys, xs = np.mgrid[0:pix.height, 0:pix.width] / ZOOM
    c = SIDE / 2
    r = np.hypot(xs - c, ys - c)
    band = (r > SIDE * 0.2) & (r < SIDE / 2 - 8) & (ys < c - SIDE * 0.12)
    return int(((alpha > 128) & band).sum())


def test_a_rare_character_in_the_authority_name_is_drawn_on_the_seal():
    rare = _name_band_ink(default_seal("𪚥𪚥𪚥𪚥"))
    common = _name_band_ink(default_seal("国国国国"))
    placeholder = _name_band_ink(default_seal("□□□□"))
    assert common > 0 and rare > 0.5 * common  # drawn: it was no ink at all
    assert rare != placeholder  # by a font that has it, not as the placeholder box
    assert not math.isclose(rare, placeholder, rel_tol=0.02)


def test_the_signature_field_and_the_sheet_stamp_print_the_name_as_written(sample_data, authority, tmp_path):
    data = replace(sample_data, disciplines=sample_data.disciplines[:1],
                   project=replace(sample_data.project, authority=RARE_NAME))
    key, cert = authority
    issued = issue_report(data, key_path=key, cert_path=cert, verify_url=VERIFY_URL)
    text = _pdftotext(issued.pdf, tmp_path)
    # the cover, the 盖章 line and the signature field's appearance: all three as written
    assert text.count(RARE_NAME) >= 3, text[-600:]
    assert "示范市□城" not in text and "示范市 城" not in text

    sheet = sample_data.disciplines[0].comments[0].sheet_pdf_path.read_bytes()
    stamped = stamp_sheet(sheet, "SC-2026-0001", date(2026, 12, 7), RARE_NAME)
    assert RARE_NAME in _pdftotext(stamped, tmp_path).replace("\n", "")
