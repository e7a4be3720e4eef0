"""Text that shows nothing is blank (decision 162): a reason, comment or project name of
zero-width spaces, a byte-order mark or bidirectional controls was accepted as written."""

from __future__ import annotations

import unicodedata

import pytest

from drawreview.errors import ValidationFailed
from drawreview.services import deficiencies, review_period
from drawreview.services.visible import is_blank, visible

INVISIBLE = ["\u200b", "\u200b\u200c\u200d", "\ufeff", "\u202e", "\u2066 \u2069", "\u3000\u200b"]


@pytest.mark.parametrize("text", INVISIBLE)
def test_format_characters_are_blank(text):
    assert is_blank(text)


def test_visible_text_keeps_what_is_seen_in_nfc():
    assert not is_blank("\u200b意见")
    assert visible("\u202egpj.dxf") == "gpj.dxf"
    assert visible(unicodedata.normalize("NFD", "é")) == "é"


@pytest.mark.parametrize("text", INVISIBLE)
def test_a_reason_of_invisible_characters_is_refused(text):
    with pytest.raises(ValidationFailed):
        deficiencies._reason(text)
    with pytest.raises(ValidationFailed):
        review_period._reason(text)
