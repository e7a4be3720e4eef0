"""Load a DXF file: strict reader first, ``ezdxf.recover`` second, repairs written down.

The result is a :class:`Drawing`: the ezdxf document plus what we learned while loading it
(which loader worked, a readable list of repairs, the drawing units and whether they were
assumed).  Codepages (ANSI_936/GBK, ANSI_950/Big5, ...) are handled by ezdxf from
``$DWGCODEPAGE``; binary DXF is read by both loaders.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from ezdxf import recover
from ezdxf.document import Drawing as EzDoc

from drawreview.cad import codepage, dxfread, legacy, linetypes, slips
from drawreview.cad import errors as E
from drawreview.cad.notes import info

# $INSUNITS code -> (short name, metres per unit)
UNITS: dict[int, tuple[str, float]] = {
    1: ("in", 0.0254), 2: ("ft", 0.3048), 3: ("mi", 1609.344), 4: ("mm", 0.001),
    5: ("cm", 0.01), 6: ("m", 1.0), 7: ("km", 1000.0), 8: ("µin", 2.54e-8), 9: ("mil", 2.54e-5),
    10: ("yd", 0.9144), 11: ("Å", 1e-10), 12: ("nm", 1e-9), 13: ("µm", 1e-6), 14: ("dm", 0.1),
    15: ("dam", 10.0), 16: ("hm", 100.0), 17: ("Gm", 1e9), 18: ("AU", 1.495978707e11),
    19: ("ly", 9.4607304725808e15), 20: ("pc", 3.0856775814913673e16), 21: ("US ft", 1200 / 3937),
}


@dataclass
class Drawing:
    doc: EzDoc
    name: str
    path: Path
    recovered: bool = False
    repairs: list[str] = field(default_factory=list)
    units: str = "mm"
    unit_m: float = 0.001
    units_assumed: bool = False
    encoding: str = "utf8"
    version: str = ""
    audited: bool = True
    # block extents by block name, measured by the splitter (``sheets.split_sheets``) and reused
    # for the painter's form boxes (``render``); dropped when the auditor changes the document
    block_boxes: dict | None = field(default=None, repr=False, compare=False)
    # MLINE -> its virtual entities (lines, arcs, fills), made by the splitter to measure it and
    # drawn by the painter; dropped with the block extents
    exploded: dict | None = field(default=None, repr=False, compare=False)
    # the boxes of what the layers hidden by default draw (``cad.pagereach``), dropped with them
    reach: object | None = field(default=None, repr=False, compare=False)

    @property
    def notes(self) -> list[str]:
        notes = list(self.repairs)
        if self.units_assumed:
            notes.append(info("图纸未设置单位（$INSUNITS），按毫米处理 / $INSUNITS not set; millimetres assumed"))
        return notes


def load_dxf(path: str | Path, name: str | None = None, audit: bool = True, allow_empty: bool = False) -> Drawing:
    """Read a DXF; raise ``BrokenDrawing`` (zh + en, naming the file) when nothing works.
    *allow_empty*: a document without entities is returned (the caller judges it: a converted
    DWG may get entities back from a second reader)."""
    path = Path(path)
    name = name or path.name
    if path.stat().st_size == 0:
        raise E.empty_file(name)
    repairs: list[str] = []
    recovered = audited_by_recover = False
    try:
        # Pre-2007 files keep characters outside their codepage (Chinese in an ANSI_1252
        # file) as "\U+5EFA" escapes, which the strict reader leaves as they are: the fast
        # reader decodes them, else the decoding reader here does
        try:
            doc, fixed = dxfread.read(path)
        except dxfread.NotPlain:  # (a file with escapes: one cut between MTEXT chunks decoded too)
            doc, fixed = _read_decoding(path)
            legacy.joined_escapes(doc)
        if fixed:
            repairs += fixed
            recovered = True
        lines = legacy.convert_3dlines(doc)
        if lines:
            repairs.append(legacy.LINES_3D.format(n=lines))
        repairs += _slips_read(doc)
        legacy.mview_views(doc)
        if audit:
            auditor = doc.audit()
            repairs += _describe(auditor)
    except Exception as strict_exc:  # noqa: BLE001 - any reader failure goes to recover
        try:
            doc, auditor = _recover(path, repairs)
        except Exception as exc:  # noqa: BLE001
            # A file cut off mid-record fails even in recover mode; say it is incomplete
            # (the usual cause is an interrupted upload or copy), not merely damaged.
            if _truncated(path):
                raise E.truncated_drawing(name) from exc
            raise E.broken_drawing(name, _reason(exc)) from exc
        recovered = audited_by_recover = True
        repairs.append(f"标准读取失败，已用修复模式读取 / strict reader failed ({_reason(strict_exc)}); recovered")
        repairs += _describe(auditor)
    truncated = _truncated(path)
    if not has_entities(doc):
        if truncated:
            raise E.truncated_drawing(name)
        if not allow_empty:
            raise E.no_drawable_content(name)
    if truncated:
        repairs.append("文件末尾缺少 EOF，可能被截断；已读取截断前的内容 / no EOF marker: the file looks truncated")
    repairs += linetypes.linetype_note(doc, linetypes.shape_linetypes(doc), converted=False)
    drawing = Drawing(doc, name, path, recovered, repairs, encoding=doc.encoding or "",
                      version=doc.dxfversion, audited=audit or audited_by_recover)
    _set_units(drawing)
    return drawing


def _recover(path: Path, repairs: list[str]):
    """ezdxf's recover reader; a file that says ANSI_1252 over GBK texts (codepage.sniffed_encoding)
    is handed to it saying ANSI_936, so that its words survive the repair too, and numbers
    written with a decimal comma are read with their fractions and 3DLINEs as LINEs
    (``cad.legacy``), before its auditor would cut the one and remove the other."""
    with open(path, "rb") as fh:
        head = fh.read(codepage.SNIFF_BYTES)
    if head.startswith(dxfread.BINARY_SENTINEL):
        return recover.readfile(path)
    data, nuls = slips.nul_ends(path.read_bytes())
    if nuls:
        repairs.append(slips.NUL_ENDS.format(n=nuls))
    gbk = codepage.declares_western(head) and codepage.sniffed_encoding(head, "cp1252") == "gbk"
    if gbk:
        repairs.append(codepage.GBK_SNIFFED)
        data = codepage.declared_gbk(data)
    utf8 = 0
    if not gbk and codepage.declares_western(head):
        data, utf8 = codepage.utf8_lines_escaped(data)
        repairs += [codepage.UTF8_LINES.format(n=utf8)] if utf8 else []
    data, commas = legacy.decimal_points(data)
    if commas:
        repairs.append(legacy.DECIMAL_COMMAS.format(n=commas))
    data, lines = legacy.renamed_3dlines(data)
    if lines:
        repairs.append(legacy.LINES_3D.format(n=lines))
    data, plines = legacy.r12_lwpolylines(data)
    if plines:
        repairs.append(legacy.LWPOLYLINES_R12.format(n=plines))
    data, empty = slips.empty_numbers(data)
    if empty:
        repairs.append(slips.EMPTY_NUMBERS.format(n=empty))
    changed = nuls or gbk or utf8 or commas or lines or plines or empty
    doc, auditor = recover.read(io.BytesIO(data)) if changed else recover.readfile(path)
    if b"\\U+" in data:  # an escape cut between MTEXT chunks (dxflib): decoded in the joined text
        legacy.joined_escapes(doc)
    repairs += _slips_read(doc)
    legacy.mview_views(doc)
    return doc, auditor


def _slips_read(doc) -> list[str]:
    """Slips read as meant once a reader has the document: rounded full ellipses, unsigned face numbers."""
    n, faces = slips.full_ellipses(doc), slips.face_indices(doc)
    return [slips.FULL_ELLIPSES.format(n=n)] * bool(n) + [slips.FACE_INDICES.format(n=faces)] * bool(faces)


def audit_later(drawing: Drawing) -> int:
    """Run ezdxf's auditor on a drawing loaded with ``audit=False``; add what it repaired to
    ``drawing.repairs`` and return how many fixes changed the document (0: it was sound, so
    anything made from it before the audit stands).

    The processing job renders a strictly-read file first and audits it afterwards, so the
    first tile is not kept waiting for the audit (a few tenths of readfile); a file the
    auditor had to change is rendered again from the repaired document."""
    if drawing.audited:
        return 0
    auditor = drawing.doc.audit()
    drawing.audited = True
    drawing.repairs += _describe(auditor)
    if auditor.fixes:
        drawing.block_boxes = drawing.exploded = drawing.reach = None  # made from the document before the auditor changed it
    return len(auditor.fixes)


def _describe(auditor) -> list[str]:
    out = []
    for entry in list(auditor.fixes) + list(auditor.errors):
        msg = getattr(entry, "message", str(entry))
        out.append(msg)
    if len(out) > 200:
        out = out[:200] + [f"... {len(out) - 200} more"]
    return out


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:200]


def _read_decoding(path: Path) -> tuple[EzDoc, list[str]]:
    """The strict reader, with DXF unicode escapes decoded in every string tag (as the
    recover loader does), ASCII or binary, so text, layer and block names are all decoded; and
    the repairs made. A pre-2007 ASCII file that says ANSI_1252 (or nothing) is judged as
    ``dxfread`` judges it: GBK texts read as GBK, UTF-8 lines as UTF-8 (gnuplot's labels)."""
    from ezdxf.lldxf.encoding import decode_dxf_unicode, has_dxf_unicode
    from ezdxf.lldxf.tagger import ascii_tags_loader, binary_tags_loader
    from ezdxf.lldxf.types import DXFTag
    from ezdxf.lldxf.validator import is_binary_dxf_file

    def decoded(tags):
        for tag in tags:
            value = tag.value
            if tag.code and isinstance(value, str) and has_dxf_unicode(value):
                tag = DXFTag(tag.code, decode_dxf_unicode(value))
            yield tag

    if is_binary_dxf_file(str(path)):
        return EzDoc.load(decoded(binary_tags_loader(path.read_bytes(), errors="surrogateescape"))), []
    from ezdxf.filemanagement import dxf_file_info

    info = dxf_file_info(str(path))
    data, encoding, repairs = path.read_bytes(), info.encoding, []
    data, nuls = slips.nul_ends(data)
    repairs += [slips.NUL_ENDS.format(n=nuls)] if nuls else []
    if codepage.declares_western(data):
        if codepage.sniffed_encoding(data, "cp1252") == "gbk":
            encoding, repairs = "gbk", repairs + [codepage.GBK_SNIFFED]
        else:
            data, utf8 = codepage.utf8_lines_escaped(data)
            repairs += [codepage.UTF8_LINES.format(n=utf8)] if utf8 else []
    text = io.StringIO(data.decode(encoding, errors="surrogateescape"))
    return EzDoc.load(decoded(ascii_tags_loader(text, skip_comments=True))), repairs


def _truncated(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 64))
        tail = fh.read()
    return b"EOF" not in tail


def has_entities(doc: EzDoc) -> bool:
    if len(doc.modelspace()) > 0:
        return True
    return any(len(layout) > 1 for layout in doc.layouts if not layout.is_modelspace)


def _set_units(drawing: Drawing) -> None:
    code = drawing.doc.header.get("$INSUNITS", 0)
    try:
        code = int(code)
    except (TypeError, ValueError):
        code = 0
    if code in UNITS:
        drawing.units, drawing.unit_m = UNITS[code]
        drawing.units_assumed = False
    else:
        drawing.units, drawing.unit_m = "mm", 0.001
        drawing.units_assumed = True


def finite(*values: float, limit: float = 1e15) -> bool:
    """True when every coordinate is a real number of sane size (no NaN, inf or 1e300)."""
    for v in values:
        if not (-limit < v < limit) or math.isnan(v):
            return False
    return True
