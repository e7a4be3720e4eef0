"""DWG input: the version from the first bytes, the conversion to an ezdxf document, and an
honest account of what the conversion could not carry (docs/decisions/050).

``check_header(head, name)`` accepts AutoCAD R14 to R2018 (AC1014 … AC1032) and names any
other version. ``load_dwg(path)`` converts with pycadkit (a Rust reader: ``cadkit.read`` with
limits, ``to_dxf_bytes("r2018")``), reads the DXF it writes as an uploaded DXF is read
(``cad.dxf.load_dxf``: fast strict reader, ``ezdxf.recover`` as the fallback) and returns a
:class:`cad.dxf.Drawing` whose notes name, per type and with a count, every object the
converter dropped, with the advice that fits (天正 → T3 export, AEC → export to AutoCAD, ...).
Multilines and geometric tolerances it drops are read back from the DWG by a second reader
(``cad.dwgrecover``, ezdwg; decision 051) and named once as read back instead.

The native reader handles untrusted bytes, so it only runs in a drawing child process
(``cad.isolate``: the job's deadline, the pool's memory retirement, a crash costs the child);
the server process only sniffs the first bytes.
"""

from __future__ import annotations

import dataclasses
import os
import re
import struct
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from drawreview.cad import errors as E
from drawreview.cad.dxf import Drawing
from drawreview.cad.notes import info

DWG = "dwg"
SUPPORTED = {
    b"AC1014": "R14", b"AC1015": "R2000", b"AC1018": "R2004", b"AC1021": "R2007",
    b"AC1024": "R2010", b"AC1027": "R2013", b"AC1032": "R2018",
}
OLDER = {
    b"AC1.50": "R2.05", b"AC1001": "R2.2", b"AC1002": "R2.5", b"AC1003": "R2.6", b"AC1004": "R9",
    b"AC1006": "R10", b"AC1009": "R11/R12", b"AC1012": "R13",
}
SIGNATURE = re.compile(rb"^AC(1\d{3}|1\.50)")
_CODEPAGES = {29: "ANSI_1251", 30: "ANSI_1252", 38: "ANSI_932", 39: "ANSI_936", 40: "ANSI_949", 41: "ANSI_950"}


@dataclass(frozen=True)
class DwgLimits:
    """What the reader may take on, checked while it reads (pycadkit's own limits)."""

    max_input_bytes: int = 1024**3
    max_decompressed_bytes: int = 4 * 1024**3
    max_objects: int = 5_000_000
    max_depth: int = 64
    max_memory_bytes: int = 0  # address space the conversion may add; 0: max(1 GiB, 64 × file size)

    @classmethod
    def from_settings(cls, settings) -> "DwgLimits":
        return cls(max_input_bytes=settings.max_file_bytes, max_objects=settings.dwg_max_objects,
                   max_memory_bytes=settings.dwg_max_memory_bytes)

    def memory_for(self, size: int) -> int:
        return self.max_memory_bytes or max(1024**3, 64 * size)


def is_dwg(head: bytes) -> bool:
    return bool(SIGNATURE.match(head))


def release(code: bytes) -> str:
    return SUPPORTED.get(code) or OLDER.get(code) or ("newer than R2018" if code > b"AC1032" else "unknown")


def check_header(head: bytes, name: str) -> str:
    """``"dwg"`` for R14–R2018; a specific error naming any other version."""
    code = head[:6]
    if code in SUPPORTED:
        return DWG
    text = code.decode("latin-1")
    newer = code > b"AC1032" and code not in OLDER
    raise E.dwg_version_unsupported(name, text, release(code), newer=newer)


def version_of(path: str | Path) -> str:
    with open(path, "rb") as fh:
        code = fh.read(6)
    return f"{release(code)}/{code.decode('latin-1')}"


# -- the conversion -----------------------------------------------------------------------
def convert(path: str | Path, name: str | None = None, limits: DwgLimits = DwgLimits()) -> tuple[bytes, dict]:
    """(DXF bytes, facts) for the DWG at *path*; specific errors for what cannot be read.

    Facts: ``version``, ``codepage``, ``unknown`` ({type: count} of objects the reader could not
    translate), ``warnings``, ``spaces`` (the model and paper space block record handles and the
    layouts dictionary's), ``blocks`` ({block record handle: name}) and ``layers`` ({LAYER
    handle: name}), kept only when there is something for ``dwgrecover`` to place, display
    settings, complex linetypes, R14 views, ``texts`` and ``frozen`` (``dwgtext``, ``dwgfreeze``: what the DXF leaves
    out of texts and viewports)."""
    import cadkit

    path = Path(path)
    name = name or path.name
    size = path.stat().st_size
    with path.open("rb") as fh:
        # the reader takes the file's bytes: 10–25 % faster than handing it the path (ACadSharp's
        # samples, AecObjects.dwg 12.4 → 9.5 ms); a file past its input limit goes by path, so the
        # reader refuses it (max_input_bytes) before anything is read into memory
        source = fh.read() if size <= limits.max_input_bytes else None
        head = source[:128] if source is not None else fh.read(128)
    if not head:
        raise E.empty_file(name)
    check_header(head, name)
    version = f"{release(head[:6])}/{head[:6].decode('latin-1')}"
    if _sections_past_end(head, size):
        raise E.dwg_truncated(name, version, "section locator points past the end of the file")
    try:
        # the native reader may not grow this process by more than its budget: past it an
        # allocation fails (MemoryError, or the reader aborts), which costs this child only
        with address_space_cap(limits.memory_for(size)):
            doc = cadkit.read(source if source is not None else str(path), max_input_bytes=limits.max_input_bytes,
                              max_decompressed_bytes=limits.max_decompressed_bytes,
                              max_objects=limits.max_objects, max_depth=limits.max_depth)
            del source
            data = doc.to_dxf_bytes("r2018")
    except cadkit.LimitExceededError as exc:
        raise E.dwg_too_complex(name, _text(exc), _limit_of(exc, limits)) from None
    except cadkit.InvalidDataError as exc:
        reason = _text(exc)
        if re.search(r"ends early|end of data|unexpected end|truncat", reason, re.I):
            raise E.dwg_truncated(name, version, reason) from None
        raise E.dwg_unreadable(name, version, reason) from None
    except cadkit.CadkitError as exc:  # UnknownFormat / Unsupported: the header lied
        raise E.dwg_unreadable(name, version, _text(exc)) from None
    from drawreview.cad import dwgdisplay, dwglayout, dwgloss, dwgmodel, dwgproxy, dwgrecover

    model = dwgmodel.read(doc, r14=head[:6] == b"AC1014")  # blocks, header, linetypes (R14: viewports)
    props = model.get("props") or {}
    unknown, other = dwgloss.inventory(doc.warnings, model.get("blocks") or [])
    recoverable = bool(dwgrecover.wanted(unknown))
    blocks = dwgrecover.block_names(model.get("blocks") or []) if recoverable else {}
    layers = dwgrecover.layer_names(model.get("layers") or []) if recoverable else {}
    facts = {"version": version, "codepage": _codepage(head, doc), "unknown": unknown, "warnings": other,
             "blocks": blocks, "layers": layers, "classes": dwgproxy.class_names(props) if recoverable else {},
             "unknown_handles": model.get("unknown_handles") or {} if recoverable else {},
             "mviews": dwglayout.r14_views(model.get("models") or []) if head[:6] == b"AC1014" else [],
             "display": dwgdisplay.settings(model), "complex_linetypes": dwgdisplay.complex_linetypes(model),
             "texts": model.get("texts") or {}, "frozen": model.get("frozen") or [],
             "spaces": {"model": props.get("dwg.header.BLOCK_RECORD_MODEL_SPACE"),
                        "paper": props.get("dwg.header.BLOCK_RECORD_PAPER_SPACE"),
                        "layouts": props.get("dwg.header.DICTIONARY_LAYOUTS")}}
    return data, facts


@dataclasses.dataclass
class DwgDrawing(Drawing):
    """A converted DWG: the DXF ``Drawing`` plus what the conversion lost (``conversion``, notes
    shown first; kept apart from ``repairs``, which are the DXF readers' and auditor's, so a
    rule on the file's audit does not count them) and its facts (``dwg``: version, code page,
    ``lost`` {type: count})."""

    conversion: list = dataclasses.field(default_factory=list)
    dwg: dict = dataclasses.field(default_factory=dict)

    @property
    def notes(self) -> list[str]:
        # what a conversion leaves out informs about an intact file: notes, not repairs
        return [info(n) for n in self.conversion] + Drawing.notes.fget(self)


def load_dwg(path: str | Path, name: str | None = None, audit: bool = True,
             limits: DwgLimits = DwgLimits()):
    """A :class:`cad.dxf.Drawing` from a DWG: converted, then read exactly as an uploaded DXF is
    (``cad.dxf.load_dxf``: the fast strict reader, ``ezdxf.recover`` when that refuses, the
    audit when asked), with notes naming every loss first. The converted DXF is CR LF: it goes
    to the readers as a file of bytes, never through a text stream. MLINE and TOLERANCE the
    converter dropped are added back from ezdwg (``dwgrecover``; only when there are any, under
    the same address-space budget as the conversion); if that reader fails, only they stay lost."""
    import os
    import tempfile

    from drawreview.cad import (dwgdisplay, dwgfreeze, dwglayout, dwgloss, dwgobjects, dwgrecover, dwgsource, dwgtext,
                                linetypes)
    from drawreview.cad.dxf import has_entities, load_dxf

    path = Path(path)
    name = name or path.name
    data, facts = convert(path, name, limits)
    # a DWG whose only drawable entities are ones pycadkit drops but ezdwg reads (walls drawn as
    # multilines) is judged after the recovery, not refused as empty before it
    recoverable = bool(dwgrecover.wanted(facts["unknown"]))
    fd, tmp = tempfile.mkstemp(prefix="dwg-", suffix=".dxf")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        del data
        try:
            drawing = load_dxf(tmp, name, audit=audit, allow_empty=recoverable)
        except E.NoDrawableContent:
            _only_custom_objects(name, dict(facts["unknown"]))  # nothing drawable, so nothing of theirs was carried
            raise
        except E.TruncatedDrawing as exc:  # the converter's output, not the upload, is cut short
            raise E.dwg_unreadable(name, facts["version"], f"converted DXF unreadable: {exc.message_en}") from None
    finally:
        os.unlink(tmp)
    doc = drawing.doc
    lost = dwgloss.dropped(facts["unknown"], doc)
    dwgdisplay.restore(doc, facts["display"])
    dwgtext.restore(doc, facts["texts"])
    dwgfreeze.restore(doc, facts["frozen"])
    recover = bool(dwgrecover.wanted(lost))
    # the recovery reads its records page by page (dwgobjects) through the object map the layout
    # read opens; where it has ezdwg read the whole file instead (R2007, many records), the layout
    # read leaves the file decoded for it (2–10 ms of decompression) and the recovery releases it
    whole = recover and dwgsource.reads_whole_file(lost, facts, path.stat().st_size)
    pages = dwgobjects.by_pages(path) if recover and not whole else None
    layout_notes = dwglayout.restore(doc, path, facts["spaces"], codepage=facts["codepage"], release=not whole,
                                     pages=pages)
    recovery = dwgrecover.Recovery()
    if recover:  # after the layouts got their real names (R14)
        with address_space_cap(limits.memory_for(path.stat().st_size)):
            recovery = dwgrecover.recover(doc, path, lost, facts, limits.max_objects, pages)
        lost = dwgloss.remaining(lost, recovery.counts | recovery.images)
    layout_notes += (dwglayout.apply_views(doc, facts["mviews"]) + dwgdisplay.header_note(doc)
                     + linetypes.linetype_note(doc, facts["complex_linetypes"]))
    if recoverable and not has_entities(doc):
        _only_custom_objects(name, lost)
        raise E.no_drawable_content(name)
    fields = {f.name: getattr(drawing, f.name) for f in dataclasses.fields(drawing)}
    fields.update(path=path, version=facts["version"])
    conversion = (dwgloss.notes(lost, facts["warnings"]) + dwgloss.recovered(recovery.counts)
                  + dwgloss.imaged(recovery.images) + recovery.notes + layout_notes)
    return DwgDrawing(**fields, conversion=conversion,
                      dwg=facts | {"lost": lost, "recovered": recovery.counts, "images": recovery.images})


def _only_custom_objects(name: str, lost: dict) -> None:
    """Raise ``dwg_only_custom_objects`` listing *lost* when there is anything in it."""
    from drawreview.cad import dwgloss

    if lost:
        zh, en = dwgloss.summary(lost)
        raise E.dwg_only_custom_objects(name, zh, en, lost) from None


@contextmanager
def address_space_cap(budget: int):
    """Lower this process's soft RLIMIT_AS to what it uses now plus *budget* for the block,
    then put the old limit back (a child process only: the limit is process-wide)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm") as fh:
            used = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):  # pragma: no cover - not Linux
        yield
        return
    cap = used + budget
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _text(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def _limit_of(exc: BaseException, limits: DwgLimits) -> str:
    text = str(exc)
    if "objects" in text:
        return f"max_objects={limits.max_objects}"
    if "decompressed" in text:
        return f"max_decompressed_bytes={limits.max_decompressed_bytes}"
    if "input" in text:
        return f"max_input_bytes={limits.max_input_bytes}"
    return "depth" if "depth" in text or "nest" in text else "limit"


def _codepage(head: bytes, doc) -> str:
    if head[:6] in (b"AC1014", b"AC1015") and len(head) >= 0x15:
        num = struct.unpack_from("<H", head, 0x13)[0]
        if num in _CODEPAGES:
            return _CODEPAGES[num]
    return doc.codepage or ""


def _sections_past_end(head: bytes, size: int) -> bool:
    """R14/R2000 files list their sections (seeker, size) at 0x19: one that ends past the end of
    the file means the file was cut off (R2004+ headers are encrypted; their reader says so)."""
    if head[:6] not in (b"AC1014", b"AC1015") or len(head) < 0x19:
        return False
    count = struct.unpack_from("<I", head, 0x15)[0]
    if count > 11:  # not a plausible locator table: let the reader judge
        return False
    for i in range(count):
        at = 0x19 + 9 * i
        if at + 9 > len(head):
            break
        _, seeker, length = struct.unpack_from("<BII", head, at)
        if length and seeker + length > size:
            return True
    return False
