"""The day-counting convention (docs/day-counting.md), checked on dates anyone can verify on a calendar."""

from datetime import date

import pytest

from ppcompliance.dates import add_days, add_days_pausing, days_between, human, is_working_day, subtract_days


@pytest.mark.parametrize(
    "start, n, due",
    [
        (date(2024, 1, 5), 5, date(2024, 1, 12)),  # Friday + 5 working days = next Friday
        (date(2024, 1, 6), 1, date(2024, 1, 8)),  # from a Saturday, day 1 is Monday
        (date(2023, 12, 22), 5, date(2024, 1, 3)),  # Christmas, Boxing Day, New Year's Day skipped
        (date(2024, 3, 28), 1, date(2024, 4, 2)),  # Good Friday and Easter Monday 2024 skipped
        (date(2024, 1, 8), 0, date(2024, 1, 8)),  # day 0 is the trigger's day
        (date(2023, 5, 5), 1, date(2023, 5, 9)),  # the coronation bank holiday, Monday 8 May 2023
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(start, n, due):
    assert add_days(start, n, working=True) == due
    assert days_between(start, due, working=True) == n


def test_calendar_days_count_every_day():
    assert add_days(date(2024, 2, 28), 2, working=False) == date(2024, 3, 1)  # 2024 is a leap year
    assert days_between(date(2024, 1, 1), date(2024, 12, 31), working=False) == 365


def test_working_day_facts():
    assert not is_working_day(date(2024, 12, 25))
    assert not is_working_day(date(2024, 6, 29))  # Saturday
    assert is_working_day(date(2024, 6, 28))


def test_subtract_is_the_inverse_of_add():
    for n in range(0, 30):
        start = date(2024, 3, 20)
        assert subtract_days(add_days(start, n, working=True), n, working=True) <= start
        assert subtract_days(date(2024, 4, 1), n, working=False) == date(2024, 4, 1).fromordinal(
            date(2024, 4, 1).toordinal() - n
        )


def test_pausing_moves_the_due_date_by_the_paused_days():
    paused = [(date(2024, 1, 10), date(2024, 1, 14))]  # five days in custody
    assert add_days_pausing(date(2024, 1, 8), 10, working=False, paused=paused) == date(2024, 1, 23)
    assert add_days_pausing(date(2024, 1, 8), 10, working=False, paused=[]) == date(2024, 1, 18)


def test_far_dates_fall_back_to_weekends_only():
    assert add_days(date(2099, 1, 2), 1, working=True) == date(2099, 1, 5)  # Friday -> Monday


def test_human_dates():
    assert human(date(2024, 1, 23)) == "Tue 23 Jan 2024"
