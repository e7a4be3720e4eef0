"""The audit trail in words (merged into ``i18n.MESSAGES``): each action the services record
(``audit.act.<action>``) and each kind of object (``audit.obj.<type>``), so the window reads
“容缺受理 · 报审版本 1” instead of ``submission.accept_with_deficiencies submission 1``. An action
without a label is shown as its code (the page never hides an entry); the code stays the filter's
value, the CSV's column and the element's title."""

from __future__ import annotations

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
AUDIT_MESSAGES: dict[str, tuple[str, str]] = {
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
