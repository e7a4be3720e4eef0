"""One error tree and one JSON error envelope.

Every error a user can see is a :class:`DrawReviewError` carrying an HTTP status, a stable
machine code, and a message in zh-CN and English. ``envelope()`` renders the one JSON shape
used by every API error::

    {"ok": false, "error": {"code": "...", "message": "...",
                            "messages": {"zh-CN": "...", "en": "..."}, "details": {...}}}
"""

from __future__ import annotations

import re
from typing import Any


class DrawReviewError(Exception):
    status: int = 400
    code: str = "bad_request"
    message_zh: str = "请求无效"
    message_en: str = "Bad request"

    def __init__(
        self,
        message_zh: str | None = None,
        message_en: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        details: Any = None,
    ) -> None:
        if message_zh is not None:
            self.message_zh = message_zh
        if message_en is not None:
            self.message_en = message_en
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.details = details
        super().__init__(f"{self.code}: {self.message_en}")

    def message(self, lang: str = "zh-CN") -> str:
        return self.message_en if lang.startswith("en") else self.message_zh

    def envelope(self, lang: str = "zh-CN") -> dict[str, Any]:
        return envelope(self.code, self.message_zh, self.message_en, self.details, lang)


_SERVER_PATH = re.compile(
    r"(?<![\w/:.])(?:/(?:tmp|var|home|root|usr|opt|srv|work|data|mnt|app|etc|proc|run|private)"
    r"|[A-Za-z]:\\)[^\s'\"，。（）()]*")


def scrub(value: Any) -> Any:
    """Server paths (a temp folder, the data directory ...) never reach a user: each is replaced
    by its last component. Applied to every error envelope (messages and details)."""
    if isinstance(value, str):
        return _SERVER_PATH.sub(lambda m: "…/" + re.split(r"[/\\]", m.group(0).rstrip("/\\"))[-1], value)
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    return value


def envelope(code: str, zh: str, en: str, details: Any = None, lang: str = "zh-CN") -> dict[str, Any]:
    zh, en = scrub(zh), scrub(en)
    return {
        "ok": False,
        "error": {
            "code": code,
            "message": en if lang.startswith("en") else zh,
            "messages": {"zh-CN": zh, "en": en},
            "details": scrub(details),
        },
    }


class BadRequest(DrawReviewError):
    pass


class ValidationFailed(DrawReviewError):
    status = 422
    code = "validation_failed"
    message_zh = "提交的数据不符合要求"
    message_en = "The submitted data is not valid"


class ValueOutOfRange(ValidationFailed):
    """A value the database cannot store: a number beyond its column's range, a text longer
    than its column, a character it refuses (NUL). The client's error, never a 500."""

    code = "value_out_of_range"
    message_zh = "提交的值超出允许范围（数字过大、文字过长或含有不允许的字符）"
    message_en = "A submitted value is out of range (a number too large, a text too long or a character not allowed)"


class NotAuthenticated(DrawReviewError):
    status = 401
    code = "not_authenticated"
    message_zh = "请先登录"
    message_en = "Please log in first"


class SessionEnded(NotAuthenticated):
    """The browser's cookie named a session that has expired or was ended (logout elsewhere, a
    password change, a deactivation): said so, not "please log in first" (decision 134)."""
    code = "session_ended"
    message_zh = "您的登录已过期或已结束，请重新登录"
    message_en = "Your sign-in has expired or was ended; please log in again"


class PermissionDenied(DrawReviewError):
    status = 403
    code = "permission_denied"
    message_zh = "您没有执行此操作的权限"
    message_en = "You do not have permission to do this"


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"
    message_zh = "表单已过期或来源不明，请刷新页面后重试"
    message_en = "The form has expired or came from elsewhere; reload the page and try again"


class NotFound(DrawReviewError):
    status = 404
    code = "not_found"
    message_zh = "找不到该对象"
    message_en = "Not found"


class Conflict(DrawReviewError):
    status = 409
    code = "conflict"
    message_zh = "数据已被他人修改，请刷新后重试"
    message_en = "The data was changed by someone else; reload and try again"


class InvalidTransition(Conflict):
    code = "invalid_transition"
    message_zh = "当前状态下不能执行此操作"
    message_en = "This action is not allowed in the current state"


class PayloadTooLarge(DrawReviewError):
    status = 413
    code = "payload_too_large"
    message_zh = "上传内容超过大小限制"
    message_en = "The upload exceeds the size limit"


class RateLimited(DrawReviewError):
    status = 429
    code = "rate_limited"
    message_zh = "尝试次数过多，请稍后再试"
    message_en = "Too many attempts; please try again later"


class UnsupportedFile(DrawReviewError):
    """A file that is not a drawing we accept (wrong type, DWG, encrypted PDF...)."""

    status = 415
    code = "unsupported_file"
    message_zh = "不支持的文件类型"
    message_en = "Unsupported file type"


class UnreadableDrawing(DrawReviewError):
    """A drawing file that claims to be DXF/PDF but cannot be read."""

    status = 422
    code = "unreadable_drawing"
    message_zh = "图纸文件无法读取"
    message_en = "The drawing file cannot be read"


class UnsafeArchive(DrawReviewError):
    """A zip that is a bomb, escapes its folder, or is otherwise unsafe to expand."""

    status = 422
    code = "unsafe_archive"
    message_zh = "压缩包不安全，已拒绝"
    message_en = "The archive is unsafe and was rejected"


class ServiceUnavailable(DrawReviewError):
    status = 503
    code = "service_unavailable"
    message_zh = "服务暂时不可用"
    message_en = "Service temporarily unavailable"
