"""Secrets never reach the logs: query values of credential-like parameters are replaced by
``***`` in uvicorn's records (the access log has the full path; websocket handshakes are
logged with theirs on ``uvicorn.error``)."""

from __future__ import annotations

import logging
import re

SECRET_PARAMS = ("token", "ticket", "code", "password", "secret", "key", "csrf_token", "access_token")
_PATTERN = re.compile(r"(?i)([?&](?:%s)=)[^&#\s]*" % "|".join(re.escape(p) for p in SECRET_PARAMS))


def redact(path: str) -> str:
    return _PATTERN.sub(r"\1***", path)


class RedactQuerySecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) and "=" in a else a for a in args)
        elif isinstance(record.msg, str) and "=" in record.msg and not args:
            record.msg = redact(record.msg)
        return True


def install() -> None:
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactQuerySecrets) for f in logger.filters):
            logger.addFilter(RedactQuerySecrets())
