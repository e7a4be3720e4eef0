"""PDF drawings: refuse encrypted files, strip JavaScript, one sheet per page.

Decision: JavaScript (document or page actions, form scripts) is *stripped*, never executed:
a sheet PDF is a fresh one-page document that shows the source page as a form XObject
(``show_pdf_page``), which carries the page's drawing but none of its annotations, actions
or scripts.  The sheet gets a note saying so.  A one-page PDF with nothing active in it (no
scripts, actions, links, annotations, forms or attachments) and a sound cross-reference table
is its own sheet PDF, byte for byte: a copy would only add time; unless its page is saved turned
(``/Rotate``): every sheet PDF is upright, so its coordinates are the ones the viewer shows.
Vector and scanned pages are both fine.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from drawreview.cad import errors as E
from drawreview.cad import titleblock
from drawreview.cad.render import SheetRender
from drawreview.cad.notes import info
from drawreview.cad.sheets import SheetSpec

PT_M = 0.0254 / 72
_JS = re.compile(r"/(JS|JavaScript)\b")
_ACTIVE = re.compile(r"/(JS|JavaScript|AA|OpenAction|Launch|URI|GoToR|GoToE|SubmitForm|ImportData|Annots|AcroForm"
                     r"|EmbeddedFiles?|RichMedia|XFA)\b")


@dataclass
class PdfSource:
    doc: pymupdf.Document
    name: str
    path: Path
    javascript: bool = False
    active: bool = True  # anything beyond drawing: scripts, actions, annotations, forms, files
    notes: list[str] = field(default_factory=list)
    lines: dict[int, list[tuple]] = field(default_factory=dict)  # page -> text lines, read once
    lists: dict[int, pymupdf.DisplayList] = field(default_factory=dict)  # page -> its one reading
    labelled: bool | None = None  # the file has page labels (looked up once)
    pages: dict[int, pymupdf.Page] = field(default_factory=dict)  # page -> loaded once (one-page file)

    def page(self, i: int) -> pymupdf.Page:
        """Page *i*, loaded once for a one-page file (its spec, text, reading and sheet all
        use it; each ``doc[i]`` loads the page again)."""
        got = self.pages.get(i)
        if got is None:
            got = self.doc[i]
            if self.doc.page_count == 1:
                self.pages[i] = got
        return got

    def display_list(self, i: int) -> pymupdf.DisplayList:
        """Page *i* read once (content interpreted, fonts loaded): its text and, when the file is
        its own sheet PDF, its first tile and thumbnail are all taken from this.  Kept only for
        a one-page file (a 500-page set would hold every page's list)."""
        got = self.lists.get(i)
        if got is None:
            got = self.page(i).get_displaylist()
            if self.doc.page_count == 1:
                self.lists[i] = got
        return got

    def own_sheet(self) -> bool:
        """True when the file is its own (one) sheet PDF, byte for byte: one upright page. A page
        saved with ``/Rotate`` gets an upright copy (``_show_as_seen``): what reads a sheet's
        coordinates (snapping vertices, markup annotations in the report's crops, the comparison)
        takes them from its unturned content, while the viewer shows it turned."""
        return not self.active and self.doc.page_count == 1 and not self.page(0).rotation

    def page_lines(self, i: int) -> list[tuple]:
        if i not in self.lines:
            page = self.page(i)
            text = pymupdf.TextPage(self.display_list(i).get_textpage(0))
            text.parent = page
            self.lines[i] = _lines(page, text)
        return self.lines[i]


def load_pdf(path: str | Path, name: str | None = None) -> PdfSource:
    path = Path(path)
    name = name or path.name
    if path.stat().st_size == 0:
        raise E.empty_file(name)
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # noqa: BLE001
        raise E.broken_drawing(name, f"{type(exc).__name__}: {exc}") from exc
    if doc.needs_pass or doc.is_encrypted:
        doc.close()
        raise E.encrypted_pdf(name)
    if doc.page_count == 0:
        doc.close()
        raise E.no_drawable_content(name)
    src = PdfSource(doc, name, path)
    src.javascript, active = _scan(doc)
    src.active = active or doc.is_repaired
    if src.javascript:
        src.notes.append("PDF 含 JavaScript，已移除且不会执行 / the PDF contains JavaScript; it was removed "
                         "and never executed")
    return src


def has_javascript(doc: pymupdf.Document) -> bool:
    return _scan(doc)[0]


def _scan(doc: pymupdf.Document) -> tuple[bool, bool]:
    """(holds JavaScript, holds anything active) from one pass over the objects."""
    active = False
    for xref in range(1, doc.xref_length()):
        try:
            obj = doc.xref_object(xref, compressed=True)
        except Exception:  # noqa: BLE001 - a damaged object cannot hold a script we run; be cautious
            active = True
            continue
        if _ACTIVE.search(obj):
            active = True
            if _JS.search(obj):
                return True, True
    return False, active


def pdf_sheets(src: PdfSource) -> list[SheetSpec]:
    return [page_spec(src, i) for i in range(src.doc.page_count)]


def page_spec(src: PdfSource, i: int) -> SheetSpec:
    """The sheet of page *i* (its title block read from the page's text), one page at a time so
    a 2,000-page set streams instead of being read whole first."""
    r = src.page(i).rect
    spec = SheetSpec(f"page:{i + 1}", "pdf", bbox=(0.0, 0.0, r.width, r.height), page=i, notes=list(src.notes))
    texts = []
    for x0, y0, x1, y1, word, *_ in src.page_lines(i):
        if x0 >= r.width * 0.5 and y1 >= r.height * 0.6:
            texts.append((word, x0, -y1, y1 - y0))  # y up for the title-block reader
    info = titleblock.read([], texts)
    spec.number, spec.title, spec.discipline, spec.scale = (
        info["number"], info["title"], info["discipline"], info["scale"])
    if not spec.number:  # the page label the plotting program gave the page (建施-01, A-101)
        label = ""
        if src.labelled is None:  # one look at the catalogue per file: most PDFs have no labels
            src.labelled = src.doc.xref_get_key(src.doc.pdf_catalog(), "PageLabels")[0] != "null"
        if src.labelled:
            try:
                label = src.doc[i].get_label().strip()
            except Exception:  # noqa: BLE001 - a damaged label tree labels nothing
                label = ""
        if label and titleblock.looks_like_number(label):
            spec.number = label
            spec.discipline = spec.discipline or titleblock.discipline_of(label)
    spec.detected = bool(spec.number or spec.title)
    return spec


def forget_page(src: PdfSource, i: int) -> None:
    """Drop what was read of page *i* once its sheet is written (memory stays flat over a long set)."""
    src.lines.pop(i, None)
    if src.doc.page_count > 1:
        src.lists.pop(i, None)


def _lines(page, textpage=None) -> list[tuple]:
    """Text lines (x0, y0, x1, y1, text) in page coordinates."""
    out = []
    for block in page.get_text("dict", flags=0, textpage=textpage)["blocks"]:
        for line in block.get("lines", []):
            text = "".join(span["text"] for span in line["spans"]).strip()
            if text:
                out.append((*line["bbox"], text))
    return out


def _same_file(path: Path, out_path: Path) -> None:
    """The file, byte for byte, at *out_path*: a hard link (nothing copied), a copy where no link
    can be made (another file system). A file already at *out_path* (a sheet drawn before, maybe
    a link to some upload) is removed first, never written into."""
    out_path.unlink(missing_ok=True)
    try:
        os.link(path, out_path)
    except OSError:
        shutil.copyfile(path, out_path)


def _show_as_seen(target: pymupdf.Page, doc: pymupdf.Document, pno: int) -> None:
    """Page *pno* of *doc* drawn onto *target* (a page of its seen size) as a reader sees it:
    cropped to its CropBox and turned by its ``/Rotate``. PyMuPDF's ``show_pdf_page`` takes the
    source rectangle from the turned page but places it as if unturned, so a page plotted or
    scanned with ``/Rotate 90`` came out squeezed into the wrong corner (180: upside down).
    The source page is shown unturned and the turn is given to ``show_pdf_page`` (its sense is
    the opposite of ``/Rotate``'s); the source's ``/Rotate`` is put back."""
    turn = doc[pno].rotation
    if not turn:
        target.show_pdf_page(target.rect, doc, pno)
        return
    doc[pno].set_rotation(0)
    try:
        target.show_pdf_page(target.rect, doc, pno, rotate=-turn)
    finally:
        doc[pno].set_rotation(turn)


def _carry_layer_states(out: pymupdf.Document, doc: pymupdf.Document) -> None:
    """The shown page's optional content (PDF layers) as the source document sets it. The copy
    carries the page's layers but not the catalogue's ``/OCProperties``, and a reader shows
    every layer the catalogue does not list, so a layer the source hides (a non-plotting layer,
    an alternative) was drawn on the sheet. Each copied layer gets its source's default state,
    found by its dictionary (else its name)."""
    states = doc.get_ocgs()
    if not states:
        return
    by_obj = {doc.xref_object(x, compressed=True): v["on"] for x, v in states.items()}
    by_name = {v["name"]: v["on"] for v in states.values()}
    on, off = [], []
    for x in range(1, out.xref_length()):
        if out.xref_get_key(x, "Type") != ("name", "/OCG"):
            continue
        shown = by_obj.get(out.xref_object(x, compressed=True), by_name.get(out.xref_get_key(x, "Name")[1], True))
        (on if shown else off).append(f"{x} 0 R")
    if on or off:
        out.xref_set_key(out.pdf_catalog(), "OCProperties",
                         f"<</OCGs[{' '.join(on + off)}]/D<</ON[{' '.join(on)}]/OFF[{' '.join(off)}]>>>>")


def render_page(src: PdfSource, spec: SheetSpec, out_path: str | Path) -> SheetRender:
    t0 = time.perf_counter()
    page = src.page(spec.page)
    rect = page.rect
    if src.own_sheet():
        _same_file(src.path, Path(out_path))
    else:
        out = pymupdf.open()
        new = out.new_page(width=rect.width, height=rect.height)
        _show_as_seen(new, src.doc, spec.page)
        _carry_layer_states(out, src.doc)
        out.set_metadata({"title": spec.title or spec.key, "subject": spec.number or "", "creator": "drawreview"})
        out.save(str(out_path), garbage=3, deflate=True)
        out.close()
    texts = [{"text": t, "bbox": [round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)]}
             for x0, y0, x1, y1, t in src.page_lines(spec.page)]
    notes = list(spec.notes)
    if not texts and not page.get_bboxlog():
        notes.append(info("该页为空白页 / the page is blank"))
    res = SheetRender(spec.key, str(out_path), round(rect.width, 3), round(rect.height, 3), [1.0, 0.0, 0.0],
                      "pt", PT_M, [], texts, notes)
    res.seconds = round(time.perf_counter() - t0, 4)
    return res
