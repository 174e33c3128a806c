"""Counting days, the one way used everywhere (docs/day-counting.md).

* Day 0 is the day of the trigger event. "Within N days" means on or before day N: the due date is inclusive.
* Calendar days count every day. Working days skip Saturdays, Sundays and England & Wales bank holidays;
  the trigger day is day 0 whether or not it is a working day, so "within 5 working days" of a Friday sentence
  is due on the following Friday.
* When a rule pauses its clock in custody, days spent in custody do not count towards N.
"""

from __future__ import annotations

import bisect
import datetime as _dt
from functools import lru_cache

import holidays as _holidays

Date = _dt.date
ONE_DAY = _dt.timedelta(days=1)

# Bank holidays are known to the holidays package for any year; we tabulate a range wide enough for any
# supervision (orders start after 1990; licences rarely run past 2080) and fall back to weekends outside it.
_FIRST_YEAR, _LAST_YEAR = 1990, 2080


@lru_cache(maxsize=1)
def _bank_holidays() -> frozenset[Date]:
    table = _holidays.country_holidays("GB", subdiv="ENG", years=range(_FIRST_YEAR, _LAST_YEAR + 1))
    return frozenset(table.keys())


@lru_cache(maxsize=1)
def _working_day_table() -> tuple[int, list[int]]:
    """Ordinals of every working day in the tabulated range, for O(log n) working-day arithmetic."""
    start = Date(_FIRST_YEAR, 1, 1).toordinal()
    end = Date(_LAST_YEAR, 12, 31).toordinal()
    banks = {d.toordinal() for d in _bank_holidays()}
    ordinals = [o for o in range(start, end + 1) if (o - 1) % 7 < 5 and o not in banks]
    # date.toordinal() is 1 for Monday 1 Jan 0001, so (ordinal - 1) % 7 is the weekday, Monday = 0.
    return start, ordinals


def is_working_day(day: Date) -> bool:
    """True for Monday to Friday, except England & Wales bank holidays."""
    return day.weekday() < 5 and day not in _bank_holidays()


def bank_holiday_name(day: Date) -> str | None:
    """The name of the bank holiday on ``day``, if it is one."""
    if day not in _bank_holidays():
        return None
    return _holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day)


def add_days(start: Date, days: int, *, working: bool) -> Date:
    """The date ``days`` calendar or working days after ``start`` (day 0)."""
    if not working:
        return start + _dt.timedelta(days=days)
    first, table = _working_day_table()
    o = start.toordinal()
    if days == 0:
        return start
    if not (table[0] <= o <= table[-1]):
        return _add_working_days_slowly(start, days)
    # The number of working days on or before ``start``; the Nth working day after it is index (i + N - 1).
    i = bisect.bisect_right(table, o)
    j = i + days - 1
    if j >= len(table):
        return _add_working_days_slowly(start, days)
    return Date.fromordinal(table[j])


def subtract_days(end: Date, days: int, *, working: bool) -> Date:
    """The date ``days`` calendar or working days before ``end`` (the inverse of :func:`add_days`)."""
    if not working:
        return end - _dt.timedelta(days=days)
    day, left = end, days
    while left > 0:
        day -= ONE_DAY
        if is_working_day(day):
            left -= 1
    return day


def _add_working_days_slowly(start: Date, days: int) -> Date:
    day, left = start, days
    while left > 0:
        day += ONE_DAY
        if is_working_day(day):
            left -= 1
    return day


def days_between(earlier: Date, later: Date, *, working: bool) -> int:
    """How many calendar or working days ``later`` is after ``earlier`` (0 on the same day; negative if before).

    Working days count the working days in (earlier, later], so ``days_between(d, add_days(d, n)) == n``.
    """
    if not working:
        return (later - earlier).days
    if later < earlier:
        return -days_between(later, earlier, working=True)
    first, table = _working_day_table()
    a, b = earlier.toordinal(), later.toordinal()
    if table[0] <= a and b <= table[-1]:
        return bisect.bisect_right(table, b) - bisect.bisect_right(table, a)
    count, day = 0, earlier
    while day < later:
        day += ONE_DAY
        count += is_working_day(day)
    return count


def add_days_pausing(start: Date, days: int, *, working: bool, paused: "list[tuple[Date, Date]]") -> Date:
    """Like :func:`add_days`, but days inside the ``paused`` periods (inclusive, sorted) do not count.

    Used for clocks that stop while the person is in custody. Day 0 is still ``start``.
    """
    if not paused:
        return add_days(start, days, working=working)
    day, left = start, days
    while left > 0:
        day += ONE_DAY
        if any(a <= day <= b for a, b in paused):
            continue
        if not working or is_working_day(day):
            left -= 1
    return day


def parse_date(text: str) -> Date:
    """Parse an ISO ``YYYY-MM-DD`` date; raises ValueError on anything else."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    return Date.fromisoformat(text)


@lru_cache(maxsize=8192)
def human(day: Date) -> str:
    """A date as a practitioner reads it: ``Tue 23 Jan 2024``."""
    return f"{day:%a} {day.day} {day:%b %Y}"
