"""Webhook signatures and retry backoff."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import datetime, timedelta

import pytest

from drawreview.errors import DrawReviewError
from drawreview.services.webhooks import (
    SIGNATURE_HEADER,
    WebhookSignatureInvalid,
    backoff_delay,
    compute_signature,
    is_valid,
    next_attempt_at,
    parse_header,
    retry_schedule,
    sign,
    signed_headers,
    verify,
)

SECRET = "whsec_测试-secret"
BODY = json.dumps({"type": "submission.accepted", "case": "SCT-2024-0001", "项目": "一号楼"},
                  ensure_ascii=False).encode()
T = 1_711_929_600


def reference_hmac_sha256(key: bytes, msg: bytes) -> str:
    """RFC 2104 HMAC built by hand from hashlib, independent of the hmac module."""
    block = 64
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(k ^ 0x36 for k in key) + msg).digest()
    return hashlib.sha256(bytes(k ^ 0x5C for k in key) + inner).hexdigest()


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = reference_hmac_sha256(SECRET.encode(), f"{T}.".encode() + BODY)
    assert compute_signature(BODY, SECRET, T) == expected
    assert sign(BODY, SECRET, T) == f"t={T},v1={expected}"
    # RFC 4231 test case 2 through our function's core (key "Jefe")
    assert reference_hmac_sha256(b"Jefe", b"what do ya want for nothing?") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")


def test_signed_headers():
    headers = signed_headers(BODY, SECRET, T)
    assert SIGNATURE_HEADER == "X-Drawreview-Signature"
    assert headers[SIGNATURE_HEADER].startswith(f"t={T},v1=")
    assert "json" in headers["Content-Type"]


def test_verify_round_trip_within_tolerance():
    header = sign(BODY, SECRET, T)
    assert verify(BODY, header, SECRET, now=T) == T
    assert verify(BODY, header, SECRET, now=T + 299) == T
    assert verify(BODY, header, SECRET.encode(), now=T - 299) == T
    assert is_valid(BODY, header, SECRET, now=T + 10)


def test_default_timestamp_is_now():
    header = sign(BODY, SECRET)
    assert verify(BODY, header, SECRET) > T


@pytest.mark.parametrize("now,reason", [(T + 301, "too_old"), (T - 301, "too_new")])
def test_timestamp_outside_tolerance_refused(now, reason):
    header = sign(BODY, SECRET, T)
    with pytest.raises(WebhookSignatureInvalid) as exc:
        verify(BODY, header, SECRET, now=now)
    assert exc.value.details["reason"] == reason
    assert verify(BODY, header, SECRET, now=now, tolerance=0) == T  # check disabled
    assert verify(BODY, header, SECRET, now=now, tolerance=600) == T


def test_tampering_refused():
    header = sign(BODY, SECRET, T)
    for body, hdr, secret in [
        (BODY + b" ", header, SECRET),                       # body changed
        (BODY, header, "other-secret"),                      # wrong secret
        (BODY, header.replace(f"t={T}", f"t={T + 1}"), SECRET),  # timestamp changed
    ]:
        with pytest.raises(WebhookSignatureInvalid) as exc:
            verify(body, hdr, secret, now=T)
        assert exc.value.details["reason"] == "mismatch"
        assert not is_valid(body, hdr, secret, now=T)


@pytest.mark.parametrize("header,reason", [
    ("", "no_timestamp"),
    ("v1=abc", "no_timestamp"),
    (f"t={T}", "no_signature"),
    (f"t={T},v0=abc", "no_signature"),
    ("t=yesterday,v1=abc", "malformed"),
])
def test_malformed_headers(header, reason):
    with pytest.raises(WebhookSignatureInvalid) as exc:
        verify(BODY, header, SECRET, now=T)
    err = exc.value
    assert isinstance(err, DrawReviewError) and err.status == 401
    assert err.details["reason"] == reason
    assert "签名无效" in err.message_zh and "Invalid webhook signature" in err.message_en


def test_secret_rotation_both_directions():
    # the sender signs with old and new secrets; receivers with either accept
    header = sign(BODY, ["old-secret", "new-secret"], T)
    assert header.count("v1=") == 2
    assert verify(BODY, header, "old-secret", now=T) == T
    assert verify(BODY, header, "new-secret", now=T) == T
    # a receiver that knows both secrets accepts a header signed with either
    assert verify(BODY, sign(BODY, "old-secret", T), ["new-secret", "old-secret"], now=T) == T
    # unknown schemes and whitespace are tolerated; uppercase hex too
    sig = compute_signature(BODY, SECRET, T)
    assert parse_header(f" t={T} , v0=zzz , v1={sig.upper()} ") == (T, [sig])
    assert verify(BODY, f"t={T}, v1={sig.upper()}", SECRET, now=T) == T


def test_empty_secret_refused():
    with pytest.raises(ValueError):
        sign(BODY, "", T)
    with pytest.raises(ValueError):
        sign(BODY, [], T)


# --- retry schedule ----------------------------------------------------------------------------

def test_backoff_without_jitter_is_exponential_and_capped():
    delays = [backoff_delay(k, base=10, factor=2, cap=300, jitter=0) for k in range(1, 9)]
    assert delays == [10, 20, 40, 80, 160, 300, 300, 300]
    assert backoff_delay(10_000, base=10, cap=300, jitter=0) == 300  # no overflow


def test_backoff_jitter_bounds_and_determinism():
    rng = random.Random(42)
    for k in range(1, 30):
        d = min(3600, 30 * 2 ** (k - 1))
        got = backoff_delay(k, base=30, cap=3600, jitter=0.5, rng=rng)
        assert 0.5 * d <= got <= d <= 3600
    a = retry_schedule(6, rng=random.Random(7))
    b = retry_schedule(6, rng=random.Random(7))
    assert a == b and len(a) == 5
    assert len(set(retry_schedule(6, rng=random.Random(8)))) == 5
    full = [backoff_delay(3, base=10, jitter=1.0, rng=random.Random(s)) for s in range(50)]
    assert all(0 <= x <= 40 for x in full) and min(full) < 20


def test_retry_schedule_and_max_attempts():
    assert retry_schedule(1) == []
    assert retry_schedule(4, base=1, factor=3, cap=100, jitter=0) == [1, 3, 9]
    failed_at = datetime(2024, 3, 4, 10)
    nxt = next_attempt_at(1, failed_at, max_attempts=3, base=60, jitter=0)
    assert nxt == failed_at + timedelta(seconds=60)
    second = next_attempt_at(2, failed_at, max_attempts=3, base=60, jitter=0)
    assert second == failed_at + timedelta(seconds=120)
    assert next_attempt_at(3, failed_at, max_attempts=3) is None


@pytest.mark.parametrize("kwargs", [{"attempt": 0}, {"attempt": 1, "jitter": 1.5},
                                    {"attempt": 1, "jitter": -0.1}])
def test_backoff_argument_checks(kwargs):
    with pytest.raises(ValueError):
        backoff_delay(**kwargs)
    with pytest.raises(ValueError):
        retry_schedule(0)
