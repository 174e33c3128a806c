"""Counting days, the one way used everywhere (docs/day-counting.md).

* Day 0 is the day of the trigger event. "Within N days" means on or before day N: the due date is inclusive.
* Calendar days count every day. Working days skip Saturdays, Sundays and England & Wales bank holidays;
  the trigger day is day 0 whether or not it is a working day, so "within 5 working days" of a Friday sentence
  is due on the following Friday.
* When a rule pauses its clock in custody, days spent in custody do not count towards N.

The engine counts in *day numbers* (``date.toordinal()``: plain integers, cheap to add and compare); the
functions taking ``date`` objects are the same arithmetic for everyone else. Working days are looked up in a
table of every working day from 1990 to 2080, built once on first use, so that adding or counting N working
days is two list lookups rather than a walk.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as _dt
from functools import lru_cache
from typing import Sequence

Date = _dt.date
Day = int  # a day number: date.toordinal()
ONE_DAY = _dt.timedelta(days=1)

# Bank holidays are known to the holidays package for any year; the table covers a range wide enough for any
# supervision (orders start after 1990; licences rarely run past 2080) and falls back to a walk outside it.
_FIRST_YEAR, _LAST_YEAR = 1990, 2080


@lru_cache(maxsize=1)
def bank_holidays() -> frozenset[Date]:
    """England & Wales bank holidays in the tabulated years (from the ``holidays`` package, GB / ENG).

    The list is kept in the cache by the package's version (``_cache``): asking the package costs ~70 ms.
    """
    from importlib.metadata import PackageNotFoundError, version

    from . import _cache

    try:
        name = f"bank-holidays-GB-ENG-{version('holidays')}-{_FIRST_YEAR}-{_LAST_YEAR}.json"
    except PackageNotFoundError:
        name = ""
    cached = _cache.read(name) if name else None
    if isinstance(cached, list):
        try:
            return frozenset(Date.fromisoformat(day) for day in cached)
        except (TypeError, ValueError):
            pass
    import holidays

    table = holidays.country_holidays("GB", subdiv="ENG", years=range(_FIRST_YEAR, _LAST_YEAR + 1))
    found = frozenset(table.keys())
    if name:
        _cache.write(name, sorted(day.isoformat() for day in found))
    return found


class _WorkingDays:
    """Every working day in the tabulated range, as day numbers, and for each day how many came before.

    ``upto[d - first]`` is the number of working days on or before day ``d``; ``days[k]`` is the (k+1)th
    working day. So the Nth working day after ``d`` is ``days[upto[d - first] + N - 1]``.
    """

    def __init__(self) -> None:
        self.first = Date(_FIRST_YEAR, 1, 1).toordinal()
        self.last = Date(_LAST_YEAR, 12, 31).toordinal()
        banks = {d.toordinal() for d in bank_holidays()}
        # date.toordinal() is 1 for Monday 1 Jan 0001, so (ordinal - 1) % 7 is the weekday, Monday = 0.
        self.days = [o for o in range(self.first, self.last + 1) if (o - 1) % 7 < 5 and o not in banks]
        upto, count, i = [], 0, 0
        for o in range(self.first, self.last + 1):
            if i < len(self.days) and self.days[i] == o:
                count += 1
                i += 1
            upto.append(count)
        self.upto = upto
        self.banks = frozenset(banks)


@lru_cache(maxsize=1)
def _table() -> _WorkingDays:
    return _WorkingDays()


def is_working(day: Day) -> bool:
    """Whether a day number is a working day."""
    t = _table()
    if t.first <= day <= t.last:
        return t.upto[day - t.first] != (t.upto[day - t.first - 1] if day > t.first else 0)
    return (day - 1) % 7 < 5


def add(day: Day, n: int, working: bool) -> Day:
    """Day N after ``day`` (day 0), in calendar or working days."""
    if not working or n == 0:
        return day + n
    t = _table()
    if t.first <= day <= t.last:
        j = t.upto[day - t.first] + n - 1
        if j < len(t.days):
            return t.days[j]
    return _walk(day, n, 1)


def sub(day: Day, n: int, working: bool) -> Day:
    """Day N before ``day`` (the inverse of :func:`add`): a look-back's first day."""
    if not working or n == 0:
        return day - n
    t = _table()
    if t.first < day <= t.last:
        j = t.upto[day - 1 - t.first] - n
        if j >= 0:
            return t.days[j]
    return _walk(day, n, -1)


def between(earlier: Day, later: Day, working: bool) -> int:
    """How many calendar or working days ``later`` is after ``earlier`` (0 on the same day; negative if before).

    Working days count the working days in (earlier, later], so ``between(d, add(d, n)) == n``.
    """
    if not working:
        return later - earlier
    if later < earlier:
        return -between(later, earlier, True)
    t = _table()
    if t.first <= earlier and later <= t.last:
        return t.upto[later - t.first] - t.upto[earlier - t.first]
    return sum(1 for d in range(earlier + 1, later + 1) if is_working(d))


def add_pausing(day: Day, n: int, working: bool, paused: Sequence[tuple[Day, Day]]) -> Day:
    """Like :func:`add`, but days inside the ``paused`` periods (inclusive, sorted) do not count.

    Used for clocks that stop while the person is in custody. Day 0 is still ``day``.
    """
    if not paused:
        return add(day, n, working)
    left = n
    while left > 0:
        day += 1
        if any(a <= day <= b for a, b in paused):
            continue
        if not working or is_working(day):
            left -= 1
    return day


def add_months(day: Day, n: int) -> Day:
    """The same day of the month ``n`` calendar months later (earlier for negative ``n``); where that month is
    shorter, its last day: 31 Jan + 1 month is 29 Feb in a leap year, 28 Feb otherwise (docs/day-counting.md)."""
    d = Date.fromordinal(day)
    index = d.year * 12 + d.month - 1 + n
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return Date(year, month + 1, min(d.day, last)).toordinal()


def next_working(day: Day) -> Day:
    """The day itself if it is a working day, otherwise the next working day."""
    while not is_working(day):
        day += 1
    return day


def _walk(day: Day, n: int, step: int) -> Day:
    left = n
    while left > 0:
        day += step
        if is_working(day):
            left -= 1
    return day


# --- the same arithmetic on dates -----------------------------------------------------------------------------


def is_working_day(day: Date) -> bool:
    """True for Monday to Friday, except England & Wales bank holidays."""
    return day.weekday() < 5 and day not in bank_holidays()


def bank_holiday_name(day: Date) -> str | None:
    """The name of the bank holiday on ``day``, if it is one."""
    if day not in bank_holidays():
        return None
    import holidays

    return holidays.country_holidays("GB", subdiv="ENG", years=day.year).get(day)


def add_days(start: Date, days: int, *, working: bool) -> Date:
    """The date ``days`` calendar or working days after ``start`` (day 0)."""
    return Date.fromordinal(add(start.toordinal(), days, working))


def subtract_days(end: Date, days: int, *, working: bool) -> Date:
    """The date ``days`` calendar or working days before ``end`` (the inverse of :func:`add_days`)."""
    return Date.fromordinal(sub(end.toordinal(), days, working))


def days_between(earlier: Date, later: Date, *, working: bool) -> int:
    """How many calendar or working days ``later`` is after ``earlier`` (0 on the same day; negative if before)."""
    return between(earlier.toordinal(), later.toordinal(), working)


def add_days_pausing(start: Date, days: int, *, working: bool, paused: Sequence[tuple[Date, Date]]) -> Date:
    """Like :func:`add_days`, but days inside the ``paused`` periods (inclusive, sorted) do not count."""
    spans = [(a.toordinal(), b.toordinal()) for a, b in paused]
    return Date.fromordinal(add_pausing(start.toordinal(), days, working, spans))


def parse_date(text: str) -> Date:
    """Parse an ISO ``YYYY-MM-DD`` date; raises ValueError on anything else."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(f"not a YYYY-MM-DD date: {text!r}")
    return Date.fromisoformat(text)


@lru_cache(maxsize=8192)
def human(day: Date) -> str:
    """A date as a practitioner reads it: ``Tue 23 Jan 2024``."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def first_on_or_after(days: Sequence[Day], day: Day) -> int:
    """The index of the first of the sorted ``days`` on or after ``day``."""
    return bisect.bisect_left(days, day)
