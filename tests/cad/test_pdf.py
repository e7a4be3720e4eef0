import pymupdf
import pytest

from drawreview.cad import errors as E
from drawreview.cad.pdf import has_javascript, load_pdf, page_spec, pdf_sheets, render_page

from .conftest import DRAWINGS


def test_real_pdf(tmp_path):
    src = load_pdf(DRAWINGS / "ezdxf__dimtad-dimjust_bricscad.pdf")
    specs = pdf_sheets(src)
    assert [s.key for s in specs] == ["page:1"]
    res = render_page(src, specs[0], tmp_path / "1.pdf")
    assert (res.width, res.height) == (842.0, 595.0)
    assert res.texts and pymupdf.open(res.pdf)[0].get_drawings()


def _make_pdf(path, text="结施-03", **save):
    doc = pymupdf.open()
    page = doc.new_page(width=842, height=595)
    page.insert_text((700, 560), text, fontname="china-s", fontsize=12)
    page.draw_rect(pymupdf.Rect(20, 20, 822, 575))
    doc.save(path, **save)
    return path


def test_encrypted_pdf_rejected(tmp_path):
    p = _make_pdf(tmp_path / "enc.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="o", user_pw="u")
    with pytest.raises(E.EncryptedPdf) as info:
        load_pdf(p)
    assert info.value.code == "encrypted_pdf" and "enc.pdf" in info.value.message_zh


def test_javascript_stripped_never_kept(tmp_path):
    p = _make_pdf(tmp_path / "js.pdf")
    doc = pymupdf.open(p)
    js = doc.get_new_xref()
    doc.update_object(js, "<</S/JavaScript/JS(app.alert('x'))>>")
    doc.xref_set_key(doc.pdf_catalog(), "OpenAction", f"{js} 0 R")
    doc.save(tmp_path / "js2.pdf")
    src = load_pdf(tmp_path / "js2.pdf")
    assert src.javascript and any("JavaScript" in n for n in src.notes)
    specs = pdf_sheets(src)
    assert specs[0].number == "结施-03" and specs[0].discipline == "结构"
    res = render_page(src, specs[0], tmp_path / "sheet.pdf")
    assert not has_javascript(pymupdf.open(res.pdf))
    assert any("JavaScript" in n for n in res.notes)
    assert "结施-03" in pymupdf.open(res.pdf)[0].get_text()


def test_scanned_page(tmp_path):
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 100), False)
    pix.clear_with(0)
    doc = pymupdf.open()
    doc.new_page(width=400, height=200).insert_image(pymupdf.Rect(0, 0, 400, 200), pixmap=pix)
    doc.save(tmp_path / "scan.pdf")
    src = load_pdf(tmp_path / "scan.pdf")
    res = render_page(src, pdf_sheets(src)[0], tmp_path / "s.pdf")
    assert pymupdf.open(res.pdf)[0].get_pixmap().pixel(100, 100) == (0, 0, 0)


def test_a_plain_one_page_pdf_is_its_own_sheet(tmp_path):
    p = _make_pdf(tmp_path / "plain.pdf")
    src = load_pdf(p)
    assert not src.active
    res = render_page(src, pdf_sheets(src)[0], tmp_path / "sheet.pdf")
    assert (tmp_path / "sheet.pdf").read_bytes() == p.read_bytes()
    assert [t["text"] for t in res.texts] == ["结施-03"]


@pytest.mark.parametrize("extra", ["link", "annotation", "two pages"])
def test_anything_active_gets_a_clean_copy(tmp_path, extra):
    p = _make_pdf(tmp_path / "a.pdf")
    doc = pymupdf.open(p)
    if extra == "link":
        doc[0].insert_link({"kind": pymupdf.LINK_URI, "from": pymupdf.Rect(10, 10, 50, 50), "uri": "http://x.test"})
    elif extra == "annotation":
        doc[0].add_text_annot((100, 100), "看这里")
    else:
        doc.new_page(width=842, height=595)
    doc.save(tmp_path / "b.pdf")
    src = load_pdf(tmp_path / "b.pdf")
    assert src.active == (extra != "two pages")
    res = render_page(src, pdf_sheets(src)[0], tmp_path / "sheet.pdf")
    sheet = pymupdf.open(res.pdf)
    assert sheet.page_count == 1 and not list(sheet[0].annots()) and not sheet[0].get_links()
    assert "结施-03" in sheet[0].get_text()


def test_blank_page_is_noted(tmp_path):
    doc = pymupdf.open()
    doc.new_page(width=400, height=300)
    doc.save(tmp_path / "blank.pdf")
    src = load_pdf(tmp_path / "blank.pdf")
    res = render_page(src, pdf_sheets(src)[0], tmp_path / "s.pdf")
    assert any("blank" in n for n in res.notes)
    drawn = render_page(src := load_pdf(_make_pdf(tmp_path / "drawn.pdf", text="")), pdf_sheets(src)[0],
                        tmp_path / "d.pdf")
    assert not any("blank" in n for n in drawn.notes)  # a frame and no text is not blank


def test_the_first_tile_from_the_source_reading_is_the_sheets_tile(tmp_path):
    from drawreview.cad import tiles

    src = load_pdf(DRAWINGS / "ezdxf__dimtad-dimjust_bricscad.pdf")
    assert src.own_sheet()
    res = render_page(src, pdf_sheets(src)[0], tmp_path / "1.pdf")
    shown = src.display_list(0)
    assert pymupdf.Pixmap(tiles.render_tile(shown, 0, 0, 0)).samples == \
        pymupdf.Pixmap(tiles.render_tile(res.pdf, 0, 0, 0)).samples
    assert tiles.thumbnail(shown, 300) == tiles.thumbnail(res.pdf, 300)
    with pytest.raises(ValueError):
        tiles.render_tile(shown, 0, 0, 0, hidden_layers=["x"])
    # and the text the title block and search use came from that same reading
    assert [t["text"] for t in res.texts] == [line[4] for line in src.lines[0]] and res.texts


def test_a_sheet_drawn_again_over_a_linked_one_leaves_the_uploads_alone(tmp_path):
    # the sheet of a plain one-page PDF is the file itself (a hard link); drawing a sheet again
    # where one exists replaces it and never writes into the file it was linked to
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for path, text in ((first, "A-101"), (second, "B-202")):
        doc = pymupdf.open()
        doc.new_page(width=400, height=300).insert_text((50, 150), text)
        doc.save(path)
    before = first.read_bytes()
    out = tmp_path / "out.pdf"
    for path in (first, first, second):
        src = load_pdf(path)
        render_page(src, page_spec(src, 0), out)
        src.doc.close()
    assert out.read_bytes() == second.read_bytes()
    assert first.read_bytes() == before


def _poppler_ink(pdf, page: int, size: int):
    """Dark pixels of *page* (0-based) as poppler draws it for a reader (CropBox, /Rotate): an
    independent reader of the same file."""
    import subprocess

    import numpy as np
    from PIL import Image

    out = pdf.with_name(f"{pdf.stem}-poppler-{page}")
    subprocess.run(["pdftoppm", "-png", "-singlefile", "-cropbox", "-scale-to", str(size), "-f", str(page + 1),
                    "-l", str(page + 1), str(pdf), str(out)], check=True, capture_output=True)
    return np.asarray(Image.open(f"{out}.png").convert("L")) < 128


@pytest.mark.parametrize("crop", [False, True])
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_turned_page_of_a_set_is_drawn_as_a_reader_sees_it(tmp_path, turn, crop):
    # plotters and scanners save landscape sheets as portrait pages with /Rotate; a page of a
    # set (not its own sheet) is copied into a fresh sheet PDF, which must show what a reader
    # sees: it came out squeezed into a corner, unturned (180: upside down)
    import numpy as np

    from drawreview.cad import tiles

    doc = pymupdf.open()
    for n in range(2):
        page = doc.new_page(width=842, height=595)
        page.draw_rect(pymupdf.Rect(20, 20, 220, 60), color=(0, 0, 0), fill=(0, 0, 0))  # an L: shows any turn
        page.draw_rect(pymupdf.Rect(20, 20, 60, 300), color=(0, 0, 0), fill=(0, 0, 0))
        page.draw_rect(pymupdf.Rect(700, 500, 800, 560), color=(0, 0, 0), fill=(0, 0, 0))
        page.insert_text((560, 540), f"A-10{n + 1}", fontsize=20)
        if crop:
            page.set_cropbox(pymupdf.Rect(10, 15, 810, 580))
        page.set_rotation(turn)
    doc.save(tmp_path / "set.pdf")
    src = load_pdf(tmp_path / "set.pdf")
    assert not src.own_sheet()
    for spec in pdf_sheets(src):
        res = render_page(src, spec, tmp_path / f"{spec.page}.pdf")
        want = _poppler_ink(tmp_path / "set.pdf", spec.page, 600)
        w, h = (800.0, 565.0) if crop else (842.0, 595.0)
        assert (res.width, res.height) == ((h, w) if turn in (90, 270) else (w, h))
        pix = pymupdf.Pixmap(tiles.thumbnail(res.pdf, 600))
        got = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)[..., 0] < 128
        assert got.shape == want.shape
        assert (got & want).sum() / (got | want).sum() > 0.95
        # the words the viewer's search highlights sit where the sheet shows them
        sheet = pymupdf.open(res.pdf)[0]
        [word] = [w for w in sheet.get_text("words") if w[4].startswith("A-10")]
        [text] = [t for t in res.texts if t["text"].startswith("A-10")]
        assert np.allclose(text["bbox"], word[:4], atol=1.0)
        assert src.doc[spec.page].rotation == turn  # the source is left as it was


@pytest.mark.parametrize("turn", [0, 90, 270])
def test_the_sheet_of_a_turned_one_page_pdf_is_upright_for_snapping_and_markups(tmp_path, turn):
    # a plain one-page PDF is its own sheet, but one saved with /Rotate is not: the snapping
    # vertices (and the markups the report draws as PDF annotations) take the unturned
    # coordinates of a turned page, while the viewer shows it turned; they missed the drawing
    import numpy as np

    from drawreview.services.sheet_vertices import _read

    doc = pymupdf.open()
    page = doc.new_page(width=842, height=595)
    page.draw_rect(pymupdf.Rect(100, 100, 200, 150), color=(0, 0, 0), width=1)
    page.set_rotation(turn)
    doc.save(tmp_path / "one.pdf")
    src = load_pdf(tmp_path / "one.pdf")
    assert src.own_sheet() == (turn == 0)
    res = render_page(src, pdf_sheets(src)[0], tmp_path / "sheet.pdf")
    sheet = pymupdf.open(res.pdf)[0]
    assert sheet.rotation == 0 and (res.width, res.height) == (sheet.rect.width, sheet.rect.height)
    ink = _poppler_ink(tmp_path / "one.pdf", 0, 842)  # 1 px a point: the reader's view of the file
    ys, xs = np.nonzero(ink)
    corners = _read(res.pdf)[0]
    assert np.allclose(corners.min(axis=0), (xs.min(), ys.min()), atol=1.5)
    assert np.allclose(corners.max(axis=0), (xs.max(), ys.max()), atol=1.5)
    # a markup drawn where the reader sees the rectangle lands on it
    annot = sheet.add_rect_annot(pymupdf.Rect(xs.min() - 5, ys.min() - 5, xs.max() + 5, ys.max() + 5))
    annot.set_colors(stroke=(1, 0, 0))
    annot.update()
    pix = sheet.get_pixmap(annots=True, alpha=False)
    rgb = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, 3)
    ry, rx = np.nonzero((rgb[..., 0] > 200) & (rgb[..., 1] < 80))
    assert abs(rx.min() - (xs.min() - 5)) <= 2 and abs(ry.max() - (ys.max() + 5)) <= 2


@pytest.mark.parametrize("name", ["Hidden", "不打印的图层"])
def test_a_layer_the_pdf_hides_stays_hidden_on_its_sheet(tmp_path, name):
    # programs that plot with layer information save layers that are off by default (notes,
    # alternatives, non-plotting layers); the copied sheet lost the catalogue that says so,
    # and every such layer was drawn (IoU 0.455 against poppler)
    import numpy as np

    from drawreview.cad import tiles

    doc = pymupdf.open()
    shown, hidden = doc.add_ocg("Shown", on=True), doc.add_ocg(name, on=False)
    for _ in range(2):  # a set: each page is copied into its sheet
        page = doc.new_page(width=842, height=595)
        page.draw_rect(pymupdf.Rect(50, 50, 300, 300), color=(0, 0, 0), fill=(0, 0, 0), oc=shown)
        page.draw_rect(pymupdf.Rect(400, 50, 700, 300), color=(0, 0, 0), fill=(0, 0, 0), oc=hidden)
    doc.save(tmp_path / "layers.pdf")
    src = load_pdf(tmp_path / "layers.pdf")
    res = render_page(src, pdf_sheets(src)[0], tmp_path / "sheet.pdf")
    want = _poppler_ink(tmp_path / "layers.pdf", 0, 842)
    assert not want[100:250, 450:650].any()  # the reader hides it
    pix = pymupdf.Pixmap(tiles.thumbnail(res.pdf, 842))
    got = np.frombuffer(pix.samples, np.uint8).reshape(pix.height, pix.width, pix.n)[..., 0] < 128
    assert got.shape == want.shape and (got & want).sum() / (got | want).sum() > 0.98
    assert {v["name"]: v["on"] for v in pymupdf.open(res.pdf).get_ocgs().values()} == {"Shown": True, name: False}


@pytest.mark.parametrize("lettering, number, scale", [
    (["图号 建施-01", "比例 1:100"], "建施-01", "1:100"),   # label and value cells on one line, a space between
    (["图号建施-02"], "建施-02", None),                    # ... nothing between (the cells touch)
    (["DWG NO. A-103", "SCALE 1:50"], "A-103", "1:50"),
])
def test_a_title_block_label_and_its_value_on_one_line_are_read(tmp_path, lettering, number, scale):
    """A PDF joins a title block's label cell and its value cell into one text line (and some
    programs write the pair as one text run, as report.sample does): the value is the sheet's."""
    doc = pymupdf.open()
    page = doc.new_page(width=842, height=595)
    for k, text in enumerate(lettering):
        page.insert_text((640, 540 + 20 * k), text, fontname="china-s", fontsize=12)
    page.draw_rect(pymupdf.Rect(20, 20, 822, 575))
    doc.save(tmp_path / "one-line.pdf")
    spec = page_spec(load_pdf(tmp_path / "one-line.pdf"), 0)
    assert (spec.number, spec.scale) == (number, scale)
    assert spec.discipline == "建筑"
