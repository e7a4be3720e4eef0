"""``drawreview check PATH [--discipline D ...] [--ruleset DIR] [--params FILE] [--format text|json|sarif]``.

Exit codes: 0 no error-severity finding, 1 some, 2 unreadable input (drawing, params or ruleset).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import DrawReviewError
from .engine import merge_results
from .loader import RuleError, load_rules, read_data
from .sarif import artifact_uri, to_sarif
from .sheetcheck import check_file

DISCIPLINES = ("planning", "fire", "civil_defence", "lightning", "meteorology", "drawing")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="drawreview check", description="自动规则审查 / automated rule checks")
    p.add_argument("path", help="DXF（文本或二进制）或 DWG 图纸文件 / DXF (ASCII or binary) or DWG drawing")
    p.add_argument("--discipline", "-d", action="append", choices=DISCIPLINES, help="只检查这些专业 / only these")
    p.add_argument("--ruleset", type=Path, default=None, help="规则目录 / ruleset directory")
    p.add_argument("--params", type=Path, default=None, help="项目参数 TOML/JSON / project parameters")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    return p


def _fail(zh: str, en: str) -> int:
    print(f"错误：{zh}\nError: {en}", file=sys.stderr)
    return 2


def _text(result, path: str) -> str:
    lines = [f"{path}: {len(result.findings)} 项问题 / findings"]
    for f in result.findings:
        where = f" @ {','.join(f'{v:.0f}' for v in f.bbox)}" if f.bbox else ""
        mark = "★" if f.mandatory else " "
        sheet = f" [{f.sheet}]" if f.sheet else ""
        lines.append(f"{f.severity.upper():7} {mark}{f.rule_id:7} {f.standard} {f.clause}{sheet}{where}")
        lines.append(f"          {f.message_zh}")
        lines.append(f"          {f.message_en}")
        if f.sources:
            lines.append("          依据 / source: " + "; ".join(f"{k} ← {v}" for k, v in f.sources.items()))
    if result.unmapped_layers:
        lines.append("未识别图层 / unmapped layers: " + ", ".join(f"{k} ({v})" for k, v in result.unmapped_layers.items()))
    if result.unusable_layers:
        lines.append("无法使用的图元 / unusable features: "
                     + ", ".join(f"{k} ({v})" for k, v in result.unusable_layers.items()))
    for rid, err in result.stats.get("errors", {}).items():
        lines.append(f"检查出错 / check failed: {rid}: {err}")
    return "\n".join(lines)


def check_main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    path = Path(args.path)
    if not path.is_file():
        return _fail(f"找不到图纸文件：{path}", f"Drawing file not found: {path}")
    params: dict = {}
    if args.params:
        try:
            params = read_data(args.params)
        except (OSError, ValueError) as exc:
            return _fail(f"项目参数文件无法读取：{args.params}（{exc}）", f"Cannot read the parameters file {args.params} ({exc})")
    try:
        rules = load_rules(args.ruleset, params)
        # the upload pipeline's loader and sheet splitter: each frame of the model space is a sheet
        result = merge_results(check_file(path, params, disciplines=args.discipline, ruleset_dir=args.ruleset,
                                          rules=rules))
    except DrawReviewError as exc:
        return _fail(exc.message_zh, exc.message_en)
    except (RuleError, OSError, ValueError, KeyError) as exc:
        return _fail(f"规则文件无法读取：{exc}", f"Cannot load the ruleset: {exc}")
    if args.discipline:
        rules = [r for r in rules if r.discipline in args.discipline]
    if args.format == "json":
        print(json.dumps({"file": str(path), **result.to_dict()}, ensure_ascii=False, indent=1, default=str))
    elif args.format == "sarif":
        print(json.dumps(to_sarif(result, rules, artifact_uri(path)), ensure_ascii=False, indent=1, default=str))
    else:
        print(_text(result, str(path)))
    return 1 if result.has_errors else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(check_main(sys.argv[1:]))
