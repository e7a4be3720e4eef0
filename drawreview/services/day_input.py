"""A day as people type it. The date fields are plain text inputs, not ``type=date``: Chromium
draws a date input in the browser's locale, so a Chinese page in an English browser asked for
mm/dd/yyyy. The page names the form (年-月-日 / YYYY-MM-DD) and the server reads what was typed:
2026-12-31, 2026/12/31, 2026.12.31 or 2026年12月31日, a month or day with one digit or two. Anything
else is refused with the same words in both languages, naming the field."""

from __future__ import annotations

import re
from datetime import date

from ..errors import ValidationFailed

_DAY = re.compile(r"^\s*(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})\s*日?\s*$")


class BadDate(ValidationFailed):  # code validation_failed, as before: clients keep their handling
    message_zh = "日期应写成 年-月-日，例如 2026-12-31"
    message_en = "Write the date as year-month-day, e.g. 2026-12-31"


def parse_day(raw: str, field: str) -> date:
    """The day *raw* names, or ``BadDate`` (details: the field and what was typed)."""
    m = _DAY.match(str(raw))
    try:
        if m is None:
            raise ValueError
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:  # no match, or no such day (2026-02-30)
        raise BadDate(details={field: "YYYY-MM-DD", "value": str(raw)[:40]}) from None
