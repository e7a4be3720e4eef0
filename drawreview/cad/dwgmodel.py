"""pycadkit's model of a DWG, parsed only where the conversion reads it.

The conversion needs from the reader's model (``doc.to_json()``): the header properties, the
layers, linetypes and text styles, each block definition's name and handle and the types of
the unknown objects inside it (``dwgloss.inventory``: the warnings leave those out), and for
R14 the paper-space viewports (``dwglayout.r14_views``: their MVIEW data). Parsing the whole
JSON turns every entity of every block and space into Python objects: on ACadSharp's 1 MB
samples 1.3 ms for the block definitions alone, 4.6 ms for everything in the R14 one, where
the conversion uses a few dozen values.

``read`` parses the small parts whole (everything before the blocks; the properties and
warnings after the spaces) and finds the rest in the JSON text: a block by its opening keys
(``{"name":…,"id":…,"base_point":``, the order pycadkit's serializer writes), an unknown
object by its ``"type":"unknown","type_name":…`` and an R14 viewport by its ``"kind":{"type":
"viewport"``, decoding each such entity alone from the ``{"id":`` that opens it. A quote
inside a JSON string is escaped, so these patterns match structure only. The result has the
shape of ``json.loads(doc.to_json())`` for what its readers use: blocks carry only their
unknown entities, spaces only their viewports. Text of another shape (other top-level keys, a
first block or space whose keys do not open as expected) is parsed whole.
tests/cad/test_dwg_model.py compares what every consumer reads from both, on every sample.
"""

from __future__ import annotations

import json
import re

from drawreview.cad import dwgfreeze, dwgtext

_STRING = r'"(?:[^"\\]|\\.)*"'
_BLOCK = re.compile(r'\{"name":(' + _STRING + r'),"id":(-?\d+|null),"base_point":')
_SPACE = re.compile(r'\{"name":(' + _STRING + r'),"id":(-?\d+|null),"kind":(' + _STRING + ")")
_UNKNOWN = re.compile(r'"type":"unknown","type_name":(' + _STRING + ")")
_VIEWPORT = re.compile(r'"kind":\{"type":"viewport"')


def read(doc, r14: bool) -> dict:
    """The reader's model of *doc* (a ``cadkit.Document``) as the conversion uses it; *r14*:
    keep the paper-space viewports. ``unknown_handles``: {DWG handle: type} of the objects it
    could not translate, wherever they are (``unknown_handles``); ``texts``: the text flags and
    big fonts its DXF leaves out (``dwgtext``); ``frozen``: its viewports' frozen layers, left
    out too (``dwgfreeze``)."""
    text = doc.to_json()
    model = parse(text, r14)
    model["unknown_handles"] = unknown_handles(text)
    model["texts"] = dwgtext.read(text, model.get("text_styles") or [])
    model["frozen"] = dwgfreeze.read(text)
    return model


_ID = re.compile(r'\{"id":(\d+),')


def unknown_handles(text: str) -> dict[int, str]:
    """{handle: type} of the unknown objects in the model's JSON *text*: each is an entity
    object opening with its ``"id"`` (the DWG handle) whose ``kind`` names the type; the
    opening is the last ``{"id":`` before its ``"type":"unknown"`` (no other key of an entity
    before its kind holds an object with an id)."""
    out = {}
    for m in _UNKNOWN.finditer(text):
        opening = text.rfind('{"id":', 0, m.start())
        head = _ID.match(text, opening) if opening >= 0 else None
        if head:
            out[int(head.group(1))] = str(json.loads(m.group(1))).removeprefix("dwg.")
    return out


def parse(text: str, r14: bool) -> dict:
    """``read`` of the model's JSON *text*."""
    blocks_at = text.find(',"blocks":[')
    spaces_at = text.find(',"models":[', blocks_at + 1)
    props_at = text.rfind(',"props":{')
    if not 0 < blocks_at < spaces_at < props_at:
        return json.loads(text)
    try:
        model = json.loads(text[:blocks_at] + "}")
        rest = json.loads("{" + text[props_at + 1:])
    except ValueError:
        return json.loads(text)
    if set(rest) != {"props", "warnings"} or set(model) & set(rest):
        return json.loads(text)
    model.update(rest)
    blocks = _blocks(text, blocks_at, spaces_at)
    spaces = _spaces(text, spaces_at, props_at) if r14 else []
    if blocks is None or spaces is None:  # their keys in another order: not the shape read here
        return json.loads(text)
    model["blocks"], model["models"] = blocks, spaces
    return model


def _starts_array(heads: list, text: str, start: int, end: int, key: str) -> bool:
    """Whether the first match opens the array (an empty array has none): a block or space
    whose keys come in another order would not match there."""
    first = start + len(f',"{key}":[')
    return (heads[0].start() == first) if heads else text[first:first + 1] == "]" or first >= end


def _blocks(text: str, start: int, end: int) -> list[dict] | None:
    heads = list(_BLOCK.finditer(text, start, end))
    if not _starts_array(heads, text, start, end, "blocks"):
        return None
    out = []
    for k, m in enumerate(heads):
        stop = heads[k + 1].start() if k + 1 < len(heads) else end
        unknown = [{"kind": {"type": "unknown", "type_name": json.loads(u.group(1))}}
                   for u in _UNKNOWN.finditer(text, m.end(), stop)]
        out.append({"name": json.loads(m.group(1)), "id": json.loads(m.group(2)), "entities": unknown})
    return out


def _spaces(text: str, start: int, end: int) -> list[dict] | None:
    heads = list(_SPACE.finditer(text, start, end))
    if not _starts_array(heads, text, start, end, "models"):
        return None
    decoder = json.JSONDecoder()
    out = []
    for k, m in enumerate(heads):
        stop = heads[k + 1].start() if k + 1 < len(heads) else end
        entities = []
        for v in _VIEWPORT.finditer(text, m.end(), stop):
            opening = text.rfind('{"id":', m.end(), v.start())
            if opening < 0:
                continue
            entity, _ = decoder.raw_decode(text, opening)
            entities.append(entity)
        out.append({"name": json.loads(m.group(1)), "id": json.loads(m.group(2)), "kind": json.loads(m.group(3)),
                    "entities": entities})
    return out
