"""cad/lettering.py: widths, glyph ids and MTEXT row breaking."""

from __future__ import annotations

import random

from drawreview.cad import lettering


def _wrap_reference(line: str, em: float) -> list[str]:
    """The rule, one character at a time (what lettering._wrap does faster)."""
    if em <= 0 or lettering.text_width(line) <= em * 1.02:
        return [line]
    out, cur, cw = [], "", 0.0
    for ch in line:
        w = lettering.text_width(ch)
        if cw + w > em * 1.02 and cur:
            cut = cur.rfind(" ")
            if cut > 0 and ch != " ":
                out.append(cur[:cut])
                cur, cw = cur[cut + 1:], lettering.text_width(cur[cut + 1:])
            elif ch == " " or ord(ch) > 0x2E7F or ord(cur[-1]) > 0x2E7F:
                out.append(cur)
                cur, cw = "", 0.0
                if ch == " ":
                    continue
        cur += ch
        cw += w
    if cur:
        out.append(cur)
    return out


def test_wrap_breaks_at_spaces_and_between_cjk_characters():
    assert lettering._wrap("一层平面图 总平面图", 3) == ["一层平", "面图", "总平面", "图"]
    assert lettering._wrap("fire exit door", 2) == ["fire", "exit", "door"]
    assert lettering._wrap("Supercalifragilistic", 3) == ["Supercalifragilistic"]  # overflows
    assert lettering._wrap("短", 0) == ["短"]


def test_wrap_matches_the_rule_on_random_mixed_text():
    rng = random.Random(7)
    alphabet = "abcdefghij ABC 0123456789 .,-()" + "消防疏散楼梯间人防地下室" + "  "
    for _ in range(3000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        em = rng.choice([0, 0.5, 1, 2.5, 3, 7.3, 12, 40])
        assert lettering._wrap(line, em) == _wrap_reference(line, em), (line, em)


def test_widths_and_glyph_ids():
    assert lettering.text_width("消防") == 2.0
    assert 0 < lettering.text_width("i") < lettering.text_width("W") < 1
    ids = lettering.glyph_ids({"消", "A", "\uffff"})
    assert ids["\uffff"] == 0 and ids["消"] > ids["A"] > 0
    assert lettering.encode("A消") == "<%04x%04x>" % (ids["A"], ids["消"])


def test_plain_mtext_is_ezdxfs_plain_text(specimens):
    import ezdxf
    from ezdxf.tools.text import fast_plain_mtext

    from tests.cad.conftest import REAL_FILES

    texts = []
    for path in [p for p in REAL_FILES if p.suffix == ".dxf"] + [specimens["attrib3"]]:
        try:
            doc = ezdxf.readfile(path)
        except ezdxf.DXFStructureError:
            continue
        texts += [e.text for e in doc.query("MTEXT")]
        texts += [e.text for b in doc.blocks for e in b.query("MTEXT")]
    assert len(texts) > 20 and any("\\S" in t for t in texts) and any("\\P" in t for t in texts)
    rng = random.Random(11)
    pieces = ["\\", "\\\\", "\\P", "\\N", "\\L", "\\l", "\\S1/2;", "\\S", "\\C1;", "\\H2.5x;", "\\f宋体|b0;",
              "{", "}", ";", "%%c", "%%D", "%%p", "%%", "%%z", "%", "^I", "^J", "a", "消防", " ", "\\~", "\\A1"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 25))) for _ in range(3000)]
    for text in texts:
        assert lettering.plain_mtext(text) == fast_plain_mtext(text, split=True), text
