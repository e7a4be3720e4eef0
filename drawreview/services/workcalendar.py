"""The working-day calendar (节假日与调休日历): chinese_calendar plus the authority's own file.

``chinese_calendar`` ships the State Council's holiday arrangements only up to the year its
release knows. Each November the State Council publishes the next year's arrangement (节假日
安排通知) before the package is updated, so the review authority can enter it in a TOML file
(``DRAWREVIEW_CALENDAR_FILE``, default ``rulesets/calendar/holidays.toml``)::

    [years.2031]
    source = "国务院办公厅关于2031年部分节假日安排的通知"
    holidays = [
      { name = "元旦", date = 2031-01-01 },
      { name = "春节", from = 2031-01-22, to = 2031-01-28 },
    ]
    workdays = [                       # adjusted working days (调休上班日): weekend days only
      { name = "春节调休", date = 2031-01-19 },
    ]

Dates are TOML dates or ``"YYYY-MM-DD"`` strings. Per day, the file wins over
chinese_calendar; a year present in the file counts as known (no weekends-only fallback).
The file is checked strictly when it is loaded: :class:`CalendarFileError` names the entry.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import chinese_calendar

from drawreview.errors import DrawReviewError

YEAR_KEYS = {"source", "holidays", "workdays"}
ENTRY_KEYS = {"name", "date", "from", "to"}
MAX_RANGE_DAYS = 31  # no State Council holiday is longer; a longer range is a typo


class CalendarFileError(DrawReviewError):
    status = 500
    code = "calendar_file_invalid"
    message_zh = "节假日日历文件无效"
    message_en = "The holiday calendar file is invalid"


@lru_cache(maxsize=1)
def library_range() -> tuple[int, int]:
    """(first_year, last_year) that chinese_calendar knows, e.g. (2004, 2026)."""
    known = list(chinese_calendar.holidays) + list(chinese_calendar.workdays)
    return min(known).year, max(known).year


@dataclass(frozen=True, eq=False)
class WorkCalendar:
    """chinese_calendar with per-day overrides for the years listed in the authority's file.

    ``overrides`` maps a day to ``(is_workday, name)``; ``file_years`` are the years the file
    lists (known even where chinese_calendar has no data).
    """

    overrides: dict[date, tuple[bool, str]] = field(default_factory=dict)
    file_years: frozenset[int] = frozenset()
    source: Path | None = None

    def lookup(self, d: date) -> bool | None:
        """Is ``d`` a working day; None when neither the file nor chinese_calendar knows its year."""
        return self._lookup(d)

    @cached_property
    def _lookup(self):
        @lru_cache(maxsize=4096)
        def lookup(d: date) -> bool | None:
            if d in self.overrides:
                return self.overrides[d][0]
            if d.year in self.file_years:
                lo, hi = library_range()
                if not lo <= d.year <= hi:
                    return d.weekday() < 5  # the file lists every holiday and adjusted day of its years
            try:
                return chinese_calendar.is_workday(d)
            except NotImplementedError:
                return None
        return lookup

    def covers(self, year: int) -> bool:
        lo, hi = library_range()
        return lo <= year <= hi or year in self.file_years

    def span(self) -> tuple[int, int]:
        """The contiguous known years: chinese_calendar's range, extended by adjacent file years."""
        lo, hi = library_range()
        while hi + 1 in self.file_years:
            hi += 1
        while lo - 1 in self.file_years:
            lo -= 1
        return lo, hi

    def describe_years(self) -> str:
        """e.g. ``2004–2027`` or ``2004–2026, 2031`` for messages."""
        lo, hi = self.span()
        extra = sorted(y for y in self.file_years if not lo <= y <= hi)
        return ", ".join([f"{lo}–{hi}", *map(str, extra)])

    def name(self, d: date) -> str | None:
        """The holiday or adjusted-day name the file gives ``d``, if any."""
        entry = self.overrides.get(d)
        return entry[1] if entry else None


LIBRARY_ONLY = WorkCalendar()


def _fail(where: str, zh: str, en: str, path: Path | None, **details: Any) -> CalendarFileError:
    file = str(path) if path else "<calendar>"
    return CalendarFileError(f"节假日日历文件 {file}：{where}：{zh}", f"Holiday calendar file {file}: {where}: {en}",
                             details={"file": file, "entry": where, **details})


def _date(value: Any, where: str, path: Path | None) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail(where, f"日期格式错误（{value!r}），应为 YYYY-MM-DD",
                f"malformed date {value!r}, expected YYYY-MM-DD", path, value=str(value))


def _entry_days(entry: Any, where: str, year: int, path: Path | None, *, need_name: bool) -> tuple[list[date], str, str]:
    if not isinstance(entry, dict):
        raise _fail(where, "条目应为表，如 { name = \"春节\", from = …, to = … }",
                    "an entry must be a table like { name = \"Spring Festival\", from = …, to = … }", path)
    unknown = set(entry) - ENTRY_KEYS
    if unknown:
        raise _fail(where, f"未知字段 {sorted(unknown)}", f"unknown keys {sorted(unknown)}", path)
    name = entry.get("name", "")
    if not isinstance(name, str) or (need_name and not name.strip()):
        raise _fail(where, "缺少名称（如 元旦、春节）", "missing name (e.g. 元旦, 春节)", path)
    where = f"{where} ({name})" if name else where
    if "date" in entry and ("from" in entry or "to" in entry):
        raise _fail(where, "date 与 from/to 只能二选一", "give either date or from/to, not both", path)
    if "date" in entry:
        days = [_date(entry["date"], where, path)]
    elif "from" in entry and "to" in entry:
        lo, hi = _date(entry["from"], where, path), _date(entry["to"], where, path)
        if hi < lo or (hi - lo).days >= MAX_RANGE_DAYS:
            raise _fail(where, f"日期区间无效：{lo} 至 {hi}", f"invalid date range {lo} to {hi}", path)
        days = [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]
    else:
        raise _fail(where, "缺少 date，或 from 与 to", "missing date, or from and to", path)
    for d in days:
        if d.year != year:
            raise _fail(where, f"日期 {d} 不属于 {year} 年", f"date {d} is not in year {year}", path, date=d.isoformat())
    return days, name.strip(), where


def parse_calendar(data: dict, path: Path | None = None) -> WorkCalendar:
    """Check the file's tables strictly and build the calendar (see the module docs)."""
    unknown = set(data) - {"years"}
    if unknown:
        raise _fail("top level", f"未知表 {sorted(unknown)}，年份应写在 [years.YYYY] 下",
                    f"unknown tables {sorted(unknown)}; years go under [years.YYYY]", path)
    years = data.get("years", {})
    if not isinstance(years, dict):
        raise _fail("years", "应为表 [years.YYYY]", "must be tables [years.YYYY]", path)
    overrides: dict[date, tuple[bool, str]] = {}
    seen: dict[date, str] = {}
    for key, table in years.items():
        where_year = f"years.{key}"
        if not (key.isdigit() and len(key) == 4 and 1900 <= int(key) <= 2200):
            raise _fail(where_year, "年份应为四位数字，如 [years.2027]", "the year must be four digits, e.g. [years.2027]", path)
        year = int(key)
        if not isinstance(table, dict):
            raise _fail(where_year, "应为表", "must be a table", path)
        bad = set(table) - YEAR_KEYS
        if bad:
            raise _fail(where_year, f"未知字段 {sorted(bad)}（可用：holidays、workdays、source）",
                        f"unknown keys {sorted(bad)} (allowed: holidays, workdays, source)", path)
        if not table.get("holidays"):
            raise _fail(where_year, "没有列出任何节假日；尚未公布的年份请不要写入文件",
                        "lists no holidays; leave a year out until its arrangement is published", path)
        for kind, working in (("holidays", False), ("workdays", True)):
            entries = table.get(kind, [])
            if not isinstance(entries, list):
                raise _fail(f"{where_year}.{kind}", "应为数组 [ … ]", "must be an array [ … ]", path)
            for i, entry in enumerate(entries):
                where = f"{where_year}.{kind}[{i}]"
                days, name, where = _entry_days(entry, where, year, path, need_name=not working)
                for d in days:
                    if working and d.weekday() < 5:
                        raise _fail(where, f"调休上班日 {d} 不是周末（周一至周五本来就是工作日）",
                                    f"adjusted working day {d} is not a Saturday or Sunday (weekdays already are working days)",
                                    path, date=d.isoformat())
                    if d in seen:
                        both = overrides[d][0] != working
                        zh = "既是节假日又是调休上班日" if both else "重复列出"
                        en = "is both a holiday and an adjusted working day" if both else "is listed twice"
                        raise _fail(where, f"日期 {d} {zh}（另见 {seen[d]}）", f"date {d} {en} (see also {seen[d]})",
                                    path, date=d.isoformat())
                    seen[d] = where
                    overrides[d] = (working, name or ("调休上班" if working else ""))
    return WorkCalendar(overrides=overrides, file_years=frozenset(int(k) for k in years), source=path)


def load_calendar(path: Path | str | None) -> WorkCalendar:
    """The calendar from ``path`` (None: chinese_calendar alone). Raises :class:`CalendarFileError`."""
    if path is None:
        return LIBRARY_ONLY
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise _fail("file", "文件不存在", "file not found", path) from None
    except tomllib.TOMLDecodeError as exc:  # its message names the line and column
        raise _fail("TOML", f"语法错误：{exc}", f"syntax error: {exc}", path) from None
    return parse_calendar(data, path)


def load_calendars(base: Path | str | None, entered: Path | str | None) -> WorkCalendar:
    """The authority's file (``base``) with the years entered in the web UI (``entered``, see
    ``services/calendar_years.py``) laid over it: a year in both is taken from ``entered``."""
    entered = Path(entered) if entered else None
    if entered is None or not entered.exists():
        return load_calendar(base)
    merged: dict = {"years": {}}
    for path in (base, entered):
        if path is None:
            continue
        path = Path(path)
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError:
            raise _fail("file", "文件不存在", "file not found", path) from None
        except tomllib.TOMLDecodeError as exc:
            raise _fail("TOML", f"语法错误：{exc}", f"syntax error: {exc}", path) from None
        if set(data) - {"years"} or not isinstance(data.get("years", {}), dict):
            parse_calendar(data, path)  # raises, naming the file
        merged["years"].update(data.get("years", {}))
    return parse_calendar(merged, entered)
