"""A sheet's PDF file: one page, its lettering's CJK font subset, its layers as optional content
groups (off by default when the drawing does not show them), its block forms and its content
stream, all already deflated by the renderer (``cad.render``)."""

from __future__ import annotations

from drawreview.cad import fontembed, lettering
from drawreview.cad.pdfwrite import PdfWriter, text_string


def write_sheet_pdf(painter, styles, counts, width, height, body, forms, spec, path, chars: set[str],
               used: set[str] = frozenset()) -> list[dict]:
    """The PDF file: one page, the CJK font subset for *chars* (when there is text), layers
    as OCGs, forms and the content stream; returns the sheet's layer list: the layers of the
    sheet's own entities (*counts*) and those only its blocks and viewports draw (*used*, with
    a count of 0), so each can be shown or hidden."""
    pdf = PdfWriter()
    catalog, pages, page, res_xref = pdf.reserve(), pdf.reserve(), pdf.reserve(), pdf.reserve()
    font = fontembed.embed(pdf, lettering.face(), lettering.glyph_ids(chars)) if chars else None
    props, layers, ocgs = [], [], []
    for name, res in painter.layer_names.items():
        info = styles.layer(name)
        # (PyMuPDF reads a layer's default state only through a /Usage CreatorInfo subtype)
        xref = pdf.add(f"<</Type/OCG/Name {text_string(name)}/Intent[/View]"
                       f"/Usage<</CreatorInfo<</Creator(drawreview)/Subtype/Artwork>>>>>>")
        ocgs.append((xref, info.shown))  # a layer off or not plotted: OFF, as the drawing is issued
        props.append(f"/{res} {xref} 0 R")
        if name in counts or name in used or any(k.lower() == name.lower() for k in counts):
            layers.append({"name": name, "color": "#%02x%02x%02x" % tuple(round(c * 255) for c in info.rgb),
                           "count": counts.get(name, 0), "on": info.on, "frozen": info.frozen,
                           "plot": info.plot, "ocg": xref})
    for name, n in counts.items():
        if name not in painter.layer_names:
            info = styles.layer(name)
            if not any(lay["name"] == name for lay in layers):
                layers.append({"name": name, "color": "#%02x%02x%02x" % tuple(round(c * 255) for c in info.rgb),
                               "count": n, "on": info.on, "frozen": info.frozen, "plot": info.plot, "ocg": None})
    xobjs = []
    for form, deflated in forms:
        bb = "%.3f %.3f %.3f %.3f" % form.bbox if form.bbox else "-1000000000 -1000000000 1000000000 1000000000"
        fx = pdf.add_stream(f"/Type/XObject/Subtype/Form/BBox[{bb}]"
                            f"/Resources {res_xref} 0 R", deflated)
        xobjs.append(f"/{form.res} {fx} 0 R")
    fonts = f"/Font<</F0 {font} 0 R>>" if font else ""
    pdf.put(res_xref, f"<<{fonts}/Properties<<{' '.join(props)}>>/XObject<<{' '.join(xobjs)}>>>>")
    content = pdf.add_stream("", body)
    pdf.put(page, f"<</Type/Page/Parent {pages} 0 R/MediaBox[0 0 {width:.4f} {height:.4f}]"
                  f"/Resources {res_xref} 0 R/Contents {content} 0 R>>")
    pdf.put(pages, f"<</Type/Pages/Kids[{page} 0 R]/Count 1>>")
    oc = ""
    if ocgs:
        every = " ".join(f"{x} 0 R" for x, _ in ocgs)
        on = " ".join(f"{x} 0 R" for x, o in ocgs if o)
        off = " ".join(f"{x} 0 R" for x, o in ocgs if not o)
        oc = f"/OCProperties<</OCGs[{every}]/D<</ON[{on}]/OFF[{off}]/Order[{every}]/RBGroups[]>>>>"
    pdf.put(catalog, f"<</Type/Catalog/Pages {pages} 0 R{oc}>>")
    info = pdf.add(f"<</Title {text_string(spec.title or spec.key)}/Subject {text_string(spec.number or '')}"
                   f"/Creator(drawreview)/Producer(drawreview)>>")
    pdf.save(path, catalog, info)
    return layers
