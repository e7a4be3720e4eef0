"""SARIF 2.1.0 output for findings (one run, tool driver = drawreview rule checks)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from .engine import CheckResult
from .loader import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _rule_descriptor(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "name": rule.kind,
        "shortDescription": {"text": rule.title_en},
        "fullDescription": {"text": f"{rule.title_zh} — {rule.standard} {rule.clause}"},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"discipline": rule.discipline, "standard": rule.standard, "clause": rule.clause,
                       "mandatory": rule.mandatory, "verified": rule.verified, "title_zh": rule.title_zh,
                       "superseded_by": rule.superseded_by},
    }


def artifact_uri(path: str | Path) -> str:
    """The artifact's absolute ``file:`` URI (SARIF wants a URI, not a file system path)."""
    return Path(path).resolve().as_uri()


def to_sarif(result: CheckResult, rules: Iterable[Rule], artifact_uri: str) -> dict:
    rules = list(rules)
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for f in result.findings:
        # a DXF has no lines or columns, so no region: the drawing-space box goes in the
        # location's property bag, the entities in logicalLocations
        loc = {"physicalLocation": {"artifactLocation": {"uri": artifact_uri, "index": 0}}}
        if f.bbox:
            loc["properties"] = {"bbox": list(f.bbox), "units": "drawing"}
        if f.handles:
            loc["logicalLocations"] = [{"name": h, "kind": "object", "fullyQualifiedName": f"{f.layer or ''}:{h}"}
                                       for h in f.handles[:20]]
        res = {
            "ruleId": f.rule_id,
            "level": LEVELS[f.severity],
            "message": {"text": f"{f.message_zh} / {f.message_en}"},
            "locations": [loc],
            "properties": {"measured": f.measured, "required": f.required, "unit": f.unit,
                           "clause": f"{f.standard} {f.clause}", "mandatory": f.mandatory,
                           "evidence_wkt": f.evidence_wkt, "message_zh": f.message_zh, "message_en": f.message_en,
                           "sheet": f.sheet, "sources": f.sources},
        }
        if f.rule_id in index:
            res["ruleIndex"] = index[f.rule_id]
        results.append(res)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "drawreview", "informationUri": "https://example.invalid/drawreview",
                                "version": "0.1.0", "rules": [_rule_descriptor(r) for r in rules]}},
            "artifacts": [{"location": {"uri": artifact_uri}}],
            "results": results,
            "properties": {"unmapped_layers": result.unmapped_layers,
                           "unusable_layers": result.unusable_layers},
        }],
    }
