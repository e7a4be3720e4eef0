"""Secrets never reach the access log: query values of credential-like parameters are
replaced by ``***`` in uvicorn's access-log records (the server logs the full path)."""

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
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = args[:2] + (redact(args[2]),) + args[3:]
        return True


def install() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactQuerySecrets) for f in logger.filters):
        logger.addFilter(RedactQuerySecrets())
