"""How a converted DWG is drawn beyond its entities: the header's display settings and the
complex linetypes, recovered from what the DWG reader holds or named where they are lost.

pycadkit reads the whole DWG header (its model's ``props["dwg.header.*"]``) but writes only
about 20 variables to the DXF it makes, ``$LTSCALE`` always as 1.0: point style and size,
linetype scales and the rest would be drawn with their defaults (a POINT of ``$PDMODE`` 34 as a dot, a
viewport's dashes at model scale). ``settings`` picks the display variables from the
reader's model, ``restore`` writes them onto the ezdxf document and ``header_note`` names
any still missing.

Complex linetypes (dashes with shapes from an SHX file or text between them, e.g. GAS_LINE,
BATTING): pycadkit keeps their dash pattern and flags them ``dwg.complex``, but neither it
nor ezdwg reads the shape and text elements, and the shapes live in a support file that does
not travel with the DWG. ``complex_linetypes`` lists them; ``linetype_note`` names each one
in use with the number of entities drawn with it, which show their dashes only.
"""

from __future__ import annotations

from collections import Counter

# DXF header variable → (reader's key, cast, zh, en)
DISPLAY = {
    "$PDMODE": ("PDMODE", int, "点样式", "point style"),
    "$PDSIZE": ("PDSIZE", float, "点大小", "point size"),
    "$PSLTSCALE": ("PSLTSCALE", int, "图纸空间线型比例", "paper-space linetype scaling"),
    "$CELTSCALE": ("CELTSCALE", float, "线型比例", "linetype scale"),
    "$LTSCALE": ("LTSCALE", float, "全局线型比例", "global linetype scale"),
    "$FILLMODE": ("FILLMODE", int, "填充显示", "fill display"),
}


def settings(model: dict) -> dict:
    """{DXF variable: value} of the display settings in a cadkit ``to_dict()`` model."""
    props = model.get("props") or {}
    out = {}
    for var, (key, cast, _, _) in DISPLAY.items():
        value = props.get(f"dwg.header.{key}")
        if value is None or isinstance(value, (list, dict, str)):
            continue
        try:
            out[var] = cast(value)
        except (TypeError, ValueError):
            continue
    return out


def complex_linetypes(model: dict) -> list[str]:
    """Names of the linetypes the reader flags complex (shapes or text between the dashes)."""
    return [lt["name"] for lt in model.get("linetypes") or () if (lt.get("props") or {}).get("dwg.complex")]


def restore(doc, values: dict) -> None:
    """Write the DWG's display settings onto *doc*. The reader's values win: the DXF writer
    leaves most out and writes a fixed ``$LTSCALE`` 1.0 (a DWG at 0.4 would draw its dashes
    2.5 times too long)."""
    for var, value in values.items():
        doc.header[var] = value


def header_note(doc) -> list[str]:
    """Name the display settings neither the DXF nor the reader's model carried (then drawn
    with their defaults)."""
    missing = [k for k in DISPLAY if k not in doc.header]
    if not missing:
        return []
    zh = "、".join(f"{DISPLAY[k][2]}（{k}）" for k in missing)
    en = ", ".join(f"{DISPLAY[k][3]} ({k})" for k in missing)
    return [f"DWG 文件头中的显示设置未能转换，按默认值显示：{zh} / the DWG header's display settings were not "
            f"carried and are drawn with their defaults: {en}"]


BYLAYER, _UNSEEN = "BYLAYER", object()


def linetype_note(doc, names: list[str]) -> list[str]:
    """One note naming each complex linetype in use (directly or through its layer) with the
    number of entities drawn with it: only its dashes are drawn."""
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
    return [f"DWG 转换未保留 {len(used)} 种复杂线型中的形和文字，这些线只画出短划线：{zh}；"
            f"如需审查其中的符号，请同时上传由 CAD 打印的 PDF / the DWG conversion dropped the shapes and text of "
            f"{len(used)} complex linetype(s), drawn with their dashes only: {en}; if their symbols matter, "
            f"upload a PDF plotted from your CAD program as well"]
