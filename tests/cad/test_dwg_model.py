"""pycadkit's model parsed only where the conversion reads it (cad/dwgmodel.py), against the
whole model parsed by ``json.loads``: every consumer (the loss inventory, block and layer
names, display settings, complex linetypes, R14 viewports, header properties) reads the same
from both, on every shared DWG and on a GBK DWG ezdwg wrote."""

from __future__ import annotations

import json

import cadkit

from drawreview.cad import dwgdisplay, dwglayout, dwgloss, dwgmodel, dwgrecover

from .conftest import DRAWINGS

SAMPLES = sorted((DRAWINGS / "dwg").glob("*.dwg"))


def _consumers(model: dict, doc) -> dict:
    return {"inventory": dwgloss.inventory(doc.warnings, model.get("blocks") or []),
            "blocks": dwgrecover.block_names(model.get("blocks") or []),
            "layers": dwgrecover.layer_names(model.get("layers") or []),
            "display": dwgdisplay.settings(model), "complex": dwgdisplay.complex_linetypes(model),
            "views": dwglayout.r14_views(model.get("models") or []), "props": model.get("props"),
            "codepage": (model.get("source") or {}).get("codepage")}


def test_the_parts_read_equal_the_whole_model(generated):
    unknown_in_blocks = views = 0
    for source in SAMPLES + [generated]:
        doc = cadkit.read(source.read_bytes())
        r14 = source.read_bytes()[:6] == b"AC1014"
        whole = json.loads(doc.to_json())
        mine = dwgmodel.read(doc, r14=r14)
        assert _consumers(mine, doc) == _consumers(whole, doc), source.name
        assert [(b["name"], b["id"]) for b in mine["blocks"]] == [(b["name"], b["id"]) for b in whole["blocks"]]
        unknown_in_blocks += sum(len(b["entities"]) for b in mine["blocks"])
        views += len(dwglayout.r14_views(mine["models"]))
        if not r14:
            assert mine["models"] == []  # the spaces' entities are not parsed at all
    assert unknown_in_blocks > 0 and views > 0  # both scans found something to compare


def test_text_of_another_shape_is_parsed_whole():
    """Keys in another order, or others after the spaces: the whole text is parsed."""
    other = {"props": {"a": 1}, "blocks": [{"name": "B", "id": 1, "base_point": None, "entities": []}],
             "models": [], "warnings": []}
    assert dwgmodel.parse(json.dumps(other, separators=(",", ":")), r14=False) == other
    doc = cadkit.read(SAMPLES[-1].read_bytes())
    whole = json.loads(doc.to_json())
    whole["extra"] = 1  # a key after the spaces that the parts would not carry
    assert dwgmodel.parse(json.dumps(whole, separators=(",", ":")), r14=False) == whole
    del whole["extra"]
    # a block whose keys come in another order: found by no pattern, so the whole text is parsed
    whole["blocks"] = [{"id": b["id"], **{k: v for k, v in b.items() if k != "id"}} for b in whole["blocks"]]
    assert whole["blocks"] and dwgmodel.parse(json.dumps(whole, separators=(",", ":")), r14=False) == whole
    whole["models"] = [{"kind": m["kind"], **{k: v for k, v in m.items() if k != "kind"}} for m in whole["models"]]
    whole["blocks"] = []
    assert dwgmodel.parse(json.dumps(whole, separators=(",", ":")), r14=True) == whole
