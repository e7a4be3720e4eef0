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
not travel with the DWG. ``complex_linetypes`` lists them; ``linetypes.linetype_note`` names
each one in use with the number of entities drawn with it, which show their dashes only.
"""

from __future__ import annotations

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
