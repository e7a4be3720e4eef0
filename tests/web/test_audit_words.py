"""Every action the services write to the audit log, and every kind of object, has a label in
zh-CN and English (web/i18n_audit.py): the trail page showed the codes (submission.accept_with_deficiencies,
drawing_file 3) to the window. The actions are read from the source, independently of the table:
the literal actions passed to ``audit.record`` / ``step`` / ``perform`` / ``Change``, the workflow's
submission actions, the traffic lights and the downloads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from drawreview.services import workflow
from drawreview.web.i18n import MESSAGES
from drawreview.web.i18n_audit import audit_detail, audit_label

SOURCE = Path(__file__).resolve().parents[2] / "drawreview"
WRITERS = {"record", "step", "perform", "Change"}
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _written_actions() -> set[str]:
    found: set[str] = set()
    downloads: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            args = node.args[4:5] if name == "Change" else node.args  # Change(data, project, event, payload, action, ...)
            literals = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name in WRITERS:
                found |= {v for v in literals if CODE.match(v)}
            elif name == "record_download" and literals:
                downloads.add(literals[0])
    found |= {f"submission.{a}" for a in workflow.SUBMISSION.actions}
    found |= {"task.yellow", "task.red"}  # f"task.{light}"
    found |= {f"{what}.download" for what in downloads}
    return found


def test_every_written_action_has_words_in_both_languages():
    actions = _written_actions()
    assert {"submission.accept_with_deficiencies", "task.start", "findings.store", "report.download"} <= actions
    missing = sorted(a for a in actions if f"audit.act.{a}" not in MESSAGES)
    assert not missing, missing
    for a in actions:
        zh, en = MESSAGES[f"audit.act.{a}"]
        assert re.search(r"[\u4e00-\u9fff]", zh) and re.search(r"[A-Za-z]", en) and not re.search(r"[a-z]_[a-z]", en), a


def test_objects_and_unknown_codes():
    assert audit_label("obj", "drawing_file", "zh-CN") == "文件" and audit_label("obj", "review_task", "en") == "Review task"
    assert audit_label("actor", "system", "zh-CN") == "系统" and audit_label("actor", "designer", "en") == "designer"
    assert audit_label("act", "some.new_action", "zh-CN") == "some.new_action"  # never hidden


def _written_detail_keys() -> set[str]:
    """The keys of the dicts written as an entry's detail: literal dicts among a writer's arguments."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(getattr(node, "func", None), "attr", None) or getattr(getattr(node, "func", None), "id", None)
            if not isinstance(node, ast.Call) or name not in WRITERS:
                continue
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                for d in ast.walk(arg):
                    if isinstance(d, ast.Dict):
                        found |= {k.value for k in d.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    return found


def test_every_written_detail_key_has_words_in_both_languages():
    keys = _written_detail_keys()
    assert {"missing_items", "case_number", "sessions_ended", "reason"} <= keys
    missing = sorted(k for k in keys if f"audit.key.{k}" not in MESSAGES)
    assert not missing, missing
    for k in keys:
        zh, en = MESSAGES[f"audit.key.{k}"]
        assert re.search(r"[\u4e00-\u9fff]", zh) and re.search(r"[A-Za-z]", en) and not re.search(r"[a-z]_[a-z]", en), k


def test_a_detail_reads_as_words():
    detail = {"case_number": "JS-2026-000007", "missing_items": ["人防施工图"], "deadline": "2099-01-31T15:59:59+00:00",
              "completeness": {"disciplines": ["planning", "fire"], "missing": ["人防"], "complete": False},
              "from": "normal", "to": "complex", "sha256": "ab" * 32, "new_key": None}
    assert audit_detail(detail, "zh-CN") == (
        "受理编号：JS-2026-000007；缺少的材料：人防施工图；补齐期限：2099-01-31 23:59；"
        "完整性检查：（参审专业：规划、消防；缺少的图纸类别：人防；齐全：否）；原为：一般项目（7 个工作日）；"
        "改为：技术复杂项目（10 个工作日）；SHA-256 值：abababababababab…；new_key：—")
    assert audit_detail(detail, "en") == (
        "Case number: JS-2026-000007; Missing items: 人防施工图; Deadline: 2099-01-31 23:59; "
        "Completeness check: (Disciplines: Planning, Fire protection; Sheet categories missing: 人防 (civil air defence); Complete: no); "
        "From: Normal (7 working days); To: Technically complex (10 working days); SHA-256: abababababababab…; new_key: —")
    assert audit_detail({}, "en") == "—" and audit_detail(None, "zh-CN") == "—"
