"""China's working-day calendar and the review clock (工作日与审查时限).

Pure functions, no database. The calendar comes from ``chinese_calendar``: weekends, public
holidays and the adjusted working Saturdays/Sundays (调休上班日) that the State Council
publishes each year.

The review clock, in whole working days (one convention everywhere):

* **The day the clock starts does not count.** Acceptance (受理) on day A: the first counted
  day is the first working day after A ("次日起算").
* **Due at the end of the n-th counted working day**: ``add_workdays(accepted_at, n)`` returns
  that day at 23:59:59.999999 (``time.max``); the case is overdue when ``now > due``.
* **Pauses (补正/修改期间)**: a pause ``(from, to)`` stops the clock. The day it stops still
  counts (the reviewer used it); the day it restarts does not (like acceptance, counting
  resumes the next day). So the working days in ``(from.date(), to.date()]`` are not counted.
  A pause opened and closed on the same day changes nothing.
* **Open pauses** ``(from, None)`` (still revising): ``add_workdays`` cannot know the new due
  date yet and ignores them (recompute when the pause closes); ``workdays_between`` stops
  counting after ``from``; ``remaining_workdays`` freezes the clock at ``from``.
* ``workdays_between(a, b)`` counts the days in ``(a.date(), b.date()]`` (today counts once it
  has begun), so ``workdays_between(accepted_at, add_workdays(accepted_at, n)) == n`` and
  elapsed + remaining == n.

Times: naive datetimes are Beijing local time; aware ones are converted to UTC+8 (China has
no daylight saving time) and due dates come back aware in UTC+8.

Calendar range: ``chinese_calendar`` only knows the years it ships (it raises
``NotImplementedError`` outside them; see :func:`calendar_range`). The authority's calendar
file (``DRAWREVIEW_CALENDAR_FILE``, see :mod:`drawreview.services.workcalendar`) adds the years
the State Council has published since; the app and the worker install it once at startup with
:func:`use_calendar`, and every function here also takes ``calendar=`` explicitly. Outside the
known years these functions fall back to **weekends only** (holidays and adjusted working days
unknown) and emit a :class:`CalendarRangeWarning`; call :func:`calendar_covers` to flag an
approximate result, or pass ``strict=True`` to get :class:`CalendarOutOfRange` instead.
"""

from __future__ import annotations

import os
import time as _clock
import warnings
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, timezone

from drawreview.errors import DrawReviewError

from .workcalendar import LIBRARY_ONLY, WorkCalendar

BEIJING = timezone(timedelta(hours=8), "UTC+08:00")
# the days a date from outside may name (a deadline, a statistics range): far beyond any review,
# and datetime arithmetic (time zones, working days added) stays inside datetime's years 1..9999
DAY_RANGE = (date(1970, 1, 1), date(2199, 12, 31))

Moment = date | datetime
Pause = tuple[Moment, Moment | None]


class CalendarRangeWarning(UserWarning):
    """A date lies outside the years chinese_calendar knows: weekends-only approximation."""


class CalendarOutOfRange(DrawReviewError):
    status = 422
    code = "calendar_out_of_range"
    message_zh = "日期超出节假日日历的已知年份范围"
    message_en = "The date lies outside the years the holiday calendar knows"


_active: WorkCalendar = LIBRARY_ONLY


def use_calendar(calendar: WorkCalendar) -> WorkCalendar:
    """Install the calendar the functions here use by default; returns the previous one.

    Called once at startup (``app.build_context``, used by the app and the worker) with the
    calendar loaded from ``settings.calendar_file``.
    """
    global _active
    previous, _active = _active, calendar
    return previous


def active_calendar() -> WorkCalendar:
    return _current()


# The years the window enters in the web UI live in a file beside the data (shared by every
# process of the scaled mode, like the blobs); each process reloads it when it changes.
_files: tuple | None = None  # (base path, entered path, last mtime seen, last check)
RELOAD_CHECK_S = 1.0


def use_calendar_files(base, entered) -> WorkCalendar:
    """Install the calendar of the authority's file plus the UI-entered years, and keep it
    fresh: a change of the entered file (another process saved a year) is picked up within
    ``RELOAD_CHECK_S``. Returns the previous calendar."""
    global _files
    from .workcalendar import load_calendars

    previous = use_calendar(load_calendars(base, entered))
    _files = (base, entered, _mtime(entered), _clock.monotonic())
    return previous


def _mtime(path) -> float | None:
    try:
        return os.stat(path).st_mtime_ns if path else None
    except OSError:
        return None


def _current() -> WorkCalendar:
    global _files
    if _files is None:
        return _active
    base, entered, seen, checked = _files
    now = _clock.monotonic()
    if now - checked < RELOAD_CHECK_S:
        return _active
    mtime = _mtime(entered)
    _files = (base, entered, mtime, now)
    if mtime != seen:
        from .workcalendar import load_calendars

        try:
            use_calendar(load_calendars(base, entered))
        except DrawReviewError:  # a broken file written by hand: keep the calendar we have
            _files = (base, entered, seen, now)
    return _active


def reload_calendar() -> WorkCalendar:
    """Reload at once (after this process saved a year)."""
    global _files
    if _files is not None:
        _files = (_files[0], _files[1], None, 0.0)
    return _current()


def calendar_range(*, calendar: WorkCalendar | None = None) -> tuple[int, int]:
    """(first_year, last_year) known without a gap, e.g. (2004, 2026): chinese_calendar's
    years, extended by the calendar file's adjacent years (2027 once the authority enters it)."""
    return (calendar or _current()).span()


def _range_messages(d: date, cal: WorkCalendar) -> tuple[str, str]:
    years = cal.describe_years()
    zh = (f"日期 {d.isoformat()} 超出节假日日历已知范围（{years} 年），"
          f"仅按周末计算工作日，未计入法定节假日和调休；请在节假日日历文件中录入该年安排，或升级 chinesecalendar。")
    en = (f"Date {d.isoformat()} is outside the holiday calendar's known years ({years}); "
          f"working days are counted by weekends only, without public holidays or adjusted "
          f"working days; enter that year's arrangement in the holiday calendar file, or upgrade chinesecalendar.")
    return zh, en


def _out_of_range(day: date, cal: WorkCalendar) -> CalendarOutOfRange:
    zh, en = _range_messages(day, cal)
    return CalendarOutOfRange(zh, en, details={"date": day.isoformat(), "range": cal.span()})


def calendar_covers(*moments: Moment, calendar: WorkCalendar | None = None) -> bool:
    """True when every given date lies inside the calendar's known years (exact results)."""
    cal = calendar or _current()
    return all(cal.covers(_day(m).year) for m in moments)


def is_workday(d: Moment, *, strict: bool = False, calendar: WorkCalendar | None = None) -> bool:
    """Is this a working day in mainland China (including adjusted working weekends)?

    Outside the known years: weekends-only fallback plus a :class:`CalendarRangeWarning`
    (or :class:`CalendarOutOfRange` when ``strict``).
    """
    cal = calendar or _current()
    day = _day(d)
    known = cal.lookup(day)
    if known is not None:
        return known
    if strict:
        raise _out_of_range(day, cal)
    zh, en = _range_messages(day, cal)
    warnings.warn(CalendarRangeWarning(f"{zh} / {en}"), stacklevel=2)
    return day.weekday() < 5


def _day(m: Moment) -> date:
    """The Beijing calendar day of a date or datetime."""
    if isinstance(m, datetime):
        if m.tzinfo is not None:
            m = m.astimezone(BEIJING)
        return m.date()
    return m


def to_local(m: Moment) -> datetime:
    """A naive Beijing-local datetime (dates mean midnight) for comparisons."""
    if isinstance(m, datetime):
        return m.astimezone(BEIJING).replace(tzinfo=None) if m.tzinfo else m
    return datetime.combine(m, time.min)


def _windows(pauses: Iterable[Pause] | None, *, open_ended: bool) -> list[tuple[date, date | None]]:
    """Non-counted day windows (from_day, to_day]; None = open. Open pauses dropped unless asked."""
    out: list[tuple[date, date | None]] = []
    for start, end in pauses or ():
        if end is None:
            if open_ended:
                out.append((_day(start), None))
            continue
        if to_local(end) < to_local(start):
            raise ValueError(f"pause ends before it starts: {start!r} > {end!r}")
        out.append((_day(start), _day(end)))
    return out


def _paused(day: date, windows: Sequence[tuple[date, date | None]]) -> bool:
    return any(lo < day and (hi is None or day <= hi) for lo, hi in windows)


def _counted(day: date, windows: Sequence[tuple[date, date | None]], strict: bool, cal: WorkCalendar) -> bool:
    return not _paused(day, windows) and _is_workday_quiet(day, strict, cal)


def _is_workday_quiet(day: date, strict: bool, cal: WorkCalendar) -> bool:
    # one warning per call of a public function is enough; see _warn_outside
    known = cal.lookup(day)
    if known is not None:
        return known
    if strict:
        raise _out_of_range(day, cal)
    return day.weekday() < 5


def _warn_outside(first: date, last: date, cal: WorkCalendar) -> None:
    # every year from first to last: a gap between chinese_calendar's years and the file's counts
    for year in range(first.year, last.year + 1):
        if not cal.covers(year):
            d = first if first.year == year else (last if last.year == year else date(year, 1, 1))
            zh, en = _range_messages(d, cal)
            warnings.warn(CalendarRangeWarning(f"{zh} / {en}"), stacklevel=3)
            return


def add_workdays(start: Moment, n: int, pauses: Iterable[Pause] | None = None,
                 *, strict: bool = False, calendar: WorkCalendar | None = None) -> datetime:
    """Due moment: end of the n-th counted working day after ``start``'s day.

    ``start`` is the acceptance (or resubmission) moment; its day does not count. Closed
    pauses push the due date back; open pauses are ignored (see module docs). ``n == 0`` means
    the end of the start day. Aware ``start`` gives an aware due date in UTC+8.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    cal = calendar or _current()
    windows = _windows(pauses, open_ended=False)
    day = _day(start)
    first = day
    count = 0
    while count < n:
        day += timedelta(days=1)
        if _counted(day, windows, strict, cal):
            count += 1
    if not strict:
        _warn_outside(first, day, cal)
    due = datetime.combine(day, time.max)
    if isinstance(start, datetime) and start.tzinfo is not None:
        due = due.replace(tzinfo=BEIJING)
    return due


def workdays_between(a: Moment, b: Moment, pauses: Iterable[Pause] | None = None,
                     *, strict: bool = False, calendar: WorkCalendar | None = None) -> int:
    """Counted working days in ``(a.date(), b.date()]``, leaving out paused days.

    The elapsed review time when ``a`` is the acceptance moment and ``b`` is now (today counts
    once begun). Revision time (pauses, open ones included) does not count. 0 if ``b <= a``.
    """
    lo, hi = _day(a), _day(b)
    if hi <= lo:
        return 0
    cal = calendar or _current()
    windows = _windows(pauses, open_ended=True)
    if not strict:
        _warn_outside(lo, hi, cal)
    total = 0
    day = lo
    while day < hi:
        day += timedelta(days=1)
        if _counted(day, windows, strict, cal):
            total += 1
    return total


def clock_stopped_at(now: Moment, pauses: Iterable[Pause] | None = None) -> datetime | None:
    """Where the clock stands if ``now`` falls inside a pause (its start), else None."""
    local_now = to_local(now)
    for start, end in pauses or ():
        if to_local(start) <= local_now and (end is None or local_now < to_local(end)):
            return to_local(start)
    return None


def remaining_workdays(due: Moment, now: Moment, pauses: Iterable[Pause] | None = None,
                       *, strict: bool = False, calendar: WorkCalendar | None = None) -> int:
    """Counted working days left after today until ``due`` (0 = due today).

    ``due`` is what :func:`add_workdays` gave with the closed pauses. During a pause the clock
    is frozen at the pause's start. Once overdue (``now > due``) the result is negative:
    ``-k`` where k is the number of counted working days late, at least 1.
    """
    pauses = list(pauses or ())
    closed = [p for p in pauses if p[1] is not None]
    stopped = clock_stopped_at(now, pauses)
    clock = stopped if stopped is not None else to_local(now)
    if clock > to_local(due):
        return -max(1, workdays_between(due, clock, closed, strict=strict, calendar=calendar))
    return workdays_between(clock, due, closed, strict=strict, calendar=calendar)


def is_overdue(due: Moment, now: Moment, pauses: Iterable[Pause] | None = None) -> bool:
    """``now`` (frozen at a pause start while paused) is past ``due``."""
    stopped = clock_stopped_at(now, pauses)
    clock = stopped if stopped is not None else to_local(now)
    return clock > to_local(due)
