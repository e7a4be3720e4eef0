"""Layers that are not on the sheet: frozen, or switched off.

What a designer freezes or switches off (an old scheme kept for reference, construction lines, a
colleague's xref layers) is neither drawn nor plotted: the issued sheet does not show it, so the
rules do not read it either (decisions 122 and 128: the sheet PDF leaves frozen layers out and
hides switched-off ones by default). An INSERT on a switched-off layer still shows its parts on
other layers, as AutoCAD draws it; on a frozen layer nothing of it shows. A layer only set not to
plot is still read: it is on the screen the designer checks."""

from __future__ import annotations


def hidden_layers(doc) -> tuple[frozenset[str], frozenset[str]]:
    """(the frozen layers, the frozen or switched-off layers), their names case-folded (AutoCAD's
    layer names are not case-sensitive)."""
    frozen, hidden = set(), set()
    for layer in doc.layers:
        try:
            is_frozen, is_off = layer.is_frozen(), layer.is_off()
        except (AttributeError, TypeError, ValueError):
            continue
        if is_frozen or is_off:
            hidden.add(layer.dxf.name.casefold())
            if is_frozen:
                frozen.add(layer.dxf.name.casefold())
    return frozenset(frozen), frozenset(hidden)
