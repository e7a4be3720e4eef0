"""Automated rule checks: rulesets (TOML data) → checks (shapely over DXF geometry) → findings.

Public API::

    run_checks(doc_or_path, params, disciplines=None, ruleset_dir=None, rules=None, *,
               bbox=None, audit=None) -> CheckResult
        doc_or_path: a path, a loaded ezdxf document, or a cad.dxf.Drawing; bbox: one frame
        of a split model space (drawing units), checked alone
    load_rules(ruleset_dir=None, params=None) -> list[Rule]
    to_sarif(result, rules, artifact_uri) -> dict
    check_main(argv) -> int          # the ``drawreview check`` command
"""

from .engine import CheckResult, read_drawing, run_checks
from .finding import Finding
from .loader import Rule, load_layer_map, load_rules

__all__ = ["CheckResult", "Finding", "Rule", "load_layer_map", "load_rules", "read_drawing", "run_checks"]
