"""Polish business days: Art. 115 KC deadlines and business-day offsets.

Art. 115 KC: a deadline that falls on a day off by statute (Sundays and public holidays) or on a
Saturday ends on the next day that is none of these.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("PL", years=year))


@lru_cache(maxsize=8192)
def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


@lru_cache(maxsize=8192)
def next_business_day(day: dt.date) -> dt.date:
    """``day`` itself when it is a business day, else the next one."""
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def effective_due(due: dt.date) -> dt.date:
    """The last day a payment is on time under Art. 115 KC."""
    return next_business_day(due)


def add_business_days(day: dt.date, count: int) -> dt.date:
    """Move ``count`` business days (negative: backwards); 0 rolls a day off forward."""
    if count == 0:
        return next_business_day(day)
    step = dt.timedelta(days=1 if count > 0 else -1)
    left = abs(count)
    while left:
        day += step
        if is_business_day(day):
            left -= 1
    return day


def add_days(day: dt.date, count: int, *, business: bool) -> dt.date:
    return add_business_days(day, count) if business else day + dt.timedelta(days=count)
