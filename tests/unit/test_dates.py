"""The range of days Inkaso accepts: wide enough for any real debt, narrow enough that date
arithmetic (terms, scenario offsets, the dry-run calendar) never leaves Python's calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.domain.dates import FIRST_DAY, LAST_DAY, check_date
from desktop_app.errors import ValidationError


def test_ordinary_days_pass() -> None:
    for day in (FIRST_DAY, dt.date(2026, 3, 16), LAST_DAY):
        assert check_date(day, "due") == day


@pytest.mark.parametrize("day", [dt.date.min, dt.date(1, 1, 1), dt.date.max, dt.date(9999, 12, 31)])
def test_the_ends_of_the_calendar_are_refused_with_the_field_named(day: dt.date) -> None:
    with pytest.raises(ValidationError, match="--as-of") as caught:
        check_date(day, "--as-of")
    assert caught.value.field == "--as-of"


def test_the_range_leaves_room_for_date_arithmetic() -> None:
    ten_years = dt.timedelta(days=3660)
    assert dt.date.min + ten_years < FIRST_DAY
    assert LAST_DAY + ten_years * 10 < dt.date.max
