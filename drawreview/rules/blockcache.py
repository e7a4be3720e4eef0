"""Block definitions flattened once per name for the rule geometry: their primitives (nested
inserts and MINSERT grids included, layer-0 children on the insert's layer), their texts and
ATTRIBs placed with each insert, their LEADERs, a dynamic block's own name, and the unit fix of
a block drawn in other units than the drawing."""

from __future__ import annotations

import numpy as np
from ezdxf import units as ezunits
from ezdxf.dynblkhelper import get_dynamic_block_record_handle

from .primitives import TEXT_TYPES, Prim, copies, entity_prims, flipped, transform
from .textup import placed, up
from .wording import drawn_text


class BlockCache:
    """Flattened block definitions, computed once per block name."""

    def __init__(self, doc, distance: float, units: int = 0, is_frame=None) -> None:
        self.doc = doc
        # (name, layer) -> whether a nested INSERT is a title-block frame: of its texts only its ATTRIBs
        # are the sheet's, its own labels (图名, 比例) are the frame's, as in model space (inserts.frame_test)
        self.is_frame = is_frame
        self.distance = distance
        self.units = units  # the drawing's units ($INSUNITS, or the guess)
        self._unit_fix: dict[str, tuple[float, np.ndarray] | None] = {}
        self._blocks: dict[str, list[Prim]] = {}
        self._texts: dict[str, list[tuple[float, float, str, float, str]]] = {}
        self._inserts: dict[str, list] = {}
        self._names: dict[str, str] = {}
        self._leaders: dict[str, bool] = {}

    def effective_name(self, name: str) -> str:
        """The name a drafter gave a block: a dynamic block's reference points at an anonymous
        ``*U12`` copy, whose BLOCK_RECORD names the dynamic definition (``FM乙0821``) in its
        ``AcDbBlockRepBTag`` XDATA. Any other name is itself."""
        if not name.startswith("*"):
            return name
        if name not in self._names:
            self._names[name] = name
            block = self.doc.blocks.get(name)
            handle = get_dynamic_block_record_handle(block.block_record) if block is not None else ""
            record = self.doc.entitydb.get(handle) if handle else None
            if record is not None and record.dxf.get("name"):
                self._names[name] = record.dxf.name
        return self._names[name]

    def inserts(self, name: str) -> list:
        """The INSERTs directly inside a block definition (a door block in a plan that is itself
        a block: a bound xref, a WBLOCKed floor)."""
        if name not in self._inserts:
            block = self.doc.blocks.get(name)
            self._inserts[name] = ([r for e in block if e.dxftype() == "INSERT" for r in copies(e)]
                                   if block is not None else [])
        return self._inserts[name]

    def prims(self, name: str, depth: int = 0) -> list[Prim]:
        if name in self._blocks:
            return self._blocks[name]
        self._blocks[name] = []  # guards against recursive definitions
        block = self.doc.blocks.get(name)
        out: list[Prim] = []
        if block is not None and depth < 16:
            for e in block:
                t = e.dxftype()
                if t == "INSERT":
                    for ref in copies(e):
                        for p in self.insert_prims(ref, depth + 1):
                            p.nested = True
                            out.append(p)
                elif t not in TEXT_TYPES and t not in ("ATTDEF", "DIMENSION"):
                    out.extend(entity_prims(e, self.distance))
        self._blocks[name] = out
        return out

    def insert_prims(self, insert, depth: int = 0) -> list[Prim]:
        """The insert's block primitives in the insert's parent coordinates."""
        name = insert.dxf.name
        children = self.prims(name, depth)
        if not children:
            return []
        m = np.array(list(insert.matrix44()), dtype=float).reshape(4, 4)
        fix = self.unit_fix(insert)
        layer = insert.dxf.get("layer", "0")
        handle = insert.dxf.get("handle", "") or ""
        k = float(np.sqrt(abs(np.linalg.det(m[:2, :2])))) * (1.0 if fix is None else fix[0])
        out = []
        for c in children:
            coords = c.coords if fix is None else fix[1] + (c.coords - fix[1]) * fix[0]
            centre = None if c.centre is None else transform(
                (c.centre if fix is None else fix[1] + (c.centre - fix[1]) * fix[0])[None, :], m)[0]
            out.append(Prim(c.kind, transform(coords, m), c.closed,
                            layer if c.layer == "0" else c.layer, c.dxftype,
                            handle, c.pattern, name, centre, c.nested,
                            c.width * k if c.width else 0.0))
        return out

    def unit_fix(self, insert) -> tuple[float, np.ndarray] | None:
        """(factor, base point) when the block is defined in other units than the drawing and the
        insert does not scale it: a block drawn in millimetres placed at scale 1 in a metre
        drawing. An insert whose scale already converts (AutoCAD bakes the factor into the scale
        when it inserts) is left alone."""
        name = insert.dxf.name
        if name not in self._unit_fix:
            self._unit_fix[name] = None
            block = self.doc.blocks.get(name)
            code = int(block.block_record.dxf.get("units", 0) or 0) if block is not None else 0
            if code and self.units and code != self.units:
                try:
                    f = ezunits.conversion_factor(code, self.units)
                except (KeyError, IndexError, ValueError, ZeroDivisionError):
                    f = 1.0
                if f != 1.0:
                    base = block.block.dxf.get("base_point", (0, 0, 0))
                    self._unit_fix[name] = (f, np.array([base[0], base[1]], dtype=float))
        fix = self._unit_fix[name]
        if fix is None:
            return None
        sx = abs(float(insert.dxf.get("xscale", 1.0)))
        return fix if abs(sx - 1.0) < 1e-9 else None

    def has_leaders(self, name: str, depth: int = 0) -> bool:
        """Whether the block holds a LEADER, itself or in a block nested in it (cached per name)."""
        if name not in self._leaders:
            self._leaders[name] = False  # guards against recursive definitions
            block = self.doc.blocks.get(name)
            self._leaders[name] = block is not None and depth < 16 and any(
                e.dxftype() == "LEADER" or (e.dxftype() == "INSERT" and self.has_leaders(e.dxf.name, depth + 1))
                for e in block)
        return self._leaders[name]

    def insert_leaders(self, insert, depth: int = 0) -> list:
        """The LEADERs inside the insert's block (at any depth) as ezdxf places them in the insert's
        parent coordinates (virtual copies: a labelled plan inserted whole)."""
        if depth >= 16 or not self.has_leaders(insert.dxf.name):
            return []
        out = []
        for v in insert.virtual_entities():
            if v.dxftype() == "LEADER":
                out.append(v)
            elif v.dxftype() == "INSERT":
                for ref in copies(v):
                    out.extend(self.insert_leaders(ref, depth + 1))
        return out

    def texts(self, name: str, depth: int = 0) -> list[tuple]:
        """TEXT / MTEXT inside a block definition, and nested inserts' ATTRIBs and texts, as
        ``(x, y, text, height, layer, up x, up y)`` in block coordinates (computed once per block)."""
        if name in self._texts:
            return self._texts[name]
        self._texts[name] = []
        block = self.doc.blocks.get(name)
        out: list[tuple] = []
        if block is not None and depth < 16:
            for e in block:
                t = e.dxftype()
                if t == "TEXT":
                    p = e.ocs().to_wcs(e.dxf.insert) if flipped(e) else e.dxf.insert
                    out.append((p.x, p.y, drawn_text(e), e.dxf.get("height", 0.0), e.dxf.get("layer", "0"), *up(e)))
                elif t == "MTEXT":
                    p = e.dxf.insert
                    out.append((p.x, p.y, drawn_text(e), e.dxf.get("char_height", 0.0), e.dxf.get("layer", "0"),
                                *up(e)))
                elif t == "INSERT":
                    own = self.is_frame is None or not self.is_frame(self.effective_name(e.dxf.name),
                                                                     e.dxf.get("layer", "0"))
                    for ref in copies(e):
                        out.extend(self.placed_texts(ref, depth + 1, own))
        self._texts[name] = out
        return out

    def insert_texts(self, insert, depth: int = 0) -> list[tuple[float, float, str, float, str]]:
        """The insert's ATTRIBs (``tag=value``) and its block's texts, in the insert's parent
        coordinates; rotated, mirrored and scaled with the insert (a text's height along its up
        direction: textup.py)."""
        return [t[:5] for t in self.placed_texts(insert, depth)]

    def placed_texts(self, insert, depth: int = 0, own: bool = True) -> list[tuple]:
        """``insert_texts`` with each text's up direction (``(x, y, text, height, layer, up x, up y)``);
        without its block's own texts when not ``own`` (a frame's: its ATTRIBs only)."""
        layer = insert.dxf.get("layer", "0")
        out = [(a.dxf.insert.x, a.dxf.insert.y, f"{a.dxf.tag}={drawn_text(a)}", a.dxf.get("height", 0.0), layer,
                *up(a)) for a in insert.attribs]
        children = self.texts(insert.dxf.name, depth) if own else []
        if children:
            m = np.array(list(insert.matrix44()), dtype=float).reshape(4, 4)
            local = np.array([(c[0], c[1]) for c in children], dtype=float)
            fix = self.unit_fix(insert)
            if fix is not None:
                local = fix[1] + (local - fix[1]) * fix[0]
            out += placed(transform(local, m), children, m[:2, :2], layer)
        return out
