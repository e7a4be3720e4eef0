"""The review clock against the real chinese_calendar data (no hard-coded holiday guesses)."""

from __future__ import annotations

import json
import warnings
from datetime import date, datetime, time, timedelta, timezone

import chinese_calendar
import pytest

from drawreview.errors import DrawReviewError
from drawreview.services.workcalendar import LIBRARY_ONLY, CalendarFileError, load_calendar
from drawreview.services.workdays import (
    BEIJING,
    active_calendar,
    CalendarOutOfRange,
    CalendarRangeWarning,
    add_workdays,
    calendar_covers,
    calendar_range,
    clock_stopped_at,
    is_overdue,
    is_workday,
    remaining_workdays,
    use_calendar,
    workdays_between,
)
from drawreview.settings import REPO_RULESETS, load_settings


def spring_festival_2026() -> list[date]:
    """The 2026 Spring Festival holiday days, as chinese_calendar publishes them."""
    days = [d for d, name in chinese_calendar.holidays.items()
            if d.year == 2026 and "Spring Festival" in str(name)]
    assert days, "chinese_calendar lacks 2026 Spring Festival data"
    return sorted(days)


def adjusted_working_weekends(year: int, near: list[date], within: int = 14) -> list[date]:
    lo, hi = near[0] - timedelta(days=within), near[-1] + timedelta(days=within)
    return sorted(d for d in chinese_calendar.workdays if d.year == year and lo <= d <= hi
                  and d.weekday() >= 5)


def naive_count(a: date, b: date) -> int:
    """Reference implementation: chinese_calendar.get_workdays over (a, b]."""
    return len(chinese_calendar.get_workdays(a + timedelta(days=1), b)) if b > a else 0


# --- calendar facts -------------------------------------------------------------------------

def test_known_2024_adjusted_sundays_were_working_days():
    assert date(2024, 2, 4).weekday() == 6 and date(2024, 2, 18).weekday() == 6
    assert is_workday(date(2024, 2, 4))
    assert is_workday(date(2024, 2, 18))
    assert not is_workday(date(2024, 2, 12))  # Spring Festival holiday Monday
    assert not is_workday(date(2024, 10, 1))  # National Day
    assert is_workday(datetime(2024, 2, 4, 9, 30))


def test_2026_spring_festival_from_the_library():
    holiday = spring_festival_2026()
    adjusted = adjusted_working_weekends(2026, holiday)
    assert adjusted, "expected adjusted working weekend days around the 2026 Spring Festival"
    for d in holiday:
        assert not is_workday(d)
    for d in adjusted:
        assert is_workday(d)
    # the holiday includes weekdays that are not worked
    assert any(d.weekday() < 5 for d in holiday)


def test_calendar_range_matches_library():
    first, last = calendar_range()
    assert first <= 2024 and last >= 2026
    assert calendar_covers(date(first, 1, 1), date(last, 12, 31))
    assert not calendar_covers(date(last + 1, 1, 1))
    assert not calendar_covers(date(2024, 1, 1), date(first - 1, 6, 1))


# --- add_workdays ---------------------------------------------------------------------------

def test_acceptance_day_does_not_count_and_due_is_end_of_day():
    # Monday 2024-03-04, an ordinary week: 7 working days -> Wednesday 2024-03-13
    due = add_workdays(datetime(2024, 3, 4, 10, 0), 7)
    assert due == datetime(2024, 3, 13, 23, 59, 59, 999999)
    assert due.time() == time.max
    assert add_workdays(datetime(2024, 3, 4, 23, 0), 1) == datetime.combine(date(2024, 3, 5), time.max)
    assert add_workdays(date(2024, 3, 4), 0).date() == date(2024, 3, 4)
    # accepted on a Saturday: the first counted day is Monday
    assert add_workdays(datetime(2024, 3, 9, 9), 1).date() == date(2024, 3, 11)


def test_add_workdays_across_2026_spring_festival():
    holiday = spring_festival_2026()
    start = datetime.combine(holiday[0] - timedelta(days=7), time(15, 30))
    for n in (1, 5, 7, 10, 20):
        due = add_workdays(start, n)
        assert is_workday(due.date())
        assert workdays_between(start, due) == n
        assert naive_count(start.date(), due.date()) == n
    due10 = add_workdays(start, 10)
    # 10 working days from a week before the holiday cannot fit before it ends
    assert due10.date() > holiday[-1]
    # holiday days never count
    assert workdays_between(holiday[0] - timedelta(days=1), holiday[-1]) == sum(
        1 for d in adjusted_working_weekends(2026, holiday) if holiday[0] <= d <= holiday[-1])


def test_adjusted_working_weekend_counts():
    holiday = spring_festival_2026()
    for sat_or_sun in adjusted_working_weekends(2026, holiday):
        before = sat_or_sun - timedelta(days=1)
        assert workdays_between(before, sat_or_sun) == 1
        if not is_workday(before):
            continue
        assert add_workdays(datetime.combine(before, time(9)), 1).date() == sat_or_sun


def test_aware_datetimes_use_beijing_days():
    # 2024-03-04 20:00 UTC is already Tuesday 04:00 in Beijing
    start = datetime(2024, 3, 4, 20, 0, tzinfo=timezone.utc)
    due = add_workdays(start, 1)
    assert due.tzinfo is not None and due.utcoffset() == timedelta(hours=8)
    assert due.astimezone(BEIJING).date() == date(2024, 3, 6)
    assert workdays_between(start, due) == 1


def test_negative_n_refused():
    with pytest.raises(ValueError):
        add_workdays(date(2024, 3, 4), -1)


# --- pauses ----------------------------------------------------------------------------------

def test_pause_for_revision_moves_due_date():
    accepted = datetime(2024, 3, 4, 10)  # Monday
    plain = add_workdays(accepted, 7)  # Wed 03-13
    # revision requested Wed 03-06 14:00, resubmitted Mon 03-11 09:00
    pause = (datetime(2024, 3, 6, 14), datetime(2024, 3, 11, 9))
    due = add_workdays(accepted, 7, [pause])
    # counted: Tue 5, Wed 6 (stop day counts), [Thu 7, Fri 8, Mon 11 paused], Tue 12 .. Mon 18
    assert due.date() == date(2024, 3, 18)
    assert due > plain
    assert workdays_between(accepted, due, [pause]) == 7
    assert workdays_between(accepted, datetime(2024, 3, 11, 17), [pause]) == 2


def test_same_day_pause_changes_nothing():
    accepted = datetime(2024, 3, 4, 10)
    pause = (datetime(2024, 3, 5, 9), datetime(2024, 3, 5, 16))
    assert add_workdays(accepted, 7, [pause]) == add_workdays(accepted, 7)


def test_pause_over_holiday_does_not_double_count():
    holiday = spring_festival_2026()
    accepted = datetime.combine(holiday[0] - timedelta(days=10), time(9))
    pause = (datetime.combine(holiday[0] - timedelta(days=2), time(9)),
             datetime.combine(holiday[-1] + timedelta(days=3), time(9)))
    due = add_workdays(accepted, 7, [pause])
    assert workdays_between(accepted, due, [pause]) == 7
    assert due.date() > pause[1].date()


def test_open_pause_freezes_the_clock():
    accepted = datetime(2024, 3, 4, 10)
    due = add_workdays(accepted, 7)  # Wed 03-13
    open_pause = (datetime(2024, 3, 7, 11), None)
    assert add_workdays(accepted, 7, [open_pause]) == due  # unknown yet: ignored
    frozen = remaining_workdays(due, datetime(2024, 3, 7, 12), [open_pause])
    # weeks later, still paused: not overdue, same remaining count
    later = datetime(2024, 4, 20, 12)
    assert remaining_workdays(due, later, [open_pause]) == frozen == 4
    assert not is_overdue(due, later, [open_pause])
    assert clock_stopped_at(later, [open_pause]) == datetime(2024, 3, 7, 11)
    # elapsed stops growing after the pause began
    assert workdays_between(accepted, later, [open_pause]) == 3
    # resumed: the new due date keeps the remaining count
    resumed = datetime(2024, 4, 22, 9)
    closed = [(open_pause[0], resumed)]
    new_due = add_workdays(accepted, 7, closed)
    assert remaining_workdays(new_due, resumed, closed) == frozen
    assert workdays_between(accepted, resumed, closed) + frozen == 7


def test_pause_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        add_workdays(date(2024, 3, 4), 3, [(datetime(2024, 3, 6), datetime(2024, 3, 5))])


# --- remaining / overdue --------------------------------------------------------------------

def test_remaining_counts_down_and_goes_negative():
    accepted = datetime(2024, 3, 4, 10)
    due = add_workdays(accepted, 7)  # Wed 03-13
    assert remaining_workdays(due, accepted) == 7
    assert remaining_workdays(due, datetime(2024, 3, 11, 9)) == 2
    assert remaining_workdays(due, datetime(2024, 3, 13, 8)) == 0
    assert not is_overdue(due, datetime(2024, 3, 13, 23, 59))
    assert is_overdue(due, datetime(2024, 3, 14, 0, 1))
    assert remaining_workdays(due, datetime(2024, 3, 14, 0, 1)) == -1
    assert remaining_workdays(due, datetime(2024, 3, 18, 9)) == -3  # Thu, Fri, Mon late
    # elapsed + remaining == n on any working day before the due date
    for d in range(5, 14):
        now = datetime(2024, 3, d, 12)
        if is_workday(now):
            assert workdays_between(accepted, now) + remaining_workdays(due, now) == 7


def test_overdue_over_a_weekend_is_still_negative():
    due = add_workdays(datetime(2024, 3, 7, 10), 1)  # Fri 03-08
    assert remaining_workdays(due, datetime(2024, 3, 9, 10)) == -1  # Saturday


def test_remaining_inside_closed_pause_equals_value_at_pause_start():
    accepted = datetime(2024, 3, 4, 10)
    pause = (datetime(2024, 3, 6, 14), datetime(2024, 3, 11, 9))
    due = add_workdays(accepted, 7, [pause])
    inside = remaining_workdays(due, datetime(2024, 3, 8, 10), [pause])
    assert inside == remaining_workdays(due, pause[0], [pause]) == 5
    assert remaining_workdays(due, pause[1], [pause]) == 5


# --- beyond the known years -----------------------------------------------------------------

def test_beyond_range_falls_back_to_weekends_with_warning():
    year = calendar_range()[1] + 2
    monday = date(year, 3, 1)
    monday += timedelta(days=(7 - monday.weekday()) % 7)
    with pytest.warns(CalendarRangeWarning) as record:
        assert is_workday(monday)
    message = str(record[0].message)
    assert "超出" in message and "outside" in message
    with pytest.warns(CalendarRangeWarning):
        assert not is_workday(monday + timedelta(days=5))  # Saturday
    with pytest.warns(CalendarRangeWarning):
        due = add_workdays(monday, 5)
    assert due.date() == monday + timedelta(days=7)  # next Monday, weekends only
    with pytest.warns(CalendarRangeWarning):
        assert workdays_between(monday, due) == 5
    assert not calendar_covers(monday, due)


def test_range_crossing_last_known_year_warns():
    last = calendar_range()[1]
    start = datetime(last, 12, 20, 10)
    with pytest.warns(CalendarRangeWarning):
        due = add_workdays(start, 15)
    assert due.year == last + 1


def test_inside_range_emits_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        add_workdays(datetime(2024, 3, 4), 10)
        workdays_between(date(2024, 1, 1), date(2024, 12, 31))
        is_workday(date(2026, 2, 17))


def test_strict_mode_raises_bilingual_error():
    year = calendar_range()[1] + 1
    with pytest.raises(CalendarOutOfRange) as exc:
        is_workday(date(year, 1, 5), strict=True)
    err = exc.value
    assert isinstance(err, DrawReviewError)
    assert err.code == "calendar_out_of_range"
    assert "超出" in err.message_zh and "outside" in err.message_en
    assert err.envelope()["error"]["details"]["date"] == f"{year}-01-05"
    with pytest.raises(CalendarOutOfRange):
        add_workdays(date(calendar_range()[1], 12, 28), 10, strict=True)
    with pytest.raises(CalendarOutOfRange):
        workdays_between(date(year, 1, 1), date(year, 2, 1), strict=True)


def test_whole_year_matches_reference():
    # cross-check the counter against chinese_calendar.get_workdays for 2024
    a = date(2023, 12, 31)
    for month in range(1, 13):
        b = date(2024, month, 28)
        assert workdays_between(a, b) == naive_count(a, b)


# --- the authority's calendar file (DRAWREVIEW_CALENDAR_FILE) -------------------------------
# 2031 is a made-up test year: these dates are test data, not a State Council arrangement.

TEST_CALENDAR_2031 = """
[years.2031]
source = "test data"
holidays = [
  { name = "元旦", date = 2031-01-01 },
  { name = "春节", from = "2031-03-03", to = 2031-03-05 },  # Mon-Wed
]
workdays = [
  { name = "春节调休", date = 2031-03-08 },  # Saturday
]
"""


def write_calendar(tmp_path, text: str = TEST_CALENDAR_2031):
    path = tmp_path / "holidays.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_calendar_file_moves_due_dates_across_holiday_and_adjusted_saturday(tmp_path):
    cal = load_calendar(write_calendar(tmp_path))
    accepted = datetime(2031, 2, 28, 16, 0)  # Friday
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a year in the file is known: no weekends-only warning
        # counted: Thu 3-06, Fri 3-07, Sat 3-08 (调休), Mon 3-10, Tue 3-11; Mon-Wed 3-03..05 are 春节
        assert add_workdays(accepted, 5, calendar=cal) == datetime(2031, 3, 11, 23, 59, 59, 999999)
        assert add_workdays(accepted, 3, calendar=cal).date() == date(2031, 3, 8)
        assert workdays_between(accepted, date(2031, 3, 11), calendar=cal) == 5
        assert not is_workday(date(2031, 1, 1), calendar=cal)
        assert not is_workday(date(2031, 3, 4), calendar=cal)
        assert is_workday(date(2031, 3, 8), calendar=cal)
        assert not is_workday(date(2031, 3, 9), calendar=cal)  # an ordinary Sunday stays a weekend
        assert is_workday(date(2031, 3, 6), calendar=cal)
        assert calendar_covers(accepted, date(2031, 12, 31), calendar=cal)
        assert remaining_workdays(add_workdays(accepted, 5, calendar=cal), datetime(2031, 3, 6, 9),
                                  calendar=cal) == 4  # after Thu 3-06: Fri, Sat (调休), Mon, Tue
    assert cal.name(date(2031, 3, 4)) == "春节" and cal.name(date(2031, 3, 8)) == "春节调休"
    # without the file, 2031 is unknown: weekends only, warned, and five days end on Fri 3-07
    with pytest.warns(CalendarRangeWarning):
        assert add_workdays(accepted, 5, calendar=LIBRARY_ONLY).date() == date(2031, 3, 7)
    assert not calendar_covers(accepted, calendar=LIBRARY_ONLY)


def test_installed_calendar_is_the_default_and_gaps_still_warn(tmp_path):
    cal = load_calendar(write_calendar(tmp_path))
    previous = use_calendar(cal)
    try:
        assert active_calendar() is cal
        assert add_workdays(date(2031, 2, 28), 5).date() == date(2031, 3, 11)
        assert calendar_covers(date(2031, 6, 1))
        last = calendar_range()[1]
        if last + 1 < 2030:  # the years between chinese_calendar's last and 2031 are still unknown
            assert not calendar_covers(date(last + 1, 6, 1))
        with pytest.warns(CalendarRangeWarning) as record:
            add_workdays(date(2030, 12, 27), 3)  # counts through 2030, not in the file
        assert "2031" in str(record[0].message)  # the message names the years that are known
    finally:
        use_calendar(previous)
    assert add_workdays(date(2026, 3, 2), 1) == add_workdays(date(2026, 3, 2), 1, calendar=LIBRARY_ONLY)


def test_file_year_next_to_the_library_extends_the_range_and_overrides_known_days(tmp_path):
    lo, hi = calendar_range(calendar=LIBRARY_ONLY)
    nxt = hi + 1
    cal = load_calendar(write_calendar(tmp_path, f"""
[years.{nxt}]
holidays = [{{ name = "测试假日", date = {nxt}-01-01 }}]
[years.2026]
holidays = [{{ name = "测试补休", date = 2026-03-09 }}]
"""))
    assert calendar_range(calendar=cal) == (lo, nxt)
    assert is_workday(date(2026, 3, 10), calendar=cal)  # other 2026 days: chinese_calendar's answer
    assert not is_workday(date(2026, 3, 9), calendar=cal)  # a Monday the file makes a holiday
    assert chinese_calendar.is_workday(date(2026, 3, 9))
    assert add_workdays(date(2026, 3, 6), 1, calendar=cal).date() == date(2026, 3, 10)
    with pytest.warns(CalendarRangeWarning):
        is_workday(date(nxt + 1, 1, 5), calendar=cal)


def test_shipped_calendar_file_loads_and_invents_no_year():
    settings = load_settings({"DRAWREVIEW_DATA_DIR": str(REPO_RULESETS.parent / "var")})
    assert settings.calendar_file == REPO_RULESETS / "calendar" / "holidays.toml"
    cal = load_calendar(settings.calendar_file)
    lo, hi = calendar_range(calendar=LIBRARY_ONLY)
    assert all(lo <= y <= hi for y in cal.file_years)  # no year beyond chinese_calendar without an official source


def test_calendar_file_setting(tmp_path):
    path = write_calendar(tmp_path)
    settings = load_settings({"DRAWREVIEW_DATA_DIR": str(tmp_path / "data"), "DRAWREVIEW_CALENDAR_FILE": str(path)})
    assert settings.calendar_file == path.resolve()
    assert load_calendar(settings.calendar_file).covers(2031)
    missing = load_settings({"DRAWREVIEW_DATA_DIR": str(tmp_path / "data"), "DRAWREVIEW_RULESET_DIR": str(tmp_path)})
    assert missing.calendar_file is None and load_calendar(None) is LIBRARY_ONLY


BAD_CALENDARS = {
    "both": ("""[years.2031]
holidays = [{ name = "春节", from = 2031-03-03, to = 2031-03-09 }]
workdays = [{ name = "春节调休", date = 2031-03-08 }]""",
             "years.2031.workdays[0] (春节调休)", "既是节假日又是调休上班日", "both a holiday and an adjusted working day"),
    "malformed": ("""[years.2031]
holidays = [{ name = "元旦", date = "2031-1-1" }]""", "years.2031.holidays[0] (元旦)", "日期格式错误", "malformed date"),
    "impossible": ("""[years.2031]
holidays = [{ name = "春节", from = "2031-02-28", to = "2031-02-30" }]""", "years.2031.holidays[0] (春节)",
                   "日期格式错误", "malformed date"),
    "year_mismatch": ("""[years.2031]
holidays = [{ name = "元旦", date = 2030-12-31 }]""", "years.2031.holidays[0] (元旦)", "不属于 2031 年", "not in year 2031"),
    "weekday_workday": ("""[years.2031]
holidays = [{ name = "元旦", date = 2031-01-01 }]
workdays = [{ name = "调休", date = 2031-03-06 }]""", "years.2031.workdays[0] (调休)", "不是周末", "not a Saturday or Sunday"),
    "twice": ("""[years.2031]
holidays = [{ name = "元旦", date = 2031-01-01 }, { name = "元旦", from = 2031-01-01, to = 2031-01-02 }]""",
              "years.2031.holidays[1] (元旦)", "重复列出", "listed twice"),
    "empty_year": ("[years.2031]\nsource = \"待公布\"", "years.2031", "没有列出任何节假日", "lists no holidays"),
    "bad_year": ("""[years.31]
holidays = [{ name = "元旦", date = 2031-01-01 }]""", "years.31", "四位数字", "four digits"),
    "unknown_key": ("""[years.2031]
holiday = [{ name = "元旦", date = 2031-01-01 }]""", "years.2031", "未知字段", "unknown keys"),
    "no_name": ("""[years.2031]
holidays = [{ date = 2031-01-01 }]""", "years.2031.holidays[0]", "缺少名称", "missing name"),
    "reversed": ("""[years.2031]
holidays = [{ name = "春节", from = 2031-03-05, to = 2031-03-03 }]""", "years.2031.holidays[0] (春节)",
                 "日期区间无效", "invalid date range"),
    "syntax": ("""[years.2031]
source = "test"
holidays = [{ name = "元旦", date = 2031-01-01 }}]
""", "TOML", "语法错误", "line 3"),
}


@pytest.mark.parametrize("case", sorted(BAD_CALENDARS))
def test_calendar_file_is_checked_strictly(tmp_path, case):
    text, entry, zh, en = BAD_CALENDARS[case]
    path = write_calendar(tmp_path, text)
    with pytest.raises(CalendarFileError) as exc:
        load_calendar(path)
    err = exc.value
    assert err.code == "calendar_file_invalid" and isinstance(err, DrawReviewError)
    assert entry in err.message_zh and zh in err.message_zh and str(path) in err.message_zh
    assert entry in err.message_en and en in err.message_en
    # the envelope names the file but never the server folder (decision 083)
    details_file = err.envelope()["error"]["details"]["file"]
    assert details_file.endswith(path.name) and str(path.parent) not in json.dumps(err.envelope(), ensure_ascii=False)


def test_missing_calendar_file_is_an_error(tmp_path):
    with pytest.raises(CalendarFileError) as exc:
        load_calendar(tmp_path / "nope.toml")
    assert "文件不存在" in exc.value.message_zh and "file not found" in exc.value.message_en


def test_a_year_entered_by_another_process_is_picked_up(tmp_path, monkeypatch):
    """The UI-entered years live in a file every process watches: a year saved elsewhere (here:
    written to the file directly) is in this process's clock within the reload interval."""
    import os
    import time

    from drawreview.services import workdays

    entered = tmp_path / "entered.toml"
    previous = workdays.use_calendar_files(None, entered)
    monkeypatch.setattr(workdays, "RELOAD_CHECK_S", 0.0)
    try:
        assert not workdays.calendar_covers(date(2188, 5, 4))
        entered.write_text('[years.2188]\nholidays = [{ name = "劳动节", from = "2188-05-01", to = "2188-05-05" }]\n',
                           encoding="utf-8")
        os.utime(entered, ns=(time.time_ns(), time.time_ns() + 1_000_000))
        assert workdays.calendar_covers(date(2188, 5, 4))
        assert not workdays.is_workday(date(2188, 5, 4), strict=True)
        entered.write_text("not toml [", encoding="utf-8")  # a broken hand edit: the clock keeps what it had
        os.utime(entered, ns=(time.time_ns(), time.time_ns() + 2_000_000))
        assert workdays.calendar_covers(date(2188, 5, 4))
    finally:
        workdays._files = None
        workdays.use_calendar(previous)
