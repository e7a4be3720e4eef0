"""What a person sees of a name typed or sent from outside.

Unicode's format characters (category Cf: zero-width spaces and joiners, the byte-order mark,
the bidirectional overrides U+202A–U+202E and isolates U+2066–U+2069) draw nothing. A project
named only with them looks unnamed; a file named ``\\u202egpj.dxf`` is shown as ``fxd.jpg``
(decision 162). Names are kept without them, in NFC, so a name typed on a Mac (NFD) and the same
name typed elsewhere are one name."""

from __future__ import annotations

import unicodedata


def visible(text: str) -> str:
    """*text* in NFC without format characters."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def is_blank(text: str) -> bool:
    """True when *text* shows nothing: only spaces and format characters."""
    return not visible(text).strip()
