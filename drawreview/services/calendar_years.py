"""The window enters a year's State Council holiday arrangement (节假日与调休) in the web UI.

The entered years are kept in ``<data dir>/calendar/entered.toml`` (the same format as the
authority's file, decision 021; a year there wins over the same year in that file), written
atomically under a file lock, checked as strictly as the file, and every save is an audit
entry (``calendar.set_year``, global chain). Every process reloads the file when it changes
(``workdays.use_calendar_files``). See docs/decisions/032.

Lines of the form: ``元旦 2031-01-01`` or ``春节 2031-01-22 ~ 2031-01-28`` (holidays), and
``春节调休 2031-01-19`` (adjusted working weekend days).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import tomllib
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from ..errors import DrawReviewError, ValidationFailed
from . import audit, workcalendar, workdays

MAX_SOURCE = 200  # where the arrangement was published (the State Council notice)
LINE = re.compile(r"^\s*(?P<name>.*?)\s*(?P<from>\d{4}-\d{2}-\d{2})(?:\s*(?:~|～|至|到|--?|—)\s*(?P<to>\d{4}-\d{2}-\d{2}))?\s*$")
WEEKENDS_ONLY_ZH = "按周末估算，节假日安排未录入"
WEEKENDS_ONLY_EN = "estimated by weekends: the holiday arrangement has not been entered"


def entered_path(settings) -> Path:
    return Path(settings.data_dir) / "calendar" / "entered.toml"


def _read(path: Path) -> dict:
    if not path.exists():
        return {"years": {}}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def parse_lines(text: str, field: str) -> list[dict]:
    """Lines → calendar entries; a line that is not ``name date`` or ``name date ~ date`` is named."""
    out = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        m = LINE.match(raw)
        if not m:
            raise ValidationFailed(f"第 {n} 行格式应为“名称 YYYY-MM-DD”或“名称 YYYY-MM-DD ~ YYYY-MM-DD”：{raw.strip()}",
                                   f"Line {n} should read 'name YYYY-MM-DD' or 'name YYYY-MM-DD ~ YYYY-MM-DD': {raw.strip()}",
                                   details={field: raw.strip(), "line": n})
        entry = {"name": m["name"].strip()}
        if m["to"]:
            entry.update({"from": m["from"], "to": m["to"]})
        else:
            entry["date"] = m["from"]
        out.append(entry)
    return out


def _toml(data: dict) -> str:
    """The entered years as TOML (dates as strings, names as basic strings)."""
    lines = ["# Years entered in the web UI (drawreview, /calendar). Same format as rulesets/calendar/holidays.toml.", ""]
    for year in sorted(data.get("years", {})):
        table = data["years"][year]
        lines.append(f"[years.{year}]")
        if table.get("source"):
            lines.append(f"source = {json.dumps(table['source'], ensure_ascii=False)}")
        for kind in ("holidays", "workdays"):
            items = ", ".join("{ " + ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in e.items()) + " }"
                              for e in table.get(kind, []))
            lines.append(f"{kind} = [{items}]")
        lines.append("")
    return "\n".join(lines)


def known_years(settings) -> dict:
    """What the clock knows: chinese_calendar's years, the file's, the UI-entered ones."""
    lo, hi = workcalendar.library_range()
    cal = workdays.active_calendar()
    entered = _read(entered_path(settings)).get("years", {})
    return {"library": [lo, hi], "known": cal.describe_years(), "span": list(cal.span()),
            "entered": {y: entered[y] for y in sorted(entered)}}


async def set_year(session: AsyncSession, actor, settings, year, source: str, holidays: str, workdays_text: str) -> dict:
    """Save one year's arrangement (replacing an earlier entry of that year); audited."""
    if not isinstance(year, int) and not (isinstance(year, str) and year.isdigit()):
        raise ValidationFailed("请填写年份", "Give the year", details={"year": "four digits"})
    year = int(year)
    if not 2000 <= year <= 2200:
        raise ValidationFailed("年份无效", "Invalid year", details={"year": year})
    not_text = {k: "text" for k, v in (("source", source), ("holidays", holidays), ("workdays", workdays_text))
                if v is not None and not isinstance(v, str)}
    if not_text:  # e.g. holidays sent as a JSON list of lines
        raise ValidationFailed("来源、节假日和调休应为文字（每行一项）", "source, holidays and workdays are text (one entry a line)",
                               details=not_text)
    if len(source or "") > MAX_SOURCE:  # refused, not cut short
        raise ValidationFailed(f"来源至多 {MAX_SOURCE} 字", f"The source is at most {MAX_SOURCE} characters",
                               details={"source": f"at most {MAX_SOURCE} characters"})
    table = {"source": (source or "").strip(), "holidays": parse_lines(holidays, "holidays"),
             "workdays": parse_lines(workdays_text, "workdays")}
    if not table["source"]:
        table.pop("source")
    path = entered_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / ".lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            data = _read(path)
            before = data.get("years", {}).get(str(year))
            data.setdefault("years", {})[str(year)] = table
            try:  # as strict as the authority's file; the message names the entry
                workcalendar.parse_calendar(tomllib.loads(_toml(data)))
            except DrawReviewError as exc:
                raise ValidationFailed(exc.message_zh.replace("节假日日历文件 <calendar>：", ""),
                                       exc.message_en.replace("Holiday calendar file <calendar>: ", ""),
                                       details=exc.details) from None
            tmp = path.with_suffix(".tmp")
            tmp.write_text(_toml(data), encoding="utf-8")
            os.replace(tmp, path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    workdays.reload_calendar()
    await audit.record(session, actor, "calendar.set_year", "calendar", year, None,
                       {"year": year, "replaced": before is not None, **table})
    return {"year": year, **table}
