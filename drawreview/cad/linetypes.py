"""Linetypes as plotted: the dash pattern of a simple or complex linetype, and a note naming
the complex linetypes whose symbols are not drawn.

A complex linetype (GAS_LINE ``----GAS----``, BATTING, ZIGZAG) is plotted by AutoCAD as its
dashes with the symbols in its gaps. ezdxf's drawing add-on draws it as a solid line
(``Linetype.simplified_line_pattern`` gives up on it), and the DWG conversion keeps only its
dashes (neither the DXF pycadkit writes nor its reader's model carries the text or shapes).
We draw its dashes and gaps in both cases; a DXF's text elements are drawn in the gaps
(``cad.ltsymbols``). What stays undrawn is named: a DXF's shapes (they come from an SHX file
that does not travel with the drawing), a DWG's text and shapes.
"""

from __future__ import annotations

from collections import Counter

from ezdxf.entities.ltype import compile_line_pattern

from drawreview.cad.notes import info


def dashes(lt) -> tuple[float, ...]:
    """The dash pattern a linetype is plotted with: dash, gap, dash, gap … (a dash of 0 is a
    dot), always of even length. A complex linetype (text or shapes between its dashes: GAS_LINE,
    BATTING) is drawn by AutoCAD with its dashes and the symbols in the gaps; ezdxf draws it
    solid (``simplified_line_pattern`` gives up on it). Its dashes and gaps are drawn here, its
    text by ``cad.ltsymbols``, its shapes not (``linetype_note`` names them)."""
    tags = lt.pattern_tags
    if not tags.is_complex_type():
        return even(lt.simplified_line_pattern())
    elements = [t.value for t in tags.tags if t.code == 49]
    if len(elements) < 2:
        return ()
    return even(compile_line_pattern(tags.tags.get_first_value(40, 0.0), elements))


def even(pattern) -> tuple[float, ...]:
    """A dash pattern of even length, as a PDF dash array must be: an odd one is repeated with
    its dashes and gaps swapped (a dotted line becomes long dashes). ezdxf's pattern ends in an
    odd element where the linetype's length exceeds its elements' sum by rounding (0.8001 over
    0.0001 + 0.2 + 0.4 + 0.2): that remainder is dropped; a pattern ending in a dash (dash, gap,
    dash) gets a gap of 0, so its last dash runs into the first, as the linetype repeats."""
    out = [abs(v) for v in pattern]
    if len(out) % 2 and out[-1] <= 1e-9 * sum(out):
        out.pop()
    if len(out) % 2:
        out.append(0.0)
    return tuple(out)


def shape_linetypes(doc) -> list[str]:
    """Names of the linetypes with shapes between their dashes (74 flag 4: from an SHX file)."""
    out = []
    for lt in doc.linetypes:
        try:
            tags = lt.pattern_tags
            if tags.is_complex_type() and any(t.code == 74 and int(t.value) & 4 for t in tags.tags):
                out.append(lt.dxf.name)
        except Exception:  # noqa: BLE001 - a malformed linetype is drawn solid, not named
            continue
    return out


def complex_linetypes(doc) -> list[str]:
    """Names of the linetypes with text or shapes between their dashes."""
    out = []
    for lt in doc.linetypes:
        try:
            if lt.pattern_tags.is_complex_type():
                out.append(lt.dxf.name)
        except Exception:  # noqa: BLE001 - a malformed linetype is drawn solid, not named
            continue
    return out


BYLAYER, _UNSEEN = "BYLAYER", object()


def linetype_note(doc, names: list[str], converted: bool = True) -> list[str]:
    """One note naming each complex linetype in use (directly or through its layer) with the
    number of entities drawn with it. *converted*: the DWG conversion lost the symbols (text
    and shapes), only the dashes are drawn; else a DXF's linetypes with shapes (its text is
    drawn, its shapes are not: their SHX file does not travel with it)."""
    if not names:
        return []
    wanted = {n.upper(): n for n in names}
    by_layer = {layer.dxf.name.upper(): str(layer.dxf.get("linetype", "")).upper() for layer in doc.layers}
    used: Counter = Counter()
    # the stored values read directly (``dxf.get`` of a stored attribute costs 3 ×) and each
    # distinct linetype / layer name resolved once: this runs before the first tile
    by_linetype: dict = {}  # stored linetype -> wanted name, None, or BYLAYER
    of_layer: dict = {}  # layer -> wanted name or None
    for block in doc.blocks:  # model and paper spaces are block records too
        for e in block:
            d = e.dxf.__dict__
            lt = d.get("linetype", "BYLAYER")
            name = by_linetype.get(lt, _UNSEEN)
            if name is _UNSEEN:
                upper = str(lt).upper()
                name = by_linetype[lt] = BYLAYER if upper == BYLAYER else wanted.get(upper)
            if name is BYLAYER:
                layer = d.get("layer", "0")
                name = of_layer.get(layer, _UNSEEN)
                if name is _UNSEEN:
                    name = of_layer[layer] = wanted.get(by_layer.get(str(layer).upper(), ""))
            if name:
                used[name] += 1
    if not used:
        return []
    zh = "、".join(f"{n}（{c} 个图元）" for n, c in used.items())
    en = ", ".join(f"{n} ({c} {'entity' if c == 1 else 'entities'})" for n, c in used.items())
    if converted:
        return [f"DWG 转换未保留 {len(used)} 种复杂线型中的形和文字，这些线只画出短划线：{zh}；"
                f"如需审查其中的符号，请同时上传由 CAD 打印的 PDF / the DWG conversion dropped the shapes and text of "
                f"{len(used)} complex linetype(s), drawn with their dashes only: {en}; if their symbols matter, "
                f"upload a PDF plotted from your CAD program as well"]
    return [info(f"{len(used)} 种复杂线型中的形（来自不随图纸提供的 SHX 文件）未画出，这些线只画出短划线和文字：{zh}；"
                 f"如需审查其中的符号，请同时上传由 CAD 打印的 PDF / the shapes of {len(used)} complex linetype(s) are not "
                 f"drawn (they come from SHX files, which do not travel with a drawing), only their dashes and text: "
                 f"{en}; if their symbols matter, upload a PDF plotted from your CAD program as well")]
