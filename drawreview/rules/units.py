"""The drawing's units as the checks measure it: ``$INSUNITS`` when the drawing agrees with it, else
what its geometry and lettering say (``features.units_drawn``, ``features.guess_units``; inches only
when the lettering is paper-sized in inches, ``imperial.drawn_in_inches``)."""

from __future__ import annotations

from .features import guess_units, unit_factor, units_drawn
from .imperial import drawn_in_inches

METRIC = (0, 4, 5, 6)  # unitless, mm, cm, m: the headers a GB drawing may carry (others are guessed over)


def drawing_units(doc, layer_map, params: dict) -> tuple[float, int, str]:
    """(metres per drawing unit, the units blocks are scaled from, how the units were decided: a
    note for the findings' sources, or "" when the header was simply used)."""
    insunits = header = int(doc.header.get("$INSUNITS", 0) or 0)
    guessed, contradicted = None, False
    inches = header == 1 and not params.get("trust_insunits") and drawn_in_inches(doc)  # see imperial.py
    if header not in METRIC and not params.get("trust_insunits") and not inches:
        insunits = 0  # inches, feet … (the acad.dwt template's header) are no GB drawing's units: guessed
    if insunits == 0 and "default_units" not in params:
        guessed = guess_units(doc)
    elif insunits in (4, 6) and not params.get("trust_insunits"):
        drawn = units_drawn(doc, lambda layer: layer_map.shape(layer_map.classify(layer, "LWPOLYLINE")) == "polygon")
        if drawn and drawn != insunits:  # the header is not what the geometry and lettering say (see units_drawn)
            guessed, contradicted = drawn, True
            insunits = 0
    unit_m = unit_factor(insunits, guessed or int(params.get("default_units", 4)))
    source = ""
    if contradicted:
        name = {6: "米 metres", 4: "毫米 millimetres"}[guessed]
        source = (f"$INSUNITS={header} 与图形不符，按{name.split()[0]}计算 / $INSUNITS={header} contradicts the "
                  f"geometry (its area outlines' size and its lettering): {name.split()[1]} assumed")
    elif guessed:
        source = ("由文字高度推断 guessed from text heights: "
                  + {6: "米 metres", 4: "毫米 millimetres"}[guessed])
    if inches:
        source = ("$INSUNITS=1 且文字高度按英寸合理，按英寸计算 / $INSUNITS=1 and the lettering is "
                  "paper-sized in inches at the sheet's scale: inches")
    if header != insunits and not contradicted:
        source = (f"$INSUNITS={header} 非国标图纸单位，不采用 / $INSUNITS={header} is no unit of a GB "
                  "drawing (an imperial template's header), not used; "
                  + (source or f"默认 default: {unit_m:g} m"))
    return unit_m, insunits or guessed or int(params.get("default_units", 4)), source
