"""Run rulesets over a drawing: load → extract geometry → applicable rules → findings."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import ezdxf
from ezdxf import recover

from ..errors import UnreadableDrawing
from ..gcpause import gc_paused
from .checks import KINDS
from .finding import Finding
from .geometry import Geometry, extract
from .loader import Rule, load_layer_map, load_rules, split_params

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

@dataclass
class CheckResult:
    findings: list[Finding]
    unmapped_layers: dict[str, int]  # layer → number of entities that map to no class
    stats: dict[str, Any] = field(default_factory=dict)
    unusable_layers: dict[str, int] = field(default_factory=dict)  # layer → entities of a class no check can use

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def to_dict(self) -> dict:
        return {"findings": [f.to_dict() for f in self.findings], "unmapped_layers": self.unmapped_layers,
                "unusable_layers": self.unusable_layers, "stats": self.stats}


def read_drawing(path: str | Path):
    """(doc, audit summary) via ezdxf's recover reader; UnreadableDrawing when it fails."""
    path = Path(path)
    try:
        doc, auditor = recover.readfile(str(path))
    except (OSError, ezdxf.DXFStructureError, ezdxf.DXFError, UnicodeDecodeError, ValueError) as exc:
        raise UnreadableDrawing(
            f"图纸文件无法读取：{path.name}（{type(exc).__name__}: {exc}）",
            f"The drawing file cannot be read: {path.name} ({type(exc).__name__}: {exc})",
            details={"file": str(path)},
        ) from exc
    audit = {"errors": len(auditor.errors), "fixes": len(auditor.fixes),
             "messages": [str(e.message) for e in (auditor.errors + auditor.fixes)[:20]]}
    return doc, audit


def context(geo: Geometry, project: dict) -> dict:
    """Values the ``applies`` facets are matched against."""
    return {
        "project_type": project.get("project_type", "building"),
        "project_category": project.get("project_category"),
        "use": project.get("use"),
        "sprinklers": bool(project.get("sprinklers", False)),
        "lightning_class": project.get("lightning_class"),
        "meteorology_scope": bool(project.get("meteorology_scope", False)),
        "sheet_type": geo.sheet_types(),
    }


def applies(rule: Rule, ctx: dict, geo: Geometry | None = None) -> tuple[bool, str]:
    for key, want in rule.applies.items():
        have = ctx.get(key)
        if key == "sheet_type":
            # a title says what the sheet is; what it holds says so too (a roof plan numbered
            # 建施 still carries its air-termination mesh): a rule whose classes are all drawn applies
            if have and not (set(want) & have) and not (geo is not None and _holds(geo, rule)):
                return False, f"sheet_type {sorted(have)}"
            continue
        if isinstance(want, list):
            if have not in want:
                return False, f"{key}={have!r}"
        elif have != want:
            return False, f"{key}={have!r}"
    return True, ""


def _holds(geo: Geometry, rule: Rule) -> bool:
    classes = [c for c in rule.select.values() if isinstance(c, str)]
    return bool(classes) and all(geo.of(c) for c in classes)


def run_checks(doc_or_path: Any, params: dict | None = None, disciplines: Iterable[str] | None = None,
               ruleset_dir: str | Path | None = None, rules: list[Rule] | None = None, *,
               bbox: tuple[float, float, float, float] | None = None, audit: dict | None = None) -> CheckResult:
    """Check one DXF drawing against the rulesets.

    ``doc_or_path``: a path (read with ezdxf's recover reader, whose audit feeds DR-03B), an
    already loaded ezdxf document (load once, then render and check), or an object holding
    one as ``.doc`` (``cad.dxf.Drawing``: its ``.repairs`` become the audit summary).
    ``bbox``: a frame of a split model space, ``(x0, y0, x1, y1)`` in drawing units: only what
    lies in it is checked, so each sheet of a multi-sheet model space gets its own findings.
    ``audit``: ``{"errors", "fixes", "messages"}`` for a document loaded by the caller.
    """
    t0, c0 = time.perf_counter(), time.process_time()
    if isinstance(doc_or_path, (str, Path)):
        doc, audit = read_drawing(doc_or_path)
    elif hasattr(doc_or_path, "doc") and not hasattr(doc_or_path, "modelspace"):
        doc = doc_or_path.doc
        if audit is None and getattr(doc_or_path, "repairs", None) is not None:
            repairs = [str(m) for m in doc_or_path.repairs]
            audit = {"errors": 0, "fixes": len(repairs), "messages": repairs[:20]}
    else:
        doc = doc_or_path
    project, _ = split_params(params or {})
    rules = rules if rules is not None else load_rules(ruleset_dir, params)
    city_defaults = _city_defaults(ruleset_dir, project)
    with gc_paused():  # see gc_paused: the collector's full passes grew faster than the drawing
        t1, c1 = time.perf_counter(), time.process_time()
        geo = extract(doc, load_layer_map(ruleset_dir), project, bbox=bbox, defaults=city_defaults)
        geo.audit = audit
        t2, c2 = time.perf_counter(), time.process_time()
        wanted = set(disciplines) if disciplines else None
        ctx = context(geo, geo.params)
        findings: list[Finding] = []
        skipped: dict[str, str] = {}
        errors: dict[str, str] = {}
        timings: dict[str, float] = {}
        for rule in rules:
            if wanted is not None and rule.discipline not in wanted:
                continue
            if not rule.enabled:
                skipped[rule.id] = "disabled"
                continue
            ok, why = applies(rule, ctx, geo)
            if not ok:
                skipped[rule.id] = f"not applicable: {why}"
                continue
            if rule.missing:
                skipped[rule.id] = "missing project parameter(s): " + ", ".join(rule.missing)
                continue
            fn = KINDS.get(rule.kind)
            if fn is None:
                errors[rule.id] = f"unknown check kind {rule.kind!r}"
                continue
            ts = time.perf_counter()
            try:
                found = list(fn(geo, rule))
                for f in found:
                    f.sources = {**fact_sources(geo, rule), **f.sources}
                findings.extend(found)
            except Exception as exc:  # one broken check must not hide the others' findings
                errors[rule.id] = f"{type(exc).__name__}: {exc}"
            timings[rule.id] = round(time.perf_counter() - ts, 4)
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.rule_id, f.bbox or ()))
    stats = {
        "entities": geo.entity_count, "units": geo.insunits, "unit_m": geo.unit_m,
        "features": {k: len(v) for k, v in sorted(geo.features.items())},
        "frames": len(geo.frames), "sheet_types": sorted(geo.sheet_types()),
        "rules_run": len(timings), "skipped": skipped, "errors": errors, "timings": timings,
        "seconds": {"load": round(t1 - t0, 4), "extract": round(t2 - t1, 4),
                    "checks": round(time.perf_counter() - t2, 4)},
        "cpu_seconds": {"load": round(c1 - c0, 4), "extract": round(c2 - c1, 4),
                        "checks": round(time.process_time() - c2, 4)},
        "bbox": list(geo.clip) if geo.clip else None,
        "audit": audit,
    }
    stats["facts"] = dict(geo.sources)
    return CheckResult(findings, dict(sorted(geo.unmapped.items())), stats, dict(sorted(geo.unusable.items())))


def merge_results(per_sheet: list[tuple[Any, CheckResult]]) -> CheckResult:
    """One result for a file checked sheet by sheet: findings name their sheet (图号, else the
    split's key); layer counts add up; ``stats["sheets"]`` lists each sheet's own stats."""
    if len(per_sheet) == 1 and per_sheet[0][0] is None:
        return per_sheet[0][1]
    findings: list[Finding] = []
    unmapped: dict[str, int] = {}
    unusable: dict[str, int] = {}
    sheets = []
    for spec, res in per_sheet:
        name = (spec.number or spec.key) if spec is not None else None
        for f in res.findings:
            f.sheet = name
        findings.extend(res.findings)
        for src, dst in ((res.unmapped_layers, unmapped), (res.unusable_layers, unusable)):
            for k, v in src.items():
                dst[k] = dst.get(k, 0) + v
        sheets.append({"sheet": name, "key": spec.key if spec else None, "title": spec.title if spec else None,
                       "bbox": list(spec.bbox) if spec is not None and spec.bbox else None,
                       "findings": len(res.findings), "facts": res.stats.get("facts", {})})
    stats = {**per_sheet[0][1].stats, "sheets": sheets}
    return CheckResult(findings, dict(sorted(unmapped.items())), stats, dict(sorted(unusable.items())))


def _city_defaults(ruleset_dir, project: dict) -> dict:
    """The city file's ``[project]`` defaults (under the sheet's facts and the project's values)."""
    city = project.get("city")
    if not city:
        return {}
    from .loader import DEFAULT_DIR, read_data

    path = Path(ruleset_dir or DEFAULT_DIR) / "cities" / f"{city}.toml"
    return dict(read_data(path).get("project", {})) if path.exists() else {}


# project facts each kind of check reads (besides the facts of the features it names)
KIND_FACTS = {
    "compartment_area": ("sprinklers", "high_rise", "building_height_m", "use", "underground"),
    "evacuation_distance": ("sprinklers", "high_rise", "building_height_m", "use"),
    "hall_distance": ("sprinklers", "default_fire_rating"),
    "single_door_room": ("use",),
    "fire_separation": ("default_fire_rating", "storey_height_m"),
    "mesh_size": ("lightning_class",), "down_conductor_spacing": ("lightning_class",),
    "outer_edge_conductor": ("lightning_class", "building_height_m"), "strike_frequency": ("lightning_class",),
    "collapse_zone": ("building_height_m", "structure"), "observation_field": ("storey_height_m",),
}


def fact_sources(geo, rule: Rule) -> dict:
    """``{fact: source}`` of the project facts the rule's check reads: a project parameter, a text
    on the sheet (quoted), or the default."""
    out = {}
    for key in KIND_FACTS.get(rule.kind, ()):
        if key in geo.sources:
            out[key] = geo.sources[key]
        elif key in geo.params:
            out[key] = "默认值 default"
    return out
