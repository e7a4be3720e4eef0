"""The ``drawreview check`` command: exit codes, formats, SARIF 2.1.0 structure."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from drawreview.rules.cli import check_main
from drawreview.samples.site import site_params


def _params(tmp_path, extra=None):
    p = tmp_path / "params.json"
    p.write_text(json.dumps({**site_params(), **(extra or {})}), encoding="utf-8")
    return str(p)


def test_exit_0_when_clean(drawing, tmp_path, capsys):
    assert check_main([str(drawing("site")), "--params", _params(tmp_path)]) == 0
    assert "0 项问题" in capsys.readouterr().out


def test_exit_1_with_errors(drawing, tmp_path, capsys):
    assert check_main([str(drawing("site", {"FR-01"})), "--params", _params(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FR-01" in out and "5.2.2" in out and "临时辅助线" in out


def test_discipline_filter(drawing, tmp_path, capsys):
    assert check_main([str(drawing("site", {"FR-01"})), "--params", _params(tmp_path), "-d", "planning"]) == 0


def test_exit_2_unreadable(tmp_path, capsys):
    bad = tmp_path / "bad.dxf"
    bad.write_bytes(b"\x00\x01 this is not a drawing")
    assert check_main([str(bad)]) == 2
    err = capsys.readouterr().err
    # the upload pipeline's loader and its message (zh + en, naming the file): judged by content
    assert "不是图纸文件" in err and "not a drawing" in err and "bad.dxf" in err
    assert check_main([str(tmp_path / "missing.dxf")]) == 2
    params = tmp_path / "p.toml"
    params.write_text("this = = broken", encoding="utf-8")
    assert check_main([str(bad), "--params", str(params)]) == 2


def test_json_output(drawing, tmp_path, capsys):
    assert check_main([str(drawing("site", {"FR-02"})), "--params", _params(tmp_path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    f = [x for x in data["findings"] if x["rule_id"] == "FR-02"][0]
    assert f["measured"] == 3.5 and f["evidence_wkt"].startswith("POLYGON") and f["handles"]


def test_sarif_is_valid_2_1_0(drawing, tmp_path, capsys):
    rc = check_main([str(drawing("site", {"FR-01", "FR-02"})), "--params", _params(tmp_path), "--format", "sarif"])
    assert rc == 1
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0" and "sarif" in sarif["$schema"]
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] and len(rules) >= 25
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for r in rules:
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note", "none")
        assert r["shortDescription"]["text"]
    assert run["results"]
    for res in run["results"]:
        assert res["ruleId"] in ids and ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note", "none")
        assert isinstance(res["message"]["text"], str) and res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"].endswith(".dxf")
    assert {"FR-01", "FR-02"} <= {r["ruleId"] for r in run["results"]}


# The official SARIF 2.1.0 schema (JSON Schema draft-04), vendored: file
# lib/schemas/sarif-2.1.0-rtm.5.json of the npm package @microsoft/jest-sarif 1.0.0-beta.0
# (MIT); no PyPI package ships it, and the test must not need the network.
SARIF_SCHEMA = Path(__file__).with_name("sarif-schema-2.1.0-rtm.5.json")


def test_sarif_validates_against_the_official_schema(drawing, tmp_path, capsys):
    import jsonschema

    path = drawing("site", {"FR-01", "FR-02"})
    assert check_main([str(path), "--params", _params(tmp_path), "--format", "sarif"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(sarif)]
    assert not errors, errors[:10]
    run = sarif["runs"][0]
    uri = run["artifacts"][0]["location"]["uri"]
    assert uri == path.resolve().as_uri() and urlsplit(uri).scheme == "file"  # an absolute URI, not a path
    for res in run["results"]:
        loc = res["locations"][0]
        assert loc["physicalLocation"]["artifactLocation"] == {"uri": uri, "index": 0}
        assert "region" not in loc["physicalLocation"]  # lines and columns mean nothing in a DXF
        if "bbox" in loc.get("properties", {}):
            x0, y0, x1, y1 = loc["properties"]["bbox"]
            assert x0 <= x1 and y0 <= y1
    assert any("bbox" in res["locations"][0].get("properties", {}) for res in run["results"])
    # the validator is not toothless: a line-less region with a bad startLine is refused
    bad = json.loads(json.dumps(sarif))
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] = {"startLine": 0}
    assert any("startLine" in "/".join(map(str, e.absolute_path)) for e in validator.iter_errors(bad))


def test_check_accepts_dwg(drawing, tmp_path, capsys):
    """The same site plan as a GBK R2000 DWG (written by ezdwg) gives the DXF's findings."""
    from ..dwg_inputs import dxf_to_dwg

    dxf = drawing("site", {"FR-01"})
    dwg = dxf_to_dwg(dxf, tmp_path / "总平面.dwg")
    assert check_main([str(dxf), "--params", _params(tmp_path), "--format", "json"]) == 1
    want = json.loads(capsys.readouterr().out)
    assert check_main([str(dwg), "--params", _params(tmp_path), "--format", "json"]) == 1
    got = json.loads(capsys.readouterr().out)
    assert [(f["rule_id"], f["bbox"]) for f in got["findings"]] == [(f["rule_id"], f["bbox"]) for f in want["findings"]]
    assert [f["rule_id"] for f in got["findings"]] == ["FR-01"]
    bad = tmp_path / "坏.dwg"
    bad.write_bytes(dwg.read_bytes()[:2000])
    assert check_main([str(bad)]) == 2
    assert "坏.dwg" in capsys.readouterr().err
