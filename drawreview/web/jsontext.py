"""Parsing JSON from the outside world: anything hostile is a 400 ``bad_json``, never a 500.

Refused: text that is not JSON, nesting deeper than ``MAX_DEPTH``, NUL characters and lone
surrogates in any string or key (PostgreSQL cannot store them), integers outside the signed
64-bit range and the non-standard ``NaN`` / ``Infinity`` constants.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import ValidationFailed

MAX_DEPTH = 32
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def bad_json(reason: str, **details) -> ValidationFailed:
    return ValidationFailed("请求内容不是有效的 JSON，或含有不允许的内容", "The body is not acceptable JSON",
                            code="bad_json", status=400, details={"reason": reason, **details})


def _constant(name: str):
    raise bad_json(f"{name} is not a JSON number")


def _check_text(value: str) -> None:
    if "\x00" in value:
        raise bad_json("NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise bad_json("lone surrogate characters are not allowed") from None


def check(data: Any) -> Any:
    """Walk a parsed document (iteratively: a deep one cannot exhaust the stack)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, bool) or value is None or isinstance(value, float):
            continue
        elif isinstance(value, int):
            if not INT_MIN <= value <= INT_MAX:
                raise bad_json("integer outside the 64-bit range")
        elif isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise bad_json(f"nested deeper than {MAX_DEPTH} levels")
            if isinstance(value, dict):
                for k, v in value.items():
                    _check_text(k)
                    stack.append((v, depth + 1))
            else:
                stack.extend((v, depth + 1) for v in value)
    return data


def loads(raw: str | bytes) -> Any:
    try:
        data = json.loads(raw, parse_constant=_constant)
    except ValidationFailed:
        raise
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise bad_json("not JSON", error=str(exc)[:200]) from None
    return check(data)
