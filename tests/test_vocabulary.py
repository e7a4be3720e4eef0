"""Sheet disciplines for the reader: the drawing's own words in Chinese, translated in English
where the name is a known discipline, the designer's free text as given."""

from __future__ import annotations

import pytest

from drawreview.vocabulary import sheet_discipline_label


@pytest.mark.parametrize("value, zh, en", [
    ("建筑", "建筑", "Architecture"),
    ("给排水", "给排水", "Plumbing"),
    ("电气(防雷)", "电气(防雷)", "Electrical (Lightning protection)"),
    ("电气（ 人防 ）", "电气（ 人防 ）", "Electrical (Civil air defence)"),
    ("室内精装", "室内精装", "室内精装"),  # not a known name: the designer's words
    ("电气(弱电)", "电气(弱电)", "电气(弱电)"),  # half known: never half translated
    (None, "—", "—"),
    ("", "—", "—"),
])
def test_sheet_discipline_label(value, zh, en):
    assert sheet_discipline_label(value, "zh-CN") == zh
    assert sheet_discipline_label(value, "en") == en
