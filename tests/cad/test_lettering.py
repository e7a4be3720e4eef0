"""cad/lettering.py: widths, glyph ids and MTEXT row breaking."""

from __future__ import annotations

import random

from drawreview.cad import lettering, textcodes


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
    em = lettering.EM  # widths are in text heights (cap heights): one em is EM of them
    assert lettering._wrap("一层平面图 总平面图", 3 * em) == ["一层平", "面图", "总平面", "图"]
    assert lettering._wrap("fire exit door", 2 * em) == ["fire", "exit", "door"]
    assert lettering._wrap("Supercalifragilistic", 3 * em) == ["Supercalifragilistic"]  # overflows
    assert lettering._wrap("短", 0) == ["短"]


def test_wrap_matches_the_rule_on_random_mixed_text():
    rng = random.Random(7)
    alphabet = "abcdefghij ABC 0123456789 .,-()" + "消防疏散楼梯间人防地下室" + "  "
    for _ in range(3000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        em = rng.choice([0, 0.5, 1, 2.5, 3, 7.3, 12, 40])
        assert lettering._wrap(line, em) == _wrap_reference(line, em), (line, em)


def test_widths_and_glyph_ids():
    assert lettering.text_width("消防") == 2.0 * lettering.EM
    assert 0 < lettering.text_width("i") < lettering.text_width("W") < lettering.EM
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
        if "\\S" in text or "\\~" in text:  # stacks read as the stack here, "\~" as a space (tests
            continue  # below); ezdxf's fast reading runs stacks together and keeps "\~" as written
        assert textcodes.plain_mtext(text) == fast_plain_mtext(text, split=True), text


def test_nonbreaking_space_code_reads_as_a_space(tmp_path):
    """LibreCAD writes the spaces of its title-block MTEXT as ``\\~`` (AutoCAD's non-breaking
    space): the sheet shows "scale 1 : 1", as ezdxf's full MTEXT parser reads it, not the code."""
    import ezdxf
    from ezdxf.tools.text import plain_mtext as ezdxf_plain_mtext

    from drawreview.cad.dxf import load_dxf
    from drawreview.cad.render import render_drawing
    from drawreview.cad.sheets import split_sheets

    raw = "scale\\~\\~1\\~:\\~1"
    assert textcodes.plain_mtext(raw) == [ezdxf_plain_mtext(raw)] == ["scale  1 : 1"]
    assert textcodes.plain_mtext("a\\\\~b") == ["a\\~b"]  # an escaped backslash, then "~"
    doc = ezdxf.new()
    doc.modelspace().add_mtext(raw, dxfattribs={"char_height": 2.5, "width": 100, "attachment_point": 7})
    doc.modelspace().add_line((0, 0), (60, 20))
    doc.saveas(tmp_path / "nbsp.dxf")
    d = load_dxf(tmp_path / "nbsp.dxf")
    res = render_drawing(d, split_sheets(d), tmp_path)[0]
    assert [t["text"] for t in res.texts] == ["scale  1 : 1"]


def test_stacked_mtext_reads_as_the_stack():
    plain = textcodes.plain_mtext
    assert plain("面积 20m\\S2^;") == ["面积 20m²"]
    assert plain("3\\S1/2;\"") == ["3 1/2\""]  # a space from the whole number before it
    assert plain("\\S1#2; in") == ["1/2 in"]
    assert plain("Ø20\\S+0.05^-0.02;") == ["Ø20+0.05/-0.02"]
    assert plain("H\\S^2;O") == ["H₂O"]
    assert plain("x\\Sab^;") == ["x^ab"]  # no superscript letters: marked as written


def test_cad_height_is_the_cap_height(tmp_path):
    """A TEXT of height h draws capitals h tall (measured on the rendered page), not 0.71 h."""
    import ezdxf
    import numpy as np
    import pymupdf

    from drawreview.cad.dxf import load_dxf
    from drawreview.cad.render import render_drawing
    from drawreview.cad.sheets import split_sheets

    doc = ezdxf.new(units=4)
    doc.modelspace().add_text("HEH", height=100).set_placement((0, 0))
    doc.modelspace().add_line((0, -100), (1000, -100))
    doc.modelspace().add_line((0, 300), (1000, 300))
    doc.saveas(tmp_path / "h.dxf")
    d = load_dxf(tmp_path / "h.dxf")
    res = render_drawing(d, split_sheets(d), tmp_path)[0]
    page = pymupdf.open(res.pdf)[0]
    zoom = 4
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width)
    a, e, f = res.map
    top, bottom = (f - a * 250) * zoom, (f - a * -50) * zoom  # between the two lines
    x0, x1 = (e + a * 0) * zoom, (e + a * 1000) * zoom
    band = img[int(top):int(bottom), int(x0):int(x1)] < 128
    rows = np.where(band.any(axis=1))[0]
    height = (rows.max() - rows.min() + 1) / zoom / a
    assert 96 <= height <= 104, height


def test_plain_text_is_ezdxfs_read_once_per_string():
    """The splitter and the painter read a TEXT's words through one cached reading per distinct
    string: what ezdxf's ``Text.plain_text`` gives, control codes and all (``%%nnn`` aside, which
    ezdxf keeps as written: test below)."""
    import ezdxf

    from drawreview.cad.textcodes import plain_text

    msp = ezdxf.new("R2018").modelspace()
    for raw in ("%%c100", "%%uKITCHEN%%u", "50%%d ±%%p1", "A^IB^JC", "100%%%", "建筑%%c施工", "", "  "):
        e = msp.add_text(raw)
        assert plain_text(e.dxf.text) == e.plain_text() == plain_text(raw), raw
    hits = plain_text.cache_info().hits
    plain_text("%%c100")
    assert plain_text.cache_info().hits == hits + 1


def test_numbered_characters_read_as_autocad_draws_them(tmp_path):
    """``%%nnn`` is the character numbered nnn (AutoCAD's TEXT control code); an R2.6 / R10
    dimension block writes its diameter and degrees that way (``%%1292.0000``, ``90%%127``)."""
    import ezdxf

    from drawreview.cad.dxf import load_dxf
    from drawreview.cad.render import render_drawing
    from drawreview.cad.sheets import split_sheets

    plain = textcodes.plain_text
    assert plain("%%1292.0000") == "Ø2.0000" and plain("90%%127") == "90°" and plain("%%128 0.05") == "± 0.05"
    assert plain("%%065B") == "AB" and plain("%%123x") == "{x" and plain("%%c20") == "Ø20"
    assert plain("100%%%") == "100%" and plain("%%%%127") == "%%127"  # "%%%" is a percent sign
    doc = ezdxf.new("R12")
    block = doc.blocks.new("*D0")  # an anonymous dimension block, as AutoCAD R2.6 wrote them
    block.add_line((3, 1), (3, 2))
    block.add_text("%%1292.0000", height=0.18).set_placement((2.55, 1.41))
    block.add_text("90%%127", height=0.18).set_placement((3, 3))
    doc.modelspace().add_circle((3, 2), 1)
    doc.modelspace().add_blockref("*D0", (0, 0))
    doc.saveas(tmp_path / "r26_dims.dxf")
    d = load_dxf(tmp_path / "r26_dims.dxf")
    res = render_drawing(d, split_sheets(d), tmp_path)[0]
    assert sorted(t["text"] for t in res.texts) == ["90°", "Ø2.0000"]


def _sheet_of(doc, tmp_path):
    from drawreview.cad.dxf import load_dxf
    from drawreview.cad.render import render_drawing
    from drawreview.cad.sheets import split_sheets

    doc.saveas(tmp_path / "t.dxf")
    d = load_dxf(tmp_path / "t.dxf")
    return d, render_drawing(d, split_sheets(d), tmp_path)[0]


def test_a_centred_text_beyond_ascii_is_centred_on_its_point(tmp_path):
    """Cyrillic, Greek, accented Latin and the signs of drawings (± ° Ø) are set at the face's
    own advances in the sheet PDF; laid out at one em each (as CJK), a centred text started
    too far left. Measured on the rendered ink."""
    import ezdxf
    import numpy as np
    import pymupdf
    from ezdxf.enums import TextEntityAlignment

    doc = ezdxf.new(units=4)
    msp = doc.modelspace()
    msp.add_text("Размеры ±0,5° Ø12", height=50).set_placement((1000, 0), align=TextEntityAlignment.BOTTOM_CENTER)
    msp.add_line((0, -100), (2000, -100))
    msp.add_line((0, 300), (2000, 300))
    _, res = _sheet_of(doc, tmp_path)
    page = pymupdf.open(res.pdf)[0]
    zoom = 2
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY)
    img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width)
    a, e, f = res.map
    band = img[int((f - a * 150) * zoom):int((f - a * -50) * zoom)] < 128
    cols = np.where(band.any(axis=0))[0]
    centre = ((cols.min() + cols.max()) / 2 / zoom - e) / a
    width = (cols.max() - cols.min()) / zoom / a
    assert abs(centre - 1000) < 0.03 * width, (centre, width)
    (t,) = res.texts
    box_w = (t["bbox"][2] - t["bbox"][0]) / a
    assert box_w == __import__("pytest").approx(width, rel=0.1)  # the text's box is its ink


def test_mtext_wraps_at_the_advances_the_sheet_draws(tmp_path):
    """A Cyrillic paragraph in a 100-unit column breaks where MuPDF's own measure of the face
    (``Font.text_length``, the PDF's advances) says its words no longer fit."""
    import ezdxf
    import pymupdf

    words = "1. Неуказанные предельные отклонения размеров отверстий".split()
    doc = ezdxf.new(units=4)
    doc.modelspace().add_mtext(" ".join(words), dxfattribs={"char_height": 4.5, "width": 100})
    doc.modelspace().add_line((0, -50), (100, -50))
    _, res = _sheet_of(doc, tmp_path)
    font, size = pymupdf.Font("cjk"), 4.5 / lettering.CAP
    want, cur = [], ""
    for w in words:
        if cur and font.text_length(cur + " " + w, fontsize=size) > 100 * 1.02:
            want.append(cur)
            cur = w
        else:
            cur = (cur + " " + w).strip()
    want.append(cur)
    assert len(want) > 1  # it does wrap
    assert [t["text"] for t in res.texts] == want


@__import__("pytest").mark.parametrize("damaged", [False, True], ids=["strict", "recover"])
def test_an_escape_cut_between_mtext_chunks_is_decoded(tmp_path, damaged):
    """LibreCAD (dxflib) writes a long pre-R2007 MTEXT in 250-character chunks cut blindly, one
    through a ``\\U+043c`` escape: each chunk is decoded alone (by ezdxf's reader too), so the
    sheet showed ``раз\\U+043cеров``. The escape is decoded in the joined text."""
    import ezdxf

    doc = ezdxf.new("R2000")
    doc.modelspace().add_mtext("XYZZYQ", dxfattribs={"char_height": 2.5, "width": 300})
    doc.modelspace().add_line((0, -20), (100, -20))
    doc.saveas(tmp_path / "w.dxf")
    raw = "1.\\~" + "".join("\\U+%04x" % ord(c) for c in "Неуказанные предельные отклонения раз") + "\\U+043c"
    raw += "".join("\\U+%04x" % ord(c) for c in "еров")
    cut = raw.index("\\U+043c") + 2  # chunk one ends with "\U", chunk two starts "+043c"
    text = (tmp_path / "w.dxf").read_text()
    assert text.count("XYZZYQ") == 1
    text = text.replace("  1\nXYZZYQ\n", f"  3\n{raw[:cut]}\n  1\n{raw[cut:]}\n")
    if damaged:  # a group code written "8.0": the strict readers refuse it, ezdxf's recover reads it
        at = text.find("\n  8\n", text.find("ENTITIES"))
        text = text[:at] + "\n8.0\n" + text[at + 5:]
    (tmp_path / "w.dxf").write_text(text)
    if not damaged:
        assert "\\U+043c" in ezdxf.readfile(tmp_path / "w.dxf").modelspace().query("MTEXT")[0].text  # ezdxf: as written
    from drawreview.cad.dxf import load_dxf

    d = load_dxf(tmp_path / "w.dxf")
    assert d.recovered == damaged
    (m,) = d.doc.modelspace().query("MTEXT")
    assert textcodes.plain_mtext(m.text) == ["1. Неуказанные предельные отклонения размеров"]


def _ink_width(pdf_bytes_or_path, zoom: float = 1.0, rows=None) -> int:
    """Width in pixels of the ink on the first page (within *rows*, page points, if given)."""
    import numpy as np
    import pymupdf

    doc = pymupdf.open(pdf_bytes_or_path) if not isinstance(pdf_bytes_or_path, bytes) else pymupdf.open(
        "pdf", pdf_bytes_or_path)
    pix = doc[0].get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY)
    ink = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width) < 200
    if rows is not None:
        ink = ink[int(rows[0] * zoom):int(rows[1] * zoom)]
    cols = np.where(ink.any(axis=0))[0]
    return int(cols.max() - cols.min())


def test_mtext_takes_its_styles_width_factor_as_ezdxf_draws_it(tmp_path):
    """A paragraph of a text style with width factor 0.5 is drawn half as wide (ezdxf's drawing
    add-on, the reference, draws it so; a TEXT carries its own factor instead), and wraps at the
    column by its narrower letters."""
    import ezdxf
    from ezdxf.addons.drawing import Frontend, RenderContext, config, layout
    from ezdxf.addons.drawing.pymupdf import PyMuPdfBackend
    from ezdxf.math import BoundingBox2d

    def doc_of(wf: float):
        doc = ezdxf.new(units=4)
        doc.styles.add("NARROW", font="txt").dxf.width = wf
        doc.modelspace().add_mtext("HEH HEH HEH", dxfattribs={"char_height": 10, "insert": (0, 10), "style": "NARROW"})
        return doc

    ours, ref = {}, {}
    for wf in (1.0, 0.5):
        doc = doc_of(wf)
        backend = PyMuPdfBackend()
        Frontend(RenderContext(doc), backend, config=config.Configuration(
            background_policy=config.BackgroundPolicy.WHITE)).draw_layout(doc.modelspace())
        ref[wf] = _ink_width(backend.get_pdf_bytes(layout.Page(400, 60, layout.Units.mm, layout.Margins.all(0)),
                                                   settings=layout.Settings(fit_page=False, scale=1),
                                                   render_box=BoundingBox2d([(-10, -20), (390, 40)])))
        doc.modelspace().add_line((0, -20), (300, -20))  # below the lettering: the page's extent
        (tmp_path / str(wf)).mkdir()
        _, res = _sheet_of(doc, tmp_path / str(wf))
        a, e, f = res.map
        ours[wf] = _ink_width(res.pdf, zoom=4, rows=(f - a * 12, f - a * -2))
    assert ref[0.5] / ref[1.0] == __import__("pytest").approx(0.5, abs=0.05)
    assert ours[0.5] / ours[1.0] == __import__("pytest").approx(ref[0.5] / ref[1.0], abs=0.05)
    narrow = doc_of(0.5)
    narrow.modelspace().query("MTEXT")[0].dxf.width = lettering.text_width("HEH HEH") * 10 * 0.5 * 1.01
    (m,) = narrow.modelspace().query("MTEXT")
    assert [line for line, *_ in lettering.mtext_layout(m)[0]] == ["HEH HEH", "HEH"]


def test_an_aligned_text_grows_with_its_stretch_and_a_fit_text_keeps_its_height(tmp_path):
    """ALIGNED (halign 3) sets the lettering between its two points with its proportions kept:
    the height follows the stretch (AutoCAD: "the longer the string, the shorter the
    characters"; ezdxf draws it so). FIT (halign 5) keeps the height and stretches the width.
    Old ezdxf releases (0.8, 0.10) write an ALIGNED text with the height it was given, not the
    fitted one: it was drawn as FIT, its capitals a third of their height here."""
    import ezdxf
    import numpy as np
    import pymupdf
    from ezdxf.enums import TextEntityAlignment

    natural = lettering.text_width("HEH") * 10
    heights = {}
    for align in (TextEntityAlignment.ALIGNED, TextEntityAlignment.FIT):
        doc = ezdxf.new(units=4)
        msp = doc.modelspace()
        msp.add_text("HEH", height=10).set_placement((0, 0), (3 * natural, 0), align=align)
        msp.add_line((0, -20), (3 * natural, -20))  # two rules: the page, and the band between
        msp.add_line((0, 60), (3 * natural, 60))
        (tmp_path / align.name).mkdir()
        _, res = _sheet_of(doc, tmp_path / align.name)
        zoom = 4
        pix = pymupdf.open(res.pdf)[0].get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), colorspace=pymupdf.csGRAY)
        img = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width)
        a, e, f = res.map
        band = img[int((f - a * 55) * zoom):int((f - a * -15) * zoom)] < 128
        rows = np.where(band.any(axis=1))[0]
        heights[align] = (rows.max() - rows.min() + 1) / zoom / a
    assert heights[TextEntityAlignment.FIT] == __import__("pytest").approx(10, rel=0.06)
    assert heights[TextEntityAlignment.ALIGNED] == __import__("pytest").approx(30, rel=0.06)
