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
from drawreview.web.i18n_audit import audit_label

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
