"""The ``drawreview check`` command: exit codes, formats, SARIF 2.1.0 structure."""

from __future__ import annotations

import json

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
    assert "图纸文件无法读取" in err and "cannot be read" in err
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
