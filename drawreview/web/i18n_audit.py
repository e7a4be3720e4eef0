"""The audit trail in words (merged into ``i18n.MESSAGES``): each action the services record
(``audit.act.<action>``) and each kind of object (``audit.obj.<type>``), so the window reads
“容缺受理 · 报审版本 1” instead of ``submission.accept_with_deficiencies submission 1``. An action
without a label is shown as its code (the page never hides an entry); the code stays the filter's
value, the CSV's column and the element's title. The detail, stored as JSON, reads as words too
(``audit_detail``: 缺少的材料：人防施工图；补齐期限：2099-01-31 23:59); the JSON stays in the cell's title
and the CSV."""

from __future__ import annotations

import re

_ACTIONS = {
    "project.create": ("新建项目", "Project created"),
    "project.review_period": ("调整审查时限", "Review period changed"),
    "org.create": ("登记单位", "Organisation registered"),
    "submission.create": ("新建报审版本", "Submission created"),
    "submission.submit": ("提交报审", "Submitted"),
    "submission.accept": ("受理", "Accepted"),
    "submission.accept_with_deficiencies": ("容缺受理", "Accepted with missing items"),
    "submission.return": ("退回", "Returned"),
    "submission.return_overdue": ("容缺逾期退回", "Returned: missing items overdue"),
    "submission.complete_deficiencies": ("补齐容缺材料", "Missing items complete"),
    "submission.supply_deficiencies": ("登记补交容缺材料", "Missing items supplied"),
    "submission.extend_deficiencies": ("延长容缺补交期限", "Missing-items deadline extended"),
    "submission.start_review": ("开始审查", "Review started"),
    "submission.conclude": ("汇总审查结论", "Review concluded"),
    "submission.require_revision": ("要求补正", "Revision required"),
    "submission.resubmit": ("重新提交", "Resubmitted"),
    "submission.approve": ("审查通过", "Approved"),
    "submission.reject": ("审查不予通过", "Rejected"),
    "submission.precheck": ("提交前自检", "Pre-check run"),
    "submission.receipt_redrawn": ("重新出具受理回执", "Acceptance receipt drawn again"),
    "deficiency.overdue": ("容缺材料逾期", "Missing items overdue"),
    "file.upload": ("上传文件", "File uploaded"),
    "file.extract": ("解压文件", "File extracted from an archive"),
    "file.processing": ("开始处理文件", "File processing"),
    "file.ready": ("文件处理完成", "File processed"),
    "file.failed": ("文件无法读取", "File could not be read"),
    "file.delete": ("删除文件", "File removed"),
    "sheet.ready": ("图纸生成", "Sheet ready"),
    "sheet.update": ("更正图纸目录", "Sheet list corrected"),
    "findings.store": ("保存自动检查结果", "Rule-check results stored"),
    "finding.confirm": ("确认检查结果为审查意见", "Finding confirmed as a comment"),
    "finding.dismiss": ("驳回检查结果", "Finding dismissed"),
    "task.start": ("开始专业审查", "Discipline review started"),
    "task.restart": ("重新开始专业审查", "Discipline review restarted"),
    "task.reassign": ("改派审查人员", "Reviewer reassigned"),
    "task.pause": ("要求补正（暂停计时）", "Corrections asked (clock stopped)"),
    "task.resume": ("补正材料已交（恢复计时）", "Corrections supplied (clock restarted)"),
    "task.conclude": ("专业审查结论", "Discipline concluded"),
    "task.yellow": ("审查临期预警", "Review deadline near"),
    "task.red": ("审查超期督办", "Review overdue"),
    "annotation.create": ("新建审查意见", "Comment created"),
    "annotation.update": ("修改审查意见", "Comment edited"),
    "annotation.delete": ("删除审查意见", "Comment deleted"),
    "annotation.status": ("更改意见状态", "Comment status changed"),
    "annotation.set_status": ("更改意见状态", "Comment status changed"),
    "annotation.carry_forward": ("意见带入新版本", "Comment carried to the new revision"),
    "comment.create": ("回复意见", "Reply"),
    "report.issue": ("出具审查意见书", "Report issued"),
    "report.download": ("下载审查意见书", "Report downloaded"),
    "receipt.download": ("下载受理回执", "Receipt downloaded"),
    "drawing.download": ("下载图纸", "Drawing downloaded"),
    "rating.set": ("服务评价", "Service rated"),
    "calendar.set_year": ("录入节假日安排", "Holiday year entered"),
    "user.create": ("新建账号", "Account opened"),
    "user.login": ("登录", "Logged in"),
    "user.login_failed": ("登录失败", "Login failed"),
    "user.logout": ("退出登录", "Logged out"),
    "user.password_change": ("修改密码", "Password changed"),
    "user.deactivate": ("停用账号", "Account deactivated"),
    "user.reactivate": ("恢复账号", "Account reactivated"),
    "token.create": ("新建 API 令牌", "API token created"),
    "token.revoke": ("撤销 API 令牌", "API token revoked"),
    "webhook.create": ("新建 Webhook", "Webhook added"),
    "webhook.delete": ("删除 Webhook", "Webhook removed"),
}
_OBJECTS = {
    "project": ("项目", "Project"), "submission": ("报审版本", "Submission"), "drawing_file": ("文件", "File"),
    "sheet": ("图纸", "Sheet"), "review_task": ("审查任务", "Review task"), "annotation": ("审查意见", "Comment"),
    "comment": ("回复", "Reply"), "user": ("账号", "Account"), "organisation": ("单位", "Organisation"),
    "api_token": ("API 令牌", "API token"), "report": ("审查意见书", "Report"), "rating": ("评价", "Rating"),
    "rule_finding": ("检查结果", "Finding"), "webhook": ("Webhook", "Webhook"), "calendar": ("节假日日历", "Holiday calendar"),
}
_ACTORS = {"system": ("系统", "System"), "anonymous": ("匿名访问", "Anonymous"), "cli": ("服务器命令行", "Server command line")}
# the detail's keys (every key the source writes: tests/web/test_audit_words.py), and those of the
# completeness check, the moved tasks, the file's format and the findings' counts written inside it
_KEYS = {
    "accepted_at": ("受理时间", "Accepted at"), "added": ("新增", "Added"), "address": ("地址", "Address"),
    "after": ("更正后", "After"), "format": ("格式", "Format"), "removed": ("删除", "Removed"),
    "annotation": ("审查意见", "Comment"), "annotation_id": ("意见编号", "Comment id"), "annotations": ("审查意见", "Comments"),
    "archive_id": ("压缩包编号", "Archive id"), "before": ("更正前", "Before"), "busy": ("处理中", "Being processed"),
    "case_number": ("受理编号", "Case number"), "client_id": ("客户端编号", "Client id"), "clock": ("计时", "Clock"),
    "code": ("代码", "Code"), "comment": ("回复", "Reply"), "complete": ("齐全", "Complete"),
    "completeness": ("完整性检查", "Completeness check"), "conclusion": ("结论", "Conclusion"),
    "count": ("数量", "Count"), "deadline": ("补齐期限", "Deadline"), "discipline": ("专业", "Discipline"),
    "disciplines": ("参审专业", "Disciplines"), "due_at": ("审查期限", "Due"), "events": ("事件", "Events"),
    "fields": ("修改的内容", "Fields changed"), "file_id": ("文件编号", "File id"), "files": ("文件", "Files"),
    "from": ("原为", "From"), "items": ("材料", "Items"), "key": ("图纸位置", "Place in the drawing"),
    "kind": ("类型", "Kind"), "known_device": ("常用设备", "Known device"), "members": ("压缩包内文件", "Files in the archive"),
    "message": ("说明", "Message"), "missing": ("缺少的图纸类别", "Sheet categories missing"), "missing_items": ("缺少的材料", "Missing items"),
    "name": ("名称", "Name"), "notes": ("说明", "Notes"), "number": ("图号", "Sheet number"), "path": ("路径", "Path"),
    "present": ("已有图纸类别", "Sheet categories present"), "previous": ("原状态", "Previous"), "previous_due_at": ("原审查期限", "Previous due date"),
    "previous_id": ("上一版本编号", "Previous submission id"), "reason": ("原因", "Reason"), "reasons": ("退回原因", "Reasons"),
    "rejected": ("未接收", "Rejected"), "replaced": ("替换", "Replaced"),
    "review_days": ("审查时限（工作日）", "Review period (working days)"), "required": ("应有图纸类别", "Sheet categories required"),
    "reviewer_id": ("审查人员编号", "Reviewer id"), "revision": ("版本", "Revision"), "role": ("角色", "Role"),
    "round": ("轮次", "Round"), "rule_id": ("规则编号", "Rule id"), "score": ("评分", "Score"),
    "sessions_ended": ("结束的会话", "Sessions ended"), "sha256": ("SHA-256 值", "SHA-256"), "sheet_count": ("图纸张数", "Sheets"),
    "sheet_id": ("图纸编号", "Sheet id"), "sheets": ("图纸", "Sheets"), "size": ("大小（字节）", "Size (bytes)"),
    "state": ("状态", "State"), "status": ("状态", "Status"), "submit_blockers": ("不能提交的原因", "Why it cannot be submitted"),
    "task_id": ("任务编号", "Task id"), "tasks": ("审查任务", "Review tasks"), "to": ("改为", "To"),
    "tokens_revoked": ("撤销的令牌", "Tokens revoked"), "total": ("共计", "Total"), "unreadable": ("无法读取", "Unreadable"),
    "url": ("地址", "URL"), "user_id": ("用户编号", "User id"), "username": ("用户名", "Username"), "verdict": ("结论", "Verdict"),
    "version": ("版本号", "Version"), "via": ("方式", "Via"), "year": ("年份", "Year"),
}
# a value that is a code reads as the word the pages use for it
_CODES = {"discipline": ("discipline.",), "disciplines": ("discipline.",), "verdict": ("verdict.",), "conclusion": ("verdict.",), "role": ("role.",),
          "state": ("submission.state.", "task.state."), "status": ("comments.status.",),
          "previous": ("comments.status.",), "from": ("complexity.", "comments.status.", "submission.state.", "task.state."),
          "to": ("complexity.", "comments.status.", "submission.state.", "task.state.")}
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
AUDIT_MESSAGES: dict[str, tuple[str, str]] = {
    **{f"audit.key.{k}": v for k, v in _KEYS.items()},
    **{f"audit.act.{k}": v for k, v in _ACTIONS.items()},
    **{f"audit.actor.{k}": v for k, v in _ACTORS.items()},
    **{f"audit.obj.{k}": v for k, v in _OBJECTS.items()},
}


def audit_label(kind: str, code: str | None, lang: str) -> str:
    """An action (``kind="act"``), an object type (``"obj"``) or the system's own actors (``"actor"``:
    system, anonymous, cli) in words; anything else as it is (a username stays a username)."""
    pair = AUDIT_MESSAGES.get(f"audit.{kind}.{code}")
    if pair is None:
        return code or ""
    return pair[1] if lang.startswith("en") else pair[0]


def audit_detail(detail, lang: str) -> str:
    """An entry's detail as words in *lang*: each key named, codes as the pages name them, moments
    as Beijing time, lists and nested values in line; a key without words is shown as written."""
    from ..services.workdays import to_local
    from .i18n import MESSAGES

    en = lang.startswith("en")
    colon, semi, sep = (": ", "; ", ", ") if en else ("：", "；", "、")

    def word(key: str) -> str:
        pair = _KEYS.get(key)
        return (pair[1] if en else pair[0]) if pair else key

    def value(v, key: str | None) -> str:
        if v is None or v == [] or v == {}:
            return "—"
        if isinstance(v, bool):
            return ("yes" if v else "no") if en else ("是" if v else "否")
        if isinstance(v, dict):
            inner = semi.join(f"{word(k)}{colon}{value(x, k)}" for k, x in v.items())
            return f"({inner})" if en else f"（{inner}）"
        if isinstance(v, list):
            return sep.join(value(x, key) for x in v)
        if isinstance(v, str):
            for prefix in _CODES.get(key or "", ()):
                pair = MESSAGES.get(prefix + v)
                if pair:
                    return pair[1] if en else pair[0]
            if _MOMENT.match(v):
                from datetime import datetime, timezone

                try:
                    at = datetime.fromisoformat(v)
                except ValueError:
                    return v
                return f"{to_local(at if at.tzinfo else at.replace(tzinfo=timezone.utc)):%Y-%m-%d %H:%M}"
            if key == "sha256" and len(v) == 64:
                return v[:16] + "…"
            if key in ("missing", "required", "present") and en:  # sheet categories: 人防 (civil air defence)
                from ..services.workflow import category_en

                return category_en(v)
        return str(v)

    if not isinstance(detail, dict):
        return value(detail, None)
    return semi.join(f"{word(k)}{colon}{value(v, k)}" for k, v in detail.items()) or "—"
