"""Webhook signing, verification and retry schedule (pure; the outbox is built on top).

Signature header (Stripe-style, so receivers can reuse familiar code)::

    X-Drawreview-Signature: t=1711929600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd

``v1`` is the lowercase hex HMAC-SHA256, keyed with the endpoint's secret, of the bytes
``f"{t}."`` followed by the raw request body. A receiver recomputes it, compares in constant
time, and refuses timestamps more than ``tolerance`` seconds from its clock (replay guard).
During secret rotation the sender may put several ``v1=`` values in one header and the
receiver may try several secrets; one match is enough.

Retries: attempt 1 is the first delivery; after failed attempt k the next one waits
``min(cap, base * factor**(k-1))`` seconds, reduced by up to ``jitter`` of itself (random, so
receivers recovering from an outage are not hit in lockstep), never above ``cap``; after
``max_attempts`` the delivery is given up.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from drawreview.errors import DrawReviewError

SIGNATURE_HEADER = "X-Drawreview-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE = 300  # seconds


class WebhookSignatureInvalid(DrawReviewError):
    status = 401
    code = "webhook_signature_invalid"
    message_zh = "Webhook 签名无效"
    message_en = "The webhook signature is invalid"


def _key(secret: str | bytes) -> bytes:
    if not secret:
        raise ValueError("webhook secret must not be empty")
    return secret.encode() if isinstance(secret, str) else secret


def compute_signature(body: bytes, secret: str | bytes, timestamp: int) -> str:
    """Hex HMAC-SHA256 of ``b"{timestamp}." + body``."""
    payload = str(int(timestamp)).encode() + b"." + body
    return hmac.new(_key(secret), payload, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str | bytes | Iterable[str | bytes],
         timestamp: int | None = None) -> str:
    """The ``X-Drawreview-Signature`` value ``t=...,v1=...`` (one v1 per secret given)."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    secrets = [secret] if isinstance(secret, (str, bytes)) else list(secret)
    if not secrets:
        raise ValueError("at least one webhook secret is needed")
    return ",".join([f"t={t}"] + [f"{SCHEME}={compute_signature(body, s, t)}" for s in secrets])


def signed_headers(body: bytes, secret: str | bytes | Iterable[str | bytes],
                   timestamp: int | None = None) -> dict[str, str]:
    return {SIGNATURE_HEADER: sign(body, secret, timestamp),
            "Content-Type": "application/json; charset=utf-8"}


def parse_header(header: str) -> tuple[int, list[str]]:
    """``(timestamp, [v1 signatures])``; unknown schemes are ignored."""
    timestamp: int | None = None
    sigs: list[str] = []
    for part in (header or "").split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise _invalid("时间戳格式错误", "malformed timestamp", "malformed") from None
        elif key == SCHEME and value:
            sigs.append(value.strip().lower())
    if timestamp is None:
        raise _invalid("缺少时间戳 t=", "missing timestamp t=", "no_timestamp")
    if not sigs:
        raise _invalid("缺少 v1 签名", "missing v1 signature", "no_signature")
    return timestamp, sigs


def _invalid(zh: str, en: str, reason: str, **extra: object) -> WebhookSignatureInvalid:
    return WebhookSignatureInvalid(f"Webhook 签名无效：{zh}", f"Invalid webhook signature: {en}",
                                   details={"reason": reason, **extra})


def verify(body: bytes, header: str, secret: str | bytes | Iterable[str | bytes], *,
           tolerance: int = DEFAULT_TOLERANCE, now: float | None = None) -> int:
    """Check a received signature header; return its timestamp or raise
    :class:`WebhookSignatureInvalid` (reason in ``details``: no_timestamp, no_signature,
    malformed, too_old, too_new, mismatch). ``tolerance <= 0`` disables the age check."""
    timestamp, sigs = parse_header(header)
    current = time.time() if now is None else now
    if tolerance > 0:
        age = current - timestamp
        if age > tolerance:
            raise _invalid("时间戳过旧（可能是重放）", "timestamp too old (possible replay)",
                           "too_old", age=age, tolerance=tolerance)
        if age < -tolerance:
            raise _invalid("时间戳超前（时钟不同步）", "timestamp in the future (clock skew)",
                           "too_new", age=age, tolerance=tolerance)
    secrets = [secret] if isinstance(secret, (str, bytes)) else list(secret)
    for s in secrets:
        expected = compute_signature(body, s, timestamp)
        # check every candidate: constant time per comparison, no early exit on position
        if any(hmac.compare_digest(expected, sig) for sig in sigs):
            return timestamp
    raise _invalid("签名不匹配", "signature mismatch", "mismatch")


def is_valid(body: bytes, header: str, secret: str | bytes | Iterable[str | bytes], *,
             tolerance: int = DEFAULT_TOLERANCE, now: float | None = None) -> bool:
    try:
        verify(body, header, secret, tolerance=tolerance, now=now)
    except WebhookSignatureInvalid:
        return False
    return True


# --- retry schedule ----------------------------------------------------------------------------

def backoff_delay(attempt: int, *, base: float = 30.0, factor: float = 2.0, cap: float = 6 * 3600,
                  jitter: float = 0.2, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based) before the next one.

    ``min(cap, base * factor**(attempt-1))`` minus a random share of up to ``jitter`` of it;
    the result lies in ``[(1-jitter)*d, d]`` with ``d`` the capped delay.
    """
    if attempt < 1:
        raise ValueError(f"attempt is 1-based, got {attempt}")
    if not 0 <= jitter <= 1:
        raise ValueError(f"jitter must be within [0, 1], got {jitter}")
    try:
        d = min(cap, base * factor ** (attempt - 1))
    except OverflowError:
        d = cap
    r = (rng or random).random()
    return d * (1 - jitter * r)


def retry_schedule(max_attempts: int = 8, **kwargs: float | random.Random | None) -> list[float]:
    """The waits between ``max_attempts`` deliveries (``max_attempts - 1`` values)."""
    if max_attempts < 1:
        raise ValueError(f"max_attempts must be >= 1, got {max_attempts}")
    return [backoff_delay(k, **kwargs) for k in range(1, max_attempts)]  # type: ignore[arg-type]


def next_attempt_at(failed_attempt: int, failed_at: datetime, *, max_attempts: int = 8,
                    **kwargs: float | random.Random | None) -> datetime | None:
    """When to retry after ``failed_attempt`` failed at ``failed_at``; None = give up."""
    if failed_attempt >= max_attempts:
        return None
    return failed_at + timedelta(seconds=backoff_delay(failed_attempt, **kwargs))  # type: ignore[arg-type]
