"""Backup rotation (7 daily, 4 weekly, 12 monthly) on a calendar of dates."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.backups import Rotation, backup_due, backup_stale, backups_to_keep


def at(day: dt.date, hour: int = 2) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def test_a_year_of_daily_backups_keeps_7_days_4_weeks_12_months() -> None:
    today = dt.date(2026, 12, 1)  # a Tuesday
    taken = [at(today - dt.timedelta(days=n)) for n in range(400)]
    kept = sorted(backups_to_keep(taken), reverse=True)
    days = [m.date() for m in kept]
    # the last 7 days
    assert days[:7] == [today - dt.timedelta(days=n) for n in range(7)]
    # weeks: this week's newest (today) plus the Sundays ending the 3 previous ISO weeks
    sundays = [dt.date(2026, 11, 29), dt.date(2026, 11, 22), dt.date(2026, 11, 15)]
    assert set(sundays) <= set(days)
    # months: today for December and the last day of each of the 11 months before
    month_ends = [dt.date(2026, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 12)]
    assert set(month_ends) <= set(days)
    assert dt.date(2025, 12, 31) not in days  # the 13th month back is gone
    assert len(kept) == len(set(days[:7]) | set(sundays) | set(month_ends))


def test_several_backups_a_day_keep_the_newest_of_each_day() -> None:
    day = dt.date(2026, 11, 30)
    taken = [at(day, 1), at(day, 9), at(day, 17), at(day - dt.timedelta(days=1), 23)]
    assert backups_to_keep(taken) == {at(day, 17), at(day - dt.timedelta(days=1), 23)}


def test_days_without_backups_do_not_count_towards_the_seven() -> None:
    # a PC switched off for weeks: the last 7 backups are still 7 different days
    taken = [at(dt.date(2026, 11, 30)), *(at(dt.date(2026, 10, d)) for d in range(1, 20))]
    kept = backups_to_keep(taken, Rotation(daily=7, weekly=0, monthly=0))
    assert sorted(m.date().day for m in kept) == [14, 15, 16, 17, 18, 19, 30]


def test_nothing_to_keep_from_nothing() -> None:
    assert backups_to_keep([]) == set()


@given(st.lists(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1)), max_size=60))
def test_kept_are_a_subset_within_the_budget_and_include_the_newest(
    taken: list[dt.datetime],
) -> None:
    kept = backups_to_keep(taken)
    assert kept <= set(taken)
    assert len(kept) <= 7 + 4 + 12
    if taken:
        assert max(taken) in kept
        assert backups_to_keep(kept) == kept  # rotating again removes nothing more


def test_one_backup_per_day_is_due_and_two_days_without_one_is_stale() -> None:
    now = dt.datetime(2026, 12, 1, 9, 0)
    assert backup_due(None, now)
    assert backup_due(dt.datetime(2026, 11, 30, 23, 59), now)
    assert not backup_due(dt.datetime(2026, 12, 1, 0, 1), now)
    assert backup_stale(None, now)
    assert not backup_stale(dt.datetime(2026, 11, 29, 9, 0), now)
    assert backup_stale(dt.datetime(2026, 11, 29, 8, 59), now)
