"""The authority's seal: the generated default and a configured image, on the report's last page."""

from __future__ import annotations

from dataclasses import replace

import pymupdf
import pytest

from drawreview.errors import ValidationFailed
from drawreview.report.pdf import render_report
from drawreview.report.seal import default_seal, load_seal


def _red_share(png: bytes) -> float:
    pix = pymupdf.Pixmap(png)
    if pix.alpha:
        pix = pymupdf.Pixmap(pymupdf.csRGB, pix)
    s = pix.samples
    n = pix.n
    red = sum(1 for i in range(0, len(s), n * 7) if s[i] > 150 and s[i + 1] < 110 and s[i + 2] < 110)
    return red / (len(s) / (n * 7))


def test_default_seal_is_red_round_and_the_same_every_time():
    a = default_seal("某市施工图审查中心")
    assert a == default_seal("某市施工图审查中心")  # nothing random or dated in it
    pix = pymupdf.Pixmap(a)
    assert pix.alpha and pix.width == pix.height >= 300  # transparent, square
    assert _red_share(a) > 0.05


def test_a_configured_seal_image_is_used_and_a_bad_one_refused(tmp_path, sample_data):
    img = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 120, 120), False)
    img.set_rect(img.irect, (0, 90, 200))  # a blue square: not what the default would draw
    path = tmp_path / "seal.png"
    img.save(path)
    data = load_seal(path, "某中心")
    assert data == path.read_bytes()
    small = replace(sample_data, disciplines=sample_data.disciplines[:1])
    pdf, info = render_report(small, seal=data)
    last = pymupdf.open("pdf", pdf)[-1]
    [bbox] = [i["bbox"] for i in last.get_image_info()]
    pix = last.get_pixmap(clip=pymupdf.Rect(bbox) + (10, 10, -10, -10))
    blue = sum(1 for y in range(0, pix.height, 3) for x in range(0, pix.width, 3)
               if all(abs(c - w) <= 10 for c, w in zip(pix.pixel(x, y), (0, 90, 200))))
    total = len(range(0, pix.height, 3)) * len(range(0, pix.width, 3))
    assert blue / total > 0.6  # the configured image is what the page shows (text may cross it, as ink does)
    (tmp_path / "bad.png").write_bytes(b"not an image")
    with pytest.raises(ValidationFailed) as exc:
        load_seal(tmp_path / "bad.png", "某中心")
    assert "印章图片" in exc.value.message_zh and "seal image" in exc.value.message_en
    with pytest.raises(ValidationFailed):
        load_seal(tmp_path / "missing.png", "某中心")
