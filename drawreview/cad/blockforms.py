"""Blocks as PDF form XObjects, for :class:`cad.painter.Painter`.

A block definition is painted once into a form (``Form``) and every INSERT, MINSERT cell and
DIMENSION geometry block invokes it with a ``cm``: a door block inserted 1,000 times is written
once. The form's /BBox is the block's measured extents (``cad.extents``), an XCLIPped insert is
clipped to its boundary, and a block that inserts itself is skipped and noted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ezdxf.entities import Insert

from drawreview.cad.canvas import STROKE, Canvas
from drawreview.cad.extents import OWN

ZERO = "\x00zero"  # form key suffix of a block's layer-0 content alone
LAYER = "\x00layer:"  # form key infix of a block whose layer-0 content takes a named layer
MAX_DEPTH = 40  # nested block definitions deeper than this are a loop (or a bomb)


@dataclass
class Form:
    name: str
    res: str
    content: str
    texts: list = field(default_factory=list)
    bbox: tuple | None = None  # content extents in form units (None: unbounded)
    layers: set = field(default_factory=set)  # the layers its content is marked with


class BlockForms:
    """The block half of the painter: needs ``doc``, ``styles``, ``unit_pt``, ``decimals``,
    ``layer_names``, ``forms``, ``_building``, ``notes``, ``missing``, ``skipped``, ``prefix``,
    ``_measurer``, ``pagereach``, ``zero_needs`` and ``paint`` from the class it is mixed into."""

    def form(self, name: str, own: bool = False, zero: bool = False, layer: str | None = None) -> Form | None:
        """The block *name* as a form; *own*: only its content on layers other than 0, for an
        insert on a layer that is off (its layer-0 content takes that layer, and is hidden);
        *zero*: only that layer-0 content (nested layer-0 inserts' too), which such an insert
        invokes inside its own layer's optional content, off by default. *layer*: the layer
        its layer-0 ByLayer content is drawn with (``zero_layer``); None: the insert's pen."""
        key = name + OWN if own else name + ZERO if zero else name
        key += "" if layer is None else LAYER + layer
        if key in self.forms:
            return self.forms[key]
        if key in self._building or len(self._building) > MAX_DEPTH:
            self.notes.append(f"图块 {name} 引用了自身，已跳过递归插入 / block {name} inserts itself; "
                              "the recursive insert was skipped")
            return None
        block = self.doc.blocks.get(name)
        if block is None:
            self.forms[key] = None
            return None
        head = block.block
        if head is not None and (head.dxf.get("flags", 0) & 4):  # an external reference (XREF)
            self.missing.add(head.dxf.get("xref_path", "") or name)
        self._building.append(key)
        cv = Canvas(self.unit_pt, 0.0, 0.0, self.decimals + 3, True, self.layer_names)
        outer, self.styles.zero = self.styles.zero, layer
        try:
            for e in block:
                on0 = e.dxf.__dict__.get("layer", "0") == "0"
                if own and on0:  # takes the insert's layer: off
                    if isinstance(e, Insert) and not e.dxf.__dict__.get("invisible"):
                        self._insert(e, e.dxf.__dict__, cv, True, None, own=True)
                    continue
                if zero and (not on0 or isinstance(e, Insert)):
                    if on0 and not e.dxf.__dict__.get("invisible"):
                        self._insert(e, e.dxf.__dict__, cv, True, None, zero=True)
                    continue
                self.paint(e, cv, True)
        finally:
            self.styles.zero = outer
        self._building.pop()
        content = cv.close()
        self.skipped += cv.skipped
        form = Form(name, f"{self.prefix}{len(self.forms)}", content, cv.texts, self._form_box(name), cv.used) \
            if content else None
        self.forms[key] = form
        return form

    def use_split(self, drawing) -> None:
        """Reuse what the splitter made of *drawing*: block extents (``use_block_boxes``) and the
        multilines' virtual entities (ezdxf computes a multiline's lines from its style anew
        each time it is asked)."""
        if drawing.block_boxes is not None:
            self.use_block_boxes(drawing.block_boxes)
        if drawing.exploded is not None:
            self.exploded = drawing.exploded

    def use_block_boxes(self, boxes: dict) -> None:
        """Take the form boxes from *boxes* (block extents by name, the splitter's, kept on the
        drawing) and add what is measured here to it: the splitter has measured every block it
        met, and each group of sheets gets a painter of its own (1.4 ms of ACadSharp's sample
        model space was measuring its dimension blocks again). Only for a painter with the
        document's own layer states: a viewport's painter hides other layers."""
        from drawreview.cad.extents import Measurer

        self._measurer = Measurer(self.doc, self.styles)
        self._measurer.blocks = boxes

    def _form_box(self, name: str) -> tuple | None:
        """The block's extents, widened, as its form's /BBox: MuPDF drops a form whose huge
        BBox goes through a rotated, non-uniformly scaled matrix (float precision)."""
        if self._measurer is None:
            from drawreview.cad.extents import Measurer

            self._measurer = Measurer(self.doc, self.styles)
        try:
            box = self._measurer.block_box(name)
        except Exception:  # noqa: BLE001 - unmeasurable: unbounded
            return None
        if box is None:
            return None
        box = self._with_hidden(name, box)
        pad = 0.05 * max(box[2] - box[0], box[3] - box[1]) + 1.0
        return box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad

    def _with_hidden(self, name: str, box: tuple) -> tuple:
        """*box* grown by the block's content on layers hidden by default other than 0
        (``pagereach``'s boxes; its layer-0 content is in *box*): the form holds it as optional
        content a reviewer may show, and the /BBox clips what the form draws."""
        reach = self.pagereach
        if not reach:
            return box
        got = [b for b in reach.named(name, frozenset(self.frozen)).values()
               if all(map(math.isfinite, b[:4]))]  # an XLINE: its reach is the sheet's
        if not got:
            return box
        return (min(box[0], *(b[0] for b in got)), min(box[1], *(b[1] for b in got)),
                max(box[2], *(b[2] for b in got)), max(box[3], *(b[3] for b in got)))

    def _insert(self, e, d, cv, in_block, oc, own: bool = False, zero: bool = False) -> None:
        # the insert's layer holds only what takes it (the block's layer-0 content, *zero*);
        # the block's content on other layers is outside it (*own*). Turning the layer off, in
        # the drawing or in the viewer (``?hidden=``), hides only the first, as in AutoCAD and
        # ezdxf's drawing add-on (an INSERT's own layer does not hide it; docs/decisions/128);
        # a frozen layer is not written at all (``paint``)
        inherited = own or zero  # a layer-0 insert inside such a block: its own layer-0 parts are off too
        own = own or (not zero and oc is not None)
        name = d.get("name", "")
        pen = self.styles.pen(d, in_block)
        layer = self.zero_layer(d, in_block, pen, name)
        form = self.form(name, own, zero, layer)
        zeros = self.form(name, zero=True, layer=layer) if own and not inherited else None
        if form is not None or zeros is not None:
            inserts = e.multi_insert() if (d.get("row_count", 1) > 1 or d.get("column_count", 1) > 1) else (e,)
            clip, frame = self._xclip(e, cv) if e.has_extension_dict else ("", "")
            for ins in inserts:
                m = ins.matrix44()
                for f, layer in ((form, None if own else oc), (zeros, oc)):
                    if f is not None:
                        self._invoke(f, m.ux.x, m.ux.y, m.uy.x, m.uy.y, m.origin.x, m.origin.y, pen, cv,
                                     layer, clip)
            if frame and not inherited:  # $XCLIPFRAME 1: the clipping boundary is displayed and plotted
                cv.use(STROKE, oc, pen).append(frame)
        for attrib in e.attribs:
            on0 = attrib.dxf.get("layer", "0") == "0"
            if (zero and on0) or not (inherited or zero) or (own and not on0):
                self.paint(attrib, cv, in_block)

    def zero_layer(self, d: dict, in_block: bool, pen: tuple, name: str) -> str | None:
        """The layer an insert's (or a dimension's) block *name* draws its layer-0 ByLayer
        content with, when the insert's *pen* is not that layer's: AutoCAD gives such content
        the insert's layer, and ByBlock content the insert's own colour, lineweight and
        linetype, while a form inherits one pen from its invocation. Also when the block holds
        a layer-0 insert with a pen of its own (``_zero_inside``), which needs the layer by
        name. None: the content inherits (the pens agree), or the layer is not known here."""
        layer = d.get("layer", "0")
        if in_block and layer == "0":
            layer = self.styles.zero
        if layer is None:
            return None
        if pen != self.styles.pen({"layer": layer}, False) or self._zero_inside(name):
            return layer
        return None

    def _zero_inside(self, name: str, depth: int = 0) -> bool:
        """Does block *name* hold, itself or through its layer-0 inserts, an insert on layer 0
        with a colour, lineweight or linetype of its own (neither ByLayer nor ByBlock)? Its
        block's layer-0 content takes the outer insert's layer, which a form shared by
        inserts on several layers cannot inherit."""
        got = self.zero_needs.get(name)
        if got is not None:
            return got
        self.zero_needs[name] = False  # a block that inserts itself: no
        block = self.doc.blocks.get(name)
        got = False
        for e in block.query("INSERT") if block is not None and depth < MAX_DEPTH else ():
            a = e.dxf.__dict__
            if a.get("layer", "0") != "0":
                continue
            own = (a.get("color", 256) not in (0, 256) or a.get("true_color") is not None
                   or a.get("lineweight", -1) not in (-1, -2)
                   or a.get("linetype", "BYLAYER").upper() not in ("BYLAYER", "BYBLOCK"))
            if own or self._zero_inside(a.get("name", ""), depth + 1):
                got = True
                break
        self.zero_needs[name] = got
        return got

    def _dimension(self, e, d, cv, in_block, oc) -> None:
        pen, name = self.styles.pen(d, in_block), d.get("geometry", "")
        form = self.form(name, layer=self.zero_layer(d, in_block, pen, name)) if name else None
        if form is not None:
            self._invoke(form, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, pen, cv, oc, "")
        else:
            for ve in e.virtual_entities():
                self.paint(ve, cv, in_block)

    def _invoke(self, form: Form, a, b, c, dd, tx, ty, pen, cv: Canvas, oc, clip: str) -> None:
        if not cv.ok(a, b, c, dd, tx, ty):
            return
        rgb, lw, dash = pen
        state = ""
        if rgb is not None:
            state = "%g %g %g RG %g %g %g rg " % (*rgb, *rgb)
        if lw is not None:
            state += "%.6f w " % (lw * 2.8346 / self.unit_pt if lw else 0)
        tx, ty = tx - cv.ox, ty - cv.oy
        cv.raw(oc, f"q {state}{clip}%.9f %.9f %.9f %.9f %.6f %.6f cm /{form.res} Do Q\n" % (a, b, c, dd, tx, ty))
        cv.used |= form.layers  # the layers drawn through the form are on this canvas too
        for text, x0, y0, x1, y1, layer in form.texts:
            xs = [a * x + c * y + tx for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
            ys = [b * x + dd * y + ty for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
            cv.texts.append((text, min(xs), min(ys), max(xs), max(ys), oc if layer is None else layer))

    def _xclip(self, e, cv: Canvas) -> tuple[str, str]:
        """(clip operators, frame path) of an XCLIPped insert: the clipping boundary in world
        coordinates (rotated, scaled and non-uniformly scaled inserts alike); an inverted clip
        keeps everything outside its inner polygon (even-odd with a huge rectangle)."""
        from ezdxf.xclip import XClip

        xc = XClip(e)
        if not (xc.has_clipping_path and xc.is_clipping_enabled):
            return "", ""
        cp = xc.get_wcs_clipping_path()  # inverted: the hole is the smaller polygon (ezdxf's rule)
        pts = [(v.x, v.y) for v in (cp.inner_polygon() if xc.is_inverted_clip else cp.vertices)]
        if len(pts) == 2:  # rectangle given by two corners
            (x0, y0), (x1, y1) = pts
            pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        poly = cv.polyline(pts, True)
        if not poly:
            return "", ""
        frame = poly if self._clip_frame() else ""
        if xc.is_inverted_clip:
            big = cv.polyline([(-1e9, -1e9), (1e9, -1e9), (1e9, 1e9), (-1e9, 1e9)], True)
            return big + poly + "W* n ", frame
        return poly + "W n ", frame

    def _clip_frame(self) -> bool:
        try:
            return int(self.doc.header.get("$XCLIPFRAME", 2)) == 1
        except (TypeError, ValueError):
            return False
