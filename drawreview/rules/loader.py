"""Load rulesets (TOML data, no code) and merge city overrides and project parameters.

Directory layout (``rulesets/``): ``layers.toml`` (layer map), ``superseded.toml``
(GB 50016 → GB 55037-2022 clause map), one ``<discipline>.toml`` per discipline with
``[[rule]]`` entries, and ``cities/<city>.toml`` whose ``[rules."<ID>"]`` tables merge into
the rules by id. Project parameters (``--params``) may carry their own ``[rules."<ID>"]``
overrides, merged last. Rule parameters written ``"$name"`` take the project parameter
``name``; a rule whose reference cannot be resolved is skipped and reported.
"""

from __future__ import annotations

import copy
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..settings import ruleset_dir
from .finding import SEVERITIES
from .layers import LayerMap

DEFAULT_DIR = ruleset_dir()  # DRAWREVIEW_RULESET_DIR, else the checkout's rulesets/
SPECIAL_FILES = {"layers.toml", "superseded.toml"}
REQUIRED = ("id", "discipline", "title", "standard", "clause", "severity", "message", "check")


@dataclass
class Rule:
    id: str
    discipline: str
    title_zh: str
    title_en: str
    standard: str
    clause: str
    mandatory: bool
    severity: str
    verified: bool
    kind: str
    message_zh: str
    message_en: str
    applies: dict = field(default_factory=dict)
    select: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)
    superseded_by: dict | None = None
    enabled: bool = True
    note: str = ""
    source: str = ""
    missing: list[str] = field(default_factory=list)  # unresolved "$param" references

    def p(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    def sel(self, role: str, default: str | None = None) -> str:
        return self.select.get(role, default or role)


class RuleError(ValueError):
    pass


def read_data(path: Path) -> dict:
    """A TOML or JSON file as a dict."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def deep_merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def raw_rules(ruleset_dir: Path) -> dict[str, dict]:
    """Rule id → raw dict, from every discipline file in the directory."""
    out: dict[str, dict] = {}
    for path in sorted(Path(ruleset_dir).glob("*.toml")):
        if path.name in SPECIAL_FILES:
            continue
        for entry in read_data(path).get("rule", []):
            rid = entry.get("id")
            if not rid:
                raise RuleError(f"{path.name}: a rule without id")
            if rid in out:
                raise RuleError(f"{path.name}: duplicate rule id {rid}")
            entry["_source"] = path.name
            out[rid] = entry
    return out


def split_params(data: dict) -> tuple[dict, dict]:
    """Project parameters → (project values, per-rule overrides)."""
    data = dict(data or {})
    overrides = data.pop("rules", {}) or {}
    project = dict(data.pop("project", {}) or {})
    project.update(data)  # flat keys are project values too
    return project, overrides


def superseded(ruleset_dir: Path) -> dict:
    path = Path(ruleset_dir) / "superseded.toml"
    if not path.exists():
        path = DEFAULT_DIR / "superseded.toml"
    return read_data(path).get("superseded_by", {}) if path.exists() else {}


def _resolve(value: Any, project: dict, missing: list[str]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        key = value[1:]
        if key in project:
            return project[key]
        missing.append(key)
        return None
    if isinstance(value, dict):
        return {k: _resolve(v, project, missing) for k, v in value.items()}
    return value


def build_rule(raw: dict, project: dict, supmap: dict) -> Rule:
    for key in REQUIRED:
        if key not in raw:
            raise RuleError(f"rule {raw.get('id')}: missing {key}")
    if raw["severity"] not in SEVERITIES:
        raise RuleError(f"rule {raw['id']}: bad severity {raw['severity']!r}")
    missing: list[str] = []
    params = _resolve(raw.get("params", {}), project, missing)
    std = raw["standard"]
    sup = None
    for std_prefix, clauses in supmap.items():
        if std.startswith(std_prefix) and raw["clause"] in clauses:
            sup = clauses[raw["clause"]]
    return Rule(
        id=raw["id"], discipline=raw["discipline"], title_zh=raw["title"]["zh"], title_en=raw["title"]["en"],
        standard=std, clause=str(raw["clause"]), mandatory=bool(raw.get("mandatory", False)),
        severity=raw["severity"], verified=bool(raw.get("verified", True)), kind=raw["check"]["kind"],
        message_zh=raw["message"]["zh"], message_en=raw["message"]["en"], applies=raw.get("applies", {}),
        select=raw.get("select", {}), params=params, superseded_by=raw.get("superseded_by", sup),
        enabled=bool(raw.get("enabled", True)), note=raw.get("note", ""), source=raw.get("_source", ""),
        missing=missing,
    )


def load_rules(ruleset_dir: Path | None = None, params: dict | None = None) -> list[Rule]:
    """Rules with the city file (``params["city"]``) and project overrides merged by id."""
    ruleset_dir = Path(ruleset_dir or DEFAULT_DIR)
    project, overrides = split_params(params or {})
    raws = raw_rules(ruleset_dir)
    city = project.get("city")
    if city:
        city_path = ruleset_dir / "cities" / f"{city}.toml"
        if not city_path.exists():
            raise RuleError(f"no city overrides for {city!r} in {ruleset_dir / 'cities'}")
        city_data = read_data(city_path)
        project = {**city_data.get("project", {}), **project}
        for rid, over in city_data.get("rules", {}).items():
            if rid in raws:
                raws[rid] = deep_merge(raws[rid], over)
    for rid, over in overrides.items():
        if rid in raws:
            raws[rid] = deep_merge(raws[rid], over)
    supmap = superseded(ruleset_dir)
    return [build_rule(raw, project, supmap) for raw in raws.values()]


def load_layer_map(ruleset_dir: Path | None = None) -> LayerMap:
    path = Path(ruleset_dir or DEFAULT_DIR) / "layers.toml"
    if not path.exists():
        path = DEFAULT_DIR / "layers.toml"
    return LayerMap.from_file(path)
