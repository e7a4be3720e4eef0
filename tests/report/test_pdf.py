"""The merged review report: open the real PDF and check what a reader would see."""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import replace

import numpy as np
import pymupdf
import pytest
from fontTools.ttLib import TTFont

from drawreview.errors import UnreadableDrawing, ValidationFailed
from drawreview.report.annots import colour_for
from drawreview.report.font import font_chain, is_cjk, load_font, missing_chars
from drawreview.report.model import SEVERITY_LABELS, STATUS_LABELS, VERDICT_LABELS, label
from drawreview.report.pdf import build_report, render_report


def open_pdf(pdf: bytes) -> pymupdf.Document:
    return pymupdf.open("pdf", pdf)


def page_texts(doc: pymupdf.Document) -> list[str]:
    return [p.get_text() for p in doc]


def test_cover_shows_the_project_facts(rendered, sample_data):
    doc = open_pdf(rendered[0])
    cover = doc[0].get_text()
    p = sample_data.project
    for value in (p.name, p.case_number, p.address, p.construction_unit, p.design_institute, p.authority):
        assert value in cover
    assert f"第 {p.round_no} 轮" in cover
    for at in (p.submitted_at, p.accepted_at, p.issued_at):
        assert f"{at:%Y年%m月%d日}" in cover
    assert label(VERDICT_LABELS, p.verdict) in cover
    assert "审查意见书" in cover


def test_summary_counts_per_discipline(rendered, sample_data):
    doc = open_pdf(rendered[0])
    summary = doc[1].get_text()
    assert "审查汇总" in summary
    for d in sample_data.disciplines:
        # the row: name, reviewer, conclusion, then the six counts
        sev, st = d.severity_counts(), d.status_counts()
        nums = [sev["mandatory"], sev["general"], sev["suggestion"], st["open"] + st["answered"], st["closed"], len(d.findings)]
        row = "\n".join([d.name_zh, d.reviewer, label(VERDICT_LABELS, d.conclusion), *map(str, nums)])
        assert row in summary


def test_reviewer_names_stay_on_one_line(sample_data, tmp_path):
    """The summary and the conclusions name each reviewer on one line (the reviewer column used
    to be so narrow that "规划审查 李明" broke after 李): read back with poppler's pdftotext."""
    names = ["规划审查 李明", "消防审查 欧阳明华", "张伟", "司马相如"]
    data = replace(sample_data, disciplines=tuple(replace(d, reviewer=names[i % len(names)])
                                                  for i, d in enumerate(sample_data.disciplines)))
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report(data)[0])
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, timeout=120,
                          check=True).stdout
    summary = text.split("审查汇总 Summary")[-1].split("注：")[0]
    conclusions = text.split("审查结论 Conclusions")[-1].split("综合审查结论")[0]
    for part in (summary, conclusions):
        lines = part.splitlines()
        for d in data.disciplines:
            row = next(line for line in lines if line.strip().startswith(d.name_zh))
            assert d.reviewer in row, (d.reviewer, row)


def test_one_section_and_bookmark_per_discipline_and_sheet(rendered, sample_data):
    doc = open_pdf(rendered[0])
    toc = doc.get_toc()
    texts = page_texts(doc)
    level1 = [t for lvl, t, _ in toc if lvl == 1]
    assert level1 == ["封面 Cover", "审查汇总 Summary"] + [f"{d.name_zh} {d.name_en}" for d in sample_data.disciplines] + [
        "审查结论 Conclusions"
    ]
    for d in sample_data.disciplines:
        [(page_no,)] = [(pg,) for lvl, t, pg in toc if lvl == 1 and t == f"{d.name_zh} {d.name_en}"]
        assert f"{d.name_zh}专业审查意见" in texts[page_no - 1]
        assert sum(f"{d.name_zh}专业审查意见" in t for t in texts) == 1
        for number, title, _ in d.sheets():
            [(page_no,)] = [(pg,) for lvl, t, pg in toc if lvl == 2 and t == f"{number} {title}"]
            assert f"图纸 {number}" in texts[page_no - 1]


def test_every_comment_with_thread_status_severity_and_clause(rendered, sample_data):
    doc = open_pdf(rendered[0])
    text = "".join(page_texts(doc)).replace("\n", "")
    for d in sample_data.disciplines:
        for c in d.comments:
            # once, besides the "（续）" heading of a part continued on the next page
            assert text.count(f"#{c.id}）") - text.count(f"#{c.id}）（续）") == 1
            assert c.clause in text
            assert c.text in text
            for r in c.thread:
                assert r.text in text and f"{r.at:%Y年%m月%d日 %H:%M}" in text
    for code in ("mandatory", "general", "suggestion"):
        assert f"【{label(SEVERITY_LABELS, code)}】" in text
    for code in ("open", "answered", "closed"):
        assert f"状态：{label(STATUS_LABELS, code)}" in text


def _images_in_order(doc: pymupdf.Document) -> list[pymupdf.Pixmap]:
    out = []
    for page in doc:
        infos = sorted(page.get_image_info(xrefs=True), key=lambda i: i["bbox"][1])
        out.extend(pymupdf.Pixmap(doc, i["xref"]) for i in infos)
    return out


def test_one_crop_per_comment_with_the_markup_drawn(rendered, sample_data):
    doc = open_pdf(rendered[0])
    images = _images_in_order(doc)
    comments = sample_data.all_comments()
    assert len(images) == len(comments) == rendered[1].crops
    for (d, c), pix in zip(comments, images):
        assert pix.width >= 400
        rgb = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)[:, :, :3].astype(int)
        target = np.array([round(v * 255) for v in colour_for(d.code)])
        near = (np.abs(rgb - target).max(axis=2) < 40).sum()
        # the sheet is black/grey on white; only the markup has the discipline's colour
        assert near > 60, (c.id, c.geometry.kind, near)


def test_crop_without_markup_has_no_markup_colour(sample_data):
    """The colour test above is meaningful: the bare sheet has none of that colour."""
    d, c = sample_data.all_comments()[0]
    page = pymupdf.open(c.sheet_pdf_path)[0]
    pix = page.get_pixmap(clip=pymupdf.Rect(c.geometry.bbox()) + (-40, -40, 40, 40), matrix=pymupdf.Matrix(2, 2))
    rgb = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)[:, :, :3].astype(int)
    target = np.array([round(v * 255) for v in colour_for(d.code)])
    assert (np.abs(rgb - target).max(axis=2) < 40).sum() == 0


def test_findings_measured_vs_required(rendered, sample_data):
    text = "".join(page_texts(open_pdf(rendered[0])))
    assert "自动检查结果" in text
    for d in sample_data.disciplines:
        for f in d.findings:
            assert f.rule_id in text.replace("\n", "")
            assert f"{f.measured}{f.unit}\n{f.required:g}{f.unit}" in text
            assert "依据Facts：" + "".join(f.facts.split()) in "".join(text.split())  # where its facts came from


def test_closing_page_with_conclusions_and_signature_block(rendered, sample_data):
    doc = open_pdf(rendered[0])
    last = doc[-1].get_text()
    assert doc.get_toc()[-1][1:] == ["审查结论 Conclusions", doc.page_count]
    assert "审查机构（盖章）" in last and sample_data.project.authority in last
    for d in sample_data.disciplines:
        assert f"{d.name_zh}审查人（签字）" in last and d.reviewer in last
        assert label(VERDICT_LABELS, d.conclusion) in last


def test_page_numbers_on_every_page(rendered):
    doc = open_pdf(rendered[0])
    n = doc.page_count
    assert n == rendered[1].pages
    for i, page in enumerate(doc, start=1):
        found = re.findall(r"第 (\d+) 页 / 共 (\d+) 页", page.get_text())
        assert found == [(str(i), str(n))]


def test_embedded_subset_font_covers_every_cjk_character(rendered):
    doc = open_pdf(rendered[0])
    full = load_font()
    fonts = {}
    used: dict[int, set[tuple[str, int]]] = {}
    for page in doc:
        for xref, ext, ftype, basefont, *_ in page.get_fonts(full=True):
            fonts[xref] = (ext, ftype, basefont)
        by_name = {f[3].split("+", 1)[-1]: f[0] for f in page.get_fonts(full=True)}
        for span in page.get_texttrace():
            [xref] = [x for name, x in by_name.items() if name.startswith(span["font"])]
            for ucs, gid, *_ in span["chars"]:
                used.setdefault(xref, set()).add((chr(ucs), gid))
    cjk = {ch for chars in used.values() for ch, _ in chars if is_cjk(ch)}
    assert len(cjk) > 100
    for xref, chars in used.items():
        ext, ftype, basefont = fonts[xref]
        assert ext == "ttf" and ftype == "Type0"  # embedded TrueType CID font
        assert re.match(r"^[A-Z]{6}\+", basefont)  # a subset
        name, ext2, _, buffer = doc.extract_font(xref)
        assert len(buffer) < len(full.buffer) / 4
        tt = TTFont(io.BytesIO(buffer))
        order, glyf = tt.getGlyphOrder(), tt["glyf"]
        for ch, gid in chars:
            if ch.isspace():
                continue
            assert gid != 0, f"{ch!r} has no glyph"
            assert glyf[order[gid]].numberOfContours != 0, f"{ch!r} glyph is empty in the subset"


def test_a_character_outside_the_font_is_drawn_as_a_box_and_listed(sample_data, tmp_path):
    """Whatever field it comes from, a character no report font can draw is drawn as □ (read
    back with pdftotext) and listed in ``missing_glyphs``; it never makes the report unissuable."""
    assert missing_chars(pymupdf.Font("helv"), "审查 ok") == {"审", "查"}
    rare = next(ch for ch in "🚒🛸🧯\U0001fa90" if missing_chars(font_chain(), ch))
    project = replace(sample_data.project, name=sample_data.project.name + rare)
    data = replace(sample_data, project=project, disciplines=())
    pdf, info = render_report(data)
    assert rare in info.missing_glyphs
    (tmp_path / "r.pdf").write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True)
    assert sample_data.project.name + "□" in out.stdout.replace("\n", "")


def test_rare_characters_are_drawn_with_a_fallback_font_and_extract_as_written(sample_data, tmp_path):
    """CJK Extension B (𠀀, 𪚥) and a recent BMP ideograph (鿰) that Droid Sans Fallback lacks
    are drawn with the fallback fonts (Debian's fonts-hanazono, fonts-babelstone-han, installed
    by `make browser-deps`) and pdftotext reads them back as written: the ToUnicode map gives
    characters beyond the BMP as UTF-16 surrogate pairs (MuPDF's five hex digits read as U+2000)."""
    rare = "𠀀鿰𪚥"
    assert missing_chars(load_font(), rare) == set(rare)  # the default font has none of them
    assert not missing_chars(font_chain(), rare), "install fonts-hanazono and fonts-babelstone-han"
    name = f"生僻字{rare}项目 Café"
    data = replace(sample_data, project=replace(sample_data.project, name=name), disciplines=())
    pdf, info = render_report(data)
    assert not info.missing_glyphs
    (tmp_path / "r.pdf").write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True)
    assert name in out.stdout
    fonts = subprocess.run(["pdffonts", str(tmp_path / "r.pdf")], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert len(fonts) >= 2 and all(line.split()[-5] == "yes" for line in fonts)  # each embedded


def test_check_marks_and_emoji_from_a_phone_are_drawn_and_extract_as_written(sample_data, tmp_path):
    """✔ ✘ ✅ 📌 🚒 (a reviewer's or designer's answer typed on a phone) printed as □: no report
    font had them. Symbola (Debian's fonts-symbola, installed with the other fallbacks) draws
    them in outline, and pdftotext reads them back as typed."""
    marks = "✔✘✅📌🚒"
    assert not missing_chars(font_chain(), marks), "install fonts-symbola"
    name = f"已整改{marks}项目"
    data = replace(sample_data, project=replace(sample_data.project, name=name), disciplines=())
    pdf, info = render_report(data)
    assert not info.missing_glyphs
    (tmp_path / "r.pdf").write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True)
    assert name in out.stdout


def test_build_report_writes_the_file(tmp_path, sample_data):
    data = replace(sample_data, disciplines=sample_data.disciplines[:1])
    out = tmp_path / "report.pdf"
    info = build_report(data, out)
    doc = pymupdf.open(out)
    assert doc.page_count == info.pages
    assert info.sheets_opened == len({c.sheet_pdf_path for c in data.disciplines[0].comments})
    assert doc.metadata["title"].endswith(data.project.case_number)


def test_missing_sheet_pdf_is_reported(tmp_path, sample_data):
    d = sample_data.disciplines[0]
    bad = replace(d.comments[0], sheet_pdf_path=tmp_path / "gone.pdf")
    data = replace(sample_data, disciplines=[replace(d, comments=[bad])])
    with pytest.raises(UnreadableDrawing) as err:
        render_report(data)
    assert "gone.pdf" in err.value.message_en


def test_font_file_can_be_given(tmp_path, sample_data):
    font_file = tmp_path / "droid.ttf"
    font_file.write_bytes(pymupdf.Font("china-s").buffer)
    d = replace(sample_data.disciplines[0], comments=(), findings=())
    data = replace(sample_data, disciplines=[d])
    pdf, info = render_report(data, font=font_file)
    doc = open_pdf(pdf)
    assert "本专业无审查意见" in doc[2].get_text()
    assert info.crops == 0 and info.sheets_opened == 0
    assert all(f[1] == "ttf" for f in doc[0].get_fonts(full=True))
    with pytest.raises(ValidationFailed):
        render_report(data, font=tmp_path / "nope.ttf")


def test_long_footer_and_url_are_cut_to_fit(sample_data):
    project = replace(sample_data.project, name="很长的项目名称" * 12)
    data = replace(sample_data, project=project, disciplines=())
    url = "https://review.example.cn/verify/" + "x" * 300
    doc = open_pdf(render_report(data, verify_url=url)[0])
    cover = doc[0]
    [qr] = [lk["from"] for lk in cover.get_links()]
    chars = [
        (ch["c"], pymupdf.Rect(ch["bbox"]))
        for block in cover.get_text("rawdict")["blocks"]
        for line in block.get("lines", [])
        for span in line["spans"]
        for ch in span["chars"]
    ]
    [ellipsis] = [r for c, r in chars if c == "…" and r.y0 < qr.y1 + 20]  # the URL line, not the footer
    assert ellipsis.x1 <= qr.x0  # the shortened URL ends before the QR code
    assert "".join(c for c, _ in chars).count("x" * 40) == 1
    page2 = doc[1]
    [pageno] = page2.search_for("第 2 页")
    [cut] = [r for r in page2.search_for("…") if abs(r.y1 - pageno.y1) < 2]
    assert cut.x1 <= pageno.x0  # the shortened footer ends before the page number


def test_a_crop_is_held_deflated_from_the_moment_it_is_added(sample_data):
    """A 1,000-comment report adds 1,000 drawing crops: each is deflated as it is placed (the
    open document holds a fraction of the raw pixels), and it shows the very same pixels."""
    from drawreview.report.crop import SheetCache, render_crop
    from drawreview.report.layout import Layout

    d = sample_data.disciplines[0]
    with SheetCache() as cache:
        pix, _ = render_crop(cache.page(d.comments[0].sheet_pdf_path), d.comments[0], d.code)
    doc = pymupdf.open()
    lay = Layout(doc, load_font())
    lay.new_page()
    rect = lay.image(pix, lay.width, 300)
    [(xref, *_)] = lay.page.get_images()
    assert doc.xref_get_key(xref, "Filter") == ("name", "/FlateDecode")
    assert len(doc.xref_stream_raw(xref)) < len(pix.samples) / 4  # not the raw pixels, before any save
    assert doc.xref_stream(xref) == pix.samples
    saved = pymupdf.open("pdf", doc.tobytes(garbage=3, deflate=True))
    shown = saved[0].get_pixmap(clip=rect, matrix=pymupdf.Matrix(pix.width / rect.width, pix.width / rect.width))
    reference = pymupdf.open()
    reference.new_page(width=doc[0].rect.width, height=doc[0].rect.height).insert_image(rect, pixmap=pix)
    expected = reference[0].get_pixmap(clip=rect, matrix=pymupdf.Matrix(pix.width / rect.width, pix.width / rect.width))
    assert shown.samples == expected.samples


def test_the_ruleset_list_never_leaves_a_line_alone_on_a_page(sample_data, tmp_path):
    """However long the drawings list before it, the rulesets of 审查依据 stay on the page of
    their label (a 22-sheet round left its last ruleset alone at the top of a page); read back
    page by page with pdftotext."""
    from drawreview.report.model import Basis, Drawing

    rulesets = tuple(Basis(kind="ruleset", name=f"rulesets/{d}.toml", version=f"sha256:{i:012d}")
                     for i, d in enumerate(("civil_defence", "fire", "lightning", "meteorology", "planning")))
    pdf_path = tmp_path / "r.pdf"
    for count in range(1, 60):
        drawings = tuple(Drawing(number=f"建施-{i:02d}", title=f"平面图{i}", discipline="建筑", revision=1,
                                 file_name=f"f{i}.dxf", file_sha256=f"{i:064x}") for i in range(count))
        data = replace(sample_data, disciplines=(), drawings=drawings,
                       basis=(Basis(kind="standard", name="GB 50016-2014"), *rulesets))
        pdf, _ = render_report(data)
        pdf_path.write_bytes(pdf)
        pages = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True,
                               check=True).stdout.split("\f")
        [label] = [i for i, p in enumerate(pages) if "自动检查规则集" in p]
        for b in rulesets:
            assert b.name in pages[label], f"{count} drawings: {b.name} is not on the page of its label"


def test_the_fallback_fonts_are_read_only_when_a_character_needs_them():
    """The fallback files are about 100 MB: a report without rare characters never reads them."""
    from drawreview.report.font import FALLBACK_FONTS, FontChain

    chain = FontChain(load_font(), FALLBACK_FONTS)
    assert chain.text_length("审查意见书 Report", 10) > 0 and len(chain.fonts) == 1
    assert chain.has_glyph(ord("𠀀")) and len(chain.fonts) > 1
