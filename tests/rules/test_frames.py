"""One sheet of a split model space is checked within its frame only; an already loaded document
(or a ``cad.dxf.Drawing``) is checked without reading the file again."""

from __future__ import annotations

import re

import ezdxf
import pytest

from drawreview.cad.dxf import load_dxf
from drawreview.rules import run_checks
from drawreview.samples.floor import floor_params
from tests.drawing_inputs import side_by_side

OFFSET = 150_000.0  # mm: the second sheet sits 150 m east of the first


@pytest.fixture(scope="module")
def two_sheets(drawing, tmp_path_factory):
    """Model space holding two floor-plan frames: a clean one, and one with FR-13 and FR-12."""
    path = tmp_path_factory.mktemp("frames") / "two-sheets.dxf"
    doc = side_by_side(drawing("floor"), drawing("floor", {"FR-13", "FR-12"}), OFFSET, path)
    return path, doc, sorted(_frames(doc), key=lambda b: b[0])


def _frames(doc):
    from drawreview.rules import load_layer_map
    from drawreview.rules.geometry import extract

    return [f.bbox for f in extract(doc, load_layer_map(), floor_params()).frames]


def _ids(result):
    return sorted({f.rule_id for f in result.findings})


def test_whole_model_space_mixes_both_sheets(two_sheets):
    _, doc, frames = two_sheets
    assert len(frames) == 2
    assert {"FR-12", "FR-13"} <= set(_ids(run_checks(doc, floor_params())))


def test_each_frame_is_checked_alone(two_sheets):
    _, doc, (left, right) = two_sheets
    clean = run_checks(doc, floor_params(), bbox=left)
    bad = run_checks(doc, floor_params(), bbox=right)
    assert _ids(clean) == [] and clean.stats["errors"] == {}
    assert {"FR-12", "FR-13"} <= set(_ids(bad))
    assert clean.stats["bbox"] == list(left) and clean.stats["frames"] == bad.stats["frames"] == 1
    # every finding of the right sheet lies in the right frame
    for f in bad.findings:
        if f.bbox:
            assert right[0] <= f.bbox[0] and f.bbox[2] <= right[2]


def test_frame_findings_match_the_sheet_checked_on_its_own(drawing, two_sheets):
    _, doc, (_, right) = two_sheets
    own = run_checks(drawing("floor", {"FR-13", "FR-12"}), floor_params())
    framed = run_checks(doc, floor_params(), bbox=right)
    assert [(f.rule_id, f.measured) for f in framed.findings] == [(f.rule_id, f.measured) for f in own.findings]
    assert framed.stats["features"] == own.stats["features"]


def test_loaded_drawing_object_and_audit(drawing):
    path = drawing("broken")
    loaded = load_dxf(path)
    result = run_checks(loaded, {})
    assert result.stats["audit"]["fixes"] == len(loaded.repairs) > 0
    assert "DR-03B" in _ids(result)
    # the zh-CN message is Chinese: the CAD library's English messages only in the English one
    audit = next(f for f in result.findings if f.rule_id == "DR-03B")
    zh, en = audit.to_dict()["message_zh"], audit.to_dict()["message_en"]
    assert not re.search(r"[A-Za-z]{4,}", zh.replace("DXF", "").replace("CAD", "")), zh
    assert str(audit.measured) in zh and loaded.repairs[0][:20] in en
    plain = run_checks(ezdxf.readfile(drawing("site")), {}, audit={"errors": 0, "fixes": 0, "messages": []})
    assert "DR-03B" not in _ids(plain)
