"""The review clock against the real chinese_calendar data (no hard-coded holiday guesses)."""

from __future__ import annotations

import warnings
from datetime import date, datetime, time, timedelta, timezone

import chinese_calendar
import pytest

from drawreview.errors import DrawReviewError
from drawreview.services.workdays import (
    BEIJING,
    CalendarOutOfRange,
    CalendarRangeWarning,
    add_workdays,
    calendar_covers,
    calendar_range,
    clock_stopped_at,
    is_overdue,
    is_workday,
    remaining_workdays,
    workdays_between,
)


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
